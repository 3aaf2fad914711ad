"""Alembic environment: the log's own tables, in the database the app uses.

The URL comes from `Config.attributes["url"]` when the app migrates itself
(`clinic_log.migrations`), else from `DATABASE_URL`; an open connection may be
passed as `Config.attributes["connection"]`. Rasa's tracker store keeps its
`events` table in the same database: autogenerate must never touch it.
"""

from logging.config import fileConfig
from typing import Any, Optional

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from clinic_log.database import make_engine
from clinic_log.models import Base
from clinic_log.settings import database_url

config = context.config
target_metadata = Base.metadata

# Key of the PostgreSQL advisory lock that serialises concurrent upgrades:
# Rasa, the action server and the staff tools may all start at once.
MIGRATION_LOCK_KEY = 0x636C696E

# Only the command line configures logging; an app migrating itself keeps its own.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url: Optional[str] = config.attributes.get("url")
    return url or database_url()


def _include_name(name: Optional[str], type_: str, parent_names: Any) -> bool:
    """Limits autogenerate to our tables, leaving Rasa's `events` alone."""
    if type_ == "table":
        return name in target_metadata.tables
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=_include_name,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=True,
        # Our SQLite engine emits real BEGINs, so DDL is atomic there too.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": MIGRATION_LOCK_KEY},
            )
        context.run_migrations()


def run_migrations_offline() -> None:
    """Prints the SQL instead of running it (`alembic upgrade head --sql`)."""
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        include_name=_include_name,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Runs the migrations over a connection of the app's own engine."""
    connection: Optional[Connection] = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
