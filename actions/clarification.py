"""The "did you mean…?" step for messages the classifier was unsure about."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.suggestions import button_for, likeliest_topics

SOMETHING_ELSE_BUTTON = {"title": "Something else", "payload": "/out_of_scope"}


class ActionSuggestTopics(Action):
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
        """Sends the suggestions, or the general redirect if there are none."""
        topics = likeliest_topics(tracker.latest_message)
        if not topics:
            dispatcher.utter_message(response="utter_default")
            return []
        buttons = [button_for(topic) for topic in topics] + [SOMETHING_ELSE_BUTTON]
        dispatcher.utter_message(response="utter_suggest_topics", buttons=buttons)
        return []
