"""Replies for messages the assistant did not understand well enough."""

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.exchange_log import LoggingAction, log_turn
from actions.responses import response_text
from actions.suggestions import button_for, likeliest_topics

SOMETHING_ELSE_BUTTON = {"title": "Something else", "payload": "/out_of_scope"}


class ActionSuggestTopics(LoggingAction):
    """Offers the two likeliest topics as buttons, plus "Something else"."""

    def name(self) -> str:
        """Names the action as the domain does."""
        return "action_suggest_topics"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the suggestions, or the general reply if there are none."""
        topics = likeliest_topics(tracker.latest_message)
        if not topics:
            response = "utter_default"
            dispatcher.utter_message(response=response)
            log_turn(self.writer, tracker, [response_text(domain, response)], response)
            return []
        buttons = [button_for(topic) for topic in topics] + [SOMETHING_ELSE_BUTTON]
        response = "utter_suggest_topics"
        dispatcher.utter_message(response=response, buttons=buttons)
        titles = " | ".join(button["title"] for button in buttons)
        log_turn(
            self.writer,
            tracker,
            [f"{response_text(domain, response)} [{titles}]"],
            response,
        )
        return []


class ActionDefaultReply(LoggingAction):
    """What the dialogue policy falls back to when no rule fits the conversation."""

    def name(self) -> str:
        """Names the action as config.yml does."""
        return "action_default_reply"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the general reply and logs the turn."""
        response = "utter_default"
        dispatcher.utter_message(response=response)
        log_turn(self.writer, tracker, [response_text(domain, response)], response)
        return []
