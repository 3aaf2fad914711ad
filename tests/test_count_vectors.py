"""TokenCountVectorsFeaturizer gives Rasa's own CountVectorsFeaturizer features.

Each comparison calls Rasa's `_create_features` and ours on the same trained
component and the same tokens, and asks for equal matrices: shape, entries,
their order and their types.
"""

from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import pytest
import scipy.sparse
from rasa.core.agent import Agent
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic_nlu.count_vectors import TokenCountVectorsFeaturizer
from tests.conftest import ROOT
from tests.support.pipeline import every_example, messages_after
from tests.support.servers import trained_model

PHRASES = [
    "How long does the balloon stay in?",
    "can I drive home after kyphoplasty",
    "my mother's vertebra, is it cemented?",
    "recovery takes how long",
]


def assert_same(
    ours: Optional[scipy.sparse.spmatrix], rasa: Optional[scipy.sparse.spmatrix]
) -> None:
    assert (ours is None) == (rasa is None)
    if ours is None or rasa is None:
        return
    assert ours.format == rasa.format == "coo"
    assert ours.shape == rasa.shape
    for part in ("row", "col", "data"):
        mine, theirs = getattr(ours, part), getattr(rasa, part)
        assert mine.dtype == theirs.dtype, part
        np.testing.assert_array_equal(mine, theirs, err_msg=part)


def compare(component: TokenCountVectorsFeaturizer, tokens: List[str]) -> None:
    ours = component._create_features(TEXT, [tokens])
    rasa = CountVectorsFeaturizer._create_features(component, TEXT, [tokens])
    for our_matrices, rasa_matrices in zip(ours, rasa, strict=True):
        assert_same(our_matrices[0], rasa_matrices[0])


def trained(tmp_path: Path, **settings: object) -> TokenCountVectorsFeaturizer:
    component = TokenCountVectorsFeaturizer.create(
        {**TokenCountVectorsFeaturizer.get_default_config(), **settings},
        LocalModelStorage(tmp_path),
        Resource("count_vectors"),
        ExecutionContext(GraphSchema({})),
    )
    messages = [Message(data={TEXT: text}) for text in PHRASES]
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    tokenizer.process(messages)
    component.train(TrainingData(messages))
    return component


@pytest.mark.parametrize(
    "settings",
    [
        {"analyzer": "word"},
        {"analyzer": "word", "max_ngram": 2},
        {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
        {"analyzer": "char", "min_ngram": 1, "max_ngram": 3},
    ],
    ids=["words", "word pairs", "n-grams within words", "n-grams across words"],
)
def test_features_equal_rasas_for_each_analyzer(
    tmp_path: Path, settings: Dict[str, object]
) -> None:
    component = trained(tmp_path, **settings)
    for tokens in (
        ["how", "long", "does", "the", "balloon", "stay"],
        ["how", "long", "how", "long"],
        ["unknown", "words", "only"],
        ["a token with spaces", "and", "one", "without"],
    ):
        compare(component, tokens)
        compare(component, tokens)  # the second time from kept counts


def test_no_counts_are_kept_from_before_training(tmp_path: Path) -> None:
    component = trained(tmp_path, analyzer="word")
    compare(component, ["balloon", "kyphoplasty"])
    messages = [Message(data={TEXT: "balloon balloon kyphoplasty zebra"})]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    component.train(TrainingData(messages))
    compare(component, ["zebra", "balloon"])
    assert component._create_features(TEXT, [["zebra"]])[1][0].nnz == 1


@pytest.mark.model
def test_features_equal_rasas_on_every_example_of_the_trained_model(
    training_examples: Dict[str, List[str]], test_examples: Dict[str, List[str]]
) -> None:
    agent = Agent.load(str(trained_model(ROOT)))
    runner = agent.processor.graph_runner  # type: ignore[union-attr]
    featurizers = [
        node._component
        for node in runner._instantiated_nodes.values()
        if isinstance(getattr(node, "_component", None), TokenCountVectorsFeaturizer)
    ]
    assert {f.analyzer for f in featurizers} == {"word", "char_wb"}
    tokenizer = next(
        name for name in runner._instantiated_nodes if "SpacyTokenizer" in name
    )
    texts = every_example(training_examples, test_examples)
    for message in messages_after(agent, tokenizer, texts):
        for featurizer in featurizers:
            tokens = featurizer._get_processed_message_tokens_by_attribute(
                message, TEXT
            )
            compare(featurizer, tokens)
