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

One selector ranks the topics of both retrieval intents, so its likeliest
topic can be a page fact (`faq/timing_window`) while the classifiers call
the message `not_covered` ("does Medicare stop paying past some age?"). Rasa's
`utter_not_covered` would then say the page fact; here a `not_covered`
message gets the likeliest topic the page does not cover, the honest
deferral. The other way round (`faq` with a not-covered topic) already ends
in the deferral.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
)
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.components import (
    ConfiguredComponent,
    intent_name,
    override_intent,
    top_topic,
)
from clinic_nlu.selector_output import answer
from clinic_nlu.vocabulary import (
    NOT_COVERED_INTENT,
    OUT_OF_SCOPE_INTENT,
    is_about_kyphoplasty,
)

THRESHOLD_KEY = "threshold"
DEFAULT_THRESHOLD = 0.4


def topic_confidence(message: Message) -> Optional[float]:
    """The ResponseSelector's confidence in its topic, if the intent has topics."""
    selection: Dict[str, Any] = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    if intent_name(message) not in selection.get(
        RESPONSE_SELECTOR_RETRIEVAL_INTENTS, []
    ):
        return None
    return top_topic(message)[1]


def deferral_for_not_covered(message: Message) -> None:
    """Gives a `not_covered` message the likeliest not-covered topic as its answer.

    Rasa's retrieval action reads the selector's output under the intent's
    own name before the shared "default" one.
    """
    if intent_name(message) != NOT_COVERED_INTENT:
        return
    selection: Dict[str, Any] = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    default_ranking = selection.get(RESPONSE_SELECTOR_DEFAULT_INTENT, {}).get(
        RESPONSE_SELECTOR_RANKING_KEY, []
    )
    prefix = f"{NOT_COVERED_INTENT}/"
    ranking = [
        entry
        for entry in default_ranking
        if str(entry.get(INTENT_RESPONSE_KEY, "")).startswith(prefix)
    ]
    if not ranking or str(default_ranking[0][INTENT_RESPONSE_KEY]).startswith(prefix):
        return
    top = ranking[0]
    selection[NOT_COVERED_INTENT] = answer(
        str(top[INTENT_RESPONSE_KEY]), float(top[PREDICTED_CONFIDENCE_KEY]), ranking
    )
    message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selection, add_to_output=True)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class TopicFallback(ConfiguredComponent):
    """Marks `faq`/`not_covered` messages whose topic is unsure as `nlu_fallback`.

    Placed after the ResponseSelector and the FallbackClassifier, and before
    SafetyOverride, which keeps the final word.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The lowest topic confidence that is still answered."""
        return {THRESHOLD_KEY: DEFAULT_THRESHOLD}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keeps the threshold."""
        super().__init__(config)
        self.threshold = float(self.config[THRESHOLD_KEY])

    def process(self, messages: List[Message]) -> List[Message]:
        """Marks each message whose topic is doubtful as unsure.

        Doubtful: a topic confidence below the threshold, or `out_of_scope`
        for a message only a kyphoplasty question would word so ("will the
        cement ever need replacing?").
        """
        for message in messages:
            deferral_for_not_covered(message)
            confidence = topic_confidence(message)
            if (confidence is not None and confidence < self.threshold) or (
                intent_name(message) == OUT_OF_SCOPE_INTENT
                and is_about_kyphoplasty(message.get(TEXT) or "")
            ):
                override_intent(
                    message, DEFAULT_NLU_FALLBACK_INTENT_NAME, self.threshold
                )
        return messages
