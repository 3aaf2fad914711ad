"""scripts/validate_deploy.py passes deploy/k8s/ and catches what it claims to.

Runs the checker the way `make validate-deploy` does, in its own venv, on a
copy of deploy/k8s/ with one mistake at a time.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = ROOT / ".venv-deploy" / "bin" / "python"
SCRIPT = ROOT / "scripts" / "validate_deploy.py"


def validate(folder: Path) -> subprocess.CompletedProcess:
    if not PYTHON.exists():
        pytest.fail("no .venv-deploy: run `make validate-deploy` first", pytrace=False)
    return subprocess.run(
        [str(PYTHON), str(SCRIPT), str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.fixture
def k8s(tmp_path: Path) -> Path:
    copy = tmp_path / "k8s"
    shutil.copytree(ROOT / "deploy" / "k8s", copy)
    return copy


def test_the_shipped_files_pass(k8s: Path) -> None:
    result = validate(k8s)
    assert result.returncode == 0, result.stderr
    assert "resources valid against Kubernetes" in result.stdout


@pytest.mark.parametrize(
    ("file", "old", "new", "complaint"),
    [
        ("action-server.yaml", "containerPort: 5055", "containerPortt: 5055",
         "'containerPort' is a required property"),
        ("dashboard.yaml", "key: secret-key", "key: secret",
         "secret 'clinic-dashboard' key 'secret'"),
        ("rasa.yaml", "  replicas: 2", '  replicas: "2"',
         "'2' is not of type 'integer'"),
        ("rasa.yaml", "clinic-actions:5055", "clinic-action:5055",
         "is no Service in"),
        ("rasa.yaml", "- name: REDIS_URL", "- name: REDIS_URI",
         "needs ${REDIS_URL}, not in the container's env"),
        ("rasa.yaml", 'args: ["rasa"]', 'args: ["run"]',
         "no container runs the image's `rasa` command"),
        ("rasa.yaml", "component: rasa-server", "component: rasa",
         "which no pods carry"),
        ("dashboard.yaml", "clinic-assistant:1.0.0", "clinic-assistant:0.9.0",
         "workloads run different images"),
        ("migrate-job.yaml", "backoffLimit: 3", "backoffLimit: 3\n  retries: 2",
         "Additional properties are not allowed ('retries'"),
    ],
)  # fmt: skip
def test_a_mistake_is_reported(
    k8s: Path, file: str, old: str, new: str, complaint: str
) -> None:
    path = k8s / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    result = validate(k8s)

    assert result.returncode == 1
    assert complaint in result.stderr
