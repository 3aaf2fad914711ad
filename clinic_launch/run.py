"""`make run`: everything a visitor and the front desk need, in the foreground.

From the environment (README, "Configuration") it builds an `AssistantPlan`
and starts: the action server on the port endpoints.yml names, a private
Redis for the conversation locks and rate limits when several Rasa workers
share them and REDIS_URL names none, the Rasa server, the visitor page with
the chat widget (web/, on 127.0.0.1 only), the staff dashboard (loopback
only) and, when a mail server is set, the e-mail sender for callback
requests. Rasa's and the action server's logs go to the terminal.

Ctrl-C or SIGTERM stops all of it (exit 0); a server that exits takes the
others down and its exit code is ours. Every server runs in a session of its
own and dies with this process, so nothing is left behind.
"""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Dict, Mapping, Optional, Sequence
from urllib.parse import urlsplit

from clinic_launch import ROOT, AssistantPlan, die_with_parent, read_yaml
from clinic_log.settings import database_url

DEFAULT_RASA_PORT = 5005
DEFAULT_WEB_PORT = 8000
DEFAULT_DASHBOARD_PORT = 8001
DEFAULT_WORKERS = 2
LOOPBACK = "127.0.0.1"
REDIS_SOCKET_WAIT_S = 5.0
STOP_GRACE_S = 20.0
# While Rasa loads the model, a line this often says it is still coming.
PROGRESS_EVERY_S = 15.0
POLL_S = 0.5


class SettingError(ValueError):
    """An environment variable `make run` reads has a value it cannot use."""


def _whole_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _port(environment: Mapping[str, str], name: str, default: int) -> int:
    text = environment.get(name, "").strip() or str(default)
    if not _whole_number(text) or not 0 < int(text) < 65536:
        raise SettingError(f"{name} must be a port number (1-65535), got '{text}'")
    return int(text)


@dataclass(frozen=True)
class RunSettings:
    """What `make run` takes from its environment."""

    model: Path
    rasa_port: int
    web_port: int
    dashboard_port: int
    workers: int
    redis_url: Optional[str]
    interface: str
    cors_origins: Sequence[str]
    smtp_host: Optional[str]
    dashboard_url: str

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> "RunSettings":
        """Reads and checks every setting; SettingError names the first bad one."""
        model = environment.get("MODEL", "").strip()
        if not model:
            raise SettingError("MODEL must name the trained model; use make run")
        workers_text = environment.get("RASA_WORKERS", "").strip() or str(
            DEFAULT_WORKERS
        )
        if not _whole_number(workers_text) or int(workers_text) < 1:
            raise SettingError(
                "RASA_WORKERS must be a whole number of at least 1, "
                f"got '{workers_text}'"
            )
        web_port = _port(environment, "WEB_PORT", DEFAULT_WEB_PORT)
        dashboard_port = _port(environment, "DASHBOARD_PORT", DEFAULT_DASHBOARD_PORT)
        # Browsers may call the webhook only from the page's origin, which they
        # name after what the visitor typed: localhost or 127.0.0.1.
        origins = environment.get("CORS_ORIGIN", "").split() or [
            f"http://localhost:{web_port}",
            f"http://127.0.0.1:{web_port}",
        ]
        return cls(
            model=Path(model),
            rasa_port=_port(environment, "RASA_PORT", DEFAULT_RASA_PORT),
            web_port=web_port,
            dashboard_port=dashboard_port,
            workers=int(workers_text),
            redis_url=environment.get("REDIS_URL", "").strip() or None,
            interface=environment.get("RASA_INTERFACE", "").strip() or LOOPBACK,
            cors_origins=origins,
            smtp_host=environment.get("SMTP_HOST", "").strip() or None,
            # The notifier's e-mails link to the dashboard here.
            dashboard_url=environment.get(
                "DASHBOARD_URL", f"http://localhost:{dashboard_port}"
            ),
        )


def action_port(endpoints_file: Path = ROOT / "endpoints.yml") -> int:
    """The action server's port, as endpoints.yml names it."""
    url = str(read_yaml(endpoints_file)["action_endpoint"]["url"])
    port = urlsplit(url).port
    if port is None:
        raise SettingError(f"endpoints.yml's action_endpoint has no port: {url}")
    return port


class Assistant:
    """The servers of one `make run`, started in order and stopped together."""

    def __init__(self, settings: RunSettings, folder: Path) -> None:
        """Nothing starts until `start`; `folder` holds the run's private files."""
        self.settings = settings
        self.folder = folder
        self.processes: Dict[str, subprocess.Popen[bytes]] = {}

    def plan(self, redis_url: Optional[str]) -> AssistantPlan:
        """The plan the servers are started from."""
        return AssistantPlan(
            model=self.settings.model,
            database_url=database_url(),
            rasa_port=self.settings.rasa_port,
            action_port=action_port(),
            workers=self.settings.workers,
            redis_url=redis_url,
            cors_origins=self.settings.cors_origins,
            interface=self.settings.interface,
        )

    def _spawn(
        self,
        name: str,
        command: Sequence[str],
        environment: Mapping[str, str],
        *,
        show_output: bool = True,
        show_errors: bool = True,
    ) -> None:
        self.processes[name] = subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=dict(environment),
            stdin=subprocess.DEVNULL,
            stdout=None if show_output else subprocess.DEVNULL,
            stderr=None if show_errors else subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent(signal.SIGTERM),
        )

    def _private_redis(self) -> str:
        """Starts Redis on a socket only we may open; its URL once it listens."""
        socket_path = self.folder / "redis.sock"
        script = str(ROOT / "scripts" / "run_lock_redis.sh")
        self._spawn("redis", [script, str(socket_path)], os.environ)
        deadline = time.monotonic() + REDIS_SOCKET_WAIT_S
        while not socket_path.exists():
            if self.exited() or time.monotonic() > deadline:
                raise SettingError("the private Redis did not start; its log is above")
            time.sleep(0.05)
        return f"unix://{socket_path}"

    def start(self) -> AssistantPlan:
        """Starts every server (Rasa still loading); the plan they run from."""
        settings = self.settings
        redis_url = settings.redis_url
        if settings.workers > 1 and redis_url is None:
            redis_url = self._private_redis()
        plan = self.plan(redis_url)
        endpoints, credentials = plan.write_configuration(self.folder)
        self._spawn("actions", plan.action_server_command(), plan.action_environment())
        self._spawn(
            "rasa", plan.rasa_command(endpoints, credentials), plan.environment()
        )
        python = sys.executable
        web = [python, "-m", "http.server", str(settings.web_port)]
        web += ["--bind", LOOPBACK, "--directory", "web"]
        self._spawn("web", web, os.environ, show_output=False, show_errors=False)
        dashboard = [python, "-m", "staff", "dashboard", "--host", LOOPBACK]
        dashboard += ["--port", str(settings.dashboard_port)]
        self._spawn("dashboard", dashboard, os.environ, show_output=False)
        if settings.smtp_host:
            notifier_environment = {
                **os.environ,
                "DASHBOARD_URL": settings.dashboard_url,
            }
            notifier = [python, "-m", "staff", "notify", "--watch"]
            self._spawn("notifier", notifier, notifier_environment)
        return plan

    def exited(self) -> Optional[str]:
        """The name of a server that has exited, if one has."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                return name
        return None

    def stop(self) -> None:
        """SIGTERM to every server, SIGKILL to what is left after the grace time."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_S
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)


def answers(url: str) -> bool:
    """Whether the server at `url` answers its health check."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def ready_message(settings: RunSettings, plan: AssistantPlan) -> str:
    """What a newcomer needs once the assistant answers."""
    python = sys.executable
    if settings.smtp_host:
        recipient = os.environ.get("SMTP_TO", "?")
        notifications = f"e-mailed to {recipient} through {settings.smtp_host}"
    else:
        notifications = "off (README: Telling staff about callback requests)"
    rasa = f"localhost:{settings.rasa_port}"
    question = '{"sender":"me","message":"how long does kyphoplasty take"}'
    return "\n".join(
        [
            "",
            "The assistant is ready.",
            f"  Visitors chat at:  http://localhost:{settings.web_port}",
            f"  Staff dashboard:   http://localhost:{settings.dashboard_port}"
            f"  (first: {python} -m staff add-user NAME)",
            f"  Callback requests: {notifications}",
            f"  Talk to it:  curl -s {rasa}/webhooks/rest/webhook -d '{question}'",
            "  or, in another terminal:  PYTHONPATH=. "
            f"{python} -m clinic_rasa shell --model models --port 5006",
            "  Stop it:     Ctrl-C",
            "",
        ]
    )


class _Stop(Exception):
    """Ctrl-C or SIGTERM arrived."""


def _raise_stop(signum: int, frame: Optional[FrameType]) -> None:
    raise _Stop()


def supervise(assistant: Assistant) -> int:
    """Starts the assistant and runs it until asked to stop or a server exits."""
    try:
        plan = assistant.start()
        loading_since = time.monotonic()
        announced = False
        next_progress = loading_since + PROGRESS_EVERY_S
        while True:
            ended = assistant.exited()
            if ended is not None:
                code = assistant.processes[ended].returncode
                print(f"The {ended} server exited (code {code}).", file=sys.stderr)
                return code or 1
            if not announced and answers(f"{plan.rasa_url}/"):
                print(ready_message(assistant.settings, plan), flush=True)
                announced = True
            elif not announced and time.monotonic() >= next_progress:
                waited = time.monotonic() - loading_since
                print(f"Rasa is still loading the model ({waited:.0f} s)...")
                next_progress += PROGRESS_EVERY_S
            time.sleep(POLL_S)
    except _Stop:
        return 0
    finally:
        print("Stopping the assistant...", flush=True)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        assistant.stop()


def main() -> int:
    """`python -m clinic_launch`: reads the environment and runs the assistant."""
    try:
        settings = RunSettings.from_environment(os.environ)
    except SettingError as error:
        print(error, file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    with tempfile.TemporaryDirectory(prefix="clinic-run-") as folder:
        return supervise(Assistant(settings, Path(folder)))
