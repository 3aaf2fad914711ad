"""Starts the real assistant (Rasa server and action server) for end-to-end tests."""

import json
import os
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from clinic_launch import AssistantPlan
from cluster.processes import free_port
from tests.support.sockets import LISTEN, socket_inodes

STARTUP_TIMEOUT_S = 180


def trained_model(root: Path) -> Path:
    """The model `make` trained (MODEL), else the newest one in models/."""
    if os.environ.get("MODEL"):
        return root / os.environ["MODEL"]
    models = sorted(
        (root / "models").glob("kyphoplasty-*.tar.gz"), key=os.path.getmtime
    )
    if not models:
        raise FileNotFoundError("no trained model in models/: run `make train` first")
    return models[-1]


def wait_until_every_worker_listens(port: int, workers: int, timeout_s: float) -> None:
    """Waits for a listening socket per Sanic worker on `port`.

    A worker listens only once it has loaded the model, so the first may
    answer while the second is still loading, on a busy machine for long.
    """
    deadline = time.monotonic() + timeout_s
    while len(socket_inodes(port, LISTEN)) < workers:
        if time.monotonic() > deadline:
            raise TimeoutError(f"fewer than {workers} workers listen on {port}")
        time.sleep(0.25)


def wait_until_up(url: str, process: subprocess.Popen, timeout_s: float) -> None:
    """Polls `url` until it answers; fails early if the process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout_s} s")


@dataclass
class ActionServer:
    """How to (re)start the action server, so fault tests can kill and revive it."""

    command: List[str]
    port: int
    environment: Dict[str, str]
    cwd: Path
    log: Any

    @property
    def health_url(self) -> str:
        """The action server's health check."""
        return f"http://127.0.0.1:{self.port}/health"

    def spawn(self) -> subprocess.Popen:
        """Starts it on its port, bound to loopback, without waiting."""
        return subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.environment,
            stdout=self.log,
            stderr=self.log,
        )

    def start(self) -> subprocess.Popen:
        """Starts it and waits until it answers."""
        process = self.spawn()
        wait_until_up(self.health_url, process, STARTUP_TIMEOUT_S)
        return process


@dataclass
class AssistantServers:
    """The running servers and a small REST client for them.

    `processes` holds the action server first, then the Rasa server.
    """

    rasa_url: str
    database_url: str = ""
    workers: int = 1
    processes: List[subprocess.Popen] = field(default_factory=list)
    workdir: Optional[tempfile.TemporaryDirectory] = None
    action_server: Optional[ActionServer] = None

    def kill_action_server(self) -> None:
        """Kills the action server at once (SIGKILL), as a crash would."""
        self.processes[0].kill()
        self.processes[0].wait(timeout=20)

    def restart_action_server(self) -> None:
        """Starts the action server again after `kill_action_server`."""
        assert self.action_server is not None
        self.processes[0] = self.action_server.start()

    def post(self, body: bytes, timeout_s: float = 30) -> "tuple[int, Any]":
        """POSTs raw bytes to the REST webhook; returns the status and the body."""
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                payload = response.read().decode("utf-8")
                return response.status, json.loads(payload)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def say(self, sender: str, message: str) -> List[Dict[str, Any]]:
        """Sends one visitor message and returns the bot's replies."""
        body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
        status, replies = self.post(body)
        assert status == 200, f"HTTP {status}: {replies}"
        return list(replies)

    def stop(self) -> None:
        """Stops both servers and removes the temporary files."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.workdir is not None:
            self.workdir.cleanup()


UNLIMITED_PER_MINUTE = 1_000_000


def start_assistant(
    root: Path,
    database_url: str,
    cors_origin: Optional[str] = None,
    redis_url: Optional[str] = None,
    **channel_settings: Any,
) -> AssistantServers:
    """Starts the action server and the Rasa server on free ports, from a plan.

    Both log to `database_url`, as `make run` does with DATABASE_URL.
    `cors_origin`, if given, is the web origin allowed to call the webhook
    from a browser (Rasa's --cors), as `make run` does for the web page.
    With `redis_url`, Rasa runs two Sanic workers sharing conversation locks
    and rate limits there, as `make run` does by default.
    The channel's settings are credentials.yml's with the rate limits lifted
    (every test visitor comes from 127.0.0.1), then `channel_settings`. The
    action server journals log records in the temporary folder.
    """
    workdir = tempfile.TemporaryDirectory(prefix="assistant-test-")
    folder = Path(workdir.name)
    plan = AssistantPlan(
        model=trained_model(root),
        database_url=database_url,
        rasa_port=free_port(),
        action_port=free_port(),
        workers=2 if redis_url else 1,
        redis_url=redis_url,
        journal_dir=folder / "journal",
        cors_origins=[cors_origin] if cors_origin else [],
        channel_settings={
            "per_sender_per_minute": UNLIMITED_PER_MINUTE,
            "per_address_per_minute": UNLIMITED_PER_MINUTE,
            **channel_settings,
        },
        root=root,
    )
    endpoints, credentials = plan.write_configuration(folder)
    log = open(folder / "servers.log", "wb")  # noqa: SIM115
    action_server = ActionServer(
        command=plan.action_server_command(),
        port=plan.action_port,
        environment=plan.action_environment(),
        cwd=root,
        log=log,
    )
    servers = AssistantServers(
        plan.rasa_url,
        database_url=database_url,
        workers=plan.workers,
        workdir=workdir,
        action_server=action_server,
    )
    try:
        servers.processes.append(action_server.spawn())
        rasa_server = subprocess.Popen(
            plan.rasa_command(endpoints, credentials),
            cwd=root,
            env=plan.environment(),
            stdout=log,
            stderr=log,
        )
        servers.processes.append(rasa_server)
        wait_until_up(action_server.health_url, servers.processes[0], STARTUP_TIMEOUT_S)
        wait_until_up(f"{servers.rasa_url}/", rasa_server, STARTUP_TIMEOUT_S)
        if plan.workers > 1:
            wait_until_every_worker_listens(
                plan.rasa_port, plan.workers, STARTUP_TIMEOUT_S
            )
    except Exception:
        servers.stop()
        raise
    return servers
