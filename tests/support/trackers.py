"""Builds real rasa-sdk trackers shaped like the ones Rasa sends to actions."""

from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker


def user_event(
    text: str,
    intent: str,
    message_id: str,
    confidence: float = 0.97,
    timestamp: float = 1_790_000_000.0,
) -> Dict[str, Any]:
    """A UserUttered event as it appears in a tracker sent to the action server."""
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "intent_ranking": [{"name": intent, "confidence": confidence}],
    }
    return {
        "event": "user",
        "timestamp": timestamp,
        "text": text,
        "message_id": message_id,
        "parse_data": parse_data,
        "input_channel": "rest",
    }


def bot_event(
    text: str, utter_action: str, buttons: Optional[List[Dict[str, str]]] = None
) -> Dict[str, Any]:
    """A BotUttered event carrying the response name, as Rasa records it."""
    event: Dict[str, Any] = {
        "event": "bot",
        "text": text,
        "metadata": {"utter_action": utter_action},
    }
    if buttons:
        event["data"] = {"buttons": buttons}
    return event


def tracker_with(
    events: List[Dict[str, Any]],
    slots: Optional[Dict[str, Any]] = None,
    sender_id: str = "visitor-1",
) -> Tracker:
    """A tracker whose latest message is the last user event in `events`."""
    user_events = [event for event in events if event["event"] == "user"]
    latest = user_events[-1]["parse_data"] if user_events else {}
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def parse_data(
    text: str, intents: List[Tuple[str, float]], topics: List[Tuple[str, float]]
) -> Dict[str, Any]:
    """Parse data as Rasa sends it: the intent ranking and the selector's topics."""
    return {
        "text": text,
        "intent": {"name": intents[0][0], "confidence": intents[0][1]},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in intents],
        "response_selector": {
            "default": {
                "ranking": [
                    {"intent_response_key": key, "confidence": confidence}
                    for key, confidence in topics
                ]
            }
        },
    }


def tracker_parsed_as(
    parsed: Dict[str, Any], slots: Optional[Dict[str, Any]] = None
) -> Tracker:
    """A tracker whose only visitor message carries the given parse data."""
    event = user_event(parsed["text"], parsed["intent"]["name"], "m1")
    return tracker_with([{**event, "parse_data": parsed}], slots=slots)
