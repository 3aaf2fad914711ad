"""SafetyOverride has the final word on red-flag and wordless messages."""

from typing import Any, Dict, List

from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.components import MarkupStripper, SafetyOverride, forced_intent


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
