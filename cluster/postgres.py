"""A throwaway PostgreSQL 15 server in a folder of its own.

It holds Rasa's tracker store and the conversation log, as a managed database
would in production. The server runs in the foreground as the `postgres` user
(initdb refuses root), listens on 127.0.0.1 only, and disappears with its
folder when the cluster stops.
"""

import os
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg2
from psycopg2 import sql

from cluster.processes import Service, ServiceError, spawn

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_USER = "postgres"
DATABASE = "clinic"
INSTALL_HINT = "install it with scripts/ensure_postgresql.sh"


@dataclass
class Postgres:
    """The running server and how to reach its `clinic` database."""

    service: Service
    port: int
    password: str

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the clinic database."""
        return postgres_url(self.port, self.password, DATABASE)


def postgres_url(port: int, password: str, database: str) -> str:
    """The SQLAlchemy URL of `database` on the loopback server, password URL-quoted."""
    quoted = quote(password, safe="")
    return f"postgresql://{PG_USER}:{quoted}@127.0.0.1:{port}/{database}"


def _run_as_postgres(*command: str) -> None:
    """Runs a PostgreSQL tool as `postgres` when we are root; raises on failure."""
    as_root = os.geteuid() == 0
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        user=PG_USER if as_root else None,
        group=PG_USER if as_root else None,
        extra_groups=[] if as_root else None,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise ServiceError(f"{Path(command[0]).name} failed: {output}")


def init_data_dir(root: Path, password: str) -> Path:
    """initdb into `<root>/data` with `password` for TCP logins.

    `root` (created if missing) becomes the `postgres` user's, owner-only.
    """
    if not (PG_BIN / "initdb").exists():
        raise ServiceError(f"PostgreSQL 15 not found in {PG_BIN}: {INSTALL_HINT}")
    root.mkdir(mode=0o700, exist_ok=True)
    root.chmod(0o700)
    password_file = root / "password"
    password_file.write_text(password + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(root, user=PG_USER, group=PG_USER)
        shutil.chown(password_file, user=PG_USER, group=PG_USER)
    data_dir = root / "data"
    try:
        _run_as_postgres(
            str(PG_BIN / "initdb"),
            f"--pgdata={data_dir}",
            f"--username={PG_USER}",
            f"--pwfile={password_file}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
    finally:
        password_file.unlink()
    return data_dir


def admin_connection(port: int, password: str) -> Any:
    """An autocommit connection to the `postgres` database, as the superuser."""
    connection = psycopg2.connect(
        host="127.0.0.1", port=port, user=PG_USER, password=password, dbname="postgres"
    )
    connection.autocommit = True
    return connection


def create_database(port: int, password: str, name: str) -> None:
    """CREATE DATABASE `name` (quoted as an identifier)."""
    connection = admin_connection(port, password)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def _wait_until_accepting(server: Postgres, timeout_s: float) -> None:
    """pg_isready until the server takes connections; fails if it died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        server.service.check_alive()
        ready = subprocess.run(
            [
                str(PG_BIN / "pg_isready"),
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(server.port),
            ],
            check=False,
        )
        if ready.returncode == 0:
            return
        time.sleep(0.3)
    raise ServiceError(
        f"PostgreSQL did not accept connections within {timeout_s:.0f} s"
    )


def start_postgres(
    root: Path, port: int, log_dir: Path, timeout_s: float = 60
) -> Postgres:
    """Creates a cluster under `root`, starts it on `port`, creates `clinic`.

    Durability is off (fsync, full-page writes): the data lives only as long
    as the cluster. SIGINT is PostgreSQL's fast shutdown.
    """
    password = secrets.token_urlsafe(24)
    data_dir = init_data_dir(root, password)
    as_root = os.geteuid() == 0
    service = spawn(
        "postgresql",
        [
            str(PG_BIN / "postgres"),
            "-D", str(data_dir),
            "-c", "listen_addresses=127.0.0.1",
            "-c", f"port={port}",
            "-c", f"unix_socket_directories={root}",
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
        ],
        log_dir,
        cwd=Path("/"),
        user=PG_USER if as_root else None,
        stop_signal=signal.SIGINT,
    )  # fmt: skip
    server = Postgres(service=service, port=port, password=password)
    try:
        _wait_until_accepting(server, timeout_s)
        create_database(port, password, DATABASE)
    except Exception:
        service.stop()
        raise
    return server
