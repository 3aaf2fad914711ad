"""Messages without any letter or digit are recognised as wordless."""

import pytest

from clinic_nlu.input_guard import has_words


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "😀😀", "👍", "???", "!!! ...", "<>"])
def test_wordless_messages(text: str) -> None:
    assert not has_words(text)


@pytest.mark.parametrize("text", ["hi", "¿qué es?", "8 weeks", "<b>cost</b>", "脊椎"])
def test_messages_with_words(text: str) -> None:
    assert has_words(text)
