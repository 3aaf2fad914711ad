"""What the assistant's image holds and how it starts, before anything runs."""

import os
from pathlib import Path
from typing import Dict

import pytest

from tests.support.podman import inspect, podman

pytestmark = pytest.mark.e2e

DEVELOPMENT_TOOLS = ("pytest", "ruff", "mypy", "playwright", "hypothesis", "aiosmtpd")
FIND_MODULES = (
    "import importlib.util, sys; "
    "print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m)))"
)


def test_it_runs_as_a_non_root_user_with_a_health_check(images: Dict[str, str]) -> None:
    inspected = inspect("image", images["CLINIC_IMAGE"])
    config = inspected["Config"]

    assert config["User"] == "1001"
    assert inspected["Healthcheck"]["Test"][-1] == "/app/deploy/image/healthcheck.py"
    assert config["Entrypoint"] == ["/app/deploy/image/entrypoint.sh"]
    assert config["Cmd"] == ["rasa"]


def test_it_holds_the_trained_model_and_no_development_tool(
    images: Dict[str, str],
) -> None:
    image = images["CLINIC_IMAGE"]
    models = podman("run", "--rm", image, "ls", "/app/models").stdout.split()
    present = podman(
        "run", "--rm", image, "python", "-c", FIND_MODULES,
        "rasa", "spacy", "sqlalchemy", "waitress", *DEVELOPMENT_TOOLS,
    ).stdout.split()  # fmt: skip

    assert models == [Path(os.environ["MODEL"]).name]
    assert present == ["rasa", "spacy", "sqlalchemy", "waitress"]


@pytest.mark.parametrize(
    ("command", "missing"),
    [
        ("rasa", "DATABASE_URL"),
        ("dashboard", "DATABASE_URL"),
        ("notifier", "DATABASE_URL"),
    ],
)
def test_a_missing_setting_is_named_before_anything_starts(
    images: Dict[str, str], command: str, missing: str
) -> None:
    result = podman("run", "--rm", images["CLINIC_IMAGE"], command, check=False)

    assert result.returncode == 2
    assert f"The {command} container needs {missing}" in result.stderr
