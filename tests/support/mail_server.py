"""A real SMTP server on loopback (aiosmtpd) and the notification sender as a process.

The server keeps every message it accepted; tests wait on it (a condition
variable), never sleep. The sender is `python -m staff notify --watch`, as
clinic_launch/run.py starts it, with its log lines read as they come.
"""

import os
import queue
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Dict, List, Optional

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
SENDER = "assistant@clinic.example"
RECIPIENT = "front-desk@clinic.example"


class _Keeper:
    """aiosmtpd's handler: keeps each message, wakes whoever waits for it."""

    def __init__(self, inbox: "MailServer") -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.inbox.arrived:
            self.inbox.messages.append(message)  # type: ignore[arg-type]
            self.inbox.arrived.notify_all()
        return "250 OK"


class MailServer:
    """An SMTP server on 127.0.0.1:`port` that can be stopped and started again."""

    def __init__(self, port: int, **smtp_options: Any) -> None:
        self.port = port
        # aiosmtpd's SMTP options: tls_context, require_starttls, authenticator...
        self.smtp_options = smtp_options
        self.messages: List[EmailMessage] = []
        self.arrived = threading.Condition()
        self._controller: Optional[Controller] = None

    def start(self) -> None:
        """Listens (again) on the same port."""
        self._controller = Controller(
            _Keeper(self), hostname="127.0.0.1", port=self.port, **self.smtp_options
        )
        self._controller.start()

    def stop(self) -> None:
        """Stops listening: an outage as the sender sees it."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout_s: float = 60) -> List[EmailMessage]:
        """The messages once there are `count` of them; fails after `timeout_s`."""
        with self.arrived:
            arrived = self.arrived.wait_for(
                lambda: len(self.messages) >= count, timeout=timeout_s
            )
            assert arrived, f"{len(self.messages)} of {count} e-mails in {timeout_s}s"
            return list(self.messages)

    def environment(self, **changes: str) -> Dict[str, str]:
        """SMTP_* variables that point the sender here (plain SMTP on loopback)."""
        return {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.port),
            "SMTP_SECURITY": "none",
            "SMTP_FROM": SENDER,
            "SMTP_TO": RECIPIENT,
            "NOTIFY_INTERVAL_SECONDS": "0.5",
            **changes,
        }


class NotifierProcess:
    """`python -m staff notify --watch` on a database, its log lines in a queue."""

    def __init__(self, database_url: str, environment: Dict[str, str]) -> None:
        self.environment = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            **environment,
        }
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: List[str] = []
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        """Starts the sender and waits for its first look at the database."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "staff", "notify", "--watch"],
            cwd=ROOT,
            env=self.environment,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()
        self.wait_for_line("Watching for new callback requests")

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stderr is not None
        for line in process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for_line(self, fragment: str, timeout_s: float = 60) -> str:
        """The next log line containing `fragment`; fails if none comes in time."""
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise AssertionError(
                    f"no {fragment!r} in the sender's log: {self.seen[-10:]}"
                ) from None
            self.seen.append(line)
            if fragment in line:
                return line

    def stop(self) -> int:
        """SIGTERM, as Ctrl-C or systemd would; the exit code."""
        assert self.process is not None
        self.process.terminate()
        code = self.process.wait(timeout=30)
        self.process = None
        return code
