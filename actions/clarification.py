"""Replies for messages the assistant did not understand well enough."""

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.exchange_log import LoggingAction, latest_user_event
from actions.suggestions import button_for, scored_topics, two_are_plausible
from clinic_nlu.vocabulary import is_on_topic

SOMETHING_ELSE_BUTTON = {"title": "Something else", "payload": "/out_of_scope"}
NOT_ON_PAGE = "utter_question_not_on_page"


class ActionSuggestTopics(LoggingAction):
    """Asks "did you mean…?" only when two topics are both plausible.

    Then the two likeliest topics are buttons, plus "Something else". Without
    two plausible topics, a message about kyphoplasty or the clinic gets the
    honest "I can't answer that from the page" with the number, and any other
    message the general reply (what the assistant can help with, the number).
    """

    action_name = "action_suggest_topics"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the suggestions, the honest deferral, or the general reply."""
        scored = scored_topics(tracker.latest_message)
        if two_are_plausible(scored):
            buttons = [button_for(name) for name, _ in scored[:2]]
            self.reply_and_log(
                dispatcher,
                tracker,
                domain,
                "utter_suggest_topics",
                [*buttons, SOMETHING_ELSE_BUTTON],
            )
            return []
        user_event = latest_user_event(tracker) or {}
        on_topic = is_on_topic(str(user_event.get("text") or ""))
        reply = NOT_ON_PAGE if on_topic else "utter_default"
        self.reply_and_log(dispatcher, tracker, domain, reply)
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
        self.reply_and_log(dispatcher, tracker, domain, "utter_default")
        return []
