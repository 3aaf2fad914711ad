"""Corrects visitors' typos before the classifiers read the message.

Visitors type on phones: "how long in hospitol", "how soon after fractur".
Character n-grams absorb part of a typo, the sentence encoder's word pieces
hardly any. A word that is neither in the training phrasings nor a common
English word (pyspellchecker's frequency list, or a whole word of the
encoder's vocabulary) is replaced by the closest training word, one edit
away (two for longer words). Only what the classifiers read changes: the
tokens and `CORRECTED_TEXT`; the message's text, which the red-flag rules,
the actions and the conversation log read, stays as the visitor typed it.

Training phrasings are never changed (their words are the vocabulary).
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any, Dict, List, Optional, Tuple

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import dump_obj_as_json_to_file, read_json_file
from spellchecker import SpellChecker
from tokenizers import Tokenizer

from clinic_nlu.sentence_encoder import TOKENIZER_FILE, model_folder

logger = logging.getLogger(__name__)

# The message text the classifiers read, typos corrected.
CORRECTED_TEXT = "corrected_text"
VOCABULARY_FILE = "spelling.json"
MIN_LENGTH_KEY = "min_length"
MIN_ENGLISH_COUNT_KEY = "min_english_count"
# Words up to this length are corrected one edit away, longer ones two.
ONE_EDIT_UP_TO = 5


def english_words(min_count: int) -> List[str]:
    """Common English words: pyspellchecker's from `min_count`, and the encoder's.

    pyspellchecker's list also holds rare misspellings ("hight"), which a
    count of 100 leaves out; the encoder's vocabulary adds its whole words.
    """
    frequencies = SpellChecker().word_frequency
    common = {
        word
        for word, count in frequencies.dictionary.items()
        if count >= min_count and word.isalpha()
    }
    vocabulary = Tokenizer.from_file(str(model_folder() / TOKENIZER_FILE)).get_vocab()
    return sorted(common | {word for word in vocabulary if word.isalpha()})


def training_vocabulary(training_data: TrainingData) -> Counter[str]:
    """How often each word occurs in the training phrasings' tokens."""
    counts: Counter[str] = Counter()
    for example in training_data.training_examples:
        for token in example.get(TOKENS_NAMES[TEXT]) or []:
            word = token.text.lower()
            if word.isalpha():
                counts[word] += 1
    return counts


class Speller:
    """The correction of one word, from the training words and common English."""

    def __init__(
        self, training_words: Dict[str, int], english: List[str], min_length: int
    ) -> None:
        self._counts = training_words
        self._known = set(training_words) | set(english)
        self._candidates = [word for word in training_words if len(word) >= 3]
        self._min_length = min_length

    def correction(self, word: str) -> Optional[str]:
        """The training word meant by a typo, or None if `word` needs none.

        Among the closest words, one with the same first letter (typos seldom
        fall there), then the most frequent in training.
        """
        lowered = word.lower()
        if (
            len(lowered) < self._min_length
            or not lowered.isalpha()
            or lowered in self._known
        ):
            return None
        limit = 1 if len(lowered) <= ONE_EDIT_UP_TO else 2
        found = process.extract(
            lowered,
            self._candidates,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=limit,
            limit=None,
        )
        if not found:
            return None
        closest = min(distance for _, distance, _ in found)
        return max(
            (candidate for candidate, distance, _ in found if distance == closest),
            key=lambda candidate: (candidate[0] == lowered[0], self._counts[candidate]),
        )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class SpellingCorrector(GraphComponent):
    """Replaces typo tokens with training words; after the tokenizer."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Shorter words are left alone: "stp" is as likely "step" as "stop"."""
        return {MIN_LENGTH_KEY: 5, MIN_ENGLISH_COUNT_KEY: 100}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        speller: Optional[Speller] = None,
    ) -> None:
        """Keeps the config and, once trained or loaded, the speller."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._speller = speller

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpellingCorrector:
        """An untrained component: it corrects nothing."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the training words and saves them with the English list."""
        training_words = dict(training_vocabulary(training_data))
        english = english_words(int(self._config[MIN_ENGLISH_COUNT_KEY]))
        with self._model_storage.write_to(self._resource) as folder:
            dump_obj_as_json_to_file(
                folder / VOCABULARY_FILE,
                {"training": training_words, "english": english},
            )
        self._speller = self._speller_of(training_words, english)
        return self._resource

    def _speller_of(
        self, training_words: Dict[str, int], english: List[str]
    ) -> Speller:
        return Speller(training_words, english, int(self._config[MIN_LENGTH_KEY]))

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SpellingCorrector:
        """The trained speller; one that corrects nothing if the model has none."""
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as folder:
                words = read_json_file(folder / VOCABULARY_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No spelling vocabulary: typos are left as typed.")
            return component
        component._speller = component._speller_of(words["training"], words["english"])
        return component

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training phrasings stay as written: their words are the vocabulary."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Corrects each message's typo tokens and sets `CORRECTED_TEXT`."""
        if self._speller is None:
            return messages
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            corrections = corrected_tokens(self._speller, tokens)
            if corrections:
                message.set(
                    CORRECTED_TEXT, corrected(str(message.get(TEXT)), corrections)
                )
        return messages


def corrected_tokens(speller: Speller, tokens: List[Token]) -> List[Tuple[Token, str]]:
    """Replaces each typo token's text by its correction; returns what changed."""
    found = []
    for token in tokens:
        replacement = speller.correction(token.text)
        if replacement is not None:
            found.append((token, replacement))
            token.text = replacement
    return found


def corrected(text: str, corrections: List[Tuple[Token, str]]) -> str:
    """The text with each corrected token's span replaced, left to right."""
    pieces, position = [], 0
    for token, replacement in sorted(corrections, key=lambda item: item[0].start):
        pieces += [text[position : token.start], replacement]
        position = token.end
    return "".join([*pieces, text[position:]])
