"""Database fixtures: every storage test runs on SQLite and on real PostgreSQL.

A throwaway PostgreSQL 15 cluster is created in a temporary folder the first
time a test asks for it, listens only on 127.0.0.1, and is stopped and deleted
at the end of the session; each test gets a database of its own. If the
cluster cannot start, the PostgreSQL tests fail: they never skip silently.

Register with `pytest_plugins = ["tests.support.databases"]` in tests/conftest.py, or
`-p tests.support.databases` on the command line.
"""

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from psycopg2 import sql
from sqlalchemy.engine import Engine

from clinic_log.database import SessionFactory, make_engine, make_session_factory
from clinic_log.migrations import upgrade
from cluster.postgres import (
    INSTALL_HINT,
    PG_BIN,
    PG_USER,
    admin_connection,
    create_database,
    init_data_dir,
    postgres_url,
)
from cluster.processes import ServiceError, free_port

# Special characters on purpose: URL quoting must survive every layer.
PG_PASSWORD = "s3cret:p@ss/word"
START_TIMEOUT_S = 60


@dataclass
class PostgresCluster:
    """A running throwaway cluster and how to reach it."""

    root: Path
    port: int

    @property
    def data_dir(self) -> Path:
        """Where the cluster keeps its files."""
        return self.root / "data"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database`, with the password URL-quoted."""
        return postgres_url(self.port, PG_PASSWORD, database)

    def start(self) -> None:
        """Starts the server (again): loopback only, durability off."""
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        _check(
            _as_postgres(
                str(PG_BIN / "pg_ctl"),
                "start",
                "--wait",
                f"--timeout={START_TIMEOUT_S}",
                f"--pgdata={self.data_dir}",
                f"--log={self.root / 'server.log'}",
                f"--options={options}",
            ),
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stops the server, keeping its data: an outage, for fault tests."""
        _check(
            _as_postgres(
                str(PG_BIN / "pg_ctl"),
                "stop",
                "--wait",
                f"--mode={mode}",
                f"--pgdata={self.data_dir}",
            ),
            "stop",
        )

    def create_database(self) -> str:
        """Creates an empty database and returns its name."""
        name = f"clinic_test_{uuid.uuid4().hex}"
        create_database(self.port, PG_PASSWORD, name)
        return name

    def drop_database(self, name: str) -> None:
        """Drops `name`, disconnecting any client a test forgot to close."""
        connection = admin_connection(self.port, PG_PASSWORD)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )
        finally:
            connection.close()


def _as_postgres(*command: str) -> subprocess.CompletedProcess:
    """Runs a PostgreSQL tool as the `postgres` user (initdb refuses root)."""
    prefix = ["runuser", "-u", PG_USER, "--"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, *command], capture_output=True, text=True, check=False, cwd="/"
    )


def _check(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        pytest.fail(f"PostgreSQL {what} failed: {output}", pytrace=False)


def start_cluster() -> PostgresCluster:
    """initdb + pg_ctl start in a fresh temporary folder owned by `postgres`."""
    try:
        return _start_cluster()
    except (OSError, LookupError, ServiceError) as error:  # no postgres user...
        pytest.fail(f"PostgreSQL could not start: {error}", pytrace=False)


def _start_cluster() -> PostgresCluster:
    if not (PG_BIN / "initdb").exists():
        pytest.fail(
            f"PostgreSQL 15 not found in {PG_BIN}: {INSTALL_HINT}", pytrace=False
        )
    root = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
    cluster = PostgresCluster(root=root, port=free_port())
    init_data_dir(root, PG_PASSWORD)
    cluster.start()
    return cluster


def stop_cluster(cluster: PostgresCluster) -> None:
    """Stops the server at once and deletes its folder."""
    _as_postgres(
        str(PG_BIN / "pg_ctl"),
        "stop",
        "--wait",
        "--mode=immediate",
        f"--pgdata={cluster.data_dir}",
    )
    shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One PostgreSQL 15 cluster for the whole session, started on first use."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a temp SQLite file, or a fresh PostgreSQL db."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'clinic.db'}"
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    name = cluster.create_database()
    try:
        yield cluster.url(name)
    finally:
        cluster.drop_database(name)


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """`database_url` with the log's schema applied."""
    upgrade(database_url)
    return database_url


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    """The app's engine on the migrated test database, disposed afterwards."""
    created = make_engine(migrated_url)
    try:
        yield created
    finally:
        created.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> SessionFactory:
    """Sessions on the migrated test database."""
    factory: SessionFactory = make_session_factory(engine)
    return factory
