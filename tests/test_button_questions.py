"""ButtonQuestions: a suggestion button's question is answered with its topic."""

from typing import Any, Dict

import pytest
from rasa.shared.nlu.training_data.message import Message

from actions.topics import TOPIC_QUESTIONS
from clinic_nlu.button_questions import ButtonQuestions


def unsure(text: str) -> Message:
    """A message the classifiers read as unsure between two topics."""
    data: Dict[str, Any] = {
        "text": text,
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "faq", "confidence": 0.97},
        ],
        "response_selector": {
            "all_retrieval_intents": ["faq", "not_covered"],
            "default": {
                "response": {"intent_response_key": "faq/what_is", "confidence": 0.49},
                "ranking": [
                    {"intent_response_key": "faq/what_is", "confidence": 0.49},
                    {"intent_response_key": "faq/balloon", "confidence": 0.43},
                ],
            },
        },
    }
    return Message(data=data)


@pytest.mark.parametrize("topic", ["faq/balloon", "not_covered/cost"])
def test_a_button_question_gets_its_topic(topic: str) -> None:
    message = unsure(TOPIC_QUESTIONS[topic])

    ButtonQuestions().process([message])

    intent = topic.split("/")[0]
    selection = message.get("response_selector")
    assert message.get("intent") == {"name": intent, "confidence": 1.0}
    for key in ("default", intent):
        assert selection[key]["response"]["intent_response_key"] == topic
        assert selection[key]["response"]["utter_action"] == f"utter_{topic}"
        assert selection[key]["ranking"][0]["intent_response_key"] == topic
    assert selection["all_retrieval_intents"] == ["faq", "not_covered"]


def test_case_and_spacing_do_not_matter() -> None:
    message = unsure("  " + TOPIC_QUESTIONS["faq/balloon"].upper().replace(" ", "  "))

    ButtonQuestions().process([message])

    assert (
        message.get("response_selector")["default"]["response"]["intent_response_key"]
        == "faq/balloon"
    )


def test_other_messages_are_left_to_the_classifiers() -> None:
    message = unsure("what is the balloon made of, rubber?")

    ButtonQuestions().process([message])

    assert message.get("intent")["name"] == "nlu_fallback"
    assert (
        message.get("response_selector")["default"]["response"]["intent_response_key"]
        == "faq/what_is"
    )
