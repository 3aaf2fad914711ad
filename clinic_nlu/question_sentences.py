"""The questions inside a message of several sentences.

A family's story ("My mom is 82 and slipped three weeks ago. The ER found a
compression fracture. Is she too old for kyphoplasty?") carries its question
in one sentence; read whole, the story's words pull the embedding towards
the topics they mention. spaCy's rule-based sentencizer splits the message.
"""

import re
from functools import lru_cache
from typing import List

import spacy
from spacy.language import Language

# A sentence that asks without a question mark: it opens the way a question
# does ("will she need therapy after"), or says what the writer wants to know
# ("I'd like to know how soon ...", "he wonders whether ...").
_ASKS_WITHOUT_A_MARK = re.compile(
    r"^\W*(?:(?:and|so|but|also|ok(?:ay)?)\W+)*"
    r"(?:what|how|when|where|why|who|which|is|are|am|was|can|could|will|would|"
    r"do|does|did|should|shall|may|might|has|have)\b"
    r"|\b(?:want|like|need|love) to (?:know|understand|find out|ask)\b"
    r"|\bwonder(?:s|ed|ing)?\b|\bwhether\b|\bcurious\b|\b(?:tell|explain)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _sentencizer() -> Language:
    language = spacy.blank("en")
    language.add_pipe("sentencizer")
    return language


def _sentences(text: str) -> List[str]:
    return [sentence.text.strip() for sentence in _sentencizer()(text).sents]


def question_sentences(text: str) -> List[str]:
    """The sentences that end in "?", when the message has more than one sentence."""
    sentences = _sentences(text)
    if len(sentences) < 2:
        return []
    return [sentence for sentence in sentences if sentence.endswith("?")]


def asking_sentences(text: str) -> List[str]:
    """The question sentences; failing those, the sentences that ask without a "?".

    For a message of more than one sentence only, like `question_sentences`.
    """
    sentences = _sentences(text)
    if len(sentences) < 2:
        return []
    marked = [sentence for sentence in sentences if sentence.endswith("?")]
    return marked or [s for s in sentences if _ASKS_WITHOUT_A_MARK.search(s)]
