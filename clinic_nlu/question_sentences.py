"""The questions inside a message of several sentences.

A family's story ("My mom is 82 and slipped three weeks ago. The ER found a
compression fracture. Is she too old for kyphoplasty?") carries its question
in one sentence; read whole, the story's words pull the embedding towards
the topics they mention. spaCy's rule-based sentencizer splits the message.
"""

from functools import lru_cache
from typing import List

import spacy
from spacy.language import Language


@lru_cache(maxsize=1)
def _sentencizer() -> Language:
    language = spacy.blank("en")
    language.add_pipe("sentencizer")
    return language


def question_sentences(text: str) -> List[str]:
    """The sentences that end in "?", when the message has more than one sentence."""
    sentences = [sentence.text.strip() for sentence in _sentencizer()(text).sents]
    if len(sentences) < 2:
        return []
    return [sentence for sentence in sentences if sentence.endswith("?")]
