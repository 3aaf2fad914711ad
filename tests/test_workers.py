"""Two Sanic workers, as `make run` starts Rasa: locks and limits shared in Redis."""

import http.client
import json
import threading
from pathlib import Path
from typing import Iterator, List, Tuple
from urllib.parse import urlsplit

import pytest
import redis
from sqlalchemy import create_engine, text

from bench.load import client_addresses
from tests.support.live_log import eventually, logged_exchanges
from tests.support.servers import AssistantServers, start_assistant
from tests.support.sockets import (
    ESTABLISHED,
    LISTEN,
    children_of,
    owners,
    socket_inodes,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
PER_SENDER_PER_MINUTE = 6


def rasa_port(servers: AssistantServers) -> int:
    port = urlsplit(servers.rasa_url).port
    assert port is not None
    return port


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


def kept_connection(
    url: str, address: str | None, sender: str
) -> http.client.HTTPConnection:
    """A visitor's connection that has had one answer and stays open."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname or "", parts.port, timeout=60,
        source_address=(address, 0) if address else None,
    )  # fmt: skip
    body = json.dumps({"sender": sender, "message": "hello"})
    connection.request("POST", "/webhooks/rest/webhook", body=body)
    response = connection.getresponse()
    response.read()
    assert response.status == 200
    return connection


def test_each_worker_listens_on_its_own_socket_and_serves_visitors(workers) -> None:
    servers, _ = workers
    main = servers.processes[1].pid
    worker_processes = children_of(main)

    listening = owners(socket_inodes(rasa_port(servers), LISTEN))

    # One listening socket per worker, each held by that worker alone; the
    # main process holds the port without listening. With Sanic's one shared
    # socket there is a single one, held by all three processes.
    assert len(worker_processes) == servers.workers == 2
    assert len(listening) == servers.workers
    holders = list(listening.values())
    assert all(len(held) == 1 for held in holders)
    assert set().union(*holders) == worker_processes

    addresses = client_addresses(servers.rasa_url)
    connections = [
        kept_connection(servers.rasa_url, next(addresses), f"kept-{n}")
        for n in range(16)
    ]
    try:
        serving = owners(socket_inodes(rasa_port(servers), ESTABLISHED))
    finally:
        for connection in connections:
            connection.close()
    # The kernel spreads connections by address: both workers hold some
    # (all 16 on one worker would happen once in 30,000 runs).
    assert len(serving) == len(connections)
    assert set().union(*serving.values()) == worker_processes
