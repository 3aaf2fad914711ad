"""The callback request form: validation, submission, and ending it early."""

from typing import Any, Dict

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_form import (
    CALLBACK_SLOTS,
    ActionAskCallbackPhone,
    ActionEndCallbackRequest,
    ActionSubmitCallback,
    ValidateCallbackForm,
)
from clinic_log.database import SessionFactory, session_scope
from clinic_log.repository import appointments, exchanges
from clinic_log.writer import LogWriter
from tests.support.trackers import bot_event, tracker_with, user_event

HOSTILE = "<script>alert(1)</script>'; DROP TABLE appointment_requests; --"


@pytest.fixture
def validator() -> ValidateCallbackForm:
    return ValidateCallbackForm()


def validate(
    validator: ValidateCallbackForm, slot: str, value: Any, asked: str = ""
) -> tuple:
    """Runs one slot validation while the form asks for `asked` (by default
    `slot`); returns (result, responses sent)."""
    dispatcher = CollectingDispatcher()
    method = getattr(validator, f"validate_{slot}")
    tracker = tracker_with([], {"requested_slot": asked or slot})
    result = method(value, dispatcher, tracker, {})
    return result, [message["response"] for message in dispatcher.messages]


@pytest.mark.parametrize("name", ["", "   ", "12345", "x" * 101, HOSTILE])
def test_bad_names_are_asked_again(validator: ValidateCallbackForm, name: str) -> None:
    assert validate(validator, "callback_name", name) == (
        {"callback_name": None},
        ["utter_invalid_callback_name"],
    )


def test_a_number_given_unasked_is_confirmed_aloud(
    validator: ValidateCallbackForm,
) -> None:
    assert validate(
        validator, "callback_phone", "813-555-0188", asked="callback_time"
    ) == ({"callback_phone": "813-555-0188"}, ["utter_callback_phone_noted"])


@pytest.mark.parametrize("phone", ["904-555-O142", "call me", HOSTILE, ""])
def test_bad_phone_numbers_are_asked_again(
    validator: ValidateCallbackForm, phone: str
) -> None:
    assert validate(validator, "callback_phone", phone) == (
        {"callback_phone": None},
        ["utter_invalid_callback_phone"],
    )


def test_phone_number_is_kept_as_given(validator: ValidateCallbackForm) -> None:
    assert validate(validator, "callback_phone", " (904) 555-0142 please") == (
        {"callback_phone": "(904) 555-0142"},
        [],
    )


def form_run(*between: str) -> Dict[str, Any]:
    """Events of a turn as the form's validation sees them: the visitor's
    answer, any actions in between, then the form's own run."""
    return [
        user_event("call me at 212.555.0109 please", "emergency", "m4"),
        *({"event": "action", "name": name} for name in between),
        {"event": "action", "name": "callback_form"},
    ]


@pytest.mark.asyncio
async def test_the_form_reads_the_answer_itself(
    validator: ValidateCallbackForm,
) -> None:
    tracker = tracker_with(form_run(), {"requested_slot": "callback_phone"})

    extracted = await validator.extract_callback_phone(
        CollectingDispatcher(), tracker, {}
    )

    assert extracted == {"callback_phone": "212.555.0109"}


@pytest.mark.asyncio
async def test_coming_back_after_a_rule_reads_nothing(
    validator: ValidateCallbackForm,
) -> None:
    tracker = tracker_with(
        form_run("action_answer_in_form"), {"requested_slot": "callback_phone"}
    )

    extracted = await validator.extract_callback_phone(
        CollectingDispatcher(), tracker, {}
    )

    assert extracted == {}


@pytest.mark.asyncio
async def test_only_the_slot_asked_for_is_read(validator: ValidateCallbackForm) -> None:
    tracker = tracker_with(form_run(), {"requested_slot": "callback_time"})

    extracted = await validator.extract_callback_phone(
        CollectingDispatcher(), tracker, {}
    )

    assert extracted == {}


def test_overly_long_reason_is_asked_again(validator: ValidateCallbackForm) -> None:
    assert validate(validator, "callback_reason", "a" * 2000) == (
        {"callback_reason": None},
        ["utter_invalid_callback_reason"],
    )


@pytest.mark.parametrize("answer", ["skip", "No.", "none"])
def test_reason_can_be_skipped(validator: ValidateCallbackForm, answer: str) -> None:
    assert validate(validator, "callback_reason", answer) == (
        {"callback_reason": ""},
        [],
    )


def test_time_needs_some_content(validator: ValidateCallbackForm) -> None:
    assert validate(validator, "callback_time", "???")[0] == {"callback_time": None}
    assert validate(validator, "callback_time", "after 5pm")[0] == {
        "callback_time": "after 5pm"
    }


def completed_form(reason: str = HOSTILE) -> Any:
    """A tracker whose form just collected every slot."""
    slots = {
        "callback_name": HOSTILE,
        "callback_phone": "904.555.0142",
        "callback_time": "mornings",
        "callback_reason": reason,
    }
    events = [
        user_event("I want an appointment", "request_appointment", "m1"),
        bot_event("To make an appointment, call …", "utter_appointment"),
        user_event(reason, "out_of_scope", "m2", 0.4),
    ]
    return tracker_with(events, slots)


@pytest.mark.asyncio
async def test_submit_stores_a_new_request_and_confirms(
    log_writer: LogWriter, session_factory: SessionFactory, domain: Dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionSubmitCallback(writer=log_writer).run(
        dispatcher, completed_form(), domain
    )
    assert log_writer.flush(timeout=10)

    with session_scope(session_factory) as session:
        requests = appointments(session)
        logged = exchanges(session)
    assert [(r["name"], r["phone"], r["best_time"], r["status"]) for r in requests] == [
        (HOSTILE, "904.555.0142", "mornings", "new")
    ]
    assert requests[0]["reason"] == HOSTILE
    assert [message["response"] for message in dispatcher.messages] == [
        "utter_callback_confirmed"
    ]
    assert len(logged) == 1
    assert "904.265.7755" in logged[0]["reply"]
    # The request holds the name and number; the logged reply only placeholders.
    assert HOSTILE not in logged[0]["reply"]
    assert "904.555.0142" not in logged[0]["reply"]
    assert "[name]" in logged[0]["reply"]
    assert "[phone]" in logged[0]["reply"]
    assert {event["name"] for event in events} == set(CALLBACK_SLOTS)
    assert all(event["value"] is None for event in events)


@pytest.mark.asyncio
async def test_ask_action_asks_and_logs_the_turn(
    log_writer: LogWriter, session_factory: SessionFactory, domain: Dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with(
        [
            user_event("Dana", "out_of_scope", "m5", 0.3),
            bot_event("That doesn't look like …", "utter_invalid_callback_phone"),
        ]
    )

    await ActionAskCallbackPhone(writer=log_writer).run(dispatcher, tracker, domain)
    assert log_writer.flush(timeout=10)

    with session_scope(session_factory) as session:
        (row,) = exchanges(session)
    assert [message["response"] for message in dispatcher.messages] == [
        "utter_ask_callback_phone"
    ]
    assert row["answer_key"] == "utter_ask_callback_phone"
    assert row["reply"].splitlines() == [
        "That doesn't look like …",
        domain["responses"]["utter_ask_callback_phone"][0]["text"],
    ]


@pytest.mark.asyncio
async def test_ending_the_request_clears_slots_and_logs(
    log_writer: LogWriter, session_factory: SessionFactory, domain: Dict[str, Any]
) -> None:
    tracker = tracker_with(
        [
            user_event("never mind", "stop", "m7"),
            bot_event(
                "OK, I've cancelled the callback request.", "utter_callback_cancelled"
            ),
        ],
        {"callback_name": "Dana"},
    )

    events = await ActionEndCallbackRequest(writer=log_writer).run(
        CollectingDispatcher(), tracker, domain
    )
    assert log_writer.flush(timeout=10)

    with session_scope(session_factory) as session:
        assert len(exchanges(session)) == 1
        assert appointments(session) == []
    assert {event["name"] for event in events} == set(CALLBACK_SLOTS)
