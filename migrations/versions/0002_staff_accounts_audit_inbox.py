"""Adds staff accounts, the audit trail, inbox review marks and cut-text flags.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Creates the three staff tables and flags visitor texts cut at a limit."""
    with op.batch_alter_table("exchanges") as batch:
        batch.add_column(
            sa.Column(
                "text_truncated",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_users"),
    )
    op.create_index("ix_staff_users_username", "staff_users", ["username"], unique=True)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(255), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_time", "audit_events", ["time"])
    op.create_index("ix_audit_events_action", "audit_events", ["action"])

    op.create_table(
        "inbox_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text_key", sa.String(64), nullable=False),
        sa.Column("reviewed_by", sa.String(255), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_reviews"),
    )
    op.create_index(
        "ix_inbox_reviews_text_key", "inbox_reviews", ["text_key"], unique=True
    )


def downgrade() -> None:
    """Drops the staff tables and the cut-text flag."""
    op.drop_index("ix_inbox_reviews_text_key", "inbox_reviews")
    op.drop_table("inbox_reviews")
    op.drop_index("ix_audit_events_action", "audit_events")
    op.drop_index("ix_audit_events_time", "audit_events")
    op.drop_table("audit_events")
    op.drop_index("ix_staff_users_username", "staff_users")
    op.drop_table("staff_users")
    with op.batch_alter_table("exchanges") as batch:
        batch.drop_column("text_truncated")
