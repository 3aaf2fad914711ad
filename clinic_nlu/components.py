"""Rasa pipeline components that apply deterministic checks around the classifiers."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
)
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic_nlu.contact_details import introduced_name, phone_number_span
from clinic_nlu.input_guard import (
    has_words,
    is_foreign,
    language_identifier,
    strip_markup,
)
from clinic_nlu.red_flags import is_red_flag
from clinic_nlu.vocabulary import (
    EMERGENCY_INTENT,
    NAME_ENTITY,
    OUT_OF_SCOPE_INTENT,
    PHONE_ENTITY,
    RED_FLAG_ENTITY,
)


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


class ConfiguredComponent(GraphComponent):
    """A pipeline component with a config (its defaults merged in), nothing to train."""

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keeps the config.yml entry over the defaults."""
        self.config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates the component from its config.yml entry."""
        return cls(config)


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
    A red flag also carries the `red_flag` entity (the whole message), alone:
    the rules that end a
    callback request or send only the 911 reply require it, so that the
    classifier's `emergency` on its own (a phone number, a fall weeks ago)
    never ends a request or withholds an answer.
    """

    def __init__(self) -> None:
        """Loads the language identifier now: the first visitor does not wait for it."""
        language_identifier()
        super().__init__()

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets the imposed intent, with full confidence, on each message."""
        for message in messages:
            intent_name = forced_intent(message.get(TEXT) or "")
            if intent_name is not None:
                override_intent(message, intent_name, 1.0)
            if intent_name == EMERGENCY_INTENT:
                text = message.get(TEXT) or ""
                red_flag = _entity(
                    RED_FLAG_ENTITY, text, 0, len(text), "SafetyOverride"
                )
                message.set(ENTITIES, [red_flag], add_to_output=True)
        return messages


def _entity(
    name: str, value: str, start: int, end: int, extractor: str
) -> Dict[str, Any]:
    return {
        ENTITY_ATTRIBUTE_TYPE: name,
        ENTITY_ATTRIBUTE_VALUE: value,
        ENTITY_ATTRIBUTE_START: start,
        ENTITY_ATTRIBUTE_END: end,
        EXTRACTOR: extractor,
    }


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=False,
)
class ContactDetailsExtractor(StatelessComponent):
    """Finds a US phone number and an introduced name ("this is Ann").

    They fill the callback request when given with the appointment request
    ("call me at 904-555-0199, this is Ann") or as a correction inside it.
    The classifiers then read the number as one placeholder word: its digits
    meant nothing to them, yet swayed them (a number read as an emergency).
    Placed right after MarkupStripper, before spaCy; the tracker keeps the
    number as typed.
    """

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Gives training examples the same placeholder as live messages."""
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if text:
                example.set(TEXT, _with_placeholder(text))
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds `phone_number` and `person_name` entities where found."""
        extractor = type(self).__name__
        for message in messages:
            text = message.get(TEXT) or ""
            found = list(message.get(ENTITIES) or [])
            span = phone_number_span(text)
            if span is not None:
                start, end = span
                found.append(
                    _entity(PHONE_ENTITY, text[start:end], start, end, extractor)
                )
            message.set(TEXT, _with_placeholder(text))
            name = introduced_name(text)
            if name is not None:
                start = text.find(name)
                found.append(
                    _entity(NAME_ENTITY, name, start, start + len(name), extractor)
                )
            message.set(ENTITIES, found, add_to_output=True)
        return messages


PHONE_PLACEHOLDER = "phonenumber"


def _with_placeholder(text: str) -> str:
    """The text with its first US number (the clinic's too) as the placeholder."""
    span = phone_number_span(text, clinic_too=True)
    if span is None:
        return text
    return f"{text[: span[0]]}{PHONE_PLACEHOLDER}{text[span[1] :]}"


def intent_name(message: Message) -> str:
    """The message's intent as the pipeline has read it so far ("" if none)."""
    return str((message.get(INTENT) or {}).get(INTENT_NAME_KEY, ""))


def top_topic(message: Message) -> Tuple[Optional[str], float]:
    """The ResponseSelector's likeliest topic for a message, with its confidence."""
    selection: Dict[str, Any] = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    default = selection.get(RESPONSE_SELECTOR_DEFAULT_INTENT, {})
    top = default.get(RESPONSE_SELECTOR_PREDICTION_KEY, {})
    return top.get(INTENT_RESPONSE_KEY), float(top.get(PREDICTED_CONFIDENCE_KEY, 0.0))


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
