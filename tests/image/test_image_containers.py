"""The image run with `podman run`: the action server and Rasa containers with
PostgreSQL and Redis on a network of their own, as a host without an
orchestrator would run them; a visit through the published webhook."""

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Dict, List

import pytest

from cluster.processes import free_port
from tests.support.podman import logs, podman, wait_for_http
from tests.support.visits import check_a_visit

pytestmark = pytest.mark.e2e

NETWORK = "clinic-image-test"
MIGRATE_WAIT_S = 60
RASA_START_S = 180


@dataclass
class Running:
    """The started containers and where the host reaches them."""

    database_url: str
    rasa_url: str
    dashboard_url: str
    containers: List[str]


def migrate(image: str, database_url: str) -> None:
    """The image's `migrate` command, repeated until PostgreSQL takes it."""
    deadline = time.monotonic() + MIGRATE_WAIT_S
    while True:
        result = podman(
            "run", "--rm", "--network", NETWORK, "-e", f"DATABASE_URL={database_url}",
            image, "migrate", check=False,
        )  # fmt: skip
        if result.returncode == 0:
            return
        assert time.monotonic() < deadline, result.stderr[-2000:]
        time.sleep(2)


@pytest.fixture(scope="module")
def running(images: Dict[str, str]) -> Iterator[Running]:
    image = images["CLINIC_IMAGE"]
    password, redis_password = secrets.token_hex(16), secrets.token_hex(16)
    ports = {name: free_port() for name in ("postgres", "rasa", "dashboard")}
    inside_url = f"postgresql://clinic:{password}@clinic-postgres:5432/clinic"
    started: List[str] = []

    def run(name: str, *args: str) -> None:
        podman("run", "-d", "--name", name, "--network", NETWORK, *args)
        started.append(name)

    podman("network", "create", NETWORK)
    try:
        run("clinic-postgres", "-p", f"127.0.0.1:{ports['postgres']}:5432",
            "-e", "POSTGRES_USER=clinic", "-e", f"POSTGRES_PASSWORD={password}",
            "-e", "POSTGRES_DB=clinic", images["STANDIN_POSTGRES"])  # fmt: skip
        run("clinic-redis", images["STANDIN_REDIS"],
            "redis-server", "--requirepass", redis_password, "--save", "")  # fmt: skip
        migrate(image, inside_url)
        run("clinic-actions", "-e", f"DATABASE_URL={inside_url}", image, "actions")
        run("clinic-rasa", "-p", f"127.0.0.1:{ports['rasa']}:5005",
            "-e", f"DATABASE_URL={inside_url}",
            "-e", f"REDIS_URL=redis://:{redis_password}@clinic-redis:6379/0",
            "-e", "ACTION_SERVER_URL=http://clinic-actions:5055/webhook",
            image, "rasa")  # fmt: skip
        run("clinic-dashboard", "-p", f"127.0.0.1:{ports['dashboard']}:8001",
            "-e", f"DATABASE_URL={inside_url}",
            "-e", f"DASHBOARD_SECRET_KEY={secrets.token_hex(32)}",
            image, "dashboard")  # fmt: skip
        rasa_url = f"http://127.0.0.1:{ports['rasa']}"
        wait_for_http(f"{rasa_url}/webhooks/rest/", RASA_START_S, *started)
        yield Running(
            database_url=f"postgresql://clinic:{password}@127.0.0.1:{ports['postgres']}/clinic",
            rasa_url=rasa_url,
            dashboard_url=f"http://127.0.0.1:{ports['dashboard']}",
            containers=started,
        )
    finally:
        if started:
            podman("rm", "--force", "--time", "5", *started, check=False)
        podman("network", "rm", "--force", NETWORK, check=False)


def test_a_visit_through_the_published_webhook_is_answered_and_logged_once(
    running: Running,
) -> None:
    check_a_visit(running.rasa_url, running.database_url, "image-visitor")


@pytest.mark.parametrize(
    "container", ["clinic-rasa", "clinic-actions", "clinic-dashboard"]
)
def test_each_server_passes_the_image_health_check(
    running: Running, container: str
) -> None:
    result = podman("healthcheck", "run", container, check=False)

    assert result.returncode == 0, logs(container)


def test_the_dashboard_serves_its_sign_in_page(running: Running) -> None:
    wait_for_http(f"{running.dashboard_url}/login", 30, "clinic-dashboard")
