"""The staff dashboard in Debian's Chromium: sign in, read, mark, all as text.

The dashboard runs on Werkzeug's server in a thread, on a throwaway SQLite
log filled through the real repository; no Rasa server is needed.
"""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Dict, List

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from tests.browser.support import AXE_SCRIPT, SETUP_HINT
from tests.dashboard_support import PASSWORD, add_user, make_app
from tests.staff_log import XSS, clinic_day


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard's base URL, serving a filled log with the account `kim`."""
    url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'clinic.db'}"
    add_user(url)
    clinic_day(url)
    server = make_server("127.0.0.1", 0, make_app(url), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def console_errors(page: Page) -> Iterator[List[str]]:
    """Console errors, such as a content-security-policy violation; none allowed."""
    errors: List[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    yield errors
    assert errors == []


def sign_in(page: Page, dashboard: str) -> None:
    page.goto(f"{dashboard}/conversations")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()


def test_transcript_shows_markup_as_text(
    page: Page, dashboard: str, console_errors: List[str]
) -> None:
    dialogs: List[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, dashboard)

    page.get_by_role("link", name="visitor-2").click()

    expect(page.get_by_text(XSS, exact=True)).to_be_visible()
    expect(page.locator("main script")).to_have_count(0)
    expect(page.locator(".transcript")).to_contain_text("nlu_fallback")
    page.get_by_role("link", name="Stats").click()
    expect(page.locator("svg.chart rect").first).to_be_attached()
    assert dialogs == []


def test_mark_callback_called_and_inbox_item_reviewed(
    page: Page, dashboard: str, console_errors: List[str]
) -> None:
    sign_in(page, dashboard)

    page.get_by_role("link", name="Callbacks").click()
    page.get_by_label("Status for request 1").select_option("called")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Callback request 1 is now called.")
    expect(page.get_by_label("Status for request 1")).to_have_value("called")

    page.get_by_role("link", name="Inbox").click()
    questions = page.locator("td.question")
    expect(questions).to_have_count(2)
    expect(questions.first).to_have_text("how much does it COST")
    page.get_by_role("button", name="Mark reviewed").first.click()
    expect(page.get_by_role("status")).to_contain_text("reviewed")
    expect(questions).to_have_count(1)
    expect(questions.first).to_have_text(XSS)

    page.get_by_role("link", name="Audit").click()
    expect(page.locator("main")).to_contain_text("appointment status")
    expect(page.locator("main")).to_contain_text("inbox reviewed")


def serious_axe_violations(page: Page) -> List[Dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now.

    Evaluated through the DevTools protocol rather than a script tag: the
    dashboard's content security policy rightly refuses every script tag.
    """
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} not found: {SETUP_HINT}", pytrace=False)
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": violation["id"], "targets": [n["target"] for n in violation["nodes"]]}
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_pages_have_no_serious_accessibility_problems(
    page: Page, dashboard: str, console_errors: List[str], screenshots: Path
) -> None:
    page.goto(f"{dashboard}/login")
    assert serious_axe_violations(page) == []
    sign_in(page, dashboard)
    for path in (
        "/conversations",
        "/conversations/visitor-2",
        "/inbox",
        "/appointments",
        "/stats",
        "/audit",
    ):
        page.goto(f"{dashboard}{path}")
        assert serious_axe_violations(page) == [], path
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=screenshots / f"dashboard-{name}.png", full_page=True)
