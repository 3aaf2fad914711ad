"""What the action server hands to the log, free of any database type.

Plain frozen dataclasses: actions build them without importing SQLAlchemy, and
a record cannot change between being queued and being written.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional, Union

RATINGS = ("up", "down")
# The user message's metadata key the channel sets when it cut an over-long
# text, and the action server reads to mark the logged text as cut.
TRUNCATED_KEY = "text_truncated"


def _require_aware(name: str, value: datetime) -> None:
    """Refuses naive datetimes: the log is in UTC and must not guess a zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


@dataclass(frozen=True)
class ExchangeRecord:
    """A visitor message and the assistant's reply to it."""

    sender_id: str
    channel: str
    message_id: str
    time: datetime
    text: str
    intent: Optional[str]
    confidence: Optional[float]
    entities: Sequence[Mapping[str, Any]]
    answer_key: str
    reply: str
    is_fallback: bool
    is_emergency: bool
    is_out_of_scope: bool
    # The visitor typed more than `text` holds (cut at the channel's limit).
    text_truncated: bool = False

    def __post_init__(self) -> None:
        """Checks the time here, where a bad value is still the caller's bug."""
        _require_aware("time", self.time)


@dataclass(frozen=True)
class AppointmentRecord:
    """A callback request collected by the assistant."""

    sender_id: str
    channel: str
    message_id: str
    name: str
    phone: str
    best_time: str
    reason: Optional[str]
    created_at: datetime

    def __post_init__(self) -> None:
        """Checks the time here, where a bad value is still the caller's bug."""
        _require_aware("created_at", self.created_at)


@dataclass(frozen=True)
class FeedbackRecord:
    """A visitor's thumbs up or down."""

    sender_id: str
    channel: str
    message_id: Optional[str]
    rating: str
    created_at: datetime

    def __post_init__(self) -> None:
        """Refuses ratings the database would refuse later, off the caller's path."""
        if self.rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}, got {self.rating!r}")
        _require_aware("created_at", self.created_at)


Record = Union[ExchangeRecord, AppointmentRecord, FeedbackRecord]
