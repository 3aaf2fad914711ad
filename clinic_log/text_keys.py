"""The inbox's notion of "the same question": a key of the normalised text.

Near-identical questions are shown once with a count. "Near-identical" is
kept simple and predictable: the same words after lowercasing, dropping
punctuation and collapsing whitespace ("How much does it cost?" and "how
much does it cost" are one question; "what does it cost" is another). The key
is the SHA-256 of that normalised text. It is stored with every exchange, so
the inbox groups and pages in SQL, and a review mark keeps only the key: it
holds no visitor words and survives the purge of the messages themselves.
"""

import hashlib
import re
import unicodedata

# The key's length in characters (hex SHA-256).
KEY_LENGTH = 64
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lowercase words only: punctuation dropped, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()


def text_key(text: str) -> str:
    """The group key of `text`: a hash of its normalised form.

    A message with no words at all (only punctuation or emoji) is keyed by its
    exact text instead, so "?" and "!!!" stay two questions.
    """
    words = normalise(text)
    keyed = words if words else "raw:" + text
    return hashlib.sha256(keyed.encode("utf-8")).hexdigest()
