"""The action server crashes or hangs: visitors get an answer or the phone number.

Turns the action server could not log are logged by the channel instead.

The action server really is killed (SIGKILL) or frozen (SIGSTOP) under a
running Rasa server; nothing is mocked. Timeouts are shortened so a frozen
action server costs this test seconds, not the 10 s of credentials.yml.
"""

import json
import signal
from pathlib import Path
from typing import Iterator, List

import pytest

from clinic_channel.channel import FALLBACK_TEXT
from tests.support.live_log import eventually, exchanges_of
from tests.support.servers import AssistantServers, start_assistant

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
PHONE = "904.265.7755"
ACTION_TIMEOUT_S = 2
TURN_TIMEOUT_S = 8
# No reply may take longer than this, whatever failed (the client gives up here).
CLIENT_TIMEOUT_S = TURN_TIMEOUT_S + 10


@pytest.fixture(scope="module")
def log_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('action-faults') / 'clinic.db'}"


@pytest.fixture(scope="module")
def servers(log_url: str) -> Iterator[AssistantServers]:
    started = start_assistant(
        ROOT,
        log_url,
        action_timeout_s=ACTION_TIMEOUT_S,
        turn_timeout_s=TURN_TIMEOUT_S,
    )
    yield started
    started.stop()


def say(servers: AssistantServers, sender: str, message: str) -> List[str]:
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    status, replies = servers.post(body, timeout_s=CLIENT_TIMEOUT_S)
    assert status == 200, replies
    return [str(reply.get("text") or "") for reply in replies]


@pytest.fixture
def killed(servers: AssistantServers) -> Iterator[AssistantServers]:
    servers.kill_action_server()
    try:
        yield servers
    finally:
        servers.restart_action_server()


def logged_reply(log_url: str, sender: str) -> str:
    """The one logged reply of `sender`'s conversation (written in the background)."""
    rows = eventually(lambda: exchanges_of(log_url, sender), bool, timeout_s=30)
    assert len(rows) == 1
    return rows[0].reply


def test_an_unsure_message_gets_the_phone_number_without_suggestions(
    killed: AssistantServers, log_url: str
) -> None:
    # Unsure messages get "did you mean" buttons from the action server.
    texts = say(killed, "no-actions", "asdf qwer zxcv")

    assert any(PHONE in text for text in texts)
    assert logged_reply(log_url, "no-actions").endswith(FALLBACK_TEXT)


def test_a_plain_answer_still_comes_and_is_logged_with_the_action_server_down(
    killed: AssistantServers, log_url: str
) -> None:
    texts = say(killed, "no-actions-faq", "how long does kyphoplasty take")

    assert "one hour per damaged vertebra" in texts[0]
    assert PHONE in texts[-1]
    assert logged_reply(log_url, "no-actions-faq") == "\n".join(texts)


def test_a_crash_in_the_middle_of_a_callback_request(servers: AssistantServers) -> None:
    say(servers, "mid-form", "/request_appointment")
    assert "name" in say(servers, "mid-form", "yes please")[-1]

    servers.kill_action_server()
    try:
        texts = say(servers, "mid-form", "Ann Lee")
    finally:
        servers.restart_action_server()

    assert any(PHONE in text for text in texts)
    assert say(servers, "mid-form", "how long does kyphoplasty take")


def test_a_frozen_action_server_costs_seconds_not_minutes(
    servers: AssistantServers,
) -> None:
    action_server = servers.processes[0]
    action_server.send_signal(signal.SIGSTOP)
    try:
        texts = say(servers, "frozen", "asdf qwer zxcv")
    finally:
        action_server.send_signal(signal.SIGCONT)

    assert any(PHONE in text for text in texts)
    assert say(servers, "after-frozen", "how long does kyphoplasty take")
