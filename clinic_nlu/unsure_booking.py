"""Reads an unsure message whose likeliest reading is a booking request as one.

"Could someone real talk to me?" can be a booking request to DIET at 0.45,
under the FallbackClassifier's bar, so the visitor got the general reply. A
booking reply given by mistake costs the visitor nothing (the number and an
offer of a callback), while "I can't help with that" to someone asking for a
person is the reply they came to avoid; so a lower bar is kept for this one
intent.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.components import ConfiguredComponent, override_intent

BOOKING_INTENT = "request_appointment"
MIN_CONFIDENCE_KEY = "min_confidence"


def likeliest_reading(message: Message) -> Optional[Dict[str, Any]]:
    """The likeliest intent of the ranking other than the fallback."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    return next(
        (
            entry
            for entry in ranking
            if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
        ),
        None,
    )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class UnsureBookingRequests(ConfiguredComponent):
    """Makes an unsure message a booking request when that is its likeliest reading."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Below the FallbackClassifier's 0.55, above any other intent's share."""
        return {MIN_CONFIDENCE_KEY: 0.4}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keeps the confidence a booking reading needs."""
        super().__init__(config)
        self._min_confidence = float(self.config[MIN_CONFIDENCE_KEY])

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets `request_appointment` on fallback messages that lean to it."""
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            reading = likeliest_reading(message)
            if (
                intent == DEFAULT_NLU_FALLBACK_INTENT_NAME
                and reading is not None
                and reading.get(INTENT_NAME_KEY) == BOOKING_INTENT
                and float(reading.get(PREDICTED_CONFIDENCE_KEY, 0.0))
                >= self._min_confidence
            ):
                confidence = float(reading[PREDICTED_CONFIDENCE_KEY])
                override_intent(message, BOOKING_INTENT, confidence)
        return messages
