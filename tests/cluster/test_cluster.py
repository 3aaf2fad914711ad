"""Conversations across two Rasa servers behind nginx, with one server stopped.

Proves what the cluster promises: any Rasa server can take any turn of any
conversation (tracker store in PostgreSQL, ticket locks in Redis), each
message is logged exactly once, and stopping a server loses no conversation.
"""

import threading
import time
import urllib.error
import urllib.request
from itertools import pairwise
from typing import Dict, List

import pytest
from sqlalchemy import text

from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.masking import NAME_MASK, PHONE_MASK
from clinic_log.repository import appointments, exchanges
from cluster.topology import Cluster
from tests.support.logged import logged_reply
from tests.support.servers import AssistantServers

# A visitor who asks two questions, then leaves a callback request.
SCRIPT = [
    "hello there",
    "what's the recovery like afterwards",
    "how much will this set me back",
    "I'd like to book an appointment please",
    "yes",
    "{name}",
    "{phone}",
    "late afternoon",
    "skip",
]
APPOINTMENT_TURN = 3
CONFIRMATION_TURN = 8
# The stop test stops a server after turn 3 and holds turns 6 to 8 back until
# it is gone, so turns run both during the stop and after it.
STOP_AFTER_TURN = 3
LAST_TURNS_FROM = 6
WRITE_WAIT_S = 20


PHONE = "904 555 0177"


def script_for(name: str) -> List[str]:
    """SCRIPT with the visitor's name and phone number filled in."""
    return [line.format(name=name, phone=PHONE) for line in SCRIPT]


def masked(texts: List[str], name: str) -> List[str]:
    """`texts` as the log keeps them: the visitor's name and number masked."""
    return [t.replace(name, NAME_MASK).replace(PHONE, PHONE_MASK) for t in texts]


def access_log_lines(cluster: Cluster, at_least: int = 0) -> List[str]:
    """nginx's access log of the public server: one line per request.

    nginx writes a line just after the response has gone out, so a client
    can be a moment ahead of it: waits briefly for `at_least` lines.
    """
    deadline = time.monotonic() + 5
    while True:
        lines = cluster.access_log.read_text(encoding="utf-8").splitlines()
        if len(lines) >= at_least or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def settled_line_count(cluster: Cluster, quiet_s: float = 0.5) -> int:
    """How many lines the access log has once no new line came for `quiet_s`.

    A line for a request answered just before (the cluster's own readiness
    probe, the previous test) may still be on its way; counting too early
    would take it for one of the next test's requests.
    """
    deadline = time.monotonic() + 5
    count = len(access_log_lines(cluster))
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = len(access_log_lines(cluster))
        if now == count:
            break
        count = now
    return count


def answered_by(cluster: Cluster, skip: int, count: int = 0) -> List[str]:
    """The Rasa server that answered each request after the first `skip` ones.

    Waits for `count` such requests. After a failover nginx lists every
    server it tried; the last one answered.
    """
    lines = access_log_lines(cluster, skip + count)[skip:]
    return [line.split("|")[2].split(", ")[-1] for line in lines]


def logged(cluster: Cluster, senders: List[str], turns: int) -> tuple:
    """Waits for the action servers' background writers, then reads the log.

    Returns exchanges by sender, appointments by sender, and how many user
    messages Rasa's tracker store holds for each sender.
    """
    factory = make_session_factory(make_engine(cluster.database_url))
    deadline = time.monotonic() + WRITE_WAIT_S
    while True:
        with session_scope(factory) as session:
            rows, requests = exchanges(session), appointments(session)
            events = session.execute(
                text(
                    "SELECT sender_id, count(*) FROM events "
                    "WHERE type_name = 'user' GROUP BY sender_id"
                )
            ).all()
        by_sender = {s: [r for r in rows if r["sender_id"] == s] for s in senders}
        if all(len(r) >= turns for r in by_sender.values()):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    return (
        by_sender,
        {r["sender_id"]: r for r in requests if r["sender_id"] in senders},
        {sender: count for sender, count in events if sender in senders},
    )


def check_conversations(
    cluster: Cluster, replies: Dict[str, List[str]], names: Dict[str, str]
) -> None:
    """Every conversation complete, correct, and logged exactly once."""
    time.sleep(1)  # a second copy of any row would have arrived by now
    rows, requests, user_events = logged(cluster, list(replies), len(SCRIPT))
    for sender, answers in replies.items():
        name = names[sender]
        logged_texts = [row["text"] for row in rows[sender]]
        assert logged_texts == masked(script_for(name), name), sender
        logged_replies = [row["reply"] for row in rows[sender]]
        assert logged_replies == masked(answers, name), sender
        assert user_events[sender] == len(SCRIPT), sender
        assert "904.265.7755" in answers[APPOINTMENT_TURN]
        assert (
            "callback request has been passed to the clinic"
            in (answers[CONFIRMATION_TURN])
        )
        request = requests[sender]
        assert (request["name"], request["phone"], request["status"]) == (
            name,
            PHONE,
            "new",
        )


def test_turns_alternate_between_servers(cluster: Cluster) -> None:
    """Three conversations, interleaved turn by turn: round-robin then sends
    every conversation's consecutive turns to different Rasa servers."""
    client = AssistantServers(cluster.url)
    names = {f"alternating-{i}": f"Visitor {chr(65 + i)}" for i in range(3)}
    replies: Dict[str, List[str]] = {sender: [] for sender in names}
    skip = settled_line_count(cluster)

    for turn in range(len(SCRIPT)):
        for sender, name in names.items():
            answer = client.say(sender, script_for(name)[turn])
            assert answer, f"no reply to turn {turn} of {sender}"
            replies[sender].append(logged_reply(answer))

    served_by = answered_by(cluster, skip, len(SCRIPT) * len(names))
    assert len(served_by) == len(SCRIPT) * len(names)
    assert set(served_by) == {f"127.0.0.1:{port}" for port in cluster.rasa_ports}
    for index, sender in enumerate(names):
        servers = served_by[index :: len(names)]
        assert all(a != b for a, b in pairwise(servers)), (sender, servers)
    check_conversations(cluster, replies, names)


def test_stopping_one_rasa_server_loses_no_conversation(cluster: Cluster) -> None:
    """Four visitors chat at once. After each one's third turn, one Rasa server
    is stopped as an orchestrator does (out of nginx, then SIGTERM) while turns
    keep coming; the last three turns wait until it is gone. Every
    conversation finishes."""
    client = AssistantServers(cluster.url)
    names = {f"failover-{i}": f"Visitor {chr(75 + i)}" for i in range(4)}
    replies: Dict[str, List[str]] = {sender: [] for sender in names}
    failures: List[str] = []
    third_turn_done = threading.Barrier(len(names) + 1)
    server_gone = threading.Event()
    skip = settled_line_count(cluster)

    def visit(sender: str) -> None:
        for turn, message in enumerate(script_for(names[sender])):
            if turn == STOP_AFTER_TURN:
                third_turn_done.wait(timeout=120)
            if turn == LAST_TURNS_FROM:
                server_gone.wait(timeout=120)
            try:
                replies[sender].append(logged_reply(client.say(sender, message)))
            except (AssertionError, OSError) as error:  # say() asserts HTTP 200
                failures.append(f"{sender} turn {turn}: {error}")
                return

    visitors = [threading.Thread(target=visit, args=(s,)) for s in names]
    for visitor in visitors:
        visitor.start()
    third_turn_done.wait(timeout=120)
    stopped = f"127.0.0.1:{cluster.rasa_ports[0]}"
    cluster.stop_rasa(0)
    after_stop = len(access_log_lines(cluster))
    server_gone.set()
    for visitor in visitors:
        visitor.join(timeout=180)

    assert not failures
    assert all(len(answers) == len(SCRIPT) for answers in replies.values())
    before = answered_by(cluster, skip, STOP_AFTER_TURN * len(names))
    assert stopped in before[: STOP_AFTER_TURN * len(names)]
    last_turns = (len(SCRIPT) - LAST_TURNS_FROM) * len(names)
    after = answered_by(cluster, after_stop, last_turns)
    assert len(after) >= last_turns
    assert stopped not in after
    check_conversations(cluster, replies, names)


@pytest.mark.parametrize("path", ["/", "/health"])
def test_nginx_serves_only_the_webhook_and_health(cluster: Cluster, path: str) -> None:
    """Rasa's other routes stay unreachable from outside; health answers."""
    try:
        with urllib.request.urlopen(f"{cluster.url}{path}", timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == (200 if path == "/health" else 404)
