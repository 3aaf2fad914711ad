"""Thumbs up or down is stored as feedback; typed feedback is sent to the buttons."""

import json
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.feedback import ActionRecordFeedback, feedback_record, rating_of
from clinic_log.database import SessionFactory, session_scope
from clinic_log.models import Conversation, Feedback
from clinic_log.repository import exchanges
from clinic_log.writer import LogWriter
from tests.support.trackers import bot_event, tracker_with, user_event

WALKING = "Patients can walk an hour after the procedure."
ASKED_AT = 1_790_000_000.0
RATED_AT = 1_790_000_030.0


def feedback_event(
    text: str, message_id: str, rating: Optional[str] = None
) -> Dict[str, Any]:
    """The feedback message as Rasa records it: the payload's entity, or none."""
    event = user_event(text, "feedback", message_id, 1.0, RATED_AT)
    if rating is not None:
        event["parse_data"]["entities"] = [
            {"entity": "rating", "value": rating, "start": 9, "end": 27}
        ]
    return event


def rated_turn(rating: Optional[str], text: str = "") -> Tracker:
    """A tracker after an answer and then a feedback message about it."""
    payload = text or "/feedback" + json.dumps({"rating": rating})
    return tracker_with(
        [
            user_event("when can I walk again", "faq", "m1", 0.93, ASKED_AT),
            bot_event(WALKING, "utter_faq/walking"),
            feedback_event(payload, "m2", rating),
        ],
        sender_id="visitor-7",
    )


def stored_feedback(session_factory: SessionFactory) -> List[Dict[str, Any]]:
    with session_scope(session_factory) as session:
        rows = session.execute(
            select(Feedback, Conversation.sender_id).join(
                Conversation, Conversation.id == Feedback.conversation_id
            )
        ).all()
        return [
            {
                "sender_id": sender_id,
                "message_id": row.message_id,
                "rating": row.rating,
                "created_at": row.created_at,
            }
            for row, sender_id in rows
        ]


@pytest.mark.parametrize("rating", ["up", "down"])
def test_rating_is_read_from_the_payload_entity(rating: str) -> None:
    assert rating_of(rated_turn(rating)) == rating


@pytest.mark.parametrize("value", [None, "sideways", ""])
def test_no_or_unknown_rating_is_none(value: Optional[str]) -> None:
    tracker = rated_turn(value, text="I want to rate that answer")
    assert rating_of(tracker) is None


def test_record_names_the_feedback_message_itself() -> None:
    record = feedback_record(rated_turn("down"), "down")

    assert (record.sender_id, record.channel, record.message_id, record.rating) == (
        "visitor-7",
        "rest",
        "m2",
        "down",
    )
    assert record.created_at == datetime.fromtimestamp(RATED_AT, timezone.utc)


@pytest.mark.asyncio
async def test_thumbs_down_is_stored_silently_and_leaves_the_dialogue_as_it_was(
    log_writer: LogWriter, session_factory: SessionFactory, domain: Dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionRecordFeedback(writer=log_writer).run(
        dispatcher, rated_turn("down"), domain
    )
    assert log_writer.flush(timeout=10)

    assert dispatcher.messages == []
    assert [event["event"] for event in events] == ["rewind", "undo"]
    assert stored_feedback(session_factory) == [
        {
            "sender_id": "visitor-7",
            "message_id": "m2",
            "rating": "down",
            "created_at": datetime.fromtimestamp(RATED_AT, timezone.utc),
        }
    ]
    with session_scope(session_factory) as session:
        assert exchanges(session) == []


@pytest.mark.asyncio
async def test_every_click_counts(
    log_writer: LogWriter, session_factory: SessionFactory, domain: Dict[str, Any]
) -> None:
    action = ActionRecordFeedback(writer=log_writer)

    await action.run(CollectingDispatcher(), rated_turn("up"), domain)
    await action.run(CollectingDispatcher(), rated_turn("down"), domain)
    assert log_writer.flush(timeout=10)

    ratings = sorted(row["rating"] for row in stored_feedback(session_factory))
    assert ratings == ["down", "up"]


@pytest.mark.asyncio
async def test_typed_feedback_gets_pointed_to_the_buttons_and_is_logged(
    log_writer: LogWriter, session_factory: SessionFactory, domain: Dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = rated_turn(None, text="I want to rate that answer")

    events = await ActionRecordFeedback(writer=log_writer).run(
        dispatcher, tracker, domain
    )
    assert log_writer.flush(timeout=10)

    assert events == []
    assert [message["response"] for message in dispatcher.messages] == [
        "utter_feedback_use_buttons"
    ]
    assert stored_feedback(session_factory) == []
    with session_scope(session_factory) as session:
        rows = exchanges(session)
    assert len(rows) == 1
    assert rows[0]["text"] == "I want to rate that answer"
    assert rows[0]["intent"] == "feedback"
    assert rows[0]["answer_key"] == "utter_feedback_use_buttons"
    assert "thumbs up or thumbs down" in rows[0]["reply"]
