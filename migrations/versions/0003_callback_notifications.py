"""Remembers which callback requests staff were told about by e-mail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Adds the time a request's notification went out (empty: not yet)."""
    with op.batch_alter_table("appointment_requests") as batch:
        batch.add_column(
            sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    """Drops the notification time."""
    with op.batch_alter_table("appointment_requests") as batch:
        batch.drop_column("notified_at")
