"""Reads "what comes after the balloon?" as asking for the next step.

Such a question names a step of the procedure, so the classifiers read it
as a question about that step (`faq/balloon`), and the visitor would get the
balloon again. When the words ask what follows ("what comes after ...",
"once ..., what do they do", "then what") and the named topic is a step with
another after it, the intent becomes `follow_up_next`; the follow-up action
(actions/follow_ups.py) answers with the step after the named one.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinic_facts import PROCEDURE_ORDER
from clinic_nlu.components import (
    ConfiguredComponent,
    intent_name,
    override_intent,
    top_topic,
)
from clinic_nlu.vocabulary import NEXT_STEP_INTENT

FAQ_INTENT = "faq"
MIN_TOPIC_CONFIDENCE_KEY = "min_topic_confidence"
# Steps with another step after them on the page.
STEPS_WITH_A_NEXT = frozenset(PROCEDURE_ORDER[:-1])
# Asks what comes next ("what happens after ...", "then what"), or is a
# short question opening with "after" or "once" ("ok and after the x-rays?");
# a story opens that way too ("After my fall I was told ..."). "How long
# after the procedure can I walk?" does neither.
ASKS_WHAT_COMES_NEXT = re.compile(
    r"\bwhat(?:'?s| is| comes| happens| do they do)?\s+(?:next|after|then)\b"
    r"|\bthen what\b|\bnext step\b",
    re.IGNORECASE,
)
OPENS_WITH_AFTER = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|then|right)\W+)*(?:after|once)\b", re.IGNORECASE
)
SHORT_QUESTION_WORDS = 10


def asks_what_follows(text: str) -> bool:
    """Whether a message asks what comes after something it names."""
    if ASKS_WHAT_COMES_NEXT.search(text):
        return True
    short = len(text.split()) <= SHORT_QUESTION_WORDS
    return short and OPENS_WITH_AFTER.search(text) is not None


def named_step(message: Message, min_confidence: float) -> bool:
    """Whether the selector is sure the message names a step with a next one."""
    topic, confidence = top_topic(message)
    return topic in STEPS_WITH_A_NEXT and confidence >= min_confidence


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class NextStepQuestions(ConfiguredComponent):
    """Makes a page question about what follows a named step a next-step follow-up."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """As sure of the step as the follow-up action is of a named topic."""
        return {MIN_TOPIC_CONFIDENCE_KEY: 0.6}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keeps the confidence needed in the named step."""
        super().__init__(config)
        self._min_confidence = float(self.config[MIN_TOPIC_CONFIDENCE_KEY])

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets `follow_up_next` on page questions that ask what follows a step."""
        for message in messages:
            if (
                intent_name(message) == FAQ_INTENT
                and named_step(message, self._min_confidence)
                and asks_what_follows(str(message.get(TEXT) or ""))
            ):
                confidence = float(message.get(INTENT)[PREDICTED_CONFIDENCE_KEY])
                override_intent(message, NEXT_STEP_INTENT, confidence)
        return messages
