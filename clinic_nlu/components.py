"""Rasa pipeline components that apply deterministic checks around the classifiers."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic_nlu.input_guard import has_words, is_foreign, strip_markup
from clinic_nlu.red_flags import is_red_flag

EMERGENCY_INTENT = "emergency"
OUT_OF_SCOPE_INTENT = "out_of_scope"


def forced_intent(text: str) -> Optional[str]:
    """Returns the intent the safety rules impose on a message, if any."""
    if is_red_flag(text):
        return EMERGENCY_INTENT
    if not has_words(text) or is_foreign(text):
        return OUT_OF_SCOPE_INTENT
    return None


class StatelessComponent(GraphComponent):
    """A pipeline component with no state, no config and nothing to train."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates the component."""
        return cls()


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class MarkupStripper(StatelessComponent):
    """Removes HTML from visitor text before spaCy sees it.

    Placed first in the pipeline. Only the text the classifiers read changes;
    the tracker keeps what the visitor really sent.
    """

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Cleans training examples the same way as live messages."""
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Replaces each message's text by its markup-free version."""
        for message in messages:
            text = message.get(TEXT)
            if text:
                message.set(TEXT, strip_markup(text))
        return messages


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class SafetyOverride(StatelessComponent):
    """Overrides the classifiers for red-flag and wordless messages.

    Placed last in the pipeline, after the FallbackClassifier, so that an
    emergency is answered as one even when the classifiers were unsure.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets the imposed intent, with full confidence, on each message."""
        for message in messages:
            intent_name = forced_intent(message.get(TEXT) or "")
            if intent_name is not None:
                override_intent(message, intent_name, 1.0)
        return messages


def override_intent(message: Message, intent_name: str, confidence: float) -> None:
    """Makes `intent_name` the message's intent, first in its ranking."""
    forced = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [
        entry
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != intent_name
    ]
    message.set(INTENT, forced, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [forced, *ranking], add_to_output=True)
