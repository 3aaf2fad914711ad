"""Deleting conversations older than the clinic's retention period.

A conversation goes, with its exchanges, feedback and closed callback
requests, once its last message is older than the cut-off, unless a callback
request in it is still open (`new` or `called`). Rasa's own `events` table in
the same database holds the same words, so those visitors' events go too;
so do the events of visitors who never reached the log, once all their events
are older than the cut-off.
"""

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import column, delete, exists, func, inspect, or_, select, table
from sqlalchemy.orm import Session

from clinic_log.models import CALLED, NEW, AppointmentRequest, Conversation, Exchange

DEFAULT_RETENTION_DAYS = 90
_OPEN_STATUSES = (NEW, CALLED)
# Rasa's tracker-store table, seen only through the columns purging needs.
_EVENTS = table("events", column("sender_id"), column("timestamp"))


def retention_days() -> int:
    """Days a conversation is kept: `RETENTION_DAYS`, 90 if unset."""
    value = os.environ.get("RETENTION_DAYS", "").strip()
    if not value:
        return DEFAULT_RETENTION_DAYS
    days = int(value)
    if days < 1:
        raise ValueError("RETENTION_DAYS must be at least 1")
    return days


@dataclass(frozen=True)
class PurgeResult:
    """How much a purge removed."""

    conversations: int
    exchanges: int
    appointments: int
    events: int
    kept_open: int


def _has_open_request() -> Any:
    return exists().where(
        AppointmentRequest.conversation_id == Conversation.id,
        AppointmentRequest.status.in_(_OPEN_STATUSES),
    )


def _scalar(session: Session, query: Any) -> int:
    return int(session.execute(query).scalar_one())


def _purge_events(session: Session, cutoff: datetime, doomed: Any) -> int:
    """Deletes Rasa's events of purged senders and of wholly expired senders."""
    if not inspect(session.connection()).has_table("events"):
        return 0
    kept = select(Conversation.sender_id).where(
        or_(Conversation.last_seen_at >= cutoff, _has_open_request())
    )
    stale = (
        select(_EVENTS.c.sender_id)
        .group_by(_EVENTS.c.sender_id)
        .having(func.max(_EVENTS.c.timestamp) < cutoff.timestamp())
    )
    purged_senders = select(Conversation.sender_id).where(Conversation.id.in_(doomed))
    removed = session.execute(
        delete(_EVENTS).where(
            or_(
                _EVENTS.c.sender_id.in_(purged_senders),
                _EVENTS.c.sender_id.in_(stale),
            ),
            _EVENTS.c.sender_id.not_in(kept),
        )
    )
    return int(removed.rowcount)


def purge(session: Session, cutoff: datetime) -> PurgeResult:
    """Deletes what is older than `cutoff` (see the module docstring)."""
    expired = Conversation.last_seen_at < cutoff
    doomed = (
        select(Conversation.id).where(expired, ~_has_open_request()).scalar_subquery()
    )
    result = PurgeResult(
        conversations=_scalar(
            session, select(func.count()).where(Conversation.id.in_(doomed))
        ),
        exchanges=_scalar(
            session, select(func.count()).where(Exchange.conversation_id.in_(doomed))
        ),
        appointments=_scalar(
            session,
            select(func.count()).where(AppointmentRequest.conversation_id.in_(doomed)),
        ),
        events=_purge_events(session, cutoff, doomed),
        kept_open=_scalar(
            session,
            select(func.count(Conversation.id)).where(expired, _has_open_request()),
        ),
    )
    # Exchanges, feedback and requests follow by ON DELETE CASCADE.
    session.execute(
        delete(Conversation).where(Conversation.id.in_(doomed)),
        execution_options={"synchronize_session": False},
    )
    return result
