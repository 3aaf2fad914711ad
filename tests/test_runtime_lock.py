"""The image's run-time lock is the run-time part of the one lock, kept current."""

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "runtime_lock.py"

LOCK = """\
#
# pip-compile header
#
alpha==1.0 \\
    --hash=sha256:aaa
    # via -r requirements.in
beta-lib==2.0 \\
    --hash=sha256:bbb
    # via
    #   alpha
    #   pytest
gamma==3.0 \\
    --hash=sha256:ccc
    # via beta-lib
pytest==8.0 \\
    --hash=sha256:ddd
    # via -r requirements-dev.in
pluggy==1.0 \\
    --hash=sha256:eee
    # via pytest
"""


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("runtime_lock", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_keeps_what_requirements_in_needs_through_any_chain() -> None:
    derived = load_script().runtime_lock(LOCK)

    assert [line.split("==")[0] for line in derived.splitlines() if "==" in line] == [
        "alpha",
        "beta-lib",
        "gamma",
    ]
    assert "--hash=sha256:ccc" in derived
    assert "pytest==" not in derived and "pluggy==" not in derived


def test_the_committed_runtime_lock_is_derived_from_requirements_txt() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr


def test_the_image_gets_rasa_and_no_development_tool() -> None:
    names = {
        line.split("==")[0]
        for line in (ROOT / "requirements-runtime.txt").read_text().splitlines()
        if "==" in line and not line.startswith(" ")
    }

    assert {"rasa", "spacy", "sqlalchemy", "waitress"} <= names
    assert not names & {
        "pytest",
        "ruff",
        "mypy",
        "playwright",
        "hypothesis",
        "aiosmtpd",
    }
