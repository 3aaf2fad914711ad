"""Debian's nginx as the cluster's load balancer, with a prefix of its own.

The configuration is rendered from deploy/nginx/cluster.conf.in into a temp
folder; nginx runs in the foreground from there (`-p`, `-c`, `-e`), so no
system configuration or log file is read or written.

A Rasa server is taken out of the upstream list before it is stopped, as
Kubernetes takes a stopping pod out of its Service: nginx never retries a
POST that reached a server (a visitor's turn must not run twice), so a
server that closed a connection nginx had just sent a turn on would cost
that visitor a 502.
"""

import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence

from cluster.processes import Service, ServiceError, child_pids, spawn

NGINX = "/usr/sbin/nginx"
INSTALL_HINT = "install it with scripts/ensure_nginx.sh"
TEMPLATE = (
    Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "cluster.conf.in"
)


def upstream_lines(ports: Sequence[int]) -> str:
    """`server` lines of an upstream block, one per loopback port."""
    return "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;"
        for port in ports
    )


def render(values: Dict[str, str], template: Path = TEMPLATE) -> str:
    """The template with every @NAME@ replaced; fails on a name left unfilled."""
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = sorted(set(re.findall(r"@[A-Z_]+@", text)))
    if left:
        raise ValueError(f"nginx template values missing: {', '.join(left)}")
    return text


def write_config(
    prefix: Path, values: Dict[str, str], rasa_ports: Sequence[int]
) -> Path:
    """`<prefix>/nginx.conf`, rendered with the Rasa servers in service now."""
    config = prefix / "nginx.conf"
    config.write_text(
        render({**values, "RASA_SERVERS": upstream_lines(rasa_ports)}),
        encoding="utf-8",
    )
    return config


@dataclass
class Nginx:
    """The running nginx and the values its configuration is rendered from."""

    service: Service
    prefix: Path
    values: Dict[str, str]
    rasa_ports: List[int]

    def take_out(self, rasa_port: int, timeout_s: float = 30.0) -> None:
        """Sends no more visits to the Rasa server on `rasa_port`.

        Returns once every nginx worker that still knew it has finished its
        requests and exited (SIGHUP: new workers read the new list, the old
        ones finish gracefully). Raises ServiceError if nginx did not reload.
        """
        if self.rasa_ports == [rasa_port]:
            raise ValueError("the last Rasa server cannot be taken out of nginx")
        old_workers = set(child_pids(self.service.process.pid))
        self.rasa_ports.remove(rasa_port)
        write_config(self.prefix, self.values, self.rasa_ports)
        self.service.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout_s
        while old_workers.intersection(child_pids(self.service.process.pid)):
            self.service.check_alive()
            if time.monotonic() > deadline:
                raise ServiceError(
                    f"nginx did not reload within {timeout_s:g} s; its error log: "
                    f"{self.prefix / 'error.log'}"
                )
            time.sleep(0.05)


def start_nginx(
    prefix: Path,
    *,
    public_port: int,
    actions_port: int,
    rasa_ports: Sequence[int],
    action_ports: Sequence[int],
    address_rate_per_minute: int,
    log_dir: Path,
) -> Nginx:
    """Writes `<prefix>/nginx.conf` and starts nginx on it (SIGQUIT: graceful)."""
    if not Path(NGINX).exists():
        raise FileNotFoundError(f"{NGINX} is missing: {INSTALL_HINT}")
    prefix.mkdir()
    values = {
        "PREFIX": str(prefix),
        "PUBLIC_PORT": str(public_port),
        "ACTIONS_PORT": str(actions_port),
        "ACTION_SERVERS": upstream_lines(action_ports),
        "ADDRESS_RATE": str(address_rate_per_minute),
    }
    config = write_config(prefix, values, rasa_ports)
    service = spawn(
        "nginx",
        [
            NGINX,
            "-p", str(prefix),
            "-c", str(config),
            "-e", str(prefix / "error.log"),
            "-g", "daemon off;",
        ],
        log_dir,
        stop_signal=signal.SIGQUIT,
    )  # fmt: skip
    return Nginx(service, prefix, values, list(rasa_ports))
