"""Rasa's event history goes to DATABASE_URL's database, beside the log tables."""

import json
import logging

import pytest
from alembic import command
from rasa.core.tracker_store import SQLTrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from clinic_log.database import make_engine
from clinic_log.migrations import alembic_config
from clinic_rasa.tracker_store import ClinicTrackerStore

DOMAIN = Domain.from_dict({"intents": ["greet", "faq"]})
ENDPOINT_TYPE = "clinic_rasa.tracker_store.ClinicTrackerStore"

pytestmark = pytest.mark.asyncio


@pytest.fixture
def store(migrated_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    created = ClinicTrackerStore(domain=DOMAIN)
    yield created
    created.engine.dispose()


def a_tracker(sender_id="visitor-1"):
    return DialogueStateTracker.from_events(
        sender_id,
        [
            ActionExecuted("action_listen"),
            UserUttered(
                "how long does it take? <b>😣</b>",
                intent={"name": "faq", "confidence": 0.91},
                message_id="m1",
            ),
            BotUttered("About an hour."),
        ],
    )


async def test_saves_and_retrieves_a_tracker(store):
    await store.save(a_tracker())

    retrieved = await store.retrieve("visitor-1")

    assert retrieved is not None
    user = [event for event in retrieved.events if isinstance(event, UserUttered)]
    assert [(e.text, e.message_id, e.intent_name) for e in user] == [
        ("how long does it take? <b>😣</b>", "m1", "faq")
    ]
    assert await store.retrieve("somebody-else") is None


async def test_events_share_the_database_with_the_log(store, migrated_url):
    await store.save(a_tracker())

    engine = make_engine(migrated_url)
    try:
        names = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"events", "conversations", "exchanges"} <= names
    # Autogenerate still sees nothing to change: Rasa's table is not ours.
    command.check(alembic_config(migrated_url))


async def test_connects_with_every_part_of_the_url(store, migrated_url):
    """Dialect, host, port, database, user and a password full of URL syntax."""
    wanted, got = make_url(migrated_url), store.engine.url
    parts = ("drivername", "host", "port", "database", "username", "password")
    assert {part: getattr(got, part) for part in parts} == {
        part: getattr(wanted, part) for part in parts
    }


async def test_rasa_loads_it_from_endpoints_and_ignores_other_urls(
    migrated_url, monkeypatch, tmp_path, caplog
):
    """As `tracker_store: {type: ..., url: ...}` in endpoints.yml would."""
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    elsewhere = tmp_path / "elsewhere.db"
    endpoint = EndpointConfig(url=f"sqlite:///{elsewhere}", type=ENDPOINT_TYPE)

    with caplog.at_level(logging.WARNING, logger="clinic_log"):
        loaded = create_tracker_store(endpoint, DOMAIN)
    try:
        assert isinstance(loaded, ClinicTrackerStore)
        await loaded.save(a_tracker("visitor-2"))
        assert await loaded.retrieve("visitor-2") is not None
    finally:
        loaded.engine.dispose()

    assert not elsewhere.exists()
    assert "DATABASE_URL decides" in caplog.text


async def test_sqlite_connections_use_wal_synced_at_checkpoints(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    created = ClinicTrackerStore(domain=DOMAIN)
    await created.save(a_tracker())

    with created.engine.connect() as connection:
        journal_mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    created.engine.dispose()

    assert (journal_mode, synchronous) == ("wal", 1)  # 1 is NORMAL, 2 FULL
    assert isinstance(created.engine.pool, QueuePool)  # not a connection per query


async def stored_texts(store, sender_id):
    """The texts of the user messages stored for `sender_id`, one per row."""
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).filter_by(sender_id=sender_id).all()
        return [json.loads(row.data)["text"] for row in rows if row.type_name == "user"]


async def test_a_turn_stores_only_the_events_it_added(store):
    await store.save(a_tracker())

    tracker = await store.retrieve("visitor-1")
    tracker.update(UserUttered("and recovery?", message_id="m2"))
    await store.save(tracker)
    # A second save of the same tracker, not preceded by a read, adds nothing.
    await store.save(tracker)

    assert await stored_texts(store, "visitor-1") == [
        "how long does it take? <b>😣</b>",
        "and recovery?",
    ]


async def test_a_turn_after_another_process_wrote_counts_what_it_read(
    store, migrated_url
):
    await store.save(a_tracker())
    mine = await store.retrieve("visitor-1")
    # Another worker answers a message first, then this one gets the next turn.
    other = ClinicTrackerStore(domain=DOMAIN)
    theirs = await other.retrieve("visitor-1")
    theirs.update(UserUttered("first", message_id="m2"))
    await other.save(theirs)
    other.engine.dispose()
    mine = await store.retrieve("visitor-1")
    mine.update(UserUttered("second", message_id="m3"))
    await store.save(mine)

    assert (await stored_texts(store, "visitor-1"))[-2:] == ["first", "second"]


def two_sessions(sender_id):
    """A visitor who came back: only the second session is read by `retrieve`."""
    return DialogueStateTracker.from_events(
        sender_id,
        [
            ActionExecuted("action_session_start", timestamp=1.0),
            SessionStarted(timestamp=1.0),
            UserUttered("old question", intent={"name": "greet"}, timestamp=2.0),
            ActionExecuted("action_session_start", timestamp=3.0),
            SessionStarted(timestamp=3.0),
            ActionExecuted("action_listen", timestamp=3.0),
            UserUttered(
                "new question",
                intent={"name": "faq", "confidence": 0.8},
                parse_data={"entities": [], "response_selector": {"faq": {}}},
                timestamp=4.0,
            ),
            SlotSet("topic", "recovery", timestamp=4.0),
            BotUttered("A short stay of usually one day is needed.", timestamp=5.0),
        ],
    )


async def test_reads_and_writes_what_rasas_own_store_does(store, tmp_path):
    stock = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "r.db"))

    for each in (store, stock):
        await each.save(two_sessions("visitor-9"))
        # Saved again without a read: both count the stored latest session's
        # events to find what is new (Rasa stores some events twice this way);
        # the rows must still be equal.
        tracker = two_sessions("visitor-9")
        tracker.update(UserUttered("one more", timestamp=6.0))
        await each.save(tracker)

    def rows(each):
        with each.session_scope() as session:
            query = session.query(each.SQLEvent).order_by(each.SQLEvent.id)
            return [
                (
                    r.sender_id,
                    r.type_name,
                    r.timestamp,
                    r.intent_name,
                    r.action_name,
                    json.loads(r.data),
                )
                for r in query.filter_by(sender_id="visitor-9")
            ]

    assert rows(store) == rows(stock)
    ours, theirs = [await each.retrieve("visitor-9") for each in (store, stock)]
    assert ours.events == theirs.events
    # Only the latest session is read.
    assert next(e.text for e in ours.events if isinstance(e, UserUttered)) == (
        "new question"
    )
    full = await store.retrieve_full_tracker("visitor-9")
    assert full.events == (await stock.retrieve_full_tracker("visitor-9")).events
    stock.engine.dispose()
