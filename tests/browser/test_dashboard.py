"""The staff dashboard in Debian's Chromium: sign in, read, mark, all as text.

The dashboard runs on Werkzeug's server in a thread, on a throwaway SQLite
log filled through the real repository; no Rasa server is needed.
"""

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Dict, List

import pytest
from playwright.sync_api import Locator, Page, expect
from werkzeug.serving import make_server

from tests.browser.support import AXE_SCRIPT, SETUP_HINT
from tests.support.dashboard_support import PASSWORD, add_user, make_app
from tests.support.log_records import appointment, at, exchange
from tests.support.staff_log import XSS, clinic_day, fill


def serve(url: str) -> Iterator[str]:
    """Serves the dashboard on the log at `url`; yields its base URL."""
    server = make_server("127.0.0.1", 0, make_app(url), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A filled log with the account `kim`: a clinic day and a newer callback."""
    url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'clinic.db'}"
    add_user(url)
    clinic_day(url)
    newer = appointment(
        sender_id="visitor-4", message_id="m10", created_at=at(40), name="Bo Newer"
    )
    fill(url, appointments=[newer])
    yield from serve(url)


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


def main_navigation(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def test_callbacks_newest_first_one_click_and_the_new_count(
    page: Page, dashboard: str, console_errors: List[str], screenshots: Path
) -> None:
    sign_in(page, dashboard)
    callbacks = main_navigation(page).get_by_role("link", name=re.compile("Callbacks"))
    expect(callbacks.locator(".badge")).to_have_text("2 new")

    callbacks.click()
    rows = page.locator("table.callbacks tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Bo Newer")  # newest first
    expect(rows.nth(1).locator(".best-time")).to_have_text("weekday mornings")
    page.screenshot(path=screenshots / "dashboard-callbacks-new.png", full_page=True)

    page.get_by_role("button", name="Mark called: request 1").click()
    expect(page.get_by_role("status")).to_have_text("Callback request 1 is now called.")
    expect(rows).to_have_count(1)  # back on the list of new ones
    expect(callbacks.locator(".badge")).to_have_text("1 new")

    page.get_by_role("link", name="all", exact=True).click()
    page.get_by_role("button", name="Close: request 1").click()
    expect(page.locator("#request-1 .status")).to_have_text("closed")
    expect(page.get_by_role("button", name="Reopen: request 1")).to_be_visible()

    page.get_by_role("link", name="Audit").click()
    expect(page.locator("main")).to_contain_text("appointment status")


def test_inbox_item_reviewed(
    page: Page, dashboard: str, console_errors: List[str]
) -> None:
    sign_in(page, dashboard)
    page.get_by_role("link", name="Inbox").click()
    questions = page.locator("td.question")
    expect(questions).to_have_count(2)
    expect(questions.first).to_have_text("how much does it COST")
    page.get_by_role("button", name="Mark reviewed").first.click()
    expect(page.get_by_role("status")).to_contain_text("reviewed")
    expect(questions).to_have_count(1)
    expect(questions.first).to_have_text(XSS)

    page.get_by_role("link", name="Audit").click()
    expect(page.locator("main")).to_contain_text("inbox reviewed")


def test_stats_name_topics_as_staff_do_and_date_their_axes(
    page: Page, dashboard: str, console_errors: List[str], screenshots: Path
) -> None:
    sign_in(page, dashboard)
    page.goto(f"{dashboard}/stats?days=7&until=2026-11-25")

    messages_chart = page.get_by_role("img", name=re.compile("^Messages per day"))
    expect(messages_chart.locator("text.date")).to_have_text(
        [f"{day} Nov" for day in range(19, 26)]
    )
    expect(messages_chart.locator("text.tick:not(.date)")).to_have_text(
        ["0", "5", "10"]
    )
    topics = page.get_by_role("img", name=re.compile("^Top topics"))
    expect(topics.locator("text.name")).to_contain_text(
        ["Cost (not on the page)", "Not understood"]
    )
    expect(page.locator("main")).not_to_contain_text("not_covered/")
    page.screenshot(path=screenshots / "dashboard-stats-week.png", full_page=True)


@pytest.fixture(scope="module")
def busy_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dashboard on 120 conversations, each with a question of its own unanswered."""
    url = f"sqlite:///{tmp_path_factory.mktemp('busy') / 'clinic.db'}"
    add_user(url)
    fill(
        url,
        exchanges=[
            exchange(
                sender_id=f"visitor-{number:03d}",
                message_id=f"q{number}",
                time=at(number),
                text=f"question number {number}",
                intent="nlu_fallback",
                confidence=0.3,
                answer_key="utter_default",
                is_fallback=True,
            )
            for number in range(1, 121)
        ],
    )
    yield from serve(url)


@pytest.mark.parametrize(
    ("path", "first_rows"),
    [
        ("/conversations", ["visitor-120", "visitor-070", "visitor-020"]),
        ("/inbox", ["question number 120", "question number 70", "question number 20"]),
    ],
)
def test_long_lists_come_in_pages(
    page: Page,
    busy_dashboard: str,
    console_errors: List[str],
    path: str,
    first_rows: List[str],
) -> None:
    sign_in(page, busy_dashboard)
    page.goto(f"{busy_dashboard}{path}")
    pager = page.get_by_role("navigation", name="Pages")
    first_cell = page.locator("main tbody tr").first
    for number, (shown, first_row) in enumerate(
        zip(["1 to 50", "51 to 100", "101 to 120"], first_rows, strict=True), start=1
    ):
        expect(pager).to_contain_text(f"{shown} of 120")
        expect(first_cell).to_contain_text(first_row)
        expect(page.locator("main tbody tr")).to_have_count(
            min(50, 120 - 50 * (number - 1))
        )
        if number < 3:
            pager.get_by_role("link", name="Older").click()
    expect(pager.get_by_role("link", name="Older")).to_have_count(0)
    pager.get_by_role("link", name="Newer").click()
    expect(pager).to_contain_text("51 to 100 of 120")


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
        "/appointments?status=new",
        "/stats?days=7&until=2026-11-25",
        "/inbox?all=1",
        "/audit",
    ):
        page.goto(f"{dashboard}{path}")
        assert serious_axe_violations(page) == [], path
        name = re.sub(r"[^a-z0-9]+", "-", path.strip("/"))
        page.screenshot(path=screenshots / f"dashboard-{name}.png", full_page=True)
