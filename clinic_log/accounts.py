"""Dashboard accounts in the database: names and password hashes, nothing else.

Hashing is the caller's job (`staff.passwords`), so no plain password ever
reaches this module.
"""

from datetime import datetime, timezone
from typing import List, Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from clinic_log.models import StaffUser


def find(session: Session, username: str) -> Optional[StaffUser]:
    """The account called `username`, if any."""
    query = select(StaffUser).where(StaffUser.username == username)
    user: Optional[StaffUser] = session.execute(query).scalar_one_or_none()
    return user


def get(session: Session, user_id: int) -> Optional[StaffUser]:
    """The account with this id, if it still exists."""
    user: Optional[StaffUser] = session.get(StaffUser, user_id)
    return user


def save(session: Session, username: str, password_hash: str) -> bool:
    """Creates the account, or sets a new hash; True if it was created."""
    user = find(session, username)
    if user is not None:
        user.password_hash = password_hash
        return False
    session.add(
        StaffUser(
            username=username,
            password_hash=password_hash,
            created_at=datetime.now(timezone.utc),
        )
    )
    session.flush()
    return True


def remove(session: Session, username: str) -> bool:
    """Deletes the account; False if there was none."""
    result = session.execute(delete(StaffUser).where(StaffUser.username == username))
    return bool(result.rowcount)


def usernames(session: Session) -> List[str]:
    """Every account name, sorted."""
    query = select(StaffUser.username).order_by(StaffUser.username)
    return list(session.execute(query).scalars())
