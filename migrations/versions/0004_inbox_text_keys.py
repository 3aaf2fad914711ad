"""Stores each exchange's inbox key, so the inbox groups and pages in SQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

from clinic_log.text_keys import KEY_LENGTH, text_key

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_BATCH = 1000


def _fill_keys() -> None:
    """Keys the exchanges logged before this revision, a batch at a time."""
    exchanges = sa.table(
        "exchanges",
        sa.column("id", sa.Integer()),
        sa.column("text", sa.Text()),
        sa.column("text_key", sa.String(KEY_LENGTH)),
    )
    connection = op.get_bind()
    last_id = 0
    while True:
        batch = connection.execute(
            sa.select(exchanges.c.id, exchanges.c.text)
            .where(exchanges.c.id > last_id)
            .order_by(exchanges.c.id)
            .limit(_BATCH)
        ).all()
        if not batch:
            return
        connection.execute(
            exchanges.update()
            .where(exchanges.c.id == sa.bindparam("row_id"))
            .values(text_key=sa.bindparam("key")),
            [{"row_id": row.id, "key": text_key(row.text)} for row in batch],
        )
        last_id = batch[-1].id


def upgrade() -> None:
    """Adds and fills `exchanges.text_key`, indexed."""
    with op.batch_alter_table("exchanges") as batch:
        batch.add_column(sa.Column("text_key", sa.String(KEY_LENGTH), nullable=True))
    _fill_keys()
    with op.batch_alter_table("exchanges") as batch:
        batch.alter_column(
            "text_key", existing_type=sa.String(KEY_LENGTH), nullable=False
        )
        batch.create_index("ix_exchanges_text_key", ["text_key"])


def downgrade() -> None:
    """Drops the inbox key."""
    with op.batch_alter_table("exchanges") as batch:
        batch.drop_index("ix_exchanges_text_key")
        batch.drop_column("text_key")
