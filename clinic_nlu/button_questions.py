"""A suggestion button's question gets its own topic, whatever the classifiers read.

A button sends its question as visitor text (actions/topics.py), so a click
goes through the same rules and log as a typed question. The question is a
training phrasing of its topic, but that is no promise: after a change of
training data, the balloon's button question came out at 0.49 for its topic,
under the topic bar, and the click got "did you mean…?". The button texts are
the assistant's own, so they are looked up rather than guessed; a visitor who
types one word for word gets the same answer.
"""

from __future__ import annotations

from typing import Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PROPERTY_NAME,
)
from rasa.shared.nlu.constants import (
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from actions.topics import TOPIC_QUESTIONS
from clinic_nlu.components import StatelessComponent, override_intent
from clinic_nlu.selector_output import answer


def button_key(text: str) -> str:
    """A text as compared with the buttons' questions: case and spacing aside."""
    return " ".join(text.casefold().split())


TOPIC_OF_BUTTON: Dict[str, str] = {
    button_key(question): topic for topic, question in TOPIC_QUESTIONS.items()
}


def answer_with(message: Message, topic: str) -> None:
    """Makes `topic` ("faq/balloon") the message's intent and sure topic."""
    intent = topic.split("/")[0]
    override_intent(message, intent, 1.0)
    sure = answer(
        topic, 1.0, [{INTENT_RESPONSE_KEY: topic, PREDICTED_CONFIDENCE_KEY: 1.0}]
    )
    selection = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
    selection[RESPONSE_SELECTOR_DEFAULT_INTENT] = sure
    selection[intent] = sure
    message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selection, add_to_output=True)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class ButtonQuestions(StatelessComponent):
    """Answers a button's question with its topic; before the safety rules."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets the topic of each message that is a button's question."""
        for message in messages:
            topic = TOPIC_OF_BUTTON.get(button_key(str(message.get(TEXT) or "")))
            if topic is not None:
                answer_with(message, topic)
        return messages
