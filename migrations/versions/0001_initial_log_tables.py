"""Creates the conversation log: conversations, exchanges, callbacks, feedback.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _conversation_fk(table: str) -> sa.Column:
    return sa.Column(
        "conversation_id",
        sa.Integer(),
        sa.ForeignKey(
            "conversations.id",
            name=f"fk_{table}_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        nullable=False,
    )


def upgrade() -> None:
    """Creates the four log tables (Rasa's `events` table is Rasa's business)."""
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversations"),
    )
    op.create_index(
        "ix_conversations_sender_id", "conversations", ["sender_id"], unique=True
    )

    op.create_table(
        "exchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        _conversation_fk("exchanges"),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(255), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("answer_key", sa.String(255), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("is_fallback", sa.Boolean(), nullable=False),
        sa.Column("is_emergency", sa.Boolean(), nullable=False),
        sa.Column("is_out_of_scope", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exchanges"),
        sa.UniqueConstraint(
            "conversation_id",
            "message_id",
            name="uq_exchanges_conversation_id_message_id",
        ),
    )
    op.create_index("ix_exchanges_time", "exchanges", ["time"])

    op.create_table(
        "appointment_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        _conversation_fk("appointment_requests"),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("best_time", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="new"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_appointment_requests"),
        sa.UniqueConstraint(
            "conversation_id",
            "message_id",
            name="uq_appointment_requests_conversation_id_message_id",
        ),
        sa.CheckConstraint(
            "status IN ('new', 'called', 'closed')",
            name=op.f("ck_appointment_requests_status_allowed"),
        ),
    )
    op.create_index(
        "ix_appointment_requests_created_at", "appointment_requests", ["created_at"]
    )

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        _conversation_fk("feedback"),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.CheckConstraint(
            "rating IN ('up', 'down')", name=op.f("ck_feedback_rating_allowed")
        ),
    )


def downgrade() -> None:
    """Drops the four log tables, children first."""
    op.drop_table("feedback")
    op.drop_index("ix_appointment_requests_created_at", "appointment_requests")
    op.drop_table("appointment_requests")
    op.drop_index("ix_exchanges_time", "exchanges")
    op.drop_table("exchanges")
    op.drop_index("ix_conversations_sender_id", "conversations")
    op.drop_table("conversations")
