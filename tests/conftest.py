"""Shared fixtures: the project's own domain, data and page, and live servers."""

from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import yaml

from bench import training_data
from clinic_log.database import SessionFactory
from clinic_log.writer import LogWriter
from tests.support.servers import AssistantServers, start_assistant

pytest_plugins = ["tests.support.databases", "tests.support.redis_server"]

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT.parent / "shared" / "source" / "kyphoplasty-page.txt"

# Test layers (pyproject.toml): a module that loads the model or starts servers
# says so with `pytestmark`; a test using these fixtures needs a database or
# Redis; everything else is `unit` (`make unit`: no model, no servers).
LAYERS = ("unit", "database", "model", "e2e")
SERVER_FIXTURES = {
    "database_url",
    "migrated_url",
    "engine",
    "session_factory",
    "log_url",
    "log_writer",
    "postgres_cluster",
    "redis_url",
    "clean_redis",
    "assistant",
}


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Marks each test with its layer, `unit` unless it needs more."""
    for item in items:
        if any(item.get_closest_marker(layer) for layer in LAYERS):
            continue
        fixtures = set(getattr(item, "fixturenames", ()))
        if "assistant" in fixtures:
            item.add_marker(pytest.mark.e2e)
        elif fixtures & SERVER_FIXTURES:
            item.add_marker(pytest.mark.database)
        else:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The domain exactly as the assistant is trained with it."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def page_text() -> str:
    """The clinic's page: the only source of facts the assistant may state."""
    return PAGE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def training_examples() -> Dict[str, List[str]]:
    """All training phrasings, by intent, from every file under data/nlu/."""
    return training_data.training_examples(ROOT)


@pytest.fixture(scope="session")
def test_examples() -> Dict[str, List[str]]:
    """The held-out NLU test phrasings, by intent."""
    return training_data.read_examples(ROOT / "tests" / "nlu_test.yml")


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssistantServers]:
    """A real Rasa server and action server on free ports, with the trained model.

    Shared by the conversation tests; it logs to a throwaway SQLite database.
    """
    database = tmp_path_factory.mktemp("assistant") / "clinic.db"
    servers = start_assistant(ROOT, f"sqlite:///{database}")
    yield servers
    servers.stop()


@pytest.fixture
def log_writer(session_factory: SessionFactory, tmp_path: Path) -> Iterator[LogWriter]:
    """The real background writer, on a fresh SQLite or PostgreSQL database."""
    writer = LogWriter(
        session_factory, journal_dir=tmp_path / "journal", backoff_s=0.01
    )
    yield writer
    writer.close()
