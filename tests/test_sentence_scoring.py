"""SentenceScorer: the forward pass written out by hand, composed, and its file."""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse

from clinic_nlu.sentence_scoring import SentenceScorer


def scorer(cosine: bool = False, softmax: bool = True) -> SentenceScorer:
    rng = np.random.default_rng(7)
    return SentenceScorer(
        sparse_kernel=rng.normal(size=(30, 8)).astype(np.float32),
        sparse_bias=rng.normal(size=8).astype(np.float32),
        embed_kernel=rng.normal(size=(8, 4)).astype(np.float32),
        embed_bias=rng.normal(size=4).astype(np.float32),
        label_embeddings=rng.normal(size=(5, 4)).astype(np.float32),
        cosine=cosine,
        softmax=softmax,
    )


FEATURES = scipy.sparse.coo_matrix(
    np.array([[0, 2, 0, 1] + [0] * 25 + [1]], dtype=np.float32)
)
# The same features as two featurizers give them: 20 word and 10 n-gram columns.
BLOCKS = [FEATURES.tocsr()[:, :20].tocoo(), FEATURES.tocsr()[:, 20:].tocoo()]


def by_hand(model: SentenceScorer) -> np.ndarray:
    """The same layers, one dense step at a time, in float64."""
    x = FEATURES.toarray().astype(np.float64)
    embedded = (x @ model.sparse_kernel + model.sparse_bias) @ model.embed_kernel
    embedded = embedded + model.embed_bias
    labels = model.label_embeddings.astype(np.float64)
    if model.cosine:
        embedded = embedded / np.linalg.norm(embedded, axis=-1, keepdims=True)
        labels = labels / np.linalg.norm(labels, axis=-1, keepdims=True)
    similarities = embedded @ labels.T
    if not model.softmax:
        return similarities
    exp = np.exp(similarities - similarities.max())
    return exp / exp.sum()


@pytest.mark.parametrize("cosine", [False, True])
@pytest.mark.parametrize("softmax", [False, True])
def test_scores_are_the_layers_applied_in_turn(cosine: bool, softmax: bool) -> None:
    model = scorer(cosine=cosine, softmax=softmax)
    np.testing.assert_allclose(
        model.composed().scores(BLOCKS), by_hand(model), rtol=1e-4
    )


def test_softmax_scores_are_confidences_that_sum_to_one() -> None:
    scores = scorer().composed().scores(BLOCKS)
    assert scores.shape == (1, 5)
    assert scores.sum() == pytest.approx(1.0, abs=1e-6)
    assert scores.min() >= 0


def test_a_saved_scorer_loads_to_the_same_scores(tmp_path: Path) -> None:
    model = scorer(cosine=True)
    path = tmp_path / "scorer.npz"
    model.save(path)
    loaded = SentenceScorer.load(path)
    assert loaded.cosine and loaded.softmax
    np.testing.assert_array_equal(
        loaded.composed().scores(BLOCKS), model.composed().scores(BLOCKS)
    )


def test_features_of_another_size_than_trained_are_refused() -> None:
    with pytest.raises(ValueError, match="trained on 30"):
        scorer().composed().scores(BLOCKS[:1])


def test_the_composed_kernel_is_one_row_per_feature_and_one_column_per_dimension() -> (
    None
):
    model = scorer()
    composed = model.composed()
    assert composed.kernel.shape == (30, 4) and composed.kernel.dtype == np.float32
    assert composed.bias.shape == (4,)
