"""The "did you mean…?" action, run with real rasa-sdk trackers."""

from typing import Any, Dict

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clarification import SOMETHING_ELSE_BUTTON, ActionSuggestTopics
from actions.topics import TOPIC_QUESTIONS


def tracker_with(latest_message: Dict[str, Any]) -> Tracker:
    """A tracker whose last visitor message carries the given parse data."""
    return Tracker(
        sender_id="visitor",
        slots={},
        latest_message=latest_message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.mark.asyncio
async def test_offers_the_two_likeliest_topics_and_something_else(
    domain: Dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with(
        {
            "text": "hmm the thing with the hours",
            "intent": {"name": "nlu_fallback", "confidence": 0.55},
            "intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.55},
                {"name": "faq", "confidence": 0.45},
                {"name": "greet", "confidence": 0.3},
            ],
            "response_selector": {
                "default": {
                    "ranking": [
                        {"intent_response_key": "faq/duration", "confidence": 0.5},
                        {"intent_response_key": "faq/hospital_stay", "confidence": 0.3},
                        {"intent_response_key": "faq/walking", "confidence": 0.2},
                    ]
                }
            },
        }
    )

    events = await ActionSuggestTopics().run(dispatcher, tracker, domain)

    assert events == []
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["response"] == "utter_suggest_topics"
    assert message["buttons"] == [
        {
            "title": TOPIC_QUESTIONS["faq/duration"],
            "payload": TOPIC_QUESTIONS["faq/duration"],
        },
        {
            "title": TOPIC_QUESTIONS["faq/hospital_stay"],
            "payload": TOPIC_QUESTIONS["faq/hospital_stay"],
        },
        SOMETHING_ELSE_BUTTON,
    ]


@pytest.mark.asyncio
async def test_falls_back_to_the_general_reply_with_nothing_to_suggest(
    domain: Dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with(
        {
            "text": "zzz",
            "intent": {"name": "nlu_fallback", "confidence": 0.6},
            "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.6}],
        }
    )

    await ActionSuggestTopics().run(dispatcher, tracker, domain)

    assert [message["response"] for message in dispatcher.messages] == ["utter_default"]
