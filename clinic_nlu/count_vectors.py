"""Rasa's CountVectorsFeaturizer, its features built from each token's kept counts.

Rasa has scikit-learn count every message twice (token by token for the
sequence features, then the joined text for the sentence features), and
each count builds, sorts and converts a sparse matrix: with two featurizers,
the largest part of a first-seen message's NLU. Visitors reuse their words,
so here each token's vocabulary columns and counts are computed once, by the
same scikit-learn analyzer, and kept (up to `TOKENS_KEPT` per featurizer);
a message's matrices are assembled from them. Where the analyzer cannot cross
from one token to the next (character n-grams within words, or single
words) the sentence counts are the tokens' counts summed; otherwise the
joined text is counted as Rasa counts it.

The features equal Rasa's entry for entry (`tests/test_count_vectors.py`,
every training and held-out phrasing). Training fits the vocabulary as Rasa
does and starts with nothing kept.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer

# Distinct tokens whose counts a featurizer keeps (least recently used go
# first): a few hundred bytes each, so at most a few MB per worker.
TOKENS_KEPT = 20_000

Features = Tuple[
    List[Optional[scipy.sparse.spmatrix]], List[Optional[scipy.sparse.spmatrix]]
]


class Counts(NamedTuple):
    """A text's vocabulary columns, ascending, and how often each occurs."""

    columns: npt.NDArray[np.int32]
    counts: npt.NDArray[np.int64]


def counter(vectorizer: CountVectorizer) -> Callable[[str], Counts]:
    """Counts a text as `vectorizer.transform` does, without building a matrix."""
    analyze = vectorizer.build_analyzer()
    vocabulary: Dict[str, int] = vectorizer.vocabulary_

    def count(text: str) -> Counts:
        found: Dict[int, int] = {}
        for feature in analyze(text):
            column = vocabulary.get(feature)
            if column is not None:
                found[column] = found.get(column, 0) + 1
        columns = sorted(found)
        return Counts(
            np.array(columns, dtype=np.int32),
            np.array([found[c] for c in columns], dtype=np.int64),
        )

    return count


def matrix(rows: Sequence[Counts], width: int) -> scipy.sparse.coo_matrix:
    """The rows as one sparse matrix, in the order Rasa's sorted CSR gives."""
    lengths = [len(row.columns) for row in rows]
    return scipy.sparse.coo_matrix(
        (
            np.concatenate([row.counts for row in rows]),
            (
                np.repeat(np.arange(len(rows), dtype=np.int32), lengths),
                np.concatenate([row.columns for row in rows]),
            ),
        ),
        shape=(len(rows), width),
    )


def summed(rows: Sequence[Counts]) -> Counts:
    """The counts of several texts added up, by column."""
    columns, where = np.unique(
        np.concatenate([row.columns for row in rows]), return_inverse=True
    )
    totals = np.bincount(where, weights=np.concatenate([row.counts for row in rows]))
    return Counts(columns.astype(np.int32), totals.astype(np.int64))


def _stays_within_tokens(analyzer: str, max_ngram: int) -> bool:
    """True if no feature of a joined text spans two whitespace-free tokens."""
    return analyzer == "char_wb" or (analyzer == "word" and max_ngram == 1)


def _single_word(token: str) -> bool:
    return token.split() == [token]


class VocabularyCounts:
    """One fitted vectorizer's counting, each token's counts kept once made."""

    def __init__(self, vectorizer: CountVectorizer) -> None:
        if not hasattr(vectorizer, "vocabulary_"):
            vectorizer.transform([])  # a loaded model's vocabulary is set here
        self.vectorizer = vectorizer
        self.width = len(vectorizer.vocabulary_)
        self.of_text = counter(vectorizer)
        self.of_token = lru_cache(maxsize=TOKENS_KEPT)(self.of_text)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class TokenCountVectorsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer that keeps each token's counts for later messages."""

    def _counts(self, attribute: str, vectorizer: CountVectorizer) -> VocabularyCounts:
        """The attribute's counting with `vectorizer`, made on first use."""
        kept: Dict[str, VocabularyCounts] = self.__dict__.setdefault("_kept", {})
        counts = kept.get(attribute)
        if counts is None or counts.vectorizer is not vectorizer:
            counts = kept[attribute] = VocabularyCounts(vectorizer)
        return counts

    def train(
        self, training_data: TrainingData, model: Optional[SpacyModel] = None
    ) -> Resource:
        """Fits the vocabulary as Rasa does (in place); the counts kept go."""
        resource = super().train(training_data, model)
        self.__dict__.pop("_kept", None)
        return resource

    def _create_features(self, attribute: str, all_tokens: List[List[str]]) -> Features:
        vectorizer = self.vectorizers.get(attribute)
        if not vectorizer:
            return [None], [None]
        sum_tokens = _stays_within_tokens(self.analyzer, self.max_ngram)
        sequences: List[Optional[scipy.sparse.spmatrix]] = []
        sentences: List[Optional[scipy.sparse.spmatrix]] = []
        for tokens in all_tokens:
            if not tokens:
                sequences.append(None)
                sentences.append(None)
                continue
            # Made only now: an attribute without tokens may have no vocabulary.
            counts = self._counts(attribute, vectorizer)
            rows = [counts.of_token(token) for token in tokens]
            sequences.append(matrix(rows, counts.width))
            if attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                sentences.append(None)
                continue
            if sum_tokens and all(_single_word(token) for token in tokens):
                sentence = summed(rows)
            else:
                sentence = counts.of_text(" ".join(tokens))
            sentences.append(matrix([sentence], counts.width))
        return sequences, sentences
