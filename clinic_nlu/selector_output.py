"""The ResponseSelector's answer for one topic, as Rasa shapes it.

Rasa's retrieval action reads the utter action from it; components that
change a message's topic (the embedding classifier, the not-covered check,
the button lookup) write their answer in the same shape.
"""

from typing import Any, Dict, List, Optional

from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY


def prediction(
    topic: str, confidence: float, responses: List[Dict[str, Any]]
) -> Dict[str, Any]:
    """The selector's prediction of `topic` ("faq/duration") at `confidence`."""
    return {
        RESPONSE_SELECTOR_RESPONSES_KEY: responses,
        PREDICTED_CONFIDENCE_KEY: confidence,
        INTENT_RESPONSE_KEY: topic,
        RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{topic}",
    }


def answer(
    topic: str,
    confidence: float,
    ranking: List[Dict[str, Any]],
    responses: Optional[List[Dict[str, Any]]] = None,
) -> Dict[str, Any]:
    """A selector's whole output for one retrieval intent: its topic and ranking."""
    return {
        RESPONSE_SELECTOR_PREDICTION_KEY: prediction(
            topic, confidence, responses or []
        ),
        RESPONSE_SELECTOR_RANKING_KEY: ranking,
    }
