"""A bounded soak on loopback: many visitors at once, and nothing missing from the log.

VISITORS conversations run concurrently for DURATION_S seconds against the
real assistant (two Rasa workers sharing locks in Redis, as `make run` starts
it) on the default SQLite log; each visitor waits for its reply
before sending the next message, as the widget does. Afterwards every
message sent must be in the log exactly once. The figures are written to
results/soak.json (SECURITY.md quotes them).
"""

import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Dict, Iterator, Tuple

import pytest

from tests.support.live_log import eventually, logged_exchanges
from tests.support.servers import AssistantServers, start_assistant

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
VISITORS = 50
DURATION_S = 60
MESSAGES = [
    "hello",
    "how long does kyphoplasty take",
    "when can I walk after the procedure",
    "what is the balloon for",
    "will I need physical therapy",
    "how much does it cost",
]


@pytest.fixture(scope="module")
def soak(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[Tuple[AssistantServers, str]]:
    """The running assistant, two workers as `make run` starts it, and its log's URL."""
    url = f"sqlite:///{tmp_path_factory.mktemp('soak') / 'clinic.db'}"
    started = start_assistant(ROOT, url, redis_url=redis_url)
    yield started, url
    started.stop()


def visitor(
    servers: AssistantServers,
    number: int,
    stop_at: float,
    sent: Dict[str, int],
    failures: list,
) -> None:
    sender = f"soak-{number}"
    count = 0
    while time.monotonic() < stop_at:
        message = MESSAGES[(number + count) % len(MESSAGES)]
        body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
        status, replies = servers.post(body, timeout_s=60)
        if status != 200 or not replies:
            failures.append((sender, status))
        count += 1
    sent[sender] = count


def test_the_log_holds_exactly_the_exchanges_sent(
    soak: Tuple[AssistantServers, str],
) -> None:
    servers, url = soak
    sent: Dict[str, int] = {}
    failures: list = []
    started = time.monotonic()
    threads = [
        threading.Thread(
            target=visitor, args=(servers, n, started + DURATION_S, sent, failures)
        )
        for n in range(VISITORS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(sent.values())

    rows = eventually(lambda: logged_exchanges(url), lambda r: len(r) >= total, 120)
    logged = Counter(row.sender_id for row in rows)
    keys = Counter((row.sender_id, row.message_id) for row in rows)
    figures = {
        "visitors": VISITORS,
        "seconds": round(elapsed),
        "messages_sent": total,
        "errors": len(failures),
        "exchanges_logged": len(rows),
        "exchanges_lost": total - len(rows),
    }
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "soak.json").write_text(json.dumps(figures, indent=2) + "\n")

    assert failures == []
    assert len(sent) == VISITORS and total >= VISITORS
    assert dict(logged) == sent
    assert max(keys.values()) == 1
