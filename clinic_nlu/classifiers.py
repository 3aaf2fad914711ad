"""DIETClassifier and ResponseSelector that predict with numpy, not TensorFlow.

Training is Rasa's own, unchanged. When a model is persisted, the weights its
prediction depends on are saved beside the TensorFlow checkpoint
(`sentence_scoring.SentenceScorer`); a loaded model predicts from those alone,
so the TensorFlow graph is never built in the running assistant. A model the
numpy pass does not cover (a transformer, hidden layers, dense features,
entity recognition) falls back to TensorFlow, as does fine-tuning.
`tests/test_classifiers.py` keeps both paths' confidences equal on every
training and held-out example.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Type, TypeVar, cast

import numpy as np
import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils import train_utils
from rasa.utils.tensorflow.constants import (
    COSINE,
    ENTITY_RECOGNITION,
    FEATURIZERS,
    HIDDEN_LAYERS_SIZES,
    MODEL_CONFIDENCE,
    NUM_TRANSFORMER_LAYERS,
    SENTENCE,
    SIMILARITY_TYPE,
    SOFTMAX,
    USE_TEXT_AS_LABEL,
)
from rasa.utils.tensorflow.models import RasaModel
from scipy.sparse import spmatrix

from clinic_nlu.sentence_scoring import (
    Array,
    LinearScorer,
    SentenceScorer,
    UnsupportedModel,
)

logger = logging.getLogger(__name__)

ClassifierT = TypeVar("ClassifierT", bound="NumpyInference")

SCORER_FILE = "sentence_scorer.npz"
# The weights of the text side, by the names Rasa's layers give them.
SPARSE_LAYER = "sparse_to_dense.text_sentence"
EMBED_LAYER = "embed_text/embed_layer_text"


def check_supported(config: Dict[str, Any]) -> None:
    """Raises UnsupportedModel unless the numpy pass computes this configuration."""
    layers = config[NUM_TRANSFORMER_LAYERS]
    transformer = layers[TEXT] if isinstance(layers, dict) else layers
    if transformer:
        raise UnsupportedModel("a transformer reads the whole token sequence")
    if config[HIDDEN_LAYERS_SIZES].get(TEXT):
        raise UnsupportedModel("hidden layers on the text side")
    if config.get(ENTITY_RECOGNITION):
        raise UnsupportedModel("entity recognition needs the CRF layer")
    if config.get(USE_TEXT_AS_LABEL):
        raise UnsupportedModel("labels embedded from their text")


def _weight(model: RasaModel, name: str) -> Array:
    matches = [
        w for w in model.weights if w.name.startswith(name) or f"/{name}" in w.name
    ]
    if len(matches) != 1:
        raise UnsupportedModel(
            f"expected one weight named {name}, found {len(matches)}"
        )
    return np.asarray(matches[0].numpy(), dtype=np.float32)


def scorer_from_model(model: RasaModel, config: Dict[str, Any]) -> SentenceScorer:
    """Copies the weights a prediction depends on out of a trained model."""
    check_supported(config)
    sentence_signature = model.data_signature[TEXT].get(SENTENCE, [])
    if len(sentence_signature) != 1 or not sentence_signature[0].is_sparse:
        raise UnsupportedModel("dense sentence features beside the sparse ones")
    model.prepare_for_predict()
    return SentenceScorer(
        sparse_kernel=_weight(model, f"{SPARSE_LAYER}/kernel"),
        sparse_bias=_weight(model, f"{SPARSE_LAYER}/bias"),
        embed_kernel=_weight(model, f"{EMBED_LAYER}/kernel"),
        embed_bias=_weight(model, f"{EMBED_LAYER}/bias"),
        label_embeddings=np.asarray(model.all_labels_embed, dtype=np.float32),
        cosine=config[SIMILARITY_TYPE] == COSINE,
        softmax=config[MODEL_CONFIDENCE] == SOFTMAX,
    )


class NumpyInference(DIETClassifier):
    """Shared by both classifiers: save the scorer, load it, predict with it."""

    _scorer: Optional[LinearScorer] = None

    def persist(self) -> None:
        """Persists the TensorFlow model as Rasa does, then the numpy scorer."""
        super().persist()
        if self.model is None:
            return
        try:
            scorer = scorer_from_model(self.model, self.component_config)
        except UnsupportedModel as reason:
            logger.info(f"{type(self).__name__} predicts with TensorFlow: {reason}.")
            return
        with self._model_storage.write_to(self._resource) as model_path:
            scorer.save(model_path / f"{type(self).__name__}.{SCORER_FILE}")
        self._scorer = scorer.composed()

    @classmethod
    def _load(
        cls: Type[ClassifierT],
        model_path: Path,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ClassifierT:
        """Loads the numpy scorer where there is one, else the TensorFlow model."""
        scorer_path = model_path / f"{cls.__name__}.{SCORER_FILE}"
        if execution_context.is_finetuning or not scorer_path.exists():
            tensorflow_component = super()._load(
                model_path, config, model_storage, resource, execution_context
            )
            return cast(ClassifierT, tensorflow_component)
        config = train_utils.update_similarity_type(
            train_utils.update_confidence_type(config)
        )
        file_name = cls.__name__
        mapping = rasa.shared.utils.io.read_json_file(
            model_path / f"{file_name}.index_label_id_mapping.json"
        )
        component = cls(
            config=config,
            model_storage=model_storage,
            resource=resource,
            execution_context=execution_context,
            index_label_id_mapping={int(key): name for key, name in mapping.items()},
            entity_tag_specs=[],
            sparse_feature_sizes=rasa.shared.utils.io.read_json_file(
                model_path / f"{file_name}.sparse_feature_sizes.json"
            ),
        )
        component._scorer = SentenceScorer.load(scorer_path).composed()
        return component

    @classmethod
    def load_with_tensorflow(
        cls: Type[ClassifierT],
        component: NumpyInference,
        model_storage: ModelStorage,
    ) -> ClassifierT:
        """The same trained component with Rasa's TensorFlow model, to compare.

        `model_storage` holds the unpacked model (Rasa removes the one it loaded
        the component from once the model is loaded).
        """
        with model_storage.read_from(component._resource) as model_path:
            twin = super()._load(
                model_path,
                dict(component.component_config),
                model_storage,
                component._resource,
                component._execution_context,
            )
        if isinstance(component, ResponseSelector) and isinstance(
            twin, ResponseSelector
        ):
            twin.responses = component.responses
            twin.all_retrieval_intents = component.all_retrieval_intents
        return cast(ClassifierT, twin)

    def _predict(self, message: Message) -> Optional[Dict[str, Any]]:
        if self._scorer is None:
            prediction = super()._predict(message)
            return cast(Optional[Dict[str, Any]], prediction)
        blocks = sentence_blocks(message, self.component_config[FEATURIZERS])
        if not blocks:
            return None
        return {"i_scores": self._scorer.scores(blocks)}


def sentence_blocks(message: Message, featurizers: List[str]) -> List[spmatrix]:
    """The text's sparse sentence features, in the order Rasa combines them.

    The same selection as `Message.get_sparse_features`, without copying and
    stacking the matrices (about 1 ms per message and classifier).
    """
    return [
        feature.features
        for feature in message.features
        if feature.attribute == TEXT
        and feature.is_sparse()
        and feature.type == FEATURE_TYPE_SENTENCE
        and (not featurizers or feature.origin in featurizers)
    ]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class NumpyDIETClassifier(NumpyInference):
    """Rasa's DIETClassifier (intents only), predicting with numpy."""


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class NumpyResponseSelector(NumpyInference, ResponseSelector):
    """Rasa's ResponseSelector, predicting with numpy."""

    def _resolve_intent_response_key(
        self, label: Dict[str, Optional[str]]
    ) -> Optional[str]:
        """Rasa's answer for the label's name, found once per name.

        Rasa scans every response for each label of every ranking (eleven
        scans of all topics per message, an eighth of a first-seen reading);
        its answer depends on nothing but the name and the responses.
        """
        found: Dict[Optional[str], Optional[str]]
        responses, found = self.__dict__.get("_response_keys", (None, {}))
        if responses is not self.responses:
            found = {}
            self.__dict__["_response_keys"] = (self.responses, found)
        name = label.get(INTENT_NAME_KEY)
        if name not in found:
            found[name] = super()._resolve_intent_response_key(label)
        return found[name]
