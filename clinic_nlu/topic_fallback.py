"""Treats an FAQ answer the ResponseSelector is unsure of as an unsure message.

Rasa's FallbackClassifier looks at the intent's confidence only. For a
question about something else entirely ("I need new glasses", "my cat is
sick"), DIET often still says `faq` or `not_covered` with near-certainty,
because the few words it knows ("I need", "do you") are common in those
intents; the ResponseSelector, which must pick one topic, is far less sure
(about 0.1-0.35 for such questions on a probe set, against 0.6-1.0 for real
kyphoplasty questions). Below `threshold`, the message is marked
`nlu_fallback` the way the FallbackClassifier marks it, so the visitor is
offered the likeliest topics (and "Something else") instead of a confident
answer to a question they did not ask.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
)
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.components import override_intent
from clinic_nlu.vocabulary import OUT_OF_SCOPE_INTENT, is_about_kyphoplasty

THRESHOLD_KEY = "threshold"
DEFAULT_THRESHOLD = 0.4
# When DIET says the page does not cover a question but the ResponseSelector's
# topic is a page fact, that fact is given only if the selector is this sure.
DISAGREEMENT_THRESHOLD_KEY = "disagreement_threshold"
DEFAULT_DISAGREEMENT_THRESHOLD = 0.9
NOT_COVERED_INTENT = "not_covered"


def _selected(message: Message) -> Dict[str, Any]:
    selection: Dict[str, Any] = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    default = selection.get(RESPONSE_SELECTOR_DEFAULT_INTENT, {})
    return dict(default.get(RESPONSE_SELECTOR_PREDICTION_KEY, {}))


def topic_confidence(message: Message) -> Optional[float]:
    """The ResponseSelector's confidence in its topic, if the intent has topics."""
    selection: Dict[str, Any] = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    intent_name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    if intent_name not in selection.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS, []):
        return None
    return float(_selected(message).get(PREDICTED_CONFIDENCE_KEY, 0.0))


def gives_a_fact_for_not_covered(message: Message) -> bool:
    """Whether DIET says "not covered" while the selected topic is a page fact."""
    intent_name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    topic = str(_selected(message).get(INTENT_RESPONSE_KEY) or "")
    return intent_name == NOT_COVERED_INTENT and topic.startswith("faq/")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class TopicFallback(GraphComponent):
    """Marks `faq`/`not_covered` messages whose topic is unsure as `nlu_fallback`.

    Placed after the ResponseSelector and the FallbackClassifier, and before
    SafetyOverride, which keeps the final word.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The lowest topic confidences that are still answered."""
        return {
            THRESHOLD_KEY: DEFAULT_THRESHOLD,
            DISAGREEMENT_THRESHOLD_KEY: DEFAULT_DISAGREEMENT_THRESHOLD,
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keeps the thresholds."""
        self.threshold = float(config.get(THRESHOLD_KEY, DEFAULT_THRESHOLD))
        self.disagreement_threshold = float(
            config.get(DISAGREEMENT_THRESHOLD_KEY, DEFAULT_DISAGREEMENT_THRESHOLD)
        )

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TopicFallback:
        """Creates the component from its config.yml entry."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Marks each message whose topic is doubtful as unsure."""
        for message in messages:
            if self._is_doubtful(message):
                override_intent(
                    message, DEFAULT_NLU_FALLBACK_INTENT_NAME, self.threshold
                )
        return messages

    def _is_doubtful(self, message: Message) -> bool:
        """A topic confidence below the threshold; a page fact for a question
        DIET says the page does not cover, unless the selector is near-certain;
        or `out_of_scope` for a message only a kyphoplasty question would word
        so ("will the cement ever need replacing?")."""
        confidence = topic_confidence(message)
        if confidence is not None and (
            confidence < self.threshold
            or (
                gives_a_fact_for_not_covered(message)
                and confidence < self.disagreement_threshold
            )
        ):
            return True
        intent_name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        return intent_name == OUT_OF_SCOPE_INTENT and is_about_kyphoplasty(
            message.get(TEXT) or ""
        )
