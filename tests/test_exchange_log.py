"""Each turn is logged once, with the visitor's text and the replies it got."""

from typing import Any, Dict

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_context import LAST_TOPIC_SLOT
from actions.exchange_log import ActionLogExchange, turn_record
from clinic_log.database import SessionFactory, session_scope
from clinic_log.repository import exchanges
from clinic_log.writer import LogWriter
from tests.support.trackers import bot_event, tracker_with, user_event

DURATION = "The procedure usually takes about one hour per damaged vertebra."


def answered_turn() -> Any:
    """A tracker after the visitor asked one question and got the answer."""
    return tracker_with(
        [
            user_event("hi", "greet", "m1", timestamp=1_790_000_000.0),
            bot_event("Hello!", "utter_greet"),
            user_event("how long is it", "faq", "m2", 0.91, 1_790_000_060.0),
            bot_event(DURATION, "utter_faq/duration"),
        ]
    )


def test_turn_record_takes_the_last_message_and_its_replies() -> None:
    record = turn_record(answered_turn())

    assert record is not None
    assert (record.message_id, record.text, record.intent) == (
        "m2",
        "how long is it",
        "faq",
    )
    assert record.confidence == pytest.approx(0.91)
    assert record.reply == DURATION
    assert record.answer_key == "utter_faq/duration"
    assert record.channel == "rest"
    assert not (record.is_fallback or record.is_emergency or record.is_out_of_scope)


def test_a_replys_buttons_are_logged_after_its_text() -> None:
    topics = [
        {"title": "How long it takes", "payload": "/faq"},
        {"title": "Recovery", "payload": "/faq"},
    ]
    tracker = tracker_with(
        [
            user_event("hi", "greet", "m1"),
            bot_event("Hello! Ask me about kyphoplasty.", "utter_greet", topics),
        ]
    )

    record = turn_record(tracker)

    assert record is not None
    assert record.reply == (
        "Hello! Ask me about kyphoplasty. [How long it takes | Recovery]"
    )


def test_turn_record_flags_emergencies() -> None:
    tracker = tracker_with(
        [
            user_event("chest pain", "emergency", "m9", 1.0),
            bot_event("Please call 911 …", "utter_emergency"),
        ]
    )

    record = turn_record(tracker)

    assert record is not None and record.is_emergency


def test_logged_entities_carry_no_name_or_number() -> None:
    text = "this is Ann Ruiz, call 813-555-0101 please"
    event = user_event(text, "request_appointment", "m9")
    event["parse_data"]["entities"] = [
        {"entity": "phone_number", "value": "813-555-0101", "start": 23, "end": 35},
        {"entity": "person_name", "value": "Ann Ruiz", "start": 8, "end": 16},
        {"entity": "red_flag", "value": text, "start": 0, "end": len(text)},
    ]

    record = turn_record(tracker_with([event]))

    assert record is not None
    assert [entity["value"] for entity in record.entities] == [
        "[phone]",
        "[name]",
        "this is [name], call [phone] please",
    ]


def test_turn_record_is_none_before_any_message() -> None:
    assert turn_record(tracker_with([])) is None


@pytest.mark.asyncio
async def test_action_logs_the_turn_exactly_once_even_if_run_twice(
    log_writer: LogWriter, session_factory: SessionFactory, domain: Dict[str, Any]
) -> None:
    action = ActionLogExchange(writer=log_writer)
    dispatcher = CollectingDispatcher()

    assert await action.run(dispatcher, answered_turn(), domain) == [
        SlotSet(LAST_TOPIC_SLOT, "faq/duration")
    ]
    await action.run(dispatcher, answered_turn(), domain)
    assert log_writer.flush(timeout=10)

    with session_scope(session_factory) as session:
        rows = exchanges(session)
    assert dispatcher.messages == []
    assert [(row["text"], row["reply"], row["intent"]) for row in rows] == [
        ("how long is it", DURATION, "faq")
    ]


@pytest.mark.asyncio
async def test_of_several_variants_the_one_sent_is_the_one_logged(
    log_writer: LogWriter, session_factory: SessionFactory
) -> None:
    variants = [{"text": f"Hello number {number}!"} for number in range(20)]
    domain = {"responses": {"utter_greet": variants}}
    dispatcher = CollectingDispatcher()

    # Any logging action; the form's questions and the clarifications send this way.
    action = ActionLogExchange(writer=log_writer)
    await action.reply_and_log(dispatcher, answered_turn(), domain, "utter_greet")
    assert log_writer.flush(timeout=10)

    with session_scope(session_factory) as session:
        (row,) = exchanges(session)
    (sent,) = dispatcher.messages
    # Rasa lets the message's own text override the variant it would draw.
    assert sent["response"] == "utter_greet"
    assert sent["text"] in {variant["text"] for variant in variants}
    assert row["reply"].endswith(sent["text"])
