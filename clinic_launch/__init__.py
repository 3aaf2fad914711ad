"""One description of an assistant, turned into the processes that serve it.

An `AssistantPlan` says which model, database, ports, workers, Redis, web
origins and channel settings an assistant runs with. From it come the
endpoints and credentials files (always the real endpoints.yml and
credentials.yml, or the cluster's, with only the action server's address and
the named channel settings changed), the environment, the two command lines
(the action server, and Rasa through its launcher `python -m clinic_rasa`)
and the health-check URLs. The tests, the benchmark and the loopback cluster
and `make run` (`python -m clinic_launch`, clinic_launch/run.py) start the
assistant from a plan.
"""

import ctypes
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHANNEL = "clinic_channel.ClinicRestInput"
_PR_SET_PDEATHSIG = 1
# Rasa here runs offline and quiet, with the project's packages importable.
RASA_ENVIRONMENT = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


@dataclass(frozen=True)
class AssistantPlan:
    """Everything that makes one running assistant differ from another."""

    model: Path
    database_url: str
    rasa_port: int
    action_port: int
    # Sanic workers of the Rasa server; more than one needs `redis_url`.
    workers: int = 1
    redis_url: Optional[str] = None
    # Where Rasa finds the action server (default: the plan's own one).
    action_url: Optional[str] = None
    journal_dir: Optional[Path] = None
    cors_origins: Sequence[str] = ()
    # Where Rasa listens: loopback unless a proxy elsewhere must reach it.
    interface: str = "127.0.0.1"
    # Keys of the channel's credentials.yml section to change.
    channel_settings: Mapping[str, Any] = field(default_factory=dict)
    endpoints_file: Path = ROOT / "endpoints.yml"
    credentials_file: Path = ROOT / "credentials.yml"
    root: Path = ROOT

    @property
    def rasa_url(self) -> str:
        """The Rasa server's base URL (its health check is `/`)."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_health_url(self) -> str:
        """The action server's health check."""
        return f"http://127.0.0.1:{self.action_port}/health"

    def environment(self, **extra: str) -> Dict[str, str]:
        """The environment of both servers: this process's, the plan's, `extra`."""
        environment = dict(os.environ)
        environment.pop("REDIS_URL", None)
        environment.update(RASA_ENVIRONMENT)
        environment.update(
            PYTHONPATH=str(self.root),
            DATABASE_URL=self.database_url,
            SANIC_WORKERS=str(self.workers),
        )
        if self.redis_url:
            environment["REDIS_URL"] = self.redis_url
        if self.journal_dir is not None:
            environment["CLINIC_JOURNAL_DIR"] = str(self.journal_dir)
        environment.update(extra)
        return environment

    def action_environment(self, **extra: str) -> Dict[str, str]:
        """The environment, with the action server kept on loopback."""
        return self.environment(SANIC_HOST="127.0.0.1", **extra)

    def write_configuration(self, folder: Path) -> Tuple[Path, Path]:
        """Endpoints and credentials files in `folder`, from the real ones."""
        endpoints: Dict[str, Any] = read_yaml(self.endpoints_file)
        endpoints["action_endpoint"] = {
            **(endpoints.get("action_endpoint") or {}),
            "url": self.action_url or f"http://127.0.0.1:{self.action_port}/webhook",
        }
        credentials: Dict[str, Any] = read_yaml(self.credentials_file)
        credentials[CHANNEL] = {
            **(credentials.get(CHANNEL) or {}),
            **self.channel_settings,
        }
        written = (folder / "endpoints.yml", folder / "credentials.yml")
        for path, content in zip(written, (endpoints, credentials), strict=True):
            path.write_text(yaml.safe_dump(content), encoding="utf-8")
        return written

    def action_server_command(self) -> List[str]:
        """The action server on the plan's port (SANIC_HOST keeps it on loopback)."""
        return [
            _venv_bin("rasa"), "run", "actions",
            "--port", str(self.action_port), "--actions", "actions",
        ]  # fmt: skip

    def rasa_command(self, endpoints: Path, credentials: Path) -> List[str]:
        """The Rasa server, through the launcher that installs the Rasa seam."""
        cors = ["--cors", *self.cors_origins] if self.cors_origins else []
        return [
            sys.executable, "-m", "clinic_rasa", "run",
            "--model", str(self.model),
            "--interface", self.interface, "--port", str(self.rasa_port),
            "--endpoints", str(endpoints), "--credentials", str(credentials),
            *cors,
        ]  # fmt: skip


def read_yaml(path: Path) -> Dict[str, Any]:
    loaded: Dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return loaded


def die_with_parent(death_signal: int) -> Callable[[], None]:
    """A preexec hook: the child gets `death_signal` when its parent dies.

    So even a SIGKILL of a launcher takes every server it started down too.
    """

    def hook() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, death_signal)

    return hook


def _venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)
