"""The numpy classifiers give Rasa's own TensorFlow confidences, on the trained model.

Every training phrasing and every held-out phrasing goes through the trained
pipeline up to the featurizers; each classifier then predicts twice, with its
numpy scorer and with Rasa's TensorFlow model loaded from the same files.
"""

from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np
import pytest
from rasa.core.agent import Agent
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.classifiers import NumpyInference, check_supported
from clinic_nlu.embedding_classifier import EmbeddingClassifier
from clinic_nlu.sentence_scoring import UnsupportedModel
from tests.conftest import ROOT
from tests.support.pipeline import every_example, messages_after
from tests.support.servers import trained_model

# float32 sums in another order: differences of a few 1e-7 are expected.
TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def agent() -> Agent:
    return Agent.load(str(trained_model(ROOT)))


def _nodes(agent: Agent) -> Dict[str, object]:
    runner = agent.processor.graph_runner  # type: ignore[union-attr]
    return {
        name: node._component
        for name, node in runner._instantiated_nodes.items()
        if hasattr(node, "_component")
    }


@pytest.fixture(scope="module")
def classifier_pairs(
    agent: Agent, tmp_path_factory: pytest.TempPathFactory
) -> List[Tuple[NumpyInference, DIETClassifier]]:
    """Each numpy classifier with its TensorFlow twin from the same model file."""
    storage, _ = LocalModelStorage.from_model_archive(
        tmp_path_factory.mktemp("model"), trained_model(ROOT)
    )
    return [
        (component, type(component).load_with_tensorflow(component, storage))
        for component in _nodes(agent).values()
        if isinstance(component, NumpyInference)
    ]


def featurized(agent: Agent, texts: List[str]) -> Iterator[Message]:
    """Each text as the classifiers receive it from the trained pipeline."""
    last_featurizer = max(
        (name for name in _nodes(agent) if "CountVectorsFeaturizer" in name),
        key=lambda name: int("".join(ch for ch in name if ch.isdigit()) or 0),
    )
    return messages_after(agent, last_featurizer, texts)


@pytest.mark.model
def test_both_classifiers_predict_with_numpy(
    classifier_pairs: List[Tuple[NumpyInference, DIETClassifier]],
) -> None:
    kinds = {type(numpy_side).__name__ for numpy_side, _ in classifier_pairs}
    assert kinds == {"NumpyDIETClassifier", "NumpyResponseSelector"}
    for numpy_side, tensorflow_side in classifier_pairs:
        assert numpy_side.model is None, "the TensorFlow graph was built at load"
        assert tensorflow_side.model is not None


@pytest.mark.model
def test_the_embedding_classifier_was_trained_on_every_label(
    agent: Agent, training_examples: Dict[str, List[str]]
) -> None:
    (component,) = [
        node for node in _nodes(agent).values() if isinstance(node, EmbeddingClassifier)
    ]
    assert set(component._labels) == set(training_examples)
    assert component._responses, "no topic responses to answer with"


@pytest.mark.model
def test_numpy_confidences_equal_tensorflow_on_every_example(
    agent: Agent,
    classifier_pairs: List[Tuple[NumpyInference, DIETClassifier]],
    training_examples: Dict[str, List[str]],
    test_examples: Dict[str, List[str]],
) -> None:
    texts = every_example(training_examples, test_examples)
    compared = 0
    for message in featurized(agent, texts):
        for numpy_side, tensorflow_side in classifier_pairs:
            ours = numpy_side._predict(message)
            rasa = tensorflow_side._predict(message)
            assert ours is not None and rasa is not None
            np.testing.assert_allclose(
                ours["i_scores"].reshape(-1),
                np.asarray(rasa["i_scores"]).reshape(-1),
                atol=TOLERANCE,
                err_msg=f"{type(numpy_side).__name__} on {message.get(TEXT)!r}",
            )
            compared += 1
    assert compared == 2 * len(texts)


@pytest.mark.model
def test_the_processed_message_is_the_same(
    agent: Agent,
    classifier_pairs: List[Tuple[NumpyInference, DIETClassifier]],
    test_examples: Dict[str, List[str]],
) -> None:
    texts = [texts[0] for texts in test_examples.values()]
    for message in featurized(agent, texts):
        for numpy_side, tensorflow_side in classifier_pairs:
            ours = numpy_side.process([_copy(message)])[0]
            rasa = tensorflow_side.process([_copy(message)])[0]
            for key in ("intent", "response_selector"):
                assert _rounded(ours.get(key)) == _rounded(rasa.get(key)), key


def _copy(message: Message) -> Message:
    return Message(data=dict(message.data), features=list(message.features))


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"number_of_transformer_layers": 2}, "transformer"),
        ({"hidden_layers_sizes": {"text": [256], "label": []}}, "hidden layers"),
        ({"entity_recognition": True}, "entity recognition"),
    ],
)
def test_configurations_it_cannot_compute_are_refused(
    change: Dict[str, object], reason: str
) -> None:
    config = {**DIETClassifier.get_default_config(), "entity_recognition": False,
              "number_of_transformer_layers": 0, **change}  # fmt: skip
    with pytest.raises(UnsupportedModel, match=reason):
        check_supported(config)


@pytest.mark.model
def test_each_labels_response_key_is_the_one_rasa_finds(
    classifier_pairs: List[Tuple[NumpyInference, DIETClassifier]],
) -> None:
    selector = next(
        numpy_side
        for numpy_side, _ in classifier_pairs
        if isinstance(numpy_side, ResponseSelector)
    )
    names = [*selector.index_label_id_mapping.values(), "no such topic"]

    def rasas(name: str) -> Optional[str]:
        return ResponseSelector._resolve_intent_response_key(selector, {"name": name})

    for _ in range(2):  # the second time from what was found the first
        for name in names:
            assert selector._resolve_intent_response_key({"name": name}) == rasas(name)
    assert sum(rasas(name) is not None for name in names) == len(names) - 1

    responses = selector.responses
    try:
        selector.responses = {}
        assert selector._resolve_intent_response_key({"name": names[0]}) is None
    finally:
        selector.responses = responses
    assert selector._resolve_intent_response_key({"name": names[0]}) == rasas(names[0])
