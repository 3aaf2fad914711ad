"""The questions found inside a message of several sentences."""

from typing import List

import pytest

from clinic_nlu.question_sentences import question_sentences


@pytest.mark.parametrize(
    ("text", "questions"),
    [
        (
            "My uncle cracked a vertebra lifting boxes. His doctor wants it "
            "treated soon. Would he have to stay the night? Thanks a lot.",
            ["Would he have to stay the night?"],
        ),
        (
            "Two things. Does it hurt? And is it done under anesthesia?",
            ["Does it hurt?", "And is it done under anesthesia?"],
        ),
        # One sentence is the whole question already.
        ("how long until I can drive again?", []),
        # A story with no question mark has no question sentence to weigh.
        ("My back hurts since the fall. I want to know my options.", []),
    ],
)
def test_the_questions_of_a_story(text: str, questions: List[str]) -> None:
    assert question_sentences(text) == questions
