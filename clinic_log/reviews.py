"""Inbox questions staff have marked reviewed, by the hash of their normalised text."""

from datetime import datetime, timezone
from typing import Set

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.models import InboxReview


def reviewed_keys(session: Session) -> Set[str]:
    """Every text key marked reviewed."""
    return set(session.execute(select(InboxReview.text_key)).scalars())


def mark_reviewed(session: Session, text_key: str, actor: str) -> bool:
    """Marks `text_key` reviewed; False if it already was."""
    found = session.execute(
        select(InboxReview.id).where(InboxReview.text_key == text_key)
    ).first()
    if found is not None:
        return False
    session.add(
        InboxReview(
            text_key=text_key, reviewed_by=actor, reviewed_at=datetime.now(timezone.utc)
        )
    )
    session.flush()
    return True
