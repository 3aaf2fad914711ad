"""Reading and writing the log: plain functions over a caller's session.

The caller owns the unit of work (see `database.session_scope`); these
functions never commit. Writes are idempotent per (conversation, message id),
so a retried or replayed turn is stored once.
"""

from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clinic_log.models import (
    APPOINTMENT_STATUSES,
    AppointmentRequest,
    Conversation,
    Exchange,
    Feedback,
)
from clinic_log.records import AppointmentRecord, ExchangeRecord, FeedbackRecord
from clinic_log.text_keys import text_key

# PostgreSQL text cannot hold NUL; it is the one character not kept verbatim.
_NUL = "\x00"
_NUL_REPLACEMENT = "\ufffd"


def _storable(text: str) -> str:
    """The text as given, except NUL, which no PostgreSQL text column accepts."""
    return text.replace(_NUL, _NUL_REPLACEMENT) if _NUL in text else text


def _storable_optional(text: Optional[str]) -> Optional[str]:
    return None if text is None else _storable(text)


# Statements of every logged turn, on the tables rather than the ORM classes:
# built once, and free of the ORM's per-statement bookkeeping.
_CONVERSATIONS = Conversation.__table__
_CONVERSATION_BY_SENDER = select(
    _CONVERSATIONS.c.id,
    _CONVERSATIONS.c.channel,
    _CONVERSATIONS.c.started_at,
    _CONVERSATIONS.c.last_seen_at,
).where(_CONVERSATIONS.c.sender_id == bindparam("sender_id"))
_WIDEN_CONVERSATION = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.id == bindparam("conversation_id"))
    .values(
        channel=bindparam("new_channel"),
        started_at=bindparam("new_started_at"),
        last_seen_at=bindparam("new_last_seen_at"),
    )
)


def _find_conversation(session: Session, sender_id: str) -> Optional[Row]:
    """The conversation's id, channel and time span, or None if there is none."""
    found: Optional[Row] = session.execute(
        _CONVERSATION_BY_SENDER, {"sender_id": sender_id}
    ).first()
    return found


def _is_logged(session: Session, model: Any, sender_id: str, message_id: str) -> bool:
    """Whether `model` already holds this visitor's message."""
    query = (
        select(model.id)
        .join(Conversation, Conversation.id == model.conversation_id)
        .where(Conversation.sender_id == sender_id, model.message_id == message_id)
    )
    return session.execute(query).first() is not None


def _touch_conversation(
    session: Session, sender_id: str, channel: str, seen_at: datetime
) -> int:
    """The id of the visitor's conversation, created on first sight, its span widened.

    Records may arrive out of order, so the span only ever grows.
    """
    found = _find_conversation(session, sender_id)
    if found is None:
        try:
            with session.begin_nested():
                created = session.execute(
                    insert(_CONVERSATIONS),
                    {
                        "sender_id": sender_id,
                        "channel": channel,
                        "started_at": seen_at,
                        "last_seen_at": seen_at,
                    },
                )
        except IntegrityError:
            # Another process created it between our look-up and our insert.
            found = _find_conversation(session, sender_id)
            if found is None:
                raise
        else:
            return int(created.inserted_primary_key[0])
    now = (found.channel, found.started_at, found.last_seen_at)
    widened = (
        found.channel or channel,
        min(found.started_at, seen_at),
        max(found.last_seen_at, seen_at),
    )
    if widened != now:
        new_channel, new_started_at, new_last_seen_at = widened
        session.execute(
            _WIDEN_CONVERSATION,
            {
                "conversation_id": found.id,
                "new_channel": new_channel,
                "new_started_at": new_started_at,
                "new_last_seen_at": new_last_seen_at,
            },
        )
    return int(found.id)


def _save_once(
    session: Session,
    model: Any,
    record: ExchangeRecord | AppointmentRecord,
    seen_at: datetime,
    row: Dict[str, Any],
) -> bool:
    """Inserts `row` for this message unless the message is already stored.

    The unique constraint on (conversation, message id) finds a duplicate:
    the insert and the conversation's update are rolled back to a savepoint,
    so a duplicate writes nothing and the caller's other work survives. Plain
    statements, not ORM objects: this runs for every turn the assistant answers.
    Returns False for a message already stored.
    """
    try:
        with session.begin_nested():
            conversation_id = _touch_conversation(
                session, record.sender_id, record.channel, seen_at
            )
            session.execute(
                insert(model.__table__), {**row, "conversation_id": conversation_id}
            )
    except IntegrityError:
        if _is_logged(session, model, record.sender_id, record.message_id):
            return False
        raise
    return True


def save_exchange(session: Session, record: ExchangeRecord) -> bool:
    """Stores one visitor message and its reply; False if it was stored before."""
    row = {
        "message_id": record.message_id,
        "time": record.time,
        "text": _storable(record.text),
        "text_key": text_key(record.text),
        "text_truncated": record.text_truncated,
        "intent": record.intent,
        "confidence": record.confidence,
        "entities": [dict(entity) for entity in record.entities],
        "answer_key": record.answer_key,
        "reply": _storable(record.reply),
        "is_fallback": record.is_fallback,
        "is_emergency": record.is_emergency,
        "is_out_of_scope": record.is_out_of_scope,
    }
    return _save_once(session, Exchange, record, record.time, row)


def save_appointment(session: Session, record: AppointmentRecord) -> bool:
    """Stores a callback request as `new`; False if it was stored before."""
    row = {
        "message_id": record.message_id,
        "name": _storable(record.name),
        "phone": _storable(record.phone),
        "best_time": _storable(record.best_time),
        "reason": _storable_optional(record.reason),
        "created_at": record.created_at,
    }
    return _save_once(session, AppointmentRequest, record, record.created_at, row)


def save_feedback(session: Session, record: FeedbackRecord) -> None:
    """Stores a thumbs up or down; every click counts, so no deduplication."""
    conversation_id = _touch_conversation(
        session, record.sender_id, record.channel, record.created_at
    )
    session.execute(
        insert(Feedback.__table__),
        {
            "conversation_id": conversation_id,
            "message_id": record.message_id,
            "rating": record.rating,
            "created_at": record.created_at,
        },
    )


# The rows staff tools read, column by column: the one description of each
# (the CLI's and the dashboard's tables and exports follow it).
TURN_FIELDS = (
    "time",
    "text",
    "text_truncated",
    "intent",
    "confidence",
    "answer_key",
    "reply",
    "is_fallback",
    "is_emergency",
    "is_out_of_scope",
)
APPOINTMENT_FIELDS = (
    "id",
    "sender_id",
    "name",
    "phone",
    "best_time",
    "reason",
    "status",
    "created",
)


def exchange_row(exchange: Exchange) -> Dict[str, Any]:
    """One turn as a plain row, without its sender: exports and transcripts alike."""
    row = {field: getattr(exchange, field) for field in TURN_FIELDS}
    return {**row, "time": exchange.time.isoformat()}


def exchanges(session: Session) -> List[Dict[str, Any]]:
    """Every logged exchange, oldest first, as plain rows for export."""
    query = (
        select(Exchange, Conversation.sender_id)
        .join(Conversation, Conversation.id == Exchange.conversation_id)
        .order_by(Exchange.time, Exchange.id)
    )
    return [
        {"sender_id": sender_id, **exchange_row(exchange)}
        for exchange, sender_id in session.execute(query)
    ]


def appointments(
    session: Session,
    status: Optional[str] = None,
    newest_first: bool = False,
    offset: int = 0,
    limit: Optional[int] = None,
) -> List[Dict[str, Any]]:
    """Callback requests (all, or those with `status`), as plain rows.

    Oldest first, as a list to work through; `newest_first` for a page where
    the latest request belongs at the top.
    """
    order = (
        (AppointmentRequest.created_at.desc(), AppointmentRequest.id.desc())
        if newest_first
        else (AppointmentRequest.created_at, AppointmentRequest.id)
    )
    query = (
        select(AppointmentRequest, Conversation.sender_id)
        .join(Conversation, Conversation.id == AppointmentRequest.conversation_id)
        .order_by(*order)
    )
    if status is not None:
        query = query.where(AppointmentRequest.status == status)
    query = query.offset(offset).limit(limit)
    return [
        _appointment_row(request, sender_id)
        for request, sender_id in session.execute(query)
    ]


def _appointment_row(request: AppointmentRequest, sender_id: str) -> Dict[str, Any]:
    """A callback request as a plain row, in APPOINTMENT_FIELDS order."""
    row = {field: getattr(request, field, None) for field in APPOINTMENT_FIELDS}
    return {**row, "sender_id": sender_id, "created": request.created_at.isoformat()}


def count_appointments(session: Session, status: Optional[str] = None) -> int:
    """How many callback requests have `status` (all of them when None)."""
    query = select(func.count(AppointmentRequest.id))
    if status is not None:
        query = query.where(AppointmentRequest.status == status)
    return int(session.execute(query).scalar_one())


def set_appointment_status(session: Session, request_id: int, status: str) -> bool:
    """Moves a callback request to `status`; False if there is no such request."""
    if status not in APPOINTMENT_STATUSES:
        raise ValueError(f"status must be one of {APPOINTMENT_STATUSES}")
    result = session.execute(
        update(AppointmentRequest)
        .where(AppointmentRequest.id == request_id)
        .values(status=status)
    )
    return bool(result.rowcount)
