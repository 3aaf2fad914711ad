"""A log filled through the real repository, for the staff CLI and dashboard tests."""

from typing import Iterable

from clinic_log import repository
from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.records import AppointmentRecord, ExchangeRecord
from tests.log_records import appointment, at, exchange

XSS = "<script>alert(1)</script>"


def fill(
    url: str,
    exchanges: Iterable[ExchangeRecord] = (),
    appointments: Iterable[AppointmentRecord] = (),
) -> None:
    """Stores the records as the background writer would."""
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            for record in exchanges:
                repository.save_exchange(session, record)
            for record in appointments:
                repository.save_appointment(session, record)
    finally:
        engine.dispose()


def clinic_day(url: str) -> None:
    """Three visitors: an answered question, an unsure one with markup, a callback.

    visitor-1: two FAQ answers.
    visitor-2: a not-covered question asked twice in slightly different
    punctuation, a fallback with a script tag, a red flag.
    visitor-3: a callback request after an appointment intent.
    """
    fill(
        url,
        exchanges=[
            exchange(),
            exchange(message_id="m2", time=at(1), answer_key="utter_faq/recovery"),
            exchange(
                sender_id="visitor-2",
                message_id="a1",
                time=at(10),
                text="How much does it cost?",
                intent="not_covered",
                confidence=0.9,
                answer_key="utter_not_covered/cost",
                reply="The page doesn't cover cost. Call 904.265.7755.",
            ),
            exchange(
                sender_id="visitor-2",
                message_id="a2",
                time=at(11),
                text=XSS,
                intent="nlu_fallback",
                confidence=0.3,
                answer_key="utter_default",
                reply="Sorry, I didn't get that.",
                is_fallback=True,
            ),
            exchange(
                sender_id="visitor-2",
                message_id="a3",
                time=at(12),
                text="how much does it COST",
                intent="not_covered",
                confidence=0.88,
                answer_key="utter_not_covered/cost",
                reply="The page doesn't cover cost. Call 904.265.7755.",
            ),
            exchange(
                sender_id="visitor-2",
                message_id="a4",
                time=at(13),
                text="my legs went numb",
                intent="emergency",
                confidence=0.2,
                answer_key="utter_emergency",
                reply="Call 911 or go to the nearest emergency room.",
                is_emergency=True,
            ),
            exchange(
                sender_id="visitor-3",
                message_id="b1",
                time=at(20),
                text="I want an appointment",
                intent="book_appointment",
                confidence=0.97,
                answer_key="utter_book_appointment",
                reply="Call 904.265.7755.",
            ),
        ],
        appointments=[appointment(sender_id="visitor-3", created_at=at(21))],
    )
