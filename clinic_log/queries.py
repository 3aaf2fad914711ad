"""What staff read from the log: conversation lists, transcripts, inbox rows, stats.

Read-only functions over a caller's session, returning plain dicts so the
command line and the dashboard show exactly the same data.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from clinic_log.models import AppointmentRequest, Conversation, Exchange
from clinic_log.repository import exchange_row

Row = Dict[str, Any]

# Below this intent confidence an answer counts as unsure: the threshold of the
# FallbackClassifier in config.yml, so "low confidence" means what Rasa means.
LOW_CONFIDENCE = 0.55
# Answers that say "the page doesn't cover that".
NOT_COVERED_PREFIX = "utter_not_covered/"


@dataclass(frozen=True)
class ConversationFilter:
    """Which conversations to list; every field left empty matches all."""

    since: Optional[date] = None
    until: Optional[date] = None
    intent: Optional[str] = None
    has_fallback: bool = False
    has_emergency: bool = False
    has_appointment: bool = False
    search: Optional[str] = None
    limit: int = 200
    # Rows to skip: the start of a page.
    offset: int = 0


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def _has_exchange(*conditions: Any) -> Any:
    return exists().where(Exchange.conversation_id == Conversation.id, *conditions)


def _conversation_conditions(wanted: ConversationFilter) -> List[Any]:
    conditions: List[Any] = []
    if wanted.since is not None:
        conditions.append(Conversation.last_seen_at >= _day_start(wanted.since))
    if wanted.until is not None:
        end = _day_start(wanted.until) + timedelta(days=1)
        conditions.append(Conversation.started_at < end)
    if wanted.intent:
        conditions.append(_has_exchange(Exchange.intent == wanted.intent))
    if wanted.has_fallback:
        conditions.append(_has_exchange(Exchange.is_fallback.is_(True)))
    if wanted.has_emergency:
        conditions.append(_has_exchange(Exchange.is_emergency.is_(True)))
    if wanted.has_appointment:
        conditions.append(
            exists().where(AppointmentRequest.conversation_id == Conversation.id)
        )
    if wanted.search:
        term = wanted.search.lower()
        conditions.append(
            _has_exchange(
                or_(
                    func.lower(Exchange.text).contains(term, autoescape=True),
                    func.lower(Exchange.reply).contains(term, autoescape=True),
                )
            )
        )
    return conditions


def _count_exchanges(*conditions: Any) -> Any:
    return (
        select(func.count(Exchange.id))
        .where(Exchange.conversation_id == Conversation.id, *conditions)
        .scalar_subquery()
    )


def conversations(session: Session, wanted: ConversationFilter) -> List[Row]:
    """Conversations matching `wanted`, newest activity first, with counts."""
    appointment_count = (
        select(func.count(AppointmentRequest.id))
        .where(AppointmentRequest.conversation_id == Conversation.id)
        .scalar_subquery()
    )
    query = (
        select(
            Conversation,
            _count_exchanges().label("messages"),
            _count_exchanges(Exchange.is_fallback.is_(True)).label("fallbacks"),
            _count_exchanges(Exchange.is_emergency.is_(True)).label("emergencies"),
            appointment_count.label("appointments"),
        )
        .where(*_conversation_conditions(wanted))
        .order_by(Conversation.last_seen_at.desc(), Conversation.id.desc())
        .offset(wanted.offset)
        .limit(wanted.limit)
    )
    return [
        {
            "sender_id": conversation.sender_id,
            "channel": conversation.channel,
            "started": conversation.started_at.isoformat(),
            "last_seen": conversation.last_seen_at.isoformat(),
            "messages": messages,
            "fallbacks": fallbacks,
            "emergencies": emergencies,
            "appointments": appointments,
        }
        for conversation, messages, fallbacks, emergencies, appointments in (
            session.execute(query)
        )
    ]


def count_conversations(session: Session, wanted: ConversationFilter) -> int:
    """How many conversations match `wanted`, whatever its page."""
    query = select(func.count(Conversation.id)).where(*_conversation_conditions(wanted))
    return int(session.execute(query).scalar_one())


def transcript(session: Session, sender_id: str) -> Optional[List[Row]]:
    """One visitor's turns, oldest first; None if there is no such conversation."""
    found = session.execute(
        select(Conversation.id).where(Conversation.sender_id == sender_id)
    ).scalar_one_or_none()
    if found is None:
        return None
    query = (
        select(Exchange)
        .where(Exchange.conversation_id == found)
        .order_by(Exchange.time, Exchange.id)
    )
    return [exchange_row(exchange) for exchange in session.execute(query).scalars()]


def unanswered_condition() -> Any:
    """Turns the assistant could not answer, or answered unsure of the intent.

    Emergencies are excluded: the safety rule answered them, whatever the
    classifier's confidence was.
    """
    return and_(
        Exchange.is_emergency.is_(False),
        or_(
            Exchange.is_fallback.is_(True),
            Exchange.is_out_of_scope.is_(True),
            Exchange.answer_key.startswith(NOT_COVERED_PREFIX, autoescape=True),
            Exchange.confidence < LOW_CONFIDENCE,
        ),
    )


def unanswered(session: Session) -> List[Row]:
    """Every unanswered or unsure visitor message, newest first."""
    query = (
        select(Exchange, Conversation.sender_id)
        .join(Conversation, Conversation.id == Exchange.conversation_id)
        .where(unanswered_condition())
        .order_by(Exchange.time.desc(), Exchange.id.desc())
    )
    return [
        {**exchange_row(exchange), "sender_id": sender_id}
        for exchange, sender_id in session.execute(query)
    ]


def _topic(answer_key: str) -> str:
    """utter_faq/duration -> faq/duration; other replies keep their name."""
    return (
        answer_key[len("utter_") :] if answer_key.startswith("utter_") else answer_key
    )


def _utc_day(session: Session, column: Any) -> Any:
    """`column`'s UTC date as "YYYY-MM-DD" text, in this database's own terms.

    SQLite stores the UTC time as ISO text (see `models.UTCDateTime`);
    PostgreSQL keeps a timestamptz, converted to UTC before formatting.
    """
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 10)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def stats(session: Session, since: date, until: date, top: int = 10) -> Row:
    """Activity per day between `since` and `until` (inclusive), and totals.

    Counted by the database (GROUP BY day), so a year of a busy log costs
    one row a day to read, not one row a message.
    """
    start, end = _day_start(since), _day_start(until) + timedelta(days=1)
    in_period = (Exchange.time >= start, Exchange.time < end)
    day = _utc_day(session, Exchange.time).label("day")
    per_day_query = (
        select(
            day,
            func.count(func.distinct(Exchange.conversation_id)).label("conversations"),
            func.count(Exchange.id).label("messages"),
            _count_if(~unanswered_condition()).label("answered"),
            _count_if(Exchange.is_fallback.is_(True)).label("fallbacks"),
            _count_if(Exchange.is_emergency.is_(True)).label("emergencies"),
        )
        .where(*in_period)
        .group_by(day)
    )
    request_day = _utc_day(session, AppointmentRequest.created_at).label("day")
    requests = dict(
        session.execute(
            select(request_day, func.count(AppointmentRequest.id))
            .where(
                AppointmentRequest.created_at >= start,
                AppointmentRequest.created_at < end,
            )
            .group_by(request_day)
        ).all()
    )
    counted = {row.day: row for row in session.execute(per_day_query)}
    per_day = []
    current = since
    while current <= until:
        found = counted.get(current.isoformat())
        per_day.append(
            {
                "day": current.isoformat(),
                "conversations": found.conversations if found else 0,
                "messages": found.messages if found else 0,
                "answered": int(found.answered) if found else 0,
                "fallbacks": int(found.fallbacks) if found else 0,
                "emergencies": int(found.emergencies) if found else 0,
                "appointments": requests.get(current.isoformat(), 0),
            }
        )
        current += timedelta(days=1)
    conversations = session.execute(
        select(func.count(func.distinct(Exchange.conversation_id))).where(*in_period)
    ).scalar_one()
    uses = func.count(Exchange.id)
    topics = session.execute(
        select(Exchange.answer_key, uses)
        .where(*in_period, Exchange.answer_key != "")
        .group_by(Exchange.answer_key)
        .order_by(uses.desc(), Exchange.answer_key)
        .limit(top)
    ).all()
    messages = sum(day["messages"] for day in per_day)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "days": per_day,
        "conversations": int(conversations),
        "messages": messages,
        "answer_rate": sum(day["answered"] for day in per_day) / messages
        if messages
        else None,
        "fallback_rate": sum(day["fallbacks"] for day in per_day) / messages
        if messages
        else None,
        "emergencies": sum(day["emergencies"] for day in per_day),
        "appointments": sum(day["appointments"] for day in per_day),
        "top_topics": [(_topic(key), count) for key, count in topics],
    }
