"""Which messages speak of kyphoplasty, the spine or the clinic."""

import pytest

from clinic_nlu.vocabulary import is_about_kyphoplasty, is_on_topic


@pytest.mark.parametrize(
    ("text", "kyphoplasty", "on_topic"),
    [
        ("will the cement ever wear out", True, True),
        ("is the balloon reusable", True, True),
        ("does it hurt my back afterwards", False, True),
        ("can my husband come to the clinic with me", False, True),
        ("how do I reset my router", False, False),
        ("what is the capital of peru", False, False),
    ],
)
def test_messages_are_placed_by_their_words(
    text: str, kyphoplasty: bool, on_topic: bool
) -> None:
    assert is_about_kyphoplasty(text) is kyphoplasty
    assert is_on_topic(text) is on_topic
