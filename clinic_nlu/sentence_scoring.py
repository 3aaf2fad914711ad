"""DIET's and the ResponseSelector's prediction as a plain numpy forward pass.

With no transformer layers, no hidden layers and sparse features only (as in
config.yml), both models score a message from its sentence-level features
alone: a sparse-to-dense layer, an embedding layer (both linear, so they are
composed into one at load), and a similarity with every label's embedding,
which depends on nothing but the trained weights.
Those few arrays, taken from the trained TensorFlow model, give the same
confidences in a fraction of the time and memory (see README, "Speed").

The products are `np.einsum`, not `@`: for vectors this small, BLAS's thread
pool costs more than the arithmetic, and on a busy server (two Rasa workers
and the action server on two cores) a 50 µs product measured 5 ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse

Array = npt.NDArray[np.float32]

ARRAYS = (
    "sparse_kernel",
    "sparse_bias",
    "embed_kernel",
    "embed_bias",
    "label_embeddings",
)


class UnsupportedModel(ValueError):
    """The trained model has parts the numpy forward pass does not compute."""


@dataclass(frozen=True)
class SentenceScorer:
    """The trained weights a message's label confidences depend on, as saved."""

    sparse_kernel: Array
    sparse_bias: Array
    embed_kernel: Array
    embed_bias: Array
    label_embeddings: Array
    cosine: bool
    softmax: bool

    def composed(self) -> LinearScorer:
        """The two layers as one: they are linear, so their product is exact.

        The sparse-to-dense kernel has features x 512 units for the selector
        (x 128 for DIET); multiplied into the embedding layer it becomes
        features x 20, so a message sums 20 numbers per feature instead of
        512 and then multiplies nothing more: 0.05 -> 0.04 ms per message and
        classifier. The product is taken in float64, then stored in float32
        like the weights.
        """
        kernel = self.sparse_kernel.astype(np.float64) @ self.embed_kernel
        bias = self.sparse_bias.astype(np.float64) @ self.embed_kernel
        return LinearScorer(
            kernel=kernel.astype(np.float32),
            bias=(bias + self.embed_bias).astype(np.float32),
            label_embeddings=self.label_embeddings,
            cosine=self.cosine,
            softmax=self.softmax,
        )

    def save(self, path: Path) -> None:
        """Writes the weights and the two settings to one .npz file."""
        np.savez(
            path,
            **{name: getattr(self, name) for name in ARRAYS},
            flags=np.array([self.cosine, self.softmax]),
        )

    @classmethod
    def load(cls, path: Path) -> SentenceScorer:
        """Reads a scorer written by `save`."""
        with np.load(path) as stored:
            cosine, softmax = (bool(flag) for flag in stored["flags"])
            arrays = {name: stored[name] for name in ARRAYS}
        return cls(**arrays, cosine=cosine, softmax=softmax)


@dataclass(frozen=True)
class LinearScorer:
    """A message's label confidences from its sentence features, in one layer."""

    kernel: Array
    bias: Array
    label_embeddings: Array
    cosine: bool
    softmax: bool

    def scores(self, blocks: Sequence[scipy.sparse.spmatrix]) -> Array:
        """Each label's confidence for one message, shape (1, labels).

        `blocks` are the message's sentence features, one 1-row sparse matrix
        per featurizer in pipeline order: side by side they are the model's
        input. Each block's non-zero columns pick rows of the kernel, which
        spares building the combined matrix.
        """
        embedded = self.bias.astype(np.float32, copy=True)
        offset = 0
        for block in blocks:
            entries = block.tocoo()
            if entries.shape[0] != 1:
                raise ValueError("sentence features have one row per message")
            rows = self.kernel[offset + entries.col]
            embedded += np.einsum("i,ij->j", entries.data.astype(np.float32), rows)
            offset += entries.shape[1]
        if offset != self.kernel.shape[0]:
            raise ValueError(
                f"{offset} sentence features, the model was trained on "
                f"{self.kernel.shape[0]}"
            )
        labels = self.label_embeddings
        if self.cosine:
            embedded = _unit_rows(embedded[np.newaxis, :])[0]
            labels = _unit_rows(labels)
        similarities = np.einsum("k,lk->l", embedded, labels)[np.newaxis, :]
        if not self.softmax:
            return np.asarray(similarities, dtype=np.float32)
        return _softmax(similarities)


def _unit_rows(matrix: Array) -> Array:
    norms = np.sqrt(np.maximum(np.sum(matrix * matrix, axis=-1, keepdims=True), 1e-12))
    return np.asarray(matrix / norms, dtype=np.float32)


def _softmax(similarities: Array) -> Array:
    shifted = np.exp(similarities - similarities.max(axis=-1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=-1, keepdims=True), dtype=np.float32)
