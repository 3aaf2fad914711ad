"""Topic ranking for the "did you mean…?" step."""

from typing import Any, Dict, List, Tuple

import pytest

from actions.suggestions import button_for, likeliest_topics, suggested_topics
from actions.topics import TOPIC_QUESTIONS


def parse_data(
    intents: List[Dict[str, Any]], topics: List[Dict[str, Any]]
) -> Dict[str, Any]:
    """Parse data shaped as Rasa's NLU pipeline returns it."""
    return {
        "intent": intents[0],
        "intent_ranking": intents,
        "response_selector": {"default": {"ranking": topics}},
    }


def test_retrieval_confidence_is_shared_among_sub_topics() -> None:
    data = parse_data(
        [
            {"name": "nlu_fallback", "confidence": 0.55},
            {"name": "faq", "confidence": 0.5},
            {"name": "request_appointment", "confidence": 0.3},
            {"name": "not_covered", "confidence": 0.2},
        ],
        [
            {"intent_response_key": "faq/duration", "confidence": 0.6},
            {"intent_response_key": "faq/walking", "confidence": 0.2},
            {"intent_response_key": "not_covered/cost", "confidence": 0.2},
        ],
    )

    # faq/duration: 0.5 * 0.6 / 0.8 = 0.375; request_appointment: 0.3;
    # faq/walking: 0.125; not_covered/cost: 0.2 (its only sub-topic).
    assert likeliest_topics(data) == ["faq/duration", "request_appointment"]


def test_chitchat_and_fallback_are_never_suggested() -> None:
    data = parse_data(
        [
            {"name": "nlu_fallback", "confidence": 0.6},
            {"name": "greet", "confidence": 0.4},
            {"name": "out_of_scope", "confidence": 0.3},
            {"name": "not_covered", "confidence": 0.1},
        ],
        [{"intent_response_key": "not_covered/hours", "confidence": 0.9}],
    )

    assert likeliest_topics(data) == ["not_covered/hours"]


def test_nothing_to_suggest_without_rankings() -> None:
    assert likeliest_topics({"intent_ranking": []}) == []


def test_topic_button_sends_its_question_as_text() -> None:
    assert button_for("faq/stitches") == {
        "title": TOPIC_QUESTIONS["faq/stitches"],
        "payload": TOPIC_QUESTIONS["faq/stitches"],
    }


def test_intent_button_sends_the_intent() -> None:
    assert button_for("request_appointment")["payload"] == "/request_appointment"


@pytest.mark.parametrize(
    ("text", "scored", "expected"),
    [
        pytest.param(
            "tube and balloon",
            [
                ("faq/balloon", 0.45),
                ("not_covered/procedure_details", 0.24),
                ("faq/incision_tube", 0.18),
            ],
            ["faq/balloon", "faq/incision_tube"],
            id="two-named-steps-are-offered-over-a-likelier-second-topic",
        ),
        pytest.param(
            "when can I walk after the balloon and cement part",
            [("faq/walking", 0.4), ("faq/balloon", 0.3), ("faq/cement", 0.2)],
            ["faq/walking", "faq/balloon"],
            id="named-steps-behind-a-likelier-topic-are-not-preferred",
        ),
        pytest.param(
            "the cement one",
            [("faq/cement", 0.45), ("faq/balloon", 0.1), ("faq/walking", 0.1)],
            [],
            id="one-named-step-without-a-plausible-second-offers-nothing",
        ),
        pytest.param(
            "exactly how wide is the cut",
            [("faq/incision_tube", 0.5), ("not_covered/procedure_details", 0.45)],
            [],
            id="a-page-topic-beside-a-subject-beyond-the-page-offers-nothing",
        ),
    ],
)
def test_suggested_topics(
    text: str, scored: List[Tuple[str, float]], expected: List[str]
) -> None:
    assert suggested_topics(text, scored) == expected
