"""What staff do with the log, each read or change together with its audit entry.

The command line and the dashboard both call these inside a session of their
own, so an action is audited the same way whichever tool did it: the same
action names, the same targets (an inbox item's short key, a request's id).
"""

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, TypeVar

from sqlalchemy.orm import Session

from clinic_log import audit, queries, repository, reviews
from staff import inbox

T = TypeVar("T")
Row = Dict[str, Any]


@dataclass(frozen=True)
class StaffMember:
    """Who acts: a dashboard username or `cli:<os user>`, and from where."""

    actor: str
    address: Optional[str] = None


def audited(
    session: Session,
    who: StaffMember,
    action: str,
    target: str,
    work: Callable[[Session], T],
    detail: str = "",
) -> T:
    """Runs `work` and records it in the audit trail, in the same transaction."""
    result = work(session)
    audit.record(session, who.actor, action, target, detail, who.address)
    return result


def transcript(session: Session, who: StaffMember, sender: str) -> Optional[List[Row]]:
    """One conversation's turns (None if there is none); the view is audited."""
    return audited(
        session,
        who,
        "view transcript",
        sender,
        lambda db: queries.transcript(db, sender),
    )


def inbox_page(
    session: Session, who: StaffMember, show_all: bool, offset: int, limit: int
) -> List[inbox.InboxItem]:
    """One page of the inbox; visitor questions are shown, so it is audited."""
    return audited(
        session,
        who,
        "view inbox",
        "",
        lambda db: inbox.page(db, show_all, offset, limit),
    )


def whole_inbox(
    session: Session, who: StaffMember, show_all: bool
) -> List[inbox.InboxItem]:
    """Every inbox item (reviewed ones with `show_all`); audited."""
    return audited(session, who, "view inbox", "", lambda db: inbox.load(db, show_all))


def review_inbox_item(session: Session, who: StaffMember, key: str) -> str:
    """Marks the item whose key starts with `key` reviewed; its short key.

    Raises LookupError for an unknown or ambiguous key.
    """
    item = inbox.find(session, key)
    reviews.mark_reviewed(session, item.key, who.actor)
    audit.record(session, who.actor, "inbox reviewed", item.short_key, "", who.address)
    return item.short_key


def callbacks(
    session: Session,
    who: StaffMember,
    status: Optional[str],
    newest_first: bool = False,
    offset: int = 0,
    limit: Optional[int] = None,
) -> List[Row]:
    """Callback requests (all, or of one status); names and phones, so audited."""
    return audited(
        session,
        who,
        "view callbacks",
        status or "all",
        lambda db: repository.appointments(db, status, newest_first, offset, limit),
    )


def set_callback_status(
    session: Session, who: StaffMember, request_id: int, status: str
) -> bool:
    """Moves a callback request to `status`; False if there is no such request."""
    return audited(
        session,
        who,
        "appointment status",
        str(request_id),
        lambda db: repository.set_appointment_status(db, request_id, status),
        status,
    )


def export_exchanges(session: Session, who: StaffMember) -> List[Row]:
    """Every exchange, for a CSV or JSON export; audited."""
    return audited(session, who, "export", "exchanges", repository.exchanges)
