"""The Alembic migrations, up and down, on SQLite and PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, Table, inspect, text
from sqlalchemy.engine import Connection

from clinic_log.database import make_engine
from clinic_log.migrations import alembic_config, downgrade, upgrade
from clinic_log.text_keys import text_key
from tests.support.log_records import T0

ROOT = Path(__file__).resolve().parent.parent
HEAD = "0004"
LOG_TABLES = {
    "conversations",
    "exchanges",
    "appointment_requests",
    "feedback",
    "staff_users",
    "audit_events",
    "inbox_reviews",
}


def tables(url: str) -> set:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def current_revision(url: str):
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def test_there_is_one_head_with_one_initial_revision():
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(scripts.get_heads()) == 1
    revisions = [script.revision for script in scripts.walk_revisions()]
    assert revisions == ["0004", "0003", "0002", "0001"]
    assert revisions[0] == HEAD


def test_upgrade_creates_the_log_tables_and_downgrade_removes_them(database_url):
    upgrade(database_url)
    assert tables(database_url) == LOG_TABLES | {"alembic_version"}
    assert current_revision(database_url) == HEAD

    downgrade(database_url)
    assert tables(database_url) == {"alembic_version"}
    assert current_revision(database_url) is None

    upgrade(database_url)
    assert tables(database_url) >= LOG_TABLES


def test_upgrade_twice_is_harmless(database_url):
    upgrade(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == HEAD


def test_migrations_match_the_models(database_url):
    """Autogenerate finds nothing to do: models.py and the revisions agree."""
    upgrade(database_url)
    command.check(alembic_config(database_url))


def test_rasa_events_table_is_left_alone(database_url):
    engine = make_engine(database_url)
    try:
        Table("events", MetaData(), Column("id", Integer, primary_key=True)).create(
            engine
        )
    finally:
        engine.dispose()

    upgrade(database_url)
    command.check(alembic_config(database_url))  # would propose dropping it
    downgrade(database_url)

    assert "events" in tables(database_url)


@pytest.mark.parametrize("directory", ["/", "repo"])
def test_alembic_command_line_up_and_down(database_url, directory):
    """`alembic upgrade head` and `alembic downgrade base` with DATABASE_URL."""
    environment = {**os.environ, "DATABASE_URL": database_url}
    base = [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini")]
    cwd = ROOT if directory == "repo" else Path(directory)

    for step in (["upgrade", "head"], ["downgrade", "base"], ["upgrade", "head"]):
        result = subprocess.run(
            base + step, env=environment, cwd=cwd, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr

    assert tables(database_url) >= LOG_TABLES
    assert "Running upgrade  -> 0001" in result.stderr


def add_old_conversation(connection: Connection) -> None:
    """Conversation 1, written with SQL as a release before the models would."""
    connection.execute(
        text(
            "INSERT INTO conversations (id, sender_id, channel, started_at, "
            "last_seen_at) VALUES (1, 'v1', 'rest', :t, :t)"
        ),
        {"t": T0},
    )


def add_old_exchange(connection: Connection, message_id: str, said: str) -> None:
    """An exchange of conversation 1 with only the columns of revision 0001."""
    connection.execute(
        text(
            "INSERT INTO exchanges (conversation_id, message_id, time, text, "
            "entities, answer_key, reply, is_fallback, is_emergency, "
            "is_out_of_scope) VALUES (1, :m, :t, :said, '[]', '', '', "
            "false, false, false)"
        ),
        {"m": message_id, "t": T0, "said": said},
    )


def test_0002_marks_existing_exchanges_as_not_cut(database_url):
    """Rows logged before 0002 get text_truncated = false, not NULL."""
    upgrade_to(database_url, "0001")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            add_old_conversation(connection)
            add_old_exchange(connection, "m1", "hi")
        upgrade(database_url)
        with engine.connect() as connection:
            cut = connection.execute(text("SELECT text_truncated FROM exchanges"))
            assert [bool(value) for value in cut.scalars()] == [False]
    finally:
        engine.dispose()


def test_0004_keys_exchanges_logged_before_it(database_url):
    """Rows logged before 0004 get the inbox key the writer now stores."""
    upgrade_to(database_url, "0003")
    texts = ["How much does it COST?", "??", "how much does it cost"]
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            add_old_conversation(connection)
            for number, said in enumerate(texts):
                add_old_exchange(connection, f"m{number}", said)
        upgrade(database_url)
        with engine.connect() as connection:
            keys = connection.execute(
                text("SELECT text_key FROM exchanges ORDER BY id")
            )
            stored = list(keys.scalars())
    finally:
        engine.dispose()
    assert stored == [text_key(said) for said in texts]
    assert stored[0] == stored[2] != stored[1]


def upgrade_to(url: str, revision: str) -> None:
    command.upgrade(alembic_config(url), revision)
