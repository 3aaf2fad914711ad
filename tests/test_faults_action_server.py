"""The action server crashes or hangs: visitors still get an answer or the phone number.

The action server really is killed (SIGKILL) or frozen (SIGSTOP) under a
running Rasa server; nothing is mocked. Timeouts are shortened so a frozen
action server costs this test seconds, not the 10 s of credentials.yml.
"""

import json
import signal
from pathlib import Path
from typing import Iterator, List

import pytest

from tests.servers import AssistantServers, start_assistant, write_credentials

ROOT = Path(__file__).resolve().parent.parent
PHONE = "904.265.7755"
ACTION_TIMEOUT_S = 2
TURN_TIMEOUT_S = 8
# No reply may take longer than this, whatever failed (the client gives up here).
CLIENT_TIMEOUT_S = TURN_TIMEOUT_S + 10


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssistantServers]:
    folder = tmp_path_factory.mktemp("action-faults")
    credentials = write_credentials(
        ROOT,
        folder / "credentials.yml",
        action_timeout_s=ACTION_TIMEOUT_S,
        turn_timeout_s=TURN_TIMEOUT_S,
    )
    started = start_assistant(
        ROOT, f"sqlite:///{folder / 'clinic.db'}", credentials=credentials
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


def test_an_unsure_message_gets_the_phone_number_without_suggestions(
    killed: AssistantServers,
) -> None:
    # Unsure messages get "did you mean" buttons from the action server.
    texts = say(killed, "no-actions", "asdf qwer zxcv")

    assert any(PHONE in text for text in texts)


def test_a_plain_answer_still_comes_with_the_action_server_down(
    killed: AssistantServers,
) -> None:
    texts = say(killed, "no-actions-faq", "how long does kyphoplasty take")

    assert "one hour per damaged vertebra" in texts[0]
    assert PHONE in texts[-1]


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
