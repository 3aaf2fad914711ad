"""Builders of log records for the storage tests: one valid record, then changes."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from clinic_log.records import AppointmentRecord, ExchangeRecord, FeedbackRecord

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    """A UTC time `minutes` after T0."""
    return T0 + timedelta(minutes=minutes)


def exchange(**changes: Any) -> ExchangeRecord:
    """A plain FAQ turn, with `changes` applied."""
    record = ExchangeRecord(
        sender_id="visitor-1",
        channel="rest",
        message_id="m1",
        time=T0,
        text="how long does kyphoplasty take",
        intent="faq",
        confidence=0.93,
        entities=[],
        answer_key="utter_faq/duration",
        reply="The procedure usually takes about an hour.",
        is_fallback=False,
        is_emergency=False,
        is_out_of_scope=False,
    )
    return replace(record, **changes)


def appointment(**changes: Any) -> AppointmentRecord:
    """A complete callback request, with `changes` applied."""
    record = AppointmentRecord(
        sender_id="visitor-1",
        channel="rest",
        message_id="m9",
        name="Ann Example",
        phone="904 555 0100",
        best_time="weekday mornings",
        reason="my mother's back pain",
        created_at=T0,
    )
    return replace(record, **changes)


def feedback(**changes: Any) -> FeedbackRecord:
    """A thumbs up on the first answer, with `changes` applied."""
    record = FeedbackRecord(
        sender_id="visitor-1",
        channel="rest",
        message_id="m1",
        rating="up",
        created_at=T0,
    )
    return replace(record, **changes)
