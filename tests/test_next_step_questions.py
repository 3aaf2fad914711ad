"""NextStepQuestions: "what comes after the balloon?" asks for the next step."""

from typing import Any, Dict

import pytest
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.next_step_questions import (
    NextStepQuestions,
    asks_what_follows,
)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("and after the x-rays?", True),
        ("ok so once they've numbed me, what do they do", True),
        ("what comes after the tube goes in", True),
        ("what happens next with the balloon", True),
        ("then what, is the balloon left inside?", True),
        ("How long after the procedure can I walk?", False),
        ("is the balloon taken out afterwards", False),
        ("do they numb me before the cut?", False),
        (
            "After a slip in the garden last month they found a crushed vertebra, "
            "so what is the balloon for?",
            False,
        ),
    ],
)
def test_words_that_ask_what_follows(text: str, asks: bool) -> None:
    assert asks_what_follows(text) is asks


def parsed(text: str, intent: str, topic: str, confidence: float) -> Message:
    """A message as the classifiers and the topic fallback leave it."""
    data: Dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [
            {"name": intent, "confidence": 0.9},
            {"name": "follow_up_next", "confidence": 0.05},
        ],
        "response_selector": {
            "all_retrieval_intents": ["faq", "not_covered"],
            "default": {
                "response": {"intent_response_key": topic, "confidence": confidence}
            },
        },
    }
    return Message(data=data)


def test_a_page_question_on_what_follows_a_step_becomes_a_next_step_follow_up() -> None:
    message = parsed("and once the tube is in?", "faq", "faq/incision_tube", 0.8)

    NextStepQuestions({}).process([message])

    assert message.get("intent") == {"name": "follow_up_next", "confidence": 0.9}
    names = [entry["name"] for entry in message.get("intent_ranking")]
    assert names == ["follow_up_next", "faq"]


@pytest.mark.parametrize(
    ("text", "intent", "topic", "confidence"),
    [
        # The words do not ask what follows.
        ("is the tube big?", "faq", "faq/incision_tube", 0.8),
        # The last step: what follows it is the recovery, asked in other words.
        ("and after the cement?", "faq", "faq/cement", 0.8),
        # Not a step of the procedure.
        ("after the procedure can I walk?", "faq", "faq/walking", 0.9),
        # The selector is unsure which step is named.
        ("and after the tube?", "faq", "faq/incision_tube", 0.4),
        # Only a page question is read again.
        ("after the balloon, what does it cost?", "not_covered", "faq/balloon", 0.7),
    ],
)
def test_other_messages_are_left_alone(
    text: str, intent: str, topic: str, confidence: float
) -> None:
    message = parsed(text, intent, topic, confidence)

    NextStepQuestions({}).process([message])

    assert message.get("intent")["name"] == intent
