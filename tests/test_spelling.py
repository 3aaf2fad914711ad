"""SpellingCorrector: typos become training words, for the classifiers only."""

from pathlib import Path
from typing import Dict, List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic_nlu.spelling import (
    CORRECTED_TEXT,
    Speller,
    SpellingCorrector,
    english_words,
)

TRAINING_WORDS: Dict[str, int] = {
    "hospital": 12,
    "height": 2,
    "right": 9,
    "fracture": 20,
    "kyphoplasty": 40,
    "should": 15,
    "hospitl": 1,
}


@pytest.fixture(scope="module")
def english() -> List[str]:
    return english_words(100)


def speller(english: List[str]) -> Speller:
    return Speller(TRAINING_WORDS, english, min_length=5)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hospitol", "hospital"),
        ("Fractur", "fracture"),
        ("kyphoplsty", "kyphoplasty"),
        ("shoud", "should"),
        # Two words one edit away: the one with the same first letter.
        ("hight", "height"),
    ],
)
def test_a_typo_becomes_the_closest_training_word(
    english: List[str], typed: str, meant: str
) -> None:
    assert speller(english).correction(typed) == meant


@pytest.mark.parametrize(
    "word",
    [
        # Common English words the training phrasings lack.
        "golfing",
        "gutters",
        "wetting",
        # A typo the training phrasings themselves contain.
        "hospitl",
        # Too short to tell a typo from another word.
        "lng",
        # Nothing close in training.
        "zeppelin",
        "qwxyzv",
        "904-265",
    ],
)
def test_known_short_or_far_words_are_left_alone(english: List[str], word: str) -> None:
    assert speller(english).correction(word) is None


def tokenised(text: str) -> Message:
    message = Message.build(text)
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    return message


def trained(tmp_path: Path) -> SpellingCorrector:
    storage, resource = LocalModelStorage(tmp_path), Resource("spelling")
    context = ExecutionContext(GraphSchema({}), "test")
    examples = [
        tokenised(text)
        for text in (
            "how long is the hospital stay",
            "how soon after the fracture should it be done",
        )
    ]
    SpellingCorrector.create({}, storage, resource, context).train(
        TrainingData(examples)
    )
    return SpellingCorrector.load({}, storage, resource, context)


def test_a_message_keeps_its_text_and_gets_a_corrected_one(tmp_path: Path) -> None:
    message = tokenised("how long in hospitol after my fractur")

    trained(tmp_path).process([message])

    assert message.get("text") == "how long in hospitol after my fractur"
    assert message.get(CORRECTED_TEXT) == "how long in hospital after my fracture"
    words = [token.text for token in message.get("text_tokens")]
    assert words == ["how", "long", "in", "hospital", "after", "my", "fracture"]


def test_a_message_without_typos_gets_no_corrected_text(tmp_path: Path) -> None:
    message = tokenised("how long is the hospital stay")

    trained(tmp_path).process([message])

    assert message.get(CORRECTED_TEXT) is None


def test_a_model_without_the_vocabulary_corrects_nothing(tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("spelling")
    context = ExecutionContext(GraphSchema({}), "test")
    component = SpellingCorrector.load({}, storage, resource, context)
    message = tokenised("how long in hospitol")

    component.process([message])

    assert message.get(CORRECTED_TEXT) is None
    assert [token.text for token in message.get("text_tokens")][-1] == "hospitol"
