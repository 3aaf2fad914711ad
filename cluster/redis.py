"""A throwaway Redis: conversation locks and rate limits for every Rasa server.

With it, two Rasa servers never work on the same conversation at once: each
message takes the conversation's lock first (clinic_rasa/lock_store.py).
Nothing is persisted (locks live for a turn, rate-limit buckets for a minute)
and a password is required, as in production.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path

from cluster.processes import Service, spawn

REDIS_SERVER = "/usr/bin/redis-server"
INSTALL_HINT = "install it with scripts/ensure_redis.sh"


@dataclass
class Redis:
    """The running server and its password."""

    service: Service
    port: int
    password: str

    @property
    def url(self) -> str:
        """What REDIS_URL says to reach it (database 1, as production)."""
        return f"redis://:{self.password}@127.0.0.1:{self.port}/1"


def start_redis(workdir: Path, port: int, log_dir: Path) -> Redis:
    """Starts redis-server on 127.0.0.1:`port` with a config file in `workdir`.

    The password goes in a file readable by the owner only, not on the
    command line where `ps` would show it.
    """
    if not Path(REDIS_SERVER).exists():
        raise FileNotFoundError(f"{REDIS_SERVER} is missing: {INSTALL_HINT}")
    password = secrets.token_urlsafe(24)
    workdir.mkdir(mode=0o700)
    config = workdir / "redis.conf"
    config.touch(mode=0o600)
    config.write_text(
        "\n".join(
            [
                "bind 127.0.0.1",
                f"port {port}",
                f"dir {workdir}",
                'save ""',
                "appendonly no",
                f"requirepass {password}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    service = spawn("redis", [REDIS_SERVER, str(config)], log_dir)
    return Redis(service=service, port=port, password=password)
