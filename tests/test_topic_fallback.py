"""TopicFallback: an answer whose topic the ResponseSelector doubts is not given."""

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import yaml
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.topic_fallback import TopicFallback, topic_confidence
from tests.support.servers import trained_model

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[1]


def selected(intent: str, topic: Optional[str], confidence: float) -> Message:
    """A message as DIET, the ResponseSelector and the FallbackClassifier leave it."""
    ranking: List[Dict[str, Any]] = [
        {"name": intent, "confidence": 0.98},
        {"name": "out_of_scope", "confidence": 0.01},
    ]
    data: Dict[str, Any] = {
        "text": "a question",
        "intent": {"name": intent, "confidence": 0.98},
        "intent_ranking": ranking,
    }
    if topic is not None:
        data["response_selector"] = {
            "all_retrieval_intents": ["faq", "not_covered"],
            "default": {
                "response": {
                    "intent_response_key": topic,
                    "confidence": confidence,
                }
            },
        }
    return Message(data=data)


def test_an_unsure_topic_becomes_the_fallback_intent() -> None:
    message = selected("faq", "faq/cement", 0.22)

    TopicFallback({"threshold": 0.4}).process([message])

    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.4}
    names = [entry["name"] for entry in message.get("intent_ranking")]
    assert names == ["nlu_fallback", "faq", "out_of_scope"]  # suggestions read these


def test_a_sure_topic_is_answered() -> None:
    message = selected("not_covered", "not_covered/cost", 0.9)

    TopicFallback({"threshold": 0.4}).process([message])

    assert message.get("intent") == {"name": "not_covered", "confidence": 0.98}


def test_out_of_scope_for_a_kyphoplasty_worded_message_is_doubted() -> None:
    message = selected("out_of_scope", None, 0.0)
    message.set("text", "will the balloon pop inside the vertebra")

    TopicFallback({"threshold": 0.5}).process([message])

    assert message.get("intent")["name"] == "nlu_fallback"


@pytest.mark.parametrize("intent", ["greet", "request_appointment", "nlu_fallback"])
def test_intents_without_topics_are_left_alone(intent: str) -> None:
    message = selected(intent, "faq/duration", 0.05)

    TopicFallback({"threshold": 0.4}).process([message])

    assert topic_confidence(message) is None
    assert message.get("intent")["name"] == intent


def test_a_message_without_a_selection_is_left_alone() -> None:
    message = selected("faq", None, 0.0)

    TopicFallback({"threshold": 0.4}).process([message])

    assert message.get("intent")["name"] == "faq"


def with_ranking(message: Message, ranking: List[Tuple[str, float]]) -> Message:
    """The selector's ranking over the topics of both retrieval intents."""
    message.get("response_selector")["default"]["ranking"] = [
        {"intent_response_key": key, "confidence": confidence}
        for key, confidence in ranking
    ]
    return message


def test_a_not_covered_message_gets_a_not_covered_topic_not_a_page_fact() -> None:
    message = with_ranking(
        selected("not_covered", "faq/timing_window", 0.6),
        [("faq/timing_window", 0.6), ("not_covered/insurance", 0.3)],
    )

    TopicFallback({"threshold": 0.5}).process([message])

    answer = message.get("response_selector")["not_covered"]["response"]
    assert answer["intent_response_key"] == "not_covered/insurance"
    assert answer["utter_action"] == "utter_not_covered/insurance"
    assert message.get("intent")["name"] == "not_covered"


@pytest.mark.parametrize(
    ("intent", "top"),
    [
        # The likeliest topic is already one the page does not cover.
        ("not_covered", "not_covered/cost"),
        # A page question keeps the selector's choice (a not-covered topic
        # there already gives the deferral).
        ("faq", "faq/duration"),
    ],
)
def test_a_topic_that_fits_the_intent_is_left_as_it_is(intent: str, top: str) -> None:
    message = with_ranking(
        selected(intent, top, 0.7), [(top, 0.7), ("not_covered/risks", 0.2)]
    )

    TopicFallback({"threshold": 0.5}).process([message])

    assert set(message.get("response_selector")) == {"all_retrieval_intents", "default"}


# Written for this test, not taken from the training data: questions a visitor
# of a spine clinic's page might ask that the page has no answer for.
UNRELATED = (
    "could you suggest a nice seafood restaurant downtown",
    "when is high tide at the beach today",
    "what's the exchange rate for the british pound",
    "my hamster stopped eating",
    "which paint is best for a bathroom ceiling",
    "can you fix an ingrown toenail",
    "I'm looking for a good optometrist",
    "what is 9 squared",
    "write a limerick about a cat",
    "what's the best way to learn french",
    "do you sell hearing aids",
    "my car battery is dead",
)
# Questions the page answers, written blind (tests/blind/, never trained on).
BLIND_SETS = sorted((ROOT / "tests" / "blind").glob("visitor_questions*.yml"))


def page_questions() -> List[str]:
    """Every blind visitor question whose accepted answers are all page facts."""
    return [
        question["text"]
        for path in BLIND_SETS
        for question in yaml.safe_load(path.read_text("utf-8"))["questions"]
        if question["accept"]
        and all(topic.startswith("faq/") for topic in question["accept"])
    ]


@pytest.fixture(scope="module")
def agent() -> Agent:
    return Agent.load(str(trained_model(ROOT)))


def outcome(agent: Agent, text: str) -> str:
    parsed = asyncio.run(agent.parse_message(text))
    return str(parsed["intent"]["name"])


def test_most_unrelated_questions_get_no_kyphoplasty_answer(agent: Agent) -> None:
    answered = [t for t in UNRELATED if outcome(agent, t) in ("faq", "not_covered")]

    assert len(answered) <= len(UNRELATED) // 4, answered


def test_questions_the_page_answers_are_still_answered(agent: Agent) -> None:
    questions = page_questions()
    answered = [text for text in questions if outcome(agent, text) == "faq"]

    # Measured 368 of 406 (90.6%) with the final data: the 0.5 threshold trades
    # some deferred page answers (the honest "not on the page") for fewer
    # answers on the wrong subject (config.yml, README).
    assert len(questions) >= 400
    assert len(answered) >= 0.85 * len(questions)
