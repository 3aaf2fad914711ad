"""Wordless, foreign and marked-up messages are recognised as such."""

from typing import Dict, List

import pytest

from clinic_nlu.input_guard import has_words, is_foreign, strip_markup


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\t", "😀😀", "👍", "???", "!!! ...", "<>"]
)
def test_wordless_messages(text: str) -> None:
    assert not has_words(text)


@pytest.mark.parametrize("text", ["hi", "¿qué es?", "8 weeks", "<b>cost</b>", "脊椎"])
def test_messages_with_words(text: str) -> None:
    assert has_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "¿Cuánto cuesta la cifoplastia?",
        "Was kostet eine Kyphoplastie?",
        "Combien de temps dure la procédure ?",
        "脊椎骨折怎么办",
        "Сколько стоит операция?",
    ],
)
def test_other_languages_are_foreign(text: str) -> None:
    assert is_foreign(text)


def test_no_english_phrasing_of_ours_is_taken_for_foreign(
    training_examples: Dict[str, List[str]], test_examples: Dict[str, List[str]]
) -> None:
    english = [
        text
        for examples in (training_examples, test_examples)
        for intent, texts in examples.items()
        if intent != "out_of_scope"
        for text in texts
    ]
    assert len(english) > 1000
    assert [text for text in english if is_foreign(text)] == []


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<b>how long</b> does it take?", "how long does it take?"),
        ("<script>alert(1)</script>", "alert(1)"),
        ("is it &lt;1 hour&gt;?", "is it <1 hour>?"),
        ("plain text stays", "plain text stays"),
    ],
)
def test_strip_markup(raw: str, clean: str) -> None:
    assert strip_markup(raw) == clean
