"""The audit trail: who viewed or changed what in the log, and from where.

Every staff read of a transcript and every change is recorded here, by the
dashboard and the command line alike; failed sign-ins too, which is what the
dashboard's sign-in throttle counts.
"""

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_log.models import AuditEvent

SIGN_IN_FAILED = "sign-in failed"
SIGN_IN = "sign-in"
# Long enough for any username or address; longer values are cut, not refused.
_SHORT = 255


def record(
    session: Session,
    actor: str,
    action: str,
    target: str = "",
    detail: str = "",
    address: Optional[str] = None,
    time: Optional[datetime] = None,
) -> None:
    """Adds one audit event, stamped now unless `time` is given."""
    session.add(
        AuditEvent(
            time=time or datetime.now(timezone.utc),
            actor=actor[:_SHORT],
            address=address[:64] if address else None,
            action=action,
            target=target[:_SHORT],
            detail=detail,
        )
    )
    session.flush()


def recent(session: Session, limit: int = 200) -> List[Dict[str, Any]]:
    """The latest audit events, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.time.desc(), AuditEvent.id.desc())
    return [
        {
            "time": event.time.isoformat(),
            "actor": event.actor,
            "address": event.address,
            "action": event.action,
            "target": event.target,
            "detail": event.detail,
        }
        for event in session.execute(query.limit(limit)).scalars()
    ]


def failed_sign_ins(
    session: Session,
    since: datetime,
    username: Optional[str] = None,
    address: Optional[str] = None,
) -> int:
    """Failed sign-ins since `since` for a username or from an address."""
    query = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == SIGN_IN_FAILED, AuditEvent.time >= since
    )
    if username is not None:
        query = query.where(AuditEvent.target == username[:_SHORT])
    if address is not None:
        query = query.where(AuditEvent.address == address[:64])
    return int(session.execute(query).scalar_one())
