"""Answers a message that leans on the previous answer ("and after that?").

Such a message seldom names a topic, so the classifier tells only its kind:
what comes next, or the same question for another person. The topic comes
from the `last_topic` slot (actions/conversation_context.py), unless the
message's own words name one clearly ("and how much is that?": the cost).
"""

from typing import Any, Dict, List, Mapping, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_context import LAST_TOPIC_SLOT
from actions.exchange_log import LoggingAction
from actions.topics import NOT_ON_PAGE, TOPICS, intent_name, selector_ranking

NEXT_STEP_INTENT = "follow_up_next"
FOLLOW_UP_INTENTS = frozenset({NEXT_STEP_INTENT, "follow_up_someone_else"})
# What follows each answer, in the page's own order: the four steps of the
# procedure, then the recovery milestones. A topic missing here has nothing
# after it on the page, and the visitor gets the honest deferral.
NEXT_TOPIC: Dict[str, str] = {
    "faq/what_is": "faq/procedure_steps",
    "faq/xray_assessment": "faq/anesthesia",
    "faq/anesthesia": "faq/incision_tube",
    "faq/incision_tube": "faq/balloon",
    "faq/balloon": "faq/cement",
    "faq/cement": "faq/recovery_overview",
    "faq/procedure_steps": "faq/recovery_overview",
    "faq/duration": "faq/recovery_overview",
    "faq/walking": "faq/hospital_stay",
    "faq/hospital_stay": "faq/activities",
    "faq/pain_relief": "faq/activities",
}
# Whether the procedure suits someone else is the page's age-and-health answer.
SUITABILITY_TOPICS = frozenset({"faq/candidates", "faq/age_health"})
SUITABILITY_FOR_SOMEONE_ELSE = "faq/age_health"
IN_GENERAL = "utter_follow_up_in_general"
ASK_TOPIC = "utter_ask_follow_up_topic"
# The ResponseSelector this sure of a follow-up's own topic answers that topic.
MIN_NAMED_TOPIC_CONFIDENCE = 0.6


def named_topic(parse_data: Mapping[str, Any]) -> Optional[str]:
    """The topic a message names itself, when the ResponseSelector is sure of it."""
    ranking = selector_ranking(parse_data)
    if not ranking:
        return None
    top = ranking[0]
    topic = str(top.get("intent_response_key", ""))
    confident = float(top.get("confidence", 0.0)) >= MIN_NAMED_TOPIC_CONFIDENCE
    return topic if confident and topic in TOPICS else None


def follow_up_responses(intent: str, last_topic: Optional[str]) -> List[str]:
    """The responses a follow-up of kind `intent` gets after `last_topic`."""
    if not last_topic:
        return [ASK_TOPIC]
    if intent == NEXT_STEP_INTENT:
        next_topic = NEXT_TOPIC.get(last_topic)
        return [f"utter_{next_topic}"] if next_topic else [NOT_ON_PAGE]
    if last_topic in SUITABILITY_TOPICS:
        return [f"utter_{SUITABILITY_FOR_SOMEONE_ELSE}"]
    if last_topic.startswith("faq/"):
        return [IN_GENERAL, f"utter_{last_topic}"]
    return [f"utter_{last_topic}"]


def follow_up_answer(
    parse_data: Mapping[str, Any], last_topic: Optional[str]
) -> List[str]:
    """The responses a follow-up message gets: its own clear topic, else the context.

    "What comes after the tube is in?" names the step just answered: asked as
    what comes next, it wants the step after it, not the same answer again.
    """
    intent = intent_name(parse_data)
    topic = named_topic(parse_data)
    if topic is not None and not (intent == NEXT_STEP_INTENT and topic == last_topic):
        return [f"utter_{topic}"]
    return follow_up_responses(intent, last_topic)


class ActionAnswerFollowUp(LoggingAction):
    """Answers "and after that?" or "what about for my mother?" in context."""

    action_name = "action_answer_follow_up"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the answer, logs the turn and remembers its topic."""
        responses = follow_up_answer(
            tracker.latest_message, tracker.get_slot(LAST_TOPIC_SLOT)
        )
        return await self.replies_and_log(dispatcher, tracker, domain, responses)
