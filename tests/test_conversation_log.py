"""End to end: a scripted REST conversation is logged exactly once per message.

Runs the real Rasa server and action server against SQLite and PostgreSQL.
"""

import time
from pathlib import Path
from typing import Iterator, List

import pytest

from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.repository import appointments, exchanges
from tests.support.logged import logged_reply
from tests.support.servers import AssistantServers, start_assistant

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = [
    "hello there",
    "what's the recovery like afterwards",
    "do they use general anesthesia",
    "how much will this set me back",
    "I'd like to book an appointment please",
    "yes",
    "Jordan Lee",
    "904 555 0177",
    "late afternoon",
    "skip",
    # The classifiers read its typos corrected; the log keeps them as typed.
    "is ther a scarr after the procedur",
    "qwzxv blorp fnark",
]
# What the log keeps of the script: the visitor's name and phone number belong
# in the callback request only, so exchange texts carry placeholders instead.
PERSONAL_DATA = {"Jordan Lee": "[name]", "904 555 0177": "[phone]"}
LOGGED_SCRIPT = [PERSONAL_DATA.get(message, message) for message in SCRIPT]
WRITE_WAIT_S = 20


@pytest.fixture
def logging_assistant(database_url: str) -> Iterator[AssistantServers]:
    """The assistant logging to a fresh database of each kind."""
    servers = start_assistant(ROOT, database_url)
    yield servers
    servers.stop()


def logged_rows(database_url: str, expected: int) -> tuple:
    """Waits for the background writer, then reads exchanges and appointments."""
    factory = make_session_factory(make_engine(database_url))
    deadline = time.monotonic() + WRITE_WAIT_S
    while True:
        with session_scope(factory) as session:
            rows, requests = exchanges(session), appointments(session)
        if len(rows) >= expected or time.monotonic() > deadline:
            return rows, requests
        time.sleep(0.5)


def masked(text: str) -> str:
    """`text` with the script's personal data replaced by its placeholders."""
    for value, placeholder in PERSONAL_DATA.items():
        text = text.replace(value, placeholder)
    return text


def test_scripted_conversation_is_logged_once_per_message(
    logging_assistant: AssistantServers, database_url: str
) -> None:
    replies: List[str] = []
    for message in SCRIPT:
        answer = logging_assistant.say("scripted-visitor", message)
        assert answer, f"no reply to {message!r}"
        replies.append(masked(logged_reply(answer)))

    # The writer stores records in the order it gets them: once a later turn
    # is stored, any second copy of the script's turns would be stored too.
    logging_assistant.say("later-visitor", "hello")
    everything, requests = logged_rows(database_url, len(SCRIPT) + 1)
    assert everything[-1]["sender_id"] == "later-visitor"
    rows = [row for row in everything if row["sender_id"] == "scripted-visitor"]

    assert [row["text"] for row in rows] == LOGGED_SCRIPT
    assert len(rows) == len(replies)
    for row, reply in zip(rows, replies, strict=True):
        assert row["reply"] == reply, row["text"]
    assert [(r["name"], r["phone"], r["best_time"], r["status"]) for r in requests] == [
        ("Jordan Lee", "904 555 0177", "late afternoon", "new")
    ]
    assert "904.265.7755" in replies[4]
    assert "callback request has been passed to the clinic" in replies[9]
