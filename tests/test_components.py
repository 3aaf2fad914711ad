"""SafetyOverride has the final word on red-flag and wordless messages."""

from typing import Any, Dict, List

from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic_nlu.components import (
    PHONE_PLACEHOLDER,
    ContactDetailsExtractor,
    MarkupStripper,
    SafetyOverride,
    forced_intent,
)


def classified(text: str, intent: str, confidence: float) -> Message:
    """A message as the classifiers before SafetyOverride would leave it."""
    ranking: List[Dict[str, Any]] = [
        {"name": intent, "confidence": confidence},
        {"name": "emergency", "confidence": 0.01},
    ]
    return Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": ranking,
        }
    )


def test_red_flag_overrides_a_confident_faq_prediction() -> None:
    message = classified("I fell and now I cannot feel my legs", "faq", 0.97)

    SafetyOverride().process([message])

    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    names = [entry["name"] for entry in message.get("intent_ranking")]
    assert names == ["emergency", "faq"]
    assert [entity["entity"] for entity in message.get("entities")] == ["red_flag"]


def test_the_classifiers_emergency_alone_carries_no_red_flag() -> None:
    message = classified("(904) 555-0134", "emergency", 0.8)

    SafetyOverride().process([message])

    assert message.get("intent") == {"name": "emergency", "confidence": 0.8}
    assert not message.get("entities")


def test_red_flag_overrides_the_fallback() -> None:
    message = classified("chest pain and sweating", "nlu_fallback", 0.55)

    SafetyOverride().process([message])

    assert message.get("intent")["name"] == "emergency"


def test_emoji_only_message_becomes_out_of_scope() -> None:
    message = classified("🙂🙂🙂", "faq", 0.6)

    SafetyOverride().process([message])

    assert message.get("intent") == {"name": "out_of_scope", "confidence": 1.0}


def test_ordinary_question_is_left_alone() -> None:
    message = classified("how long is the hospital stay", "faq", 0.93)

    SafetyOverride().process([message])

    assert message.get("intent") == {"name": "faq", "confidence": 0.93}


def test_forced_intent_prefers_emergency_over_wordless() -> None:
    assert forced_intent("911") == "emergency"
    assert forced_intent("   ") == "out_of_scope"
    assert forced_intent("what is it") is None


def test_foreign_message_becomes_out_of_scope() -> None:
    message = classified("¿Cuánto cuesta la cifoplastia?", "faq", 0.9)

    SafetyOverride().process([message])

    assert message.get("intent")["name"] == "out_of_scope"


def test_markup_is_stripped_before_classification() -> None:
    message = Message(data={"text": "<p>how long does it <b>take</b>?</p>"})

    MarkupStripper().process([message])

    assert message.get("text") == "how long does it take ?"


def test_contact_details_become_entities_and_the_number_a_placeholder() -> None:
    text = "please get the office to phone 1 (305) 555-0177 ext 4, this is Ruth Ames"
    message = Message(data={"text": text})

    ContactDetailsExtractor().process([message])

    entities = {entity["entity"]: entity["value"] for entity in message.get("entities")}
    assert entities == {
        "phone_number": "1 (305) 555-0177 ext 4",
        "person_name": "Ruth Ames",
    }
    assert message.get("text") == (
        f"please get the office to phone {PHONE_PLACEHOLDER}, this is Ruth Ames"
    )


def test_training_examples_get_the_same_placeholder() -> None:
    example = Message(data={"text": "ring me at 212.555.0164", "intent": "x"})

    ContactDetailsExtractor().process_training_data(TrainingData([example]))

    assert example.get("text") == f"ring me at {PHONE_PLACEHOLDER}"


def test_a_message_without_contact_details_is_unchanged() -> None:
    message = Message(data={"text": "how long is the stay?"})

    ContactDetailsExtractor().process([message])

    assert message.get("text") == "how long is the stay?"
    assert message.get("entities") == []
