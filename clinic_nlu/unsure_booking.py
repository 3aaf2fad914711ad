"""Reads an unsure message that is likely a booking request as one.

"Could someone real talk to me?" can be a booking request to DIET at 0.45,
under the FallbackClassifier's bar, so the visitor got the general reply;
"can a human answer instead" may lean to a question about the assistant. A
booking reply given by mistake costs the visitor nothing (the number and an
offer of a callback), while "I can't help with that" to someone asking for a
person is the reply they came to avoid. So an unsure (or out-of-scope)
message gets the booking reply when booking is its likeliest reading at a
lower bar, or when its words ask for a person rather than the assistant
(then also when it reads as a question the page does not cover).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.components import ConfiguredComponent, intent_name, override_intent
from clinic_nlu.vocabulary import (
    NOT_COVERED_INTENT,
    OUT_OF_SCOPE_INTENT,
    likeliest_reading,
)

BOOKING_INTENT = "request_appointment"
# Asks for a person rather than the assistant ("can a human answer instead",
# "is anybody there from the office"), not of people in general ("the human
# spine"); "am I talking to a real person?" is confidently a question about
# the assistant, never unsure.
ASKS_FOR_A_PERSON = re.compile(
    r"\b(?:a|another|real|actual|live)\s+human\b|\bhuman\s+(?:being|please)\b|"
    r"^\W*human\b|\b(?:real|actual|live)\s+(?:person|people|agent)\b|"
    r"\breceptionist\b|\bfront desk\b|\b(?:your|a)\s+staff\s+member\b|"
    r"\b(?:some|any)(?:one|body)\s+(?:there\s+)?(?:at|from|in)\s+(?:the|your)\s+"
    r"(?:clinic|office)\b",
    re.IGNORECASE,
)
MIN_CONFIDENCE_KEY = "min_confidence"
# Readings under which a message may still be a booking request: the
# fallback's, and out of scope (an ask for a person can read as unrelated).
UNSURE_INTENTS = frozenset({DEFAULT_NLU_FALLBACK_INTENT_NAME, OUT_OF_SCOPE_INTENT})
# Readings under which a message that asks for a person is a booking request:
# the unsure ones, and a question the page does not cover ("is anybody there
# from the office?"), which wants the number and a callback, not only the
# number: the booking reply gives both.
ASKING_FOR_A_PERSON_INTENTS = UNSURE_INTENTS | {NOT_COVERED_INTENT}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class UnsureBookingRequests(ConfiguredComponent):
    """Reads an unsure message leaning to booking, or asking for a person, as one."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Below the FallbackClassifier's 0.55, above any other intent's share."""
        return {MIN_CONFIDENCE_KEY: 0.4}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keeps the confidence a booking reading needs."""
        super().__init__(config)
        self._min_confidence = float(self.config[MIN_CONFIDENCE_KEY])

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets `request_appointment` on unsure messages that are booking requests."""
        for message in messages:
            intent = intent_name(message)
            if intent not in ASKING_FOR_A_PERSON_INTENTS:
                continue
            leans = intent == DEFAULT_NLU_FALLBACK_INTENT_NAME and self._leans(message)
            if leans or asks_for_a_person(str(message.get(TEXT) or "")):
                override_intent(message, BOOKING_INTENT, booking_confidence(message))
        return messages

    def _leans(self, message: Message) -> bool:
        """Whether booking is the likeliest reading, at the lower bar."""
        reading = likeliest_reading(message.get(INTENT_RANKING_KEY) or [])
        return (
            reading is not None
            and reading.get(INTENT_NAME_KEY) == BOOKING_INTENT
            and float(reading.get(PREDICTED_CONFIDENCE_KEY, 0.0))
            >= self._min_confidence
        )


def asks_for_a_person(text: str) -> bool:
    """Whether a message's words ask for a person rather than the assistant."""
    return ASKS_FOR_A_PERSON.search(text) is not None


def booking_confidence(message: Message) -> float:
    """The classifiers' confidence in a booking request, from the ranking."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    return next(
        (
            float(entry.get(PREDICTED_CONFIDENCE_KEY, 0.0))
            for entry in ranking
            if entry.get(INTENT_NAME_KEY) == BOOKING_INTENT
        ),
        0.0,
    )
