"""`make run` as a newcomer starts it: `python -m clinic_launch`, its servers, its stop.

The real launcher with its defaults (two Rasa workers sharing a private Redis),
on free ports for the page, Rasa and the dashboard, a throwaway database, and
a real SMTP server so the e-mail sender is started too. The action server's
port is the one endpoints.yml names (5055), as in `make run`.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests

from cluster.processes import free_port
from tests.support.mail_server import MailServer
from tests.support.servers import trained_model

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
READY = "The assistant is ready."
START_TIMEOUT_S = 240


class RunScript:
    """`python -m clinic_launch` in a session of its own, output read as it comes."""

    def __init__(self, environment: Dict[str, str]) -> None:
        self.lines: List[str] = []
        self.changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clinic_launch"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, text: str, timeout_s: float = START_TIMEOUT_S) -> None:
        """Returns once a line says `text`; fails if the script ends or times out."""
        with self.changed:
            found = self.changed.wait_for(
                lambda: (
                    any(text in line for line in self.lines)
                    or self.process.poll() is not None
                ),
                timeout=timeout_s,
            )
            assert found and any(text in line for line in self.lines), self.lines[-30:]


def refused(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def ports() -> Dict[str, int]:
    return {
        "RASA_PORT": free_port(),
        "WEB_PORT": free_port(),
        "DASHBOARD_PORT": free_port(),
    }


@pytest.fixture(scope="module")
def mail() -> Iterator[MailServer]:
    server = MailServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def running(
    ports: Dict[str, int], mail: MailServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunScript]:
    folder = tmp_path_factory.mktemp("make-run")
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("REDIS_URL", "RASA_WORKERS")
        },
        **{name: str(port) for name, port in ports.items()},
        **mail.environment(),
        "MODEL": str(trained_model(ROOT)),
        "DATABASE_URL": f"sqlite:///{folder / 'clinic.db'}",
        "CLINIC_JOURNAL_DIR": str(folder / "journal"),
        "DASHBOARD_SECRET_KEY": "test",
    }
    script = RunScript(environment)
    try:
        script.wait_for(READY)
        yield script
    finally:
        if script.process.poll() is None:
            os.killpg(script.process.pid, signal.SIGKILL)


def say(port: int, sender: str, message: str) -> List[str]:
    response = requests.post(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return [reply.get("text", "") for reply in response.json()]


def test_everything_a_visitor_and_the_front_desk_need_answers(
    running: RunScript, ports: Dict[str, int], mail: MailServer
) -> None:
    rasa, web, dashboard = (
        ports["RASA_PORT"],
        ports["WEB_PORT"],
        ports["DASHBOARD_PORT"],
    )
    assert any(f"http://localhost:{web}" in line for line in running.lines)
    assert any(
        "e-mailed to front-desk@clinic.example" in line for line in running.lines
    )

    answer = say(rasa, "newcomer", "how long does kyphoplasty take")
    assert "one hour per damaged vertebra" in answer[0]
    page = requests.get(f"http://127.0.0.1:{web}/", timeout=10)
    assert page.status_code == 200 and "widget.js" in page.text
    sign_in = requests.get(f"http://127.0.0.1:{dashboard}/login", timeout=10)
    assert sign_in.status_code == 200

    for message, expected in (
        ("I'd like an appointment", "call you back"),
        ("/affirm", "What name"),
        ("Rosa Delgado", "What phone number"),
        ("904-555-0142", "best time"),
        ("weekday afternoons", "what is the call about"),
        ("skip", "Your callback request has been"),
    ):
        assert expected in " ".join(say(rasa, "caller", message)), message
    (notification,) = mail.wait_for(1, timeout_s=90)
    assert notification["Subject"] == "Clinic assistant: 1 new callback request"


def test_sigterm_stops_every_server_it_started(
    running: RunScript, ports: Dict[str, int]
) -> None:
    os.kill(running.process.pid, signal.SIGTERM)
    assert running.process.wait(timeout=60) == 0
    running.wait_for("Stopping the assistant...")
    for port in (*ports.values(), 5055):
        assert refused(port), port
    leftovers = subprocess.run(
        ["pgrep", "-s", str(running.process.pid)], capture_output=True, text=True
    )
    assert leftovers.stdout.strip() == "", leftovers.stdout
