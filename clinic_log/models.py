"""The log's tables, as the ORM sees them.

Seven tables of our own (four for the log, three for staff); Rasa's tracker
store keeps its `events` table in the same database, so no name here may
collide with it. The schema itself is
created by the Alembic migrations, which must match these classes.
"""

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, declarative_base
from sqlalchemy.types import TypeDecorator

from clinic_log.text_keys import KEY_LENGTH

# Named constraints let later migrations drop or alter them (SQLite batch mode).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    SQLite keeps no offset, so values are normalised to UTC on the way in and
    marked UTC on the way out; naive values are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: Optional[datetime], dialect: Any
    ) -> Optional[datetime]:
        """Stores UTC; a naive datetime is a bug in the caller."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware one")
        return value.astimezone(timezone.utc)

    def process_result_value(
        self, value: Optional[datetime], dialect: Any
    ) -> Optional[datetime]:
        """Returns UTC-aware values whatever the backend kept."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Conversation(Base):
    """One visitor's conversation, keyed by Rasa's sender id."""

    __tablename__ = "conversations"

    id: Mapped[int] = Column(Integer, primary_key=True)
    sender_id: Mapped[str] = Column(
        String(255), nullable=False, unique=True, index=True
    )
    channel: Mapped[str] = Column(String(64), nullable=False, default="")
    started_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)
    last_seen_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)


class Exchange(Base):
    """A visitor message and the reply it got; one row per Rasa message id."""

    __tablename__ = "exchanges"
    __table_args__ = (
        # Logging the same turn twice (retries, replays) must store it once.
        UniqueConstraint("conversation_id", "message_id"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[int] = Column(
        Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    )
    message_id: Mapped[str] = Column(String(64), nullable=False)
    time: Mapped[datetime] = Column(UTCDateTime(), nullable=False, index=True)
    text: Mapped[str] = Column(Text, nullable=False)
    # The inbox's group key of `text` (clinic_log.text_keys).
    text_key: Mapped[str] = Column(String(KEY_LENGTH), nullable=False, index=True)
    # Set when the visitor's text was cut at the input length limit.
    text_truncated: Mapped[bool] = Column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    intent: Mapped[Optional[str]] = Column(String(255))
    confidence: Mapped[Optional[float]] = Column(Float)
    entities: Mapped[Any] = Column(JSON, nullable=False, default=list)
    answer_key: Mapped[str] = Column(String(255), nullable=False, default="")
    reply: Mapped[str] = Column(Text, nullable=False, default="")
    is_fallback: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    is_emergency: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    is_out_of_scope: Mapped[bool] = Column(Boolean, nullable=False, default=False)


# A callback request's life: taken by the assistant, phoned back, done with.
NEW, CALLED, CLOSED = "new", "called", "closed"
APPOINTMENT_STATUSES = (NEW, CALLED, CLOSED)


class AppointmentRequest(Base):
    """A callback request taken by the assistant, worked through by staff."""

    __tablename__ = "appointment_requests"
    __table_args__ = (
        UniqueConstraint("conversation_id", "message_id"),
        CheckConstraint(
            "status IN ({})".format(", ".join(f"'{s}'" for s in APPOINTMENT_STATUSES)),
            name="status_allowed",
        ),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[int] = Column(
        Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    )
    message_id: Mapped[str] = Column(String(64), nullable=False)
    # Free text typed by the visitor: unbounded, so no input is ever refused.
    name: Mapped[str] = Column(Text, nullable=False)
    phone: Mapped[str] = Column(Text, nullable=False)
    best_time: Mapped[str] = Column(Text, nullable=False)
    reason: Mapped[Optional[str]] = Column(Text)
    status: Mapped[str] = Column(
        String(16), nullable=False, default=NEW, server_default=NEW
    )
    created_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False, index=True)
    # When staff were e-mailed about it (clinic_notify); empty until then.
    notified_at: Mapped[Optional[datetime]] = Column(UTCDateTime())


class Feedback(Base):
    """A thumbs up or down on an answer."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("rating IN ('up', 'down')", name="rating_allowed"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[int] = Column(
        Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    )
    message_id: Mapped[Optional[str]] = Column(String(64))
    rating: Mapped[str] = Column(String(8), nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)


class StaffUser(Base):
    """A dashboard account; only a password hash is ever stored."""

    __tablename__ = "staff_users"

    id: Mapped[int] = Column(Integer, primary_key=True)
    username: Mapped[str] = Column(String(64), nullable=False, unique=True, index=True)
    password_hash: Mapped[str] = Column(Text, nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)


class AuditEvent(Base):
    """Who viewed or changed what, and when: health data access is accountable.

    `actor` is a dashboard username or `cli:<os user>`; `address` the client
    address for web requests. Failed sign-ins are kept here too and drive the
    sign-in throttle.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = Column(Integer, primary_key=True)
    time: Mapped[datetime] = Column(UTCDateTime(), nullable=False, index=True)
    actor: Mapped[str] = Column(String(255), nullable=False)
    address: Mapped[Optional[str]] = Column(String(64))
    action: Mapped[str] = Column(String(64), nullable=False, index=True)
    target: Mapped[str] = Column(String(255), nullable=False, default="")
    detail: Mapped[str] = Column(Text, nullable=False, default="")


class InboxReview(Base):
    """An inbox question marked reviewed, keyed by a hash of its normalised text.

    A hash, not the text, so that purging old conversations leaves no visitor
    words behind here, and near-identical future questions stay reviewed.
    """

    __tablename__ = "inbox_reviews"

    id: Mapped[int] = Column(Integer, primary_key=True)
    text_key: Mapped[str] = Column(String(64), nullable=False, unique=True, index=True)
    reviewed_by: Mapped[str] = Column(String(255), nullable=False)
    reviewed_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)
