"""The questions found inside a message of several sentences."""

from typing import List

import pytest

from clinic_nlu.question_sentences import asking_sentences, question_sentences


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


@pytest.mark.parametrize(
    ("text", "asking"),
    [
        # A question mark decides when there is one.
        (
            "Dad is 80. Can they do it under local? Tell us soon.",
            ["Can they do it under local?"],
        ),
        (
            "My sister broke a vertebra in May. I'd like to know how long she "
            "would be in hospital.",
            ["I'd like to know how long she would be in hospital."],
        ),
        (
            "Mum had a fall. so will she need rehab afterwards",
            ["so will she need rehab afterwards"],
        ),
        (
            "He wonders whether it leaves a scar. He is 70.",
            ["He wonders whether it leaves a scar."],
        ),
        ("My back hurts since the fall. The doctor mentioned kyphoplasty.", []),
        # One sentence is taken clause by clause.
        (
            "he is 74, cracked a vertebra on the stairs, can he go home that day?",
            ["can he go home that day?"],
        ),
        (
            "my aunt fell in the kitchen, she wants to know if it leaves a scar",
            ["she wants to know if it leaves a scar"],
        ),
        ("how soon can she walk", []),
        ("after the procedure, she rests", []),
    ],
)
def test_the_sentences_that_ask(text: str, asking: List[str]) -> None:
    assert asking_sentences(text) == asking
