"""What the assistant remembers between turns: the topic it answered last.

Actions receive only the current turn's events (clinic_rasa/action_call.py),
so the topic travels in a slot, which the tracker state always carries.
"""

from typing import Any, Dict, List

from rasa_sdk.events import SlotSet

from actions.topics import TOPICS

LAST_TOPIC_SLOT = "last_topic"


def remembered_topic(answer_key: str) -> List[Dict[str, Any]]:
    """The event that remembers an answered topic ("utter_faq/duration"), if any."""
    topic = answer_key.removeprefix("utter_")
    return [SlotSet(LAST_TOPIC_SLOT, topic)] if topic in TOPICS else []
