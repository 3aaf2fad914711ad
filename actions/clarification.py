"""Replies for messages the assistant did not understand well enough."""

import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_context import LAST_TOPIC_SLOT
from actions.exchange_log import LoggingAction, latest_user_event
from actions.follow_ups import FOLLOW_UP_INTENTS, follow_up_answer
from actions.suggestions import button_for, scored_topics, suggested_topics
from actions.topics import NOT_ON_PAGE, RETRIEVAL_INTENTS
from clinic_nlu.vocabulary import is_on_topic
from clinic_nlu.vocabulary import likeliest_reading as likeliest_among

SOMETHING_ELSE_BUTTON = {"title": "Something else", "payload": "/out_of_scope"}
# The classifiers this sure that a message asks about the page (faq,
# not_covered) make it a kyphoplasty question even when no topic was clear
# enough to answer: it gets the honest deferral, not the general reply. 0.9
# was set on DIET alone; its mix with the embedding classifier is less
# peaked: on the development set 0.7 then 0.5 turned general replies to
# questions about the clinic and aftercare into the honest deferral (86.3 ->
# 87.8 % right); 0.4 did the same for short page questions ("go home next
# day?", "whats the filler") on the later development sets (safe and honest
# 94.3 -> 95.7 % on the third), no unrelated question among them (0.3 the same).
MIN_PAGE_QUESTION_CONFIDENCE = 0.4


class ActionSuggestTopics(LoggingAction):
    """Asks "did you mean…?" only when two topics are both plausible.

    Then the two likeliest topics are buttons, plus "Something else"; two
    steps of the procedure named by their words are both plausible. Without
    two plausible topics, a message about kyphoplasty or the clinic gets the
    honest "I can't answer that from the page" with the number, and any other
    message the general reply (what the assistant can help with, the number).
    A message is about kyphoplasty when its words say so, when the classifier
    is sure it asks about the page, or when it follows an answer ("and for
    how long?"): then it gets the honest reply, not the general one. An
    unsure message whose likeliest reading is a follow-up to an answer is
    answered as the follow-up would be.
    """

    action_name = "action_suggest_topics"
    # Whether two plausible topics are offered as buttons.
    offers_buttons = True
    # The reply to a message that is not about kyphoplasty.
    unrelated_reply = "utter_default"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the suggestions, the honest deferral, or the general reply."""
        last_topic = tracker.get_slot(LAST_TOPIC_SLOT)
        likeliest = likeliest_intent(tracker)
        if last_topic and likeliest in FOLLOW_UP_INTENTS:
            responses = follow_up_answer(tracker.latest_message, last_topic, likeliest)
            return await self.replies_and_log(dispatcher, tracker, domain, responses)
        text = str(tracker.latest_message.get("text") or "")
        topics = suggested_topics(text, scored_topics(tracker.latest_message))
        if self.offers_buttons and topics:
            buttons = [button_for(name) for name in topics]
            await self.reply_and_log(
                dispatcher,
                tracker,
                domain,
                "utter_suggest_topics",
                [*buttons, SOMETHING_ELSE_BUTTON],
            )
            return []
        reply = NOT_ON_PAGE if is_about_kyphoplasty(tracker) else self.unrelated_reply
        await self.reply_and_log(dispatcher, tracker, domain, reply)
        return []


def likeliest_reading(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The likeliest intent other than the fallback, with its confidence."""
    return likeliest_among(tracker.latest_message.get("intent_ranking") or [])


def likeliest_intent(tracker: Tracker) -> Optional[str]:
    """The name of `likeliest_reading`, if any."""
    reading = likeliest_reading(tracker)
    return str(reading.get("name")) if reading else None


def is_about_kyphoplasty(tracker: Tracker) -> bool:
    """Whether an unclear message still speaks of kyphoplasty or the clinic."""
    if tracker.get_slot(LAST_TOPIC_SLOT):
        return True
    user_event = latest_user_event(tracker) or {}
    if is_on_topic(str(user_event.get("text") or "")):
        return True
    reading = likeliest_reading(tracker)
    return reading is not None and (
        reading.get("name") in RETRIEVAL_INTENTS
        and float(reading.get("confidence", 0.0)) >= MIN_PAGE_QUESTION_CONFIDENCE
    )


# Words that point back at something said before ("what's it made of?",
# "who looks at them?", "and what do they push through it").
POINTS_BACK = re.compile(
    r"\b(?:it|its|that|this|they|them|those|these)\b|^\W*and\b", re.IGNORECASE
)


def leans_on_an_answer(tracker: Tracker) -> bool:
    """Whether a message follows a page answer and points back at it."""
    user_event = latest_user_event(tracker) or {}
    text = str(user_event.get("text") or "")
    return bool(tracker.get_slot(LAST_TOPIC_SLOT)) and bool(POINTS_BACK.search(text))


class ActionReplyStillUnclear(ActionSuggestTopics):
    """An unclear message right after "did you mean…?" or an unclear reply.

    No second set of buttons: a follow-up is answered, a message about
    kyphoplasty gets the honest deferral with the number, any other the
    redirect.
    """

    action_name = "action_reply_still_unclear"
    offers_buttons = False
    unrelated_reply = "utter_out_of_scope"


class ActionRedirectUnrelated(ActionSuggestTopics):
    """Redirects a message about something else, unless it leans on an answer.

    After a page answer, a short question that points back at it ("what's it
    made of?" after the cement) can read as unrelated to the classifiers,
    which know no such phrasing; it is about kyphoplasty all the same, and is
    treated as an unclear question: a follow-up, "did you mean…?", or the
    honest deferral with the number, never the general redirect.
    """

    action_name = "action_redirect_unrelated"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """The unclear message's reply when it leans on an answer, else the redirect."""
        if leans_on_an_answer(tracker):
            return await super().run(dispatcher, tracker, domain)
        await self.reply_and_log(dispatcher, tracker, domain, "utter_out_of_scope")
        return []


class ActionDefaultReply(LoggingAction):
    """What the dialogue policy falls back to when no rule fits the conversation."""

    action_name = "action_default_reply"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the general reply and logs the turn."""
        await self.reply_and_log(dispatcher, tracker, domain, "utter_default")
        return []
