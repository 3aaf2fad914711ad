"""Answers given beside something else: inside the callback form, or after a caution.

Both read the answer off the message's own parse: the ResponseSelector's
topic for a question about the page, a fixed response for the other intents.
"""

from typing import Any, Dict, List, Mapping, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_context import LAST_TOPIC_SLOT, remembered_topic
from actions.exchange_log import LoggingAction
from actions.follow_ups import FOLLOW_UP_INTENTS, follow_up_answer
from actions.topics import RETRIEVAL_INTENTS, intent_name, selector_ranking
from clinic_nlu.vocabulary import EMERGENCY_INTENT

# What a question of each plain intent gets inside the callback form.
FORM_RESPONSES = {
    "request_appointment": "utter_appointment_in_form",
    "nlu_fallback": "utter_question_not_on_page",
    "bot_challenge": "utter_iamabot",
    "out_of_scope": "utter_out_of_scope",
    EMERGENCY_INTENT: "utter_emergency_caution",
}
CAUTION = "utter_emergency_caution"
CAUTION_WITHOUT_ANSWER = "utter_caution_tell_more"
# A topic the ResponseSelector is less sure of than this is not given after
# a caution: the visitor may be describing an emergency, not asking.
MIN_TOPIC_CONFIDENCE_AFTER_CAUTION = 0.4


def topic_response(
    parse_data: Mapping[str, Any], intent: str, min_confidence: float = 0.0
) -> Optional[str]:
    """The response of the selector's likeliest topic of `intent` (faq, not_covered)."""
    ranking = selector_ranking(parse_data)
    for entry in ranking:
        key = str(entry.get("intent_response_key", ""))
        if key.startswith(f"{intent}/"):
            confident = float(entry.get("confidence", 0.0)) >= min_confidence
            return f"utter_{key}" if confident else None
    return None


def form_answer(parse_data: Mapping[str, Any]) -> str:
    """What a question handed over by the callback form gets before the re-ask."""
    intent = intent_name(parse_data)
    if intent in RETRIEVAL_INTENTS:
        return topic_response(parse_data, intent) or FORM_RESPONSES["nlu_fallback"]
    return FORM_RESPONSES.get(intent, FORM_RESPONSES["nlu_fallback"])


def answer_after_caution(parse_data: Mapping[str, Any]) -> str:
    """The answer to give after the 911 line: the likeliest question's topic."""
    ranking = parse_data.get("intent_ranking") or []
    question = next(
        (
            entry.get("name")
            for entry in ranking
            if entry.get("name") != EMERGENCY_INTENT
        ),
        None,
    )
    if question in RETRIEVAL_INTENTS:
        response = topic_response(
            parse_data, str(question), MIN_TOPIC_CONFIDENCE_AFTER_CAUTION
        )
        if response is not None:
            return response
    return CAUTION_WITHOUT_ANSWER


def answers_in_form(
    parse_data: Mapping[str, Any], last_topic: Optional[str]
) -> List[str]:
    """The responses a question handed over by the form gets; a follow-up in context."""
    intent = intent_name(parse_data)
    if intent in FOLLOW_UP_INTENTS:
        return follow_up_answer(parse_data, last_topic)
    return [form_answer(parse_data)]


class ActionAnswerInForm(Action):
    """Answers a question asked instead of a form answer; the form then asks again.

    The form's question that follows logs the turn, with this answer in it. A
    topic answered here is remembered, so "and after that?" goes on from it.
    """

    def name(self) -> str:
        """Names the action as the domain does."""
        return "action_answer_in_form"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the answer and remembers its topic."""
        responses = answers_in_form(
            tracker.latest_message, tracker.get_slot(LAST_TOPIC_SLOT)
        )
        for response in responses:
            dispatcher.utter_message(response=response)
        return remembered_topic(responses[-1])


class ActionCautionThenAnswer(LoggingAction):
    """The 911 line, then the answer, for an emergency no red-flag rule confirmed."""

    action_name = "action_caution_then_answer"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends both, logs the turn and remembers the topic answered."""
        answer = answer_after_caution(tracker.latest_message)
        return await self.replies_and_log(
            dispatcher, tracker, domain, [CAUTION, answer]
        )
