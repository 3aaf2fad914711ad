"""Two Sanic workers, as `make run` starts Rasa: locks and limits shared in Redis."""

import json
import threading
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
import redis
from sqlalchemy import create_engine, text

from tests.support.live_log import eventually, logged_exchanges
from tests.support.servers import AssistantServers, start_assistant

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
PER_SENDER_PER_MINUTE = 6


@pytest.fixture(scope="module")
def workers(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[Tuple[AssistantServers, str]]:
    """The assistant with two Rasa workers, and the URL of its log."""
    url = f"sqlite:///{tmp_path_factory.mktemp('workers') / 'clinic.db'}"
    started = start_assistant(
        ROOT, url, redis_url=redis_url, per_sender_per_minute=PER_SENDER_PER_MINUTE
    )
    yield started, url
    started.stop()


def post(servers: AssistantServers, sender: str, message: str) -> int:
    """Sends on a new connection, so the kernel may hand it to either worker."""
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    status, _ = servers.post(body, timeout_s=60)
    return status


def event_types(url: str, sender: str) -> List[str]:
    """The types of Rasa's stored events of one conversation, in order."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT type_name FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": sender},
            )
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def test_a_visitors_allowance_is_shared_by_the_workers(workers, redis_url) -> None:
    servers, _ = workers

    statuses = [
        post(servers, "hasty", "hello") for _ in range(PER_SENDER_PER_MINUTE + 1)
    ]

    assert statuses == [200] * PER_SENDER_PER_MINUTE + [429]
    # One count for both workers: the bucket is in Redis, and it is spent. With
    # a limiter per worker there would be no such key, whichever worker answered.
    tokens = redis.Redis.from_url(redis_url).hget("clinic:rate:sender:hasty", "tokens")
    assert tokens is not None and float(tokens) < 1


def test_simultaneous_messages_of_one_visitor_are_answered_one_turn_at_a_time(
    workers,
) -> None:
    servers, url = workers
    messages = ["what is kyphoplasty", "how long does it take", "is it painful"]
    statuses: List[int] = []
    threads = [
        threading.Thread(target=lambda m=m: statuses.append(post(servers, "eager", m)))
        for m in messages
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * len(messages)
    rows = eventually(
        lambda: logged_exchanges(url),
        lambda r: len([x for x in r if x.sender_id == "eager"]) >= len(messages),
        60,
    )
    assert sorted(r.text for r in rows if r.sender_id == "eager") == sorted(messages)
    # Each stored user message is answered (bot events) before the next one:
    # no turn read the history while another was still writing it.
    types = event_types(url, "eager")
    user_positions = [i for i, kind in enumerate(types) if kind == "user"]
    assert len(user_positions) == len(messages)
    ends = [*user_positions[1:], len(types)]
    for start, end in zip(user_positions, ends, strict=True):
        assert "bot" in types[start:end]
