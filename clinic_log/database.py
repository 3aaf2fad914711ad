"""Engines and short-lived sessions: one session per unit of work, never per process.

SQLite is tuned so that Rasa, the action server and the staff tools can share
one file; PostgreSQL connections are checked before use so a restarted server
does not fail the next write.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

SessionFactory = Callable[[], Session]

# Seconds a writer waits for another process's SQLite write lock.
SQLITE_BUSY_TIMEOUT_S = 10


def make_engine(url: str) -> Engine:
    """Creates the engine for `url`; bound parameters never appear in errors.

    Statement parameters are visitor text and phone numbers, so they are kept
    out of exception messages and therefore out of logs.
    """
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, future=True, **_SQLITE_ENGINE_OPTIONS)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, future=True, hide_parameters=True, pool_pre_ping=True)


# SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool);
# a pool keeps them, with their pragmas, for the next unit of work.
_SQLITE_ENGINE_OPTIONS: dict[str, Any] = {
    "hide_parameters": True,
    "poolclass": QueuePool,
    "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
}


def make_rasa_sqlite_engine(url: URL) -> Engine:
    """The engine of Rasa's tracker store on SQLite: pooled, WAL.

    Rasa's sessions use the sqlite3 module's own transactions, so none of
    `_configure_sqlite`'s transaction handling is applied here.
    """
    engine = create_engine(url, **_SQLITE_ENGINE_OPTIONS)
    event.listen(engine, "connect", lambda connection, _: use_wal(connection))
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and real transactions for SQLite connections.

    The sqlite3 module's own transaction handling breaks SAVEPOINT and makes
    DDL non-transactional; SQLAlchemy's documented remedy is to switch it off
    and emit BEGIN ourselves. BEGIN IMMEDIATE takes the write lock up front,
    so a transaction that reads then writes waits its turn instead of failing
    when another process wrote in between.
    """

    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()
        use_wal(dbapi_connection)

    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)


def use_wal(dbapi_connection: Any) -> None:
    """Write-ahead logging, synced at checkpoints rather than at every commit.

    In WAL mode `synchronous=NORMAL` cannot corrupt the file; a power cut may
    only drop the last commits, which the writer's journal (fsynced before
    each database write) replays. It saves a full fsync per message.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker:
    """A factory of sessions bound to `engine`.

    Objects stay readable after commit, since sessions are closed right after.
    """
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def session_scope(factory: SessionFactory) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, roll back if not, close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
