"""Which callback requests staff have not been told about yet, and marking them told.

The log is the outbox: a request is pending while `notified_at` is empty and
it is still new. `claim` locks the pending rows (PostgreSQL: FOR UPDATE SKIP
LOCKED), so two senders on one database never mail the same request; the
caller sends, then marks and commits in the same transaction. A sender that
dies between the mail server's "250 OK" and the commit mails those requests
again on restart: the one duplicate possible, and it repeats the Message-ID.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, List, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from clinic_log.models import NEW, AppointmentRequest


@dataclass(frozen=True)
class PendingRequest:
    """A callback request to tell staff about."""

    id: int
    name: str
    phone: str
    best_time: str
    created_at: datetime


def _pending() -> List[Any]:
    return [AppointmentRequest.notified_at.is_(None), AppointmentRequest.status == NEW]


def claim(session: Session) -> List[PendingRequest]:
    """The pending requests, oldest first, locked for this transaction."""
    query = (
        select(
            AppointmentRequest.id,
            AppointmentRequest.name,
            AppointmentRequest.phone,
            AppointmentRequest.best_time,
            AppointmentRequest.created_at,
        )
        .where(*_pending())
        .order_by(AppointmentRequest.id)
        .with_for_update(skip_locked=True)
    )
    return [PendingRequest(*row) for row in session.execute(query)]


def count_pending(session: Session) -> int:
    """How many requests wait for a notification."""
    query = select(func.count(AppointmentRequest.id)).where(*_pending())
    return int(session.execute(query).scalar_one())


def mark_notified(session: Session, ids: Sequence[int], when: datetime) -> None:
    """Records that staff were told about the requests `ids`."""
    session.execute(
        update(AppointmentRequest)
        .where(AppointmentRequest.id.in_(list(ids)))
        .values(notified_at=when)
    )
