"""A log filled through the real repository, for the staff CLI and dashboard tests."""

from typing import Iterable

from clinic_log import repository
from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.records import AppointmentRecord, ExchangeRecord
from tests.support.log_records import appointment, at, exchange

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


COST_REPLY = "The page doesn't cover cost. Call 904.265.7755."
FIELDS = (
    "sender_id",
    "message_id",
    "time",
    "text",
    "intent",
    "confidence",
    "answer_key",
    "reply",
)
# FIELDS in order, then the turn's flags.
CLINIC_DAY = [
    ("visitor-2", "a1", at(10), "How much does it cost?", "not_covered", 0.9,
     "utter_not_covered/cost", COST_REPLY, {}),
    ("visitor-2", "a2", at(11), XSS, "nlu_fallback", 0.3, "utter_default",
     "Sorry, I didn't get that.", {"is_fallback": True}),
    ("visitor-2", "a3", at(12), "how much does it COST", "not_covered", 0.88,
     "utter_not_covered/cost", COST_REPLY, {}),
    ("visitor-2", "a4", at(13), "my legs went numb", "emergency", 0.2,
     "utter_emergency", "Call 911 or go to the nearest emergency room.",
     {"is_emergency": True}),
    ("visitor-3", "b1", at(20), "I want an appointment", "request_appointment", 0.97,
     "utter_appointment", "Call 904.265.7755.", {}),
]  # fmt: skip


def clinic_day(url: str) -> None:
    """Three visitors: answered questions, unanswered ones with markup, a callback.

    visitor-1: two FAQ answers.
    visitor-2: a not-covered question asked twice in slightly different
    punctuation, a fallback with a script tag, a red flag.
    visitor-3: a callback request after an appointment intent.
    """
    turns = [
        exchange(**dict(zip(FIELDS, row[:-1], strict=True)), **row[-1])
        for row in CLINIC_DAY
    ]
    fill(
        url,
        exchanges=[
            exchange(),
            exchange(
                message_id="m2", time=at(1), answer_key="utter_faq/recovery_overview"
            ),
            *turns,
        ],
        appointments=[appointment(sender_id="visitor-3", created_at=at(21))],
    )
