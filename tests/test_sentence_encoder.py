"""The numpy sentence encoder gives sentence-transformers' own embeddings."""

import shutil
from pathlib import Path
from typing import List

import numpy as np
import pytest

from clinic_nlu.sentence_encoder import (
    MAX_TOKENS,
    PINNED_SHA256,
    TOKENIZER_FILE,
    ModelMismatch,
    SentenceEncoder,
    model_folder,
    shared_encoder,
)

pytestmark = pytest.mark.unit

# The first six dimensions of each text's embedding from sentence-transformers
# 6.3.0 with PyTorch 2.13 (SentenceTransformer(<the model folder>),
# normalize_embeddings=True), computed once outside this project's venv.
REFERENCE = {
    "How long does kyphoplasty take?": [
        0.021536,
        0.003594,
        0.098911,
        0.020066,
        -0.075955,
        -0.038656,
    ],
    "my mom broke a bone in her back, can the balloon thing help her?": [
        -0.025198,
        -0.003448,
        0.033716,
        0.057061,
        -0.119669,
        0.014978,
    ],
    "Is the cement permanent": [
        -0.050669,
        0.060198,
        0.034683,
        0.013251,
        -0.063297,
        0.039119,
    ],
}
# The same library's cosine similarities between the first text and the others.
REFERENCE_COSINES = {
    "my mom broke a bone in her back, can the balloon thing help her?": 0.248509,
    "Is the cement permanent": 0.252357,
}
FIRST = "How long does kyphoplasty take?"


@pytest.mark.parametrize("text", sorted(REFERENCE))
def test_embeddings_match_sentence_transformers(text: str) -> None:
    embedding = shared_encoder().embed(text)
    assert embedding.shape == (384,)
    assert np.linalg.norm(embedding) == pytest.approx(1.0, abs=1e-5)
    assert embedding[:6] == pytest.approx(REFERENCE[text], abs=2e-6)


@pytest.mark.parametrize("text", sorted(REFERENCE_COSINES))
def test_similarities_match_sentence_transformers(text: str) -> None:
    encoder = shared_encoder()
    cosine = float(encoder.embed(FIRST) @ encoder.embed(text))
    assert cosine == pytest.approx(REFERENCE_COSINES[text], abs=1e-5)


def test_weights_are_mapped_so_processes_share_them() -> None:
    weights = shared_encoder()._weights
    assert weights and all(isinstance(w, np.memmap) for w in weights.values())


def test_fewer_layers_give_another_unit_length_embedding() -> None:
    shallow = SentenceEncoder(model_folder(), layers=3).embed(FIRST)
    full = shared_encoder().embed(FIRST)
    assert np.linalg.norm(shallow) == pytest.approx(1.0, abs=1e-5)
    assert float(shallow @ full) < 0.99


def test_a_long_message_is_cut_to_the_token_limit() -> None:
    encoder = shared_encoder()
    long_text = "my back hurts and " * 200
    assert len(encoder.token_ids(long_text)) == MAX_TOKENS
    assert np.isfinite(encoder.embed(long_text)).all()


def test_a_changed_model_file_is_refused(tmp_path: Path) -> None:
    for name in PINNED_SHA256:
        (tmp_path / name).symlink_to(model_folder() / name)
    (tmp_path / TOKENIZER_FILE).unlink()
    shutil.copy(model_folder() / TOKENIZER_FILE, tmp_path / TOKENIZER_FILE)
    with (tmp_path / TOKENIZER_FILE).open("a") as tokenizer:
        tokenizer.write(" ")
    with pytest.raises(ModelMismatch, match=TOKENIZER_FILE):
        SentenceEncoder(tmp_path)


def test_many_texts_at_once_equal_one_at_a_time() -> None:
    encoder = shared_encoder()
    texts = [
        *REFERENCE,
        "Is the balloon permanent",
        "Is the tube permanent",
        "ok",
        "and after that?",
    ]
    passes: List[int] = []

    many = encoder.embed_many(texts, passes.append)

    assert many.shape == (len(texts), 384)
    assert sum(passes) == len(texts)
    assert len(passes) < len(texts)  # texts of one length went through together
    for row, text in zip(many, texts, strict=True):
        assert row == pytest.approx(encoder.embed(text), abs=1e-6)
