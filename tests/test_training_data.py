"""The training data is rich enough, and the test data is truly held out."""

from pathlib import Path
from typing import Dict, List

import yaml

from tests.support.texts import normalised

ROOT = Path(__file__).resolve().parent.parent
MIN_EXAMPLES_PER_TOPIC = 15
MIN_TEST_EXAMPLES = 100


def test_every_intent_has_enough_varied_phrasings(
    training_examples: Dict[str, List[str]],
) -> None:
    for intent, texts in training_examples.items():
        assert len({normalised(text) for text in texts}) >= MIN_EXAMPLES_PER_TOPIC, (
            intent
        )


def test_test_set_is_large_and_covers_every_intent(
    training_examples: Dict[str, List[str]], test_examples: Dict[str, List[str]]
) -> None:
    assert sum(len(texts) for texts in test_examples.values()) >= MIN_TEST_EXAMPLES
    assert set(test_examples) == set(training_examples)


def test_no_test_phrasing_is_copied_from_training(
    training_examples: Dict[str, List[str]], test_examples: Dict[str, List[str]]
) -> None:
    trained = {
        normalised(text) for texts in training_examples.values() for text in texts
    }
    copied = [
        text
        for texts in test_examples.values()
        for text in texts
        if normalised(text) in trained
    ]
    assert copied == []


def test_no_story_phrasing_is_copied_from_training(
    training_examples: Dict[str, List[str]],
) -> None:
    stories = yaml.safe_load((ROOT / "tests" / "test_stories.yml").read_text())
    said = [
        step["user"].strip()
        for story in stories["stories"]
        for step in story["steps"]
        if "user" in step and not step["user"].strip().startswith("/")
    ]
    trained = {
        normalised(text) for texts in training_examples.values() for text in texts
    }
    assert len(said) >= 30
    assert [text for text in said if normalised(text) in trained] == []
