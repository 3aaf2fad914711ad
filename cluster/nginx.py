"""Debian's nginx as the cluster's load balancer, with a prefix of its own.

The configuration is rendered from deploy/nginx/cluster.conf.in into a temp
folder; nginx runs in the foreground from there (`-p`, `-c`, `-e`), so no
system configuration or log file is read or written.
"""

import re
import signal
from pathlib import Path
from typing import Dict, Sequence

from cluster.processes import Service, spawn

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


def start_nginx(
    prefix: Path,
    *,
    public_port: int,
    actions_port: int,
    rasa_ports: Sequence[int],
    action_ports: Sequence[int],
    address_rate_per_minute: int,
    log_dir: Path,
) -> Service:
    """Writes `<prefix>/nginx.conf` and starts nginx on it (SIGQUIT: graceful)."""
    if not Path(NGINX).exists():
        raise FileNotFoundError(f"{NGINX} is missing: {INSTALL_HINT}")
    prefix.mkdir()
    config = prefix / "nginx.conf"
    config.write_text(
        render(
            {
                "PREFIX": str(prefix),
                "PUBLIC_PORT": str(public_port),
                "ACTIONS_PORT": str(actions_port),
                "RASA_SERVERS": upstream_lines(rasa_ports),
                "ACTION_SERVERS": upstream_lines(action_ports),
                "ADDRESS_RATE": str(address_rate_per_minute),
            }
        ),
        encoding="utf-8",
    )
    return spawn(
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
