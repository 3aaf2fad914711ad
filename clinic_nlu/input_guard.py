"""Recognises messages the assistant cannot read: no words, or not English.

A classifier forced to pick an intent for "😀😀" or a Spanish sentence picks one
at random and answers confidently; such messages get the out-of-scope reply
instead, which says what the assistant can help with, in English.
"""

import html
import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier
from spacy.lang.en.stop_words import STOP_WORDS

# Languages a visitor of a US clinic is likely to write in. Restricting the
# identifier to them removes its confusions with rare languages.
CANDIDATE_LANGUAGES = (
    "en", "es", "fr", "de", "it", "pt", "zh", "vi", "ko", "ar", "ru", "ja", "pl",
    "ht", "tl", "hi",
)  # fmt: skip
# The identifier alone mistakes short English fragments ("discharge next day?")
# for German or Polish, so a message also needs few English function words.
FOREIGN_CONFIDENCE = 0.999
MAX_ENGLISH_STOP_WORD_SHARE = 0.3
WORD = re.compile(r"[^\W\d_]+")
MARKUP = re.compile(r"<[^>]{0,200}>")


def has_words(text: str) -> bool:
    """Tells whether a message holds at least one letter or digit."""
    return any(character.isalnum() for character in text)


@lru_cache(maxsize=1)
def language_identifier() -> LanguageIdentifier:
    """py3langid's model, unpacked once per process (about 0.1 s)."""
    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATE_LANGUAGES))
    return identifier


def is_foreign(text: str) -> bool:
    """Tells whether a message is, beyond reasonable doubt, not in English."""
    words = WORD.findall(text.lower())
    if not words:
        return False
    stop_word_share = sum(word in STOP_WORDS for word in words) / len(words)
    if stop_word_share >= MAX_ENGLISH_STOP_WORD_SHARE:
        return False
    language, confidence = language_identifier().classify(text)
    return bool(language != "en" and confidence >= FOREIGN_CONFIDENCE)


def strip_markup(text: str) -> str:
    """Removes HTML tags and entities, which carry no meaning for the classifier."""
    return " ".join(html.unescape(MARKUP.sub(" ", text)).split())
