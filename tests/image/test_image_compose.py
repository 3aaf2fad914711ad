"""deploy/compose/compose.yaml brought up with podman-compose, as a single
clinic without Kubernetes would run it: the assistant, PostgreSQL, Redis and
nginx (stand-ins for the public images). A visit through nginx is answered
and logged once, and the page is served with its widget pointed at nginx.
Afterwards `down -v` removes the containers and volumes (podman-compose 1.0
leaves the project's network, which the test removes)."""

import os
import secrets
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Dict, List

import pytest

from cluster.processes import free_port
from tests.support.podman import podman, wait_for_http
from tests.support.visits import check_a_visit

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent.parent
COMPOSE_FILES = (ROOT / "deploy" / "compose" / "compose.yaml",
                 ROOT / "tests" / "image" / "compose.test.yaml")  # fmt: skip
PROJECT = "clinic-compose-test"
RASA_START_S = 180


def compose(environment: Dict[str, str], *args: str) -> subprocess.CompletedProcess:
    files = [part for path in COMPOSE_FILES for part in ("-f", str(path))]
    result = subprocess.run(
        ["podman-compose", "-p", PROJECT, *files, *args],
        env=environment, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def project_containers() -> List[str]:
    label = f"label=io.podman.compose.project={PROJECT}"
    listed = podman("ps", "--all", "--format", "{{.Names}}", "--filter", label)
    return listed.stdout.split()


@pytest.fixture(scope="module")
def environment(images: Dict[str, str]) -> Dict[str, str]:
    """What the clinic would put in .env, plus the stand-in images."""
    return {
        **os.environ,
        "CLINIC_IMAGE": images["CLINIC_IMAGE"],
        "POSTGRES_IMAGE": images["STANDIN_POSTGRES"],
        "REDIS_IMAGE": images["STANDIN_REDIS"],
        "NGINX_IMAGE": images["STANDIN_NGINX"],
        "POSTGRES_PASSWORD": secrets.token_hex(16),
        "REDIS_PASSWORD": secrets.token_hex(16),
        "DASHBOARD_SECRET_KEY": secrets.token_hex(32),
        "HTTP_PORT": str(free_port()),
        "DASHBOARD_PORT": str(free_port()),
        "TEST_POSTGRES_PORT": str(free_port()),
    }


@pytest.fixture(scope="module")
def running(environment: Dict[str, str]) -> Iterator[str]:
    """nginx's address once Rasa answers through it."""
    try:
        compose(environment, "up", "-d")
        url = f"http://127.0.0.1:{environment['HTTP_PORT']}"
        wait_for_http(f"{url}/health", RASA_START_S, *project_containers())
        yield url
    finally:
        compose(environment, "down", "-v")
        podman("network", "rm", "--force", f"{PROJECT}_default", check=False)


def test_a_visit_through_nginx_is_answered_and_logged_once(
    running: str, environment: Dict[str, str]
) -> None:
    database_url = (
        f"postgresql://clinic:{environment['POSTGRES_PASSWORD']}"
        f"@127.0.0.1:{environment['TEST_POSTGRES_PORT']}/clinic"
    )
    check_a_visit(running, database_url, "compose-visitor")


def test_the_page_talks_to_the_webhook_on_its_own_origin(running: str) -> None:
    with urllib.request.urlopen(f"{running}/", timeout=10) as response:
        page = response.read().decode("utf-8")

    assert 'data-bot-url=""' in page
    assert "localhost:5005" not in page


def test_the_dashboard_is_published_on_loopback(
    running: str, environment: Dict[str, str]
) -> None:
    wait_for_http(f"http://127.0.0.1:{environment['DASHBOARD_PORT']}/login", 60)
