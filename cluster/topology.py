"""The whole cluster: start in dependency order, stop everything, stop one server.

Start: PostgreSQL, the log's schema (once, before any server writes), Redis,
then the action servers, Rasa servers, dashboard and (with SMTP_HOST set) the
e-mail sender together (Rasa's model load dominates), then nginx. Stop: the
reverse, and every process is gone afterwards even if starting failed half-way.
"""

import os
import secrets
import shutil
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import redis as redis_client

from clinic_launch import AssistantPlan
from clinic_log.migrations import upgrade
from cluster.nginx import Nginx, start_nginx
from cluster.postgres import Postgres, start_postgres
from cluster.processes import Service, ServiceError, free_port, spawn, wait_for_http
from cluster.redis import Redis, start_redis

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
STARTUP_TIMEOUT_S = 240.0
DEFAULT_ADDRESS_RATE = 120


def chosen_port(port: int, what: str) -> int:
    """`port` if it is free on 127.0.0.1 (any free port for 0), else a clear error.

    Checked before anything starts, rather than after a minute of model loading.
    """
    if port == 0:
        return free_port()
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise ServiceError(
                f"port {port} for {what} is not free on 127.0.0.1 ({error.strerror})"
            ) from error
    return port


@dataclass(frozen=True)
class ClusterSettings:
    """What to start. Port 0 means "any free port"."""

    model: Path
    public_port: int = 0
    dashboard_port: int = 0
    rasa_servers: int = 2
    action_servers: int = 2
    dashboard: bool = True
    address_rate_per_minute: int = DEFAULT_ADDRESS_RATE


@dataclass
class Cluster:
    """A running cluster; use as a context manager so that it always stops."""

    settings: ClusterSettings
    progress: Callable[[str], None] = print
    workdir: Path = field(init=False)
    public_port: int = field(init=False)
    dashboard_port: int = field(init=False)
    rasa_ports: List[int] = field(init=False)
    action_ports: List[int] = field(init=False)
    actions_port: int = field(init=False)
    postgres: Optional[Postgres] = field(init=False, default=None)
    redis: Optional[Redis] = field(init=False, default=None)
    nginx: Optional[Nginx] = field(init=False, default=None)
    rasa: List[Service] = field(init=False, default_factory=list)
    services: List[Service] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        """Picks the ports; nothing is started yet."""
        settings = self.settings
        self.public_port = chosen_port(settings.public_port, "nginx")
        self.dashboard_port = (
            chosen_port(settings.dashboard_port, "the dashboard")
            if settings.dashboard
            else 0
        )
        self.rasa_ports = [free_port() for _ in range(settings.rasa_servers)]
        self.action_ports = [free_port() for _ in range(settings.action_servers)]
        self.actions_port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="clinic-cluster-"))
        self.workdir.chmod(0o755)  # PostgreSQL's user must reach its folder

    @property
    def url(self) -> str:
        """The public address: nginx, in front of the Rasa servers."""
        return f"http://127.0.0.1:{self.public_port}"

    @property
    def dashboard_url(self) -> str:
        """The staff dashboard."""
        return f"http://127.0.0.1:{self.dashboard_port}"

    @property
    def database_url(self) -> str:
        """The conversation log and tracker store (DATABASE_URL of every server)."""
        if self.postgres is None:
            raise ServiceError("the cluster is not started")
        return self.postgres.url

    @property
    def logs(self) -> Path:
        """Where every server writes its log (and nginx its access log)."""
        return self.workdir / "logs"

    @property
    def access_log(self) -> Path:
        """nginx's access log: one line per request, with the server that took it."""
        return self.workdir / "nginx" / "access.log"

    def __enter__(self) -> "Cluster":
        """Starts everything; stops what did start if something fails."""
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        """Stops everything."""
        self.stop()

    def start(self) -> None:
        """Starts every server and waits until each one answers."""
        self.logs.mkdir()
        self.progress("Starting PostgreSQL...")
        self.postgres = start_postgres(
            self.workdir / "postgresql", free_port(), self.logs
        )
        self.services.append(self.postgres.service)
        upgrade(self.postgres.url)
        self.progress("Starting Redis...")
        self.redis = start_redis(self.workdir / "redis", free_port(), self.logs)
        self.services.append(self.redis.service)
        self._wait_for_redis(self.redis)
        self.progress(
            f"Starting action servers ({len(self.action_ports)}) and Rasa servers "
            f"({len(self.rasa_ports)}); loading the model takes a while..."
        )
        actions = [self._start_action_server(i) for i in range(len(self.action_ports))]
        self.rasa = [self._start_rasa(i) for i in range(len(self.rasa_ports))]
        dashboard = self._start_dashboard() if self.settings.dashboard else None
        if os.environ.get("SMTP_HOST"):
            self._start(
                "notifier",
                [sys.executable, "-m", "staff", "notify", "--watch"],
                self._plan().environment(DASHBOARD_URL=self.dashboard_url),
            )
        self.nginx = nginx = start_nginx(
            self.workdir / "nginx",
            public_port=self.public_port,
            actions_port=self.actions_port,
            rasa_ports=self.rasa_ports,
            action_ports=self.action_ports,
            address_rate_per_minute=self.settings.address_rate_per_minute,
            log_dir=self.logs,
        )
        self.services.append(nginx.service)
        for service, port in zip(actions, self.action_ports, strict=True):
            wait_for_http(f"http://127.0.0.1:{port}/health", service, STARTUP_TIMEOUT_S)
        if dashboard is not None:
            wait_for_http(f"{self.dashboard_url}/", dashboard, STARTUP_TIMEOUT_S)
        for service, port in zip(self.rasa, self.rasa_ports, strict=True):
            wait_for_http(f"http://127.0.0.1:{port}/", service, STARTUP_TIMEOUT_S)
            self.progress(f"{service.name} is ready.")
        wait_for_http(f"{self.url}/health", nginx.service, STARTUP_TIMEOUT_S)

    def stop(self) -> None:
        """Stops every server, newest first, and deletes the temp folder."""
        for service in reversed(self.services):
            service.stop()
        self.services.clear()
        self.rasa.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def stop_rasa(self, index: int) -> None:
        """Stops one Rasa server the way an orchestrator does: out of the load
        balancer first, then SIGTERM (it finishes the turns it has)."""
        if self.nginx is None:
            raise ServiceError("the cluster is not started")
        self.nginx.take_out(self.rasa_ports[index])
        service = self.rasa[index]
        service.stop()
        self.services.remove(service)

    def check_alive(self) -> None:
        """Raises ServiceError if any server died (stopped ones excepted)."""
        for service in self.services:
            service.check_alive()

    def _plan(self, rasa_port: int = 0, action_port: int = 0) -> AssistantPlan:
        """The assistant every server of the cluster is part of.

        The cluster's own endpoints and credentials (deploy/), Rasa reaching the
        action servers through nginx, the log writers' journal with the cluster.
        """
        assert self.redis is not None
        return AssistantPlan(
            model=self.settings.model,
            database_url=self.database_url,
            rasa_port=rasa_port,
            action_port=action_port,
            redis_url=self.redis.url,
            action_url=f"http://127.0.0.1:{self.actions_port}/webhook",
            journal_dir=self.workdir / "journal",
            endpoints_file=DEPLOY / "endpoints.cluster.yml",
            credentials_file=DEPLOY / "credentials.cluster.yml",
        )

    def _start(
        self, name: str, command: List[str], environment: Dict[str, str]
    ) -> Service:
        service = spawn(name, command, self.logs, env=environment, cwd=ROOT)
        self.services.append(service)
        return service

    def _start_action_server(self, index: int) -> Service:
        plan = self._plan(action_port=self.action_ports[index])
        return self._start(
            f"action-server-{index + 1}",
            plan.action_server_command(),
            plan.action_environment(),
        )

    def _start_rasa(self, index: int) -> Service:
        plan = self._plan(rasa_port=self.rasa_ports[index])
        folder = self.workdir / f"rasa-server-{index + 1}"
        folder.mkdir()
        endpoints, credentials = plan.write_configuration(folder)
        return self._start(
            f"rasa-server-{index + 1}",
            plan.rasa_command(endpoints, credentials),
            plan.environment(),
        )

    def _start_dashboard(self) -> Service:
        return self._start(
            "dashboard",
            [sys.executable, "-m", "staff", "dashboard",
             "--host", "127.0.0.1", "--port", str(self.dashboard_port)],
            self._plan().environment(DASHBOARD_SECRET_KEY=secrets.token_urlsafe(32)),
        )  # fmt: skip

    @staticmethod
    def _wait_for_redis(server: Redis, timeout_s: float = 30) -> None:
        client = redis_client.Redis(
            host="127.0.0.1", port=server.port, password=server.password
        )
        deadline = time.monotonic() + timeout_s
        while True:
            server.service.check_alive()
            try:
                client.ping()
                return
            except redis_client.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
