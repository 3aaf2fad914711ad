"""The log database goes away: answers keep flowing and no exchange is lost.

PostgreSQL is really stopped (pg_ctl stop) under a running assistant, the
action server is killed and restarted during the outage, and the log must
afterwards hold every exchange and the callback request taken meanwhile. A
SQLite log is really locked by another connection for the same check.
"""

import json
import sqlite3
from pathlib import Path
from typing import Iterator, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic_rasa.tracker_store import ClinicTrackerStore
from tests.support.databases import PostgresCluster, start_cluster, stop_cluster
from tests.support.live_log import (
    CALLBACK_REQUEST,
    eventually,
    logged_appointments,
    logged_exchanges,
)
from tests.support.servers import AssistantServers, start_assistant

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "how long does kyphoplasty take",
    "when can I walk after the procedure",
    "what is the balloon for",
]
# The writer retries at most every 5 s; a generous margin for a busy machine.
CATCH_UP_S = 60


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster of this module's own, since the tests stop it."""
    started = start_cluster()
    yield started
    stop_cluster(started)


def say(servers: AssistantServers, sender: str, message: str) -> List[str]:
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    status, replies = servers.post(body, timeout_s=60)
    assert status == 200, replies
    assert replies, f"no reply to {message!r}"
    return [str(reply.get("text") or "") for reply in replies]


def converse(servers: AssistantServers, sender: str, messages: List[str]) -> List[str]:
    """Sends each message in turn; the replies to the last one."""
    replies: List[str] = []
    for message in messages:
        replies = say(servers, sender, message)
    return replies


def test_postgresql_stopped_and_action_server_restarted_loses_nothing(
    cluster: PostgresCluster,
) -> None:
    url = cluster.url(cluster.create_database())
    servers = start_assistant(ROOT, url)
    try:
        converse(servers, "before", QUESTIONS)
        sent = len(QUESTIONS)
        eventually(lambda: logged_exchanges(url), lambda rows: len(rows) == sent, 30)

        cluster.stop()
        try:
            converse(servers, "during", QUESTIONS)
            confirmation = converse(servers, "callback", list(CALLBACK_REQUEST))
            servers.kill_action_server()  # a restart while records wait
            servers.restart_action_server()
            converse(servers, "after-restart", QUESTIONS)
        finally:
            cluster.start()
        sent += 2 * len(QUESTIONS) + len(CALLBACK_REQUEST)
        assert confirmation[0].startswith("Thank you, Ann Lee.")

        rows = eventually(
            lambda: logged_exchanges(url), lambda rows: len(rows) >= sent, CATCH_UP_S
        )
        requests = eventually(lambda: logged_appointments(url), bool, CATCH_UP_S)
    finally:
        servers.stop()

    assert len(rows) == sent
    assert len({(row.sender_id, row.message_id) for row in rows}) == sent
    assert [(r.sender_id, r.name, r.phone) for r in requests] == [
        ("callback", "Ann Lee", "904 555 0134")
    ]


def test_a_locked_sqlite_log_catches_up_once_released(tmp_path: Path) -> None:
    database = tmp_path / "clinic.db"
    url = f"sqlite:///{database}"
    servers = start_assistant(ROOT, url)
    try:
        converse(servers, "warm-up", QUESTIONS[:1])
        sent = 1
        eventually(lambda: logged_exchanges(url), lambda rows: len(rows) == sent, 30)

        lock = sqlite3.connect(database, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            converse(servers, "while-locked", QUESTIONS[1:])
            sent += len(QUESTIONS) - 1
        finally:
            lock.execute("ROLLBACK")
            lock.close()

        rows = eventually(
            lambda: logged_exchanges(url), lambda rows: len(rows) >= sent, CATCH_UP_S
        )
    finally:
        servers.stop()

    assert len(rows) == sent


@pytest.mark.asyncio
async def test_the_tracker_store_keeps_conversations_through_an_outage(
    cluster: PostgresCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", cluster.url(cluster.create_database()))
    store = ClinicTrackerStore(domain=Domain.from_dict({"intents": ["faq"]}))
    tracker = DialogueStateTracker.from_events(
        "visitor", [ActionExecuted("action_listen")]
    )
    cluster.stop()
    try:
        await store.save(tracker)
        tracker.update(UserUttered("during the outage", intent={"name": "faq"}))
        await store.save(tracker)
        during = await store.retrieve("visitor")
        assert await store.retrieve("nobody") is None
    finally:
        cluster.start()
    await store.save(tracker)
    after = await store.retrieve("visitor")
    store.engine.dispose()

    assert during is not None and during.latest_message.text == "during the outage"
    assert after is not None and after.latest_message.text == "during the outage"
    assert "visitor" in await store.keys()
