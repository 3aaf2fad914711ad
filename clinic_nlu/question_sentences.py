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
    r"|\b(?:wants?|likes?|needs?|loves?) to (?:know|understand|find out|ask)\b"
    r"|\bwonder(?:s|ed|ing)?\b|\bwhether\b|\bcurious\b|\b(?:tell|explain)\b",
    re.IGNORECASE,
)

_CLAUSE_BREAK = re.compile(r"[,;]\s")


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

    A message of one sentence is taken clause by clause (split at commas and
    semicolons), for a run-on story ("she's 68, broke a vertebra lifting her
    grandson, will she need therapy after"); a message of one clause has none.
    """
    parts = _sentences(text)
    if len(parts) < 2:
        parts = [part.strip() for part in _CLAUSE_BREAK.split(text) if part.strip()]
    if len(parts) < 2:
        return []
    marked = [part for part in parts if part.endswith("?")]
    return marked or [part for part in parts if _ASKS_WITHOUT_A_MARK.search(part)]
