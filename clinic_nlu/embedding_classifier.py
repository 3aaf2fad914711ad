"""A second opinion on intent and topic from sentence embeddings.

DIET and the ResponseSelector read the words and character n-grams of the
training phrasings, so a question in other words ("will the glue hold for
good?") can land on the wrong topic. A logistic regression over
all-MiniLM-L6-v2 sentence embeddings (`sentence_encoder.py`) of the same
phrasings, trained with the assistant, reads meaning more than wording. Its
probabilities over labels (intents, and the retrieval intents' topics such
as `faq/duration`) are mixed with the classifiers' own, and the message's
intent, intent ranking and topic ranking are rewritten from the mix; the
fallbacks after it then decide as before. Measured in README, "Honest
answers".

When the classifiers are already sure (their likeliest label at or above
`skip_above`), the embedding, about 12 ms of CPU in the running server, is
not computed: on the development set that kept nearly all the gain for half
the cost. A sure label listed in `check_when_sure` is checked all the same:
DIET can be sure that a page question in words it never saw (soreness at
the incision, staff who speak Spanish) is out of scope; on the development
set the regression corrected those and left every unrelated question out
of scope. `encoder_layers` runs only the model's first layers, cheaper and
less accurate. It reads the text with typos corrected, when
`clinic_nlu/spelling.py` corrected any.

A sure label of an intent in `dispute_when_sure` is embedded too, but mixed
only when the regression is sure (`dispute_above`) of another label: sure of
the cement step for "what is the cement made of?", or of an accident's
answer for a question on showering, the classifiers were mostly wrong where
the regression disagreed, and where it agreed a mix only made them unsure.
At `certain_above` or more the classifiers were right, and the embedding
is spared.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
)
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import dump_obj_as_json_to_file, read_json_file
from sklearn.linear_model import LogisticRegression
from tqdm import tqdm

from clinic_nlu.question_sentences import question_sentences
from clinic_nlu.selector_output import answer
from clinic_nlu.sentence_encoder import SentenceEncoder, shared_encoder
from clinic_nlu.sentence_scoring import Array
from clinic_nlu.spelling import CORRECTED_TEXT
from clinic_nlu.vocabulary import OUT_OF_SCOPE_INTENT

logger = logging.getLogger(__name__)

Distribution = Dict[str, float]

WEIGHTS_FILE = "embedding_classifier.npz"
RESPONSES_FILE = "embedding_classifier.responses.json"
EMBEDDING_WEIGHT_KEY = "embedding_weight"
REGULARISATION_KEY = "regularisation"
SKIP_ABOVE_KEY = "skip_above"
ENCODER_LAYERS_KEY = "encoder_layers"
CHECK_WHEN_SURE_KEY = "check_when_sure"
DISPUTE_WHEN_SURE_KEY = "dispute_when_sure"
DISPUTE_ABOVE_KEY = "dispute_above"
CERTAIN_ABOVE_KEY = "certain_above"
QUESTION_WEIGHT_KEY = "question_weight"
# As many labels as DIET and the ResponseSelector rank by default.
RANKING_LENGTH = 10


def full_label(message: Message) -> Optional[str]:
    """A training example's label: its topic for a retrieval intent."""
    label = message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)
    return str(label) if label else None


def intent_of(label: str) -> str:
    """The intent of a full label: `faq` for `faq/duration`."""
    return label.split("/", 1)[0]


def classifiers_distribution(message: Message) -> Distribution:
    """DIET's intents times the selector's topics, over full labels, summing to 1.

    One selector ranks the topics of every retrieval intent; a topic's share
    of its own intent is its selector confidence, so `faq/duration` gets
    P(faq) x P(faq/duration).
    """
    selection: Dict[str, Any] = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    retrieval_intents = set(selection.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS, []))
    topics = selection.get(RESPONSE_SELECTOR_DEFAULT_INTENT, {}).get(
        RESPONSE_SELECTOR_RANKING_KEY, []
    )
    joint: Distribution = {}
    for entry in message.get(INTENT_RANKING_KEY) or []:
        name = entry[INTENT_NAME_KEY]
        confidence = float(entry[PREDICTED_CONFIDENCE_KEY])
        if name == DEFAULT_NLU_FALLBACK_INTENT_NAME:
            continue
        if name not in retrieval_intents:
            joint[name] = joint.get(name, 0.0) + confidence
            continue
        for topic in topics:
            key = str(topic[INTENT_RESPONSE_KEY])
            if key.startswith(f"{name}/"):
                share = confidence * float(topic[PREDICTED_CONFIDENCE_KEY])
                joint[key] = joint.get(key, 0.0) + share
    total = sum(joint.values())
    return {label: p / total for label, p in joint.items()} if total > 0 else {}


def mixed(ours: Distribution, theirs: Distribution, weight: float) -> Distribution:
    """(1 - weight) x ours + weight x theirs, over the labels of both."""
    return {
        label: (1.0 - weight) * ours.get(label, 0.0) + weight * theirs.get(label, 0.0)
        for label in set(ours) | set(theirs)
    }


def ranking(distribution: Distribution) -> List[tuple[str, float]]:
    """The likeliest labels first, at most RANKING_LENGTH of them."""
    ordered = sorted(distribution.items(), key=lambda item: -item[1])
    return ordered[:RANKING_LENGTH]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class EmbeddingClassifier(GraphComponent):
    """Mixes a logistic regression on sentence embeddings into intent and topic.

    Placed after the ResponseSelector and before the FallbackClassifier.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The mix's weight, the regression's inverse regularisation, the skip."""
        return {
            EMBEDDING_WEIGHT_KEY: 0.7,
            REGULARISATION_KEY: 10.0,
            SKIP_ABOVE_KEY: 0.9,
            CHECK_WHEN_SURE_KEY: [OUT_OF_SCOPE_INTENT],
            DISPUTE_WHEN_SURE_KEY: [],
            DISPUTE_ABOVE_KEY: 0.5,
            CERTAIN_ABOVE_KEY: 1.0,
            QUESTION_WEIGHT_KEY: 0.5,
            ENCODER_LAYERS_KEY: 6,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        labels: Optional[List[str]] = None,
        coefficients: Optional[Array] = None,
        intercepts: Optional[Array] = None,
        responses: Optional[Dict[str, List[Dict[str, Any]]]] = None,
    ) -> None:
        """Keeps the config and, once trained or loaded, the regression."""
        self._config = {**self.get_default_config(), **config}
        self._check_when_sure = frozenset(self._config[CHECK_WHEN_SURE_KEY])
        self._dispute_when_sure = frozenset(self._config[DISPUTE_WHEN_SURE_KEY])
        self._model_storage = model_storage
        self._resource = resource
        self._labels = labels or []
        self._coefficients = coefficients
        self._intercepts = intercepts
        self._responses = responses or {}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmbeddingClassifier:
        """An untrained component."""
        return cls(config, model_storage, resource)

    def _encoder(self) -> SentenceEncoder:
        return shared_encoder(int(self._config[ENCODER_LAYERS_KEY]))

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the regression on the embeddings of every labelled phrasing."""
        examples = [
            (str(example.get(TEXT)), label)
            for example in training_data.intent_examples
            if (label := full_label(example)) and example.get(TEXT)
        ]
        with tqdm(total=len(examples), desc="Sentence embeddings", unit="text") as bar:
            embeddings = self._encoder().embed_many(
                [text for text, _ in examples], bar.update
            )
        regression = LogisticRegression(
            C=float(self._config[REGULARISATION_KEY]), max_iter=5000
        )
        regression.fit(embeddings, [label for _, label in examples])
        self._labels = [str(label) for label in regression.classes_]
        self._coefficients = regression.coef_.astype(np.float32)
        self._intercepts = regression.intercept_.astype(np.float32)
        self._responses = dict(training_data.responses)
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Saves the regression's weights and the topics' responses."""
        if self._coefficients is None or self._intercepts is None:
            return
        with self._model_storage.write_to(self._resource) as folder:
            np.savez(
                folder / WEIGHTS_FILE,
                labels=np.array(self._labels),
                coefficients=self._coefficients,
                intercepts=self._intercepts,
            )
            dump_obj_as_json_to_file(folder / RESPONSES_FILE, self._responses)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmbeddingClassifier:
        """The trained regression; untrained if the model has none."""
        try:
            with model_storage.read_from(resource) as folder:
                weights = np.load(folder / WEIGHTS_FILE)
                responses = read_json_file(folder / RESPONSES_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained regression: the classifiers decide alone.")
            return cls(config, model_storage, resource)
        return cls(
            config,
            model_storage,
            resource,
            labels=[str(label) for label in weights["labels"]],
            coefficients=weights["coefficients"],
            intercepts=weights["intercepts"],
            responses=responses,
        )

    def probabilities(self, text: str) -> Distribution:
        """The regression's distribution over full labels for a message.

        In a message of several sentences, its questions weigh `question_weight`
        beside the whole message (clinic_nlu/question_sentences.py).
        """
        whole = self._regression(text)
        questions = [
            self._regression(sentence) for sentence in question_sentences(text)
        ]
        if not whole or not questions:
            return whole
        weight = float(self._config[QUESTION_WEIGHT_KEY])
        return {
            label: (1.0 - weight) * p
            + weight * sum(question[label] for question in questions) / len(questions)
            for label, p in whole.items()
        }

    def _regression(self, text: str) -> Distribution:
        """The regression's distribution for one text."""
        if self._coefficients is None or self._intercepts is None:
            return {}
        scores = self._coefficients @ self._encoder().embed(text) + self._intercepts
        scores = np.exp(scores - scores.max())
        scores /= scores.sum()
        return dict(zip(self._labels, scores.tolist(), strict=True))

    def process(self, messages: List[Message]) -> List[Message]:
        """Rewrites intent, intent ranking and topics from the mix."""
        for message in messages:
            ours = classifiers_distribution(message)
            text = message.get(CORRECTED_TEXT) or message.get(TEXT)
            if not ours or not text:
                continue
            theirs = self._second_opinion(ours, str(text))
            if theirs:
                self._set_prediction(
                    message,
                    mixed(ours, theirs, float(self._config[EMBEDDING_WEIGHT_KEY])),
                )
        return messages

    def _second_opinion(self, ours: Distribution, text: str) -> Distribution:
        """The regression's distribution where it is to be mixed in, else empty.

        Not even computed where the classifiers are sure, unless their label
        is one to check, or one to dispute and below `certain_above`.
        """
        label, confidence = max(ours.items(), key=lambda item: item[1])
        names = {label, intent_of(label)}
        sure = confidence >= float(self._config[SKIP_ABOVE_KEY])
        if not sure or names & self._check_when_sure:
            return self.probabilities(text)
        certain = confidence >= float(self._config[CERTAIN_ABOVE_KEY])
        if certain or not names & self._dispute_when_sure:
            return {}
        theirs = self.probabilities(text)
        if not theirs:
            return {}
        their_label, their_confidence = max(theirs.items(), key=lambda item: item[1])
        disputed = their_confidence >= float(self._config[DISPUTE_ABOVE_KEY])
        return theirs if disputed and their_label != label else {}

    def _set_prediction(self, message: Message, labels: Distribution) -> None:
        selection: Dict[str, Any] = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        retrieval_intents = set(selection.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS, []))
        intents: Distribution = {}
        for label, p in labels.items():
            intent = intent_of(label)
            intents[intent] = intents.get(intent, 0.0) + p
        intent_ranking = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: p}
            for name, p in ranking(intents)
        ]
        message.set(INTENT, intent_ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, intent_ranking, add_to_output=True)
        topics = {
            label: p
            for label, p in labels.items()
            if intent_of(label) in retrieval_intents
        }
        if topics and RESPONSE_SELECTOR_DEFAULT_INTENT in selection:
            selection[RESPONSE_SELECTOR_DEFAULT_INTENT] = self._selection(topics)
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selection, add_to_output=True)

    def _selection(self, topics: Distribution) -> Dict[str, Any]:
        """The selector's output for a topic distribution, as Rasa shapes it."""
        total = sum(topics.values())
        ranked = [(key, p / total) for key, p in ranking(topics)]
        top_key, top_confidence = ranked[0]
        # Rasa's selector also gives each label hash(label) as its id.
        ranked_entries = [
            {"id": hash(key), PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: key}
            for key, p in ranked
        ]
        responses = self._responses.get(f"utter_{top_key}", [])
        return answer(top_key, top_confidence, ranked_entries, responses)
