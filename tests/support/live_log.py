"""Reads what a running assistant logged, for end-to-end tests."""

import time
from collections.abc import Callable
from typing import List, NamedTuple, TypeVar

from sqlalchemy import select

from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.models import AppointmentRequest, Conversation, Exchange

T = TypeVar("T")

# A complete callback request as a visitor types it: six turns, one request.
CALLBACK_REQUEST = (
    "/request_appointment",
    "yes please",
    "Ann Lee",
    "904 555 0134",
    "weekday mornings",
    "skip",
)


class LoggedExchange(NamedTuple):
    """One row of `exchanges`, with its conversation's sender id."""

    sender_id: str
    message_id: str
    text: str
    text_truncated: bool
    reply: str


class LoggedAppointment(NamedTuple):
    """One row of `appointment_requests`, with its conversation's sender id."""

    sender_id: str
    name: str
    phone: str
    best_time: str


def logged_exchanges(url: str) -> List[LoggedExchange]:
    """Every exchange in the log at `url`, oldest first."""
    query = (
        select(
            Conversation.sender_id,
            Exchange.message_id,
            Exchange.text,
            Exchange.text_truncated,
            Exchange.reply,
        )
        .join(Conversation, Conversation.id == Exchange.conversation_id)
        .order_by(Exchange.id)
    )
    return [LoggedExchange(*row) for row in _rows(url, query)]


def exchanges_of(url: str, sender_id: str) -> List[LoggedExchange]:
    """The exchanges of one conversation, oldest first."""
    return [row for row in logged_exchanges(url) if row.sender_id == sender_id]


def logged_appointments(url: str) -> List[LoggedAppointment]:
    """Every callback request in the log at `url`, oldest first."""
    query = (
        select(
            Conversation.sender_id,
            AppointmentRequest.name,
            AppointmentRequest.phone,
            AppointmentRequest.best_time,
        )
        .join(Conversation, Conversation.id == AppointmentRequest.conversation_id)
        .order_by(AppointmentRequest.id)
    )
    return [LoggedAppointment(*row) for row in _rows(url, query)]


def _rows(url: str, query: object) -> list:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return list(session.execute(query))
    finally:
        engine.dispose()


def eventually(read: Callable[[], T], done: Callable[[T], bool], timeout_s: float) -> T:
    """Calls `read` until `done` holds for its result or time runs out; the last result.

    The log is written in the background, so tests wait for it rather than
    assume it is already there.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            result = read()
        except Exception:  # the table may not exist until the first write
            if time.monotonic() > deadline:
                raise
        else:
            if done(result) or time.monotonic() > deadline:
                return result
        time.sleep(0.25)
