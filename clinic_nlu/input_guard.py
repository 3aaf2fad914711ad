"""Recognises messages that carry no words at all (empty, emoji, punctuation).

A classifier forced to pick an intent for "😀😀" or "???" picks one at random;
such messages get the out-of-scope reply instead, which says what the
assistant can help with.
"""


def has_words(text: str) -> bool:
    """Tells whether a message holds at least one letter or digit."""
    return any(character.isalnum() for character in text)
