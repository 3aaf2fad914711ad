"""Child servers that cannot outlive the cluster that started them.

Each server runs in a session of its own (so its whole process group can be
killed) and is tied to this process by Linux's parent-death signal, so even a
SIGKILL of the orchestrator takes every server down with it.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import List, Mapping, Optional, Sequence

from clinic_launch import die_with_parent

STOP_GRACE_S = 20.0
LOG_TAIL_LINES = 15


def child_pids(pid: int) -> List[int]:
    """The processes whose parent is `pid` (Linux's /proc/<pid>/task/*/children)."""
    children: List[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


def free_port() -> int:
    """A loopback port the OS says is free now (for a server about to start)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServiceError(RuntimeError):
    """A server did not start or died; the message says which and where its log is."""


@dataclass
class Service:
    """A running server: its process, how to stop it, and where it logs."""

    name: str
    process: "subprocess.Popen[bytes]"
    log_path: Path
    stop_signal: int = signal.SIGTERM

    @property
    def running(self) -> bool:
        """Whether the process is still alive."""
        return self.process.poll() is None

    def check_alive(self) -> None:
        """Raises ServiceError, with the end of the server's log, if it exited."""
        if not self.running:
            raise ServiceError(
                f"{self.name} exited with code {self.process.returncode}. "
                f"The end of its log:\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines of the server's log: its folder is deleted on stop."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"

    def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """Asks the server to stop, kills it after `grace_s`, then its leftovers."""
        if self.running:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


def spawn(
    name: str,
    command: Sequence[str],
    log_dir: Path,
    *,
    env: Optional[Mapping[str, str]] = None,
    cwd: Optional[Path] = None,
    user: Optional[str] = None,
    stop_signal: int = signal.SIGTERM,
) -> Service:
    """Starts `command` in its own session, logging to `<log_dir>/<name>.log`."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            user=user,
            start_new_session=True,
            preexec_fn=die_with_parent(stop_signal),
        )
    return Service(name, process, log_path, stop_signal)


def wait_for_http(url: str, service: Service, timeout_s: float) -> None:
    """Polls `url` until it answers with any HTTP status; fails if `service` dies."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        service.check_alive()
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise ServiceError(
        f"{service.name} did not answer at {url} within {timeout_s:.0f} s. "
        f"The end of its log:\n{service.log_tail()}"
    )
