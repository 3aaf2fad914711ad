"""Browser-test fixtures: Debian's Chromium, the page on a local server, the assistant.

The page under test is web/ served by Python's http.server on a free loopback
port. Each "site" is a copy of web/ in a folder of its own whose index.html
points the widget's `data-bot-url` at a different back end: the real assistant
(started with --cors for the page's origin), a closed port, or a port that
accepts connections and never answers.

Every fixture here lives for one test module at most: Playwright's sync API
keeps an event loop running while it is started, which would stop later
asyncio tests (pytest-asyncio) in the same pytest run from starting theirs.
"""

import socket
import tarfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import List

import pytest
import yaml
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from cluster.processes import free_port
from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    ROOT,
    SCREENSHOTS,
    SETUP_HINT,
    LiveAssistant,
    QuietHandler,
    WebServer,
)
from tests.support.servers import start_assistant, trained_model

# The first answers of a fresh Rasa server can take a few seconds.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """Python's http.server on a free loopback port, in a thread."""
    root = tmp_path_factory.mktemp("web")
    handler = partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield WebServer(f"http://127.0.0.1:{server.server_address[1]}", root)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def live_assistant(
    web_server: WebServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveAssistant]:
    """The trained assistant, allowing calls from the test page's origin only."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'clinic.db'}"
    servers = start_assistant(ROOT, database_url, cors_origin=web_server.origin)
    try:
        yield LiveAssistant(servers, database_url)
    finally:
        servers.stop()


@pytest.fixture(scope="module")
def live_site(web_server: WebServer, live_assistant: LiveAssistant) -> str:
    """The page, talking to the real assistant."""
    return web_server.publish("live", live_assistant.servers.rasa_url)


@pytest.fixture(scope="module")
def down_site(web_server: WebServer) -> str:
    """The page, pointed at a loopback port where nothing listens."""
    return web_server.publish("down", f"http://127.0.0.1:{free_port()}")


@pytest.fixture(scope="module")
def hanging_site(web_server: WebServer) -> Iterator[str]:
    """The page, pointed at a port that accepts connections but never answers."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        yield web_server.publish("hang", f"http://127.0.0.1:{port}")


@pytest.fixture(scope="module")
def playwright_session() -> Iterator[Playwright]:
    """Playwright's driver for the whole session."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright's own browser download is not used."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: {SETUP_HINT}", pytrace=False)
    launched = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@pytest.fixture
def page_errors() -> List[str]:
    """Uncaught script errors of the test's page; checked after every test."""
    return []


@pytest.fixture
def page(browser: Browser, page_errors: List[str]) -> Iterator[Page]:
    """A fresh browser context (empty sessionStorage) at desktop size."""
    context = browser.new_context(viewport=DESKTOP)
    opened = context.new_page()
    opened.on("pageerror", lambda error: page_errors.append(str(error)))
    yield opened
    context.close()
    assert page_errors == [], f"uncaught errors in the page: {page_errors}"


@pytest.fixture(scope="module")
def model_intents() -> List[str]:
    """The intents the trained model was trained with."""
    with tarfile.open(trained_model(ROOT)) as archive:
        member = archive.extractfile("components/domain_provider/domain.yml")
        assert member is not None
        model_domain = yaml.safe_load(member.read().decode("utf-8"))
    return [
        intent if isinstance(intent, str) else next(iter(intent))
        for intent in model_domain.get("intents", [])
    ]


@pytest.fixture(scope="module")
def screenshots() -> Path:
    """Where screenshots of the widget go (results/ is not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
