"""Replies for messages the assistant did not understand well enough."""

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.exchange_log import LoggingAction
from actions.suggestions import button_for, likeliest_topics

SOMETHING_ELSE_BUTTON = {"title": "Something else", "payload": "/out_of_scope"}


class ActionSuggestTopics(LoggingAction):
    """Offers the two likeliest topics as buttons, plus "Something else"."""

    action_name = "action_suggest_topics"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the suggestions, or the general reply if there are none."""
        topics = likeliest_topics(tracker.latest_message)
        if not topics:
            self.reply_and_log(dispatcher, tracker, domain, "utter_default")
            return []
        buttons = [button_for(topic) for topic in topics] + [SOMETHING_ELSE_BUTTON]
        self.reply_and_log(dispatcher, tracker, domain, "utter_suggest_topics", buttons)
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
