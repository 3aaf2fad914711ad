"""StoryQuestionCopies and StoryQuestionReadings: a story read from its questions."""

from typing import Any, Dict, List

import pytest
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.story_questions import (
    STORY_POSITION,
    StoryQuestionCopies,
    StoryQuestionReadings,
    questions_only,
)

STORY = (
    "Grandpa tripped over the dog in March and a scan showed a crushed vertebra. "
    "His surgeon brought up kyphoplasty. Will they keep him overnight?"
)


@pytest.mark.parametrize(
    ("text", "questions"),
    [
        (STORY, "Will they keep him overnight?"),
        (
            "She is 79 and lives alone. Is she too old? What about her heart?",
            "Is she too old? What about her heart?",
        ),
        ("will they keep him overnight?", ""),
        ("He fell in March. The scan showed a crushed vertebra.", ""),
        ("/affirm", ""),
        # A greeting or an apology is not a story.
        ("hi, will they keep him overnight?", ""),
        ("sorry to bother you, is it surgery?", ""),
        ("Hello! Is it surgery?", ""),
    ],
)
def test_questions_only_of_a_story(text: str, questions: str) -> None:
    assert questions_only(text) == questions


def test_copies_follow_the_batch_and_name_their_story() -> None:
    batch = [Message(data={"text": "hello there"}), Message(data={"text": STORY})]

    result = StoryQuestionCopies().process(batch)

    assert result[:2] == batch
    assert len(result) == 3
    assert result[2].get("text") == "Will they keep him overnight?"
    assert result[2].get(STORY_POSITION) == 1


def read(
    text: str,
    intent: str,
    topic: str,
    position: int = -1,
    topic_confidence: float = 0.8,
    intent_confidence: float = 0.9,
) -> Message:
    """A message as the classifiers and the fallbacks leave it."""
    data: Dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": intent_confidence},
        "intent_ranking": [{"name": intent, "confidence": intent_confidence}],
        "response_selector": {
            "all_retrieval_intents": ["faq", "not_covered"],
            "default": {
                "response": {
                    "intent_response_key": topic,
                    "confidence": topic_confidence,
                }
            },
        },
    }
    if position >= 0:
        data[STORY_POSITION] = position
    return Message(data=data)


def readings(
    story_intent: str, questions_intent: str, questions_sure_of_topic: float = 0.8
) -> List[Message]:
    story = read(STORY, story_intent, "faq/walking")
    questions = read(
        "Will they keep him overnight?",
        questions_intent,
        "faq/x",
        0,
        questions_sure_of_topic,
    )
    return StoryQuestionReadings({}).process([story, questions])


def test_an_unsure_story_takes_its_questions_sure_answer() -> None:
    (story,) = readings("nlu_fallback", "faq")

    assert story.get("text") == STORY
    assert story.get("intent")["name"] == "faq"
    topic = story.get("response_selector")["default"]["response"]
    assert topic["intent_response_key"] == "faq/x"
    assert "intent" in story.as_dict(only_output_properties=True)


def test_an_unsure_story_takes_its_questions_honest_deferral() -> None:
    (story,) = readings("nlu_fallback", "not_covered")

    assert story.get("intent")["name"] == "not_covered"


@pytest.mark.parametrize(
    ("story_intent", "questions_intent"),
    [
        ("faq", "not_covered"),
        ("not_covered", "faq"),
        ("nlu_fallback", "nlu_fallback"),
        ("nlu_fallback", "out_of_scope"),
        ("nlu_fallback", "request_appointment"),
    ],
)
def test_other_readings_stand(story_intent: str, questions_intent: str) -> None:
    (story,) = readings(story_intent, questions_intent)

    assert story.get("intent")["name"] == story_intent
    topic = story.get("response_selector")["default"]["response"]
    assert topic["intent_response_key"] == "faq/walking"


@pytest.mark.parametrize("questions_intent", ["faq", "not_covered"])
def test_questions_certain_of_another_topic_outweigh_a_sure_story(
    questions_intent: str,
) -> None:
    (story,) = readings("faq", questions_intent, questions_sure_of_topic=0.95)

    assert story.get("intent")["name"] == questions_intent
    topic = story.get("response_selector")["default"]["response"]
    assert topic["intent_response_key"] == "faq/x"


@pytest.mark.parametrize(
    ("story_intent", "questions_sure_of_topic"),
    [("faq", 0.85), ("request_appointment", 0.95), ("follow_up_someone_else", 0.99)],
)
def test_a_sure_story_stands_against_questions_less_than_certain_or_a_booking(
    story_intent: str, questions_sure_of_topic: float
) -> None:
    (story,) = readings(story_intent, "faq", questions_sure_of_topic)

    assert story.get("intent")["name"] == story_intent


@pytest.mark.parametrize(
    ("story_intent", "questions_sure_of_intent", "taken"),
    [
        # Read as a deferral but answered as a page topic: two ways.
        ("not_covered", 0.95, True),
        ("not_covered", 0.9, False),
        # Read one way: the sure story stands.
        ("faq", 0.95, False),
    ],
)
def test_questions_sure_one_way_outweigh_a_story_read_two_ways(
    story_intent: str, questions_sure_of_intent: float, taken: bool
) -> None:
    story = read(STORY, story_intent, "faq/walking", intent_confidence=1.0)
    questions = read(
        "Will they keep him overnight?",
        "faq",
        "faq/walking",
        0,
        intent_confidence=questions_sure_of_intent,
    )

    (result,) = StoryQuestionReadings({}).process([story, questions])

    assert (result.get("intent") == questions.get("intent")) is taken


def test_messages_without_copies_pass_unchanged() -> None:
    batch = [read("hello", "greet", "faq/walking"), read(STORY, "faq", "faq/x")]

    assert StoryQuestionReadings({}).process(batch) == batch
