"""The visitor's chat widget, driven in Debian's Chromium against the real assistant.

Run with `PYTHONPATH=. .venv/bin/pytest tests/browser` after
scripts/ensure_chromium.sh; screenshots go to results/screenshots/.
"""

import json
import re
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select

from clinic_channel.channel import RATE_LIMITED_TEXT
from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.models import Conversation, Feedback
from cluster.processes import free_port
from tests.browser.support import AXE_SCRIPT, DESKTOP, SETUP_HINT, WEB, LiveAssistant
from tests.support.mail_server import MailServer, NotifierProcess

PHONE = "904.265.7755"
PHONE_HREF = "tel:+19042657755"
STORAGE_KEY = "clinicChat.v1"
GREETING = "virtual assistant"


# ------------------------------------------------------------------ helpers


def launcher(page: Page) -> Locator:
    return page.get_by_role("button", name="Ask a question")


def log(page: Page) -> Locator:
    return page.get_by_role("log", name="Conversation")


def chat_input(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Your question")


def bot_messages(page: Page) -> Locator:
    return page.locator(".kc-msg--bot")


def open_widget(page: Page, url: str) -> None:
    """Loads the page, opens the widget and waits for the bot's greeting."""
    page.goto(url)
    launcher(page).click()
    expect(log(page)).to_contain_text(GREETING)


def ask(page: Page, question: str) -> Locator:
    """Types a question, sends it with Enter, and returns the bot's answer."""
    answers_before = bot_messages(page).count()
    chat_input(page).fill(question)
    chat_input(page).press("Enter")
    expect(bot_messages(page)).to_have_count(answers_before + 1)
    return bot_messages(page).nth(answers_before)


def quick_reply(page: Page, title: str) -> None:
    """Clicks a quick reply, opening the collapsed list first if need be."""
    toggle = page.get_by_role("button", name="Suggested questions")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    page.get_by_role("group", name="Suggested questions").get_by_role(
        "button", name=title
    ).click()


def sender_id(page: Page) -> str:
    stored = page.evaluate(f"sessionStorage.getItem({json.dumps(STORAGE_KEY)})")
    assert stored, "no conversation in sessionStorage"
    return str(json.loads(stored)["senderId"])


def feedback_rows(database_url: str, sender: str) -> List[Tuple[str, Any]]:
    """(rating, message id) of every feedback row stored for `sender`."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            rows = session.execute(
                select(Feedback.rating, Feedback.message_id)
                .join(Conversation, Conversation.id == Feedback.conversation_id)
                .where(Conversation.sender_id == sender)
                .order_by(Feedback.id)
            ).all()
            return [(rating, message_id) for rating, message_id in rows]
    finally:
        engine.dispose()


def wait_for_feedback(
    database_url: str, sender: str, count: int, timeout_s: float = 15
) -> List[Tuple[str, Any]]:
    """Polls until `count` feedback rows exist: the action server writes later."""
    deadline = time.monotonic() + timeout_s
    rows = feedback_rows(database_url, sender)
    while len(rows) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        rows = feedback_rows(database_url, sender)
    return rows


def serious_axe_violations(page: Page) -> List[Dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} not found: {SETUP_HINT}", pytrace=False)
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def assert_fits_width(page: Page, width: int) -> None:
    """No horizontal scrolling, and the input and Send button fully on screen."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page scrolls sideways: {scroll_width} > {width}"
    panel_overflow = page.evaluate(
        "(() => { const p = document.getElementById('kc-panel');"
        " return p.scrollWidth - p.clientWidth; })()"
    )
    assert panel_overflow <= 0, f"panel content overflows by {panel_overflow}px"
    for control in (chat_input(page), page.get_by_role("button", name="Send")):
        expect(control).to_be_in_viewport(ratio=1)
        box = control.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box


# ---------------------------------------------------------- static checks


def test_page_loads_the_widget_with_one_tag_and_nothing_from_outside() -> None:
    page = (WEB / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script\b[^>]*>", page) == [
        '<script src="widget.js" data-bot-url="http://localhost:5005" defer>'
    ]
    assert "<link" not in page
    for path in sorted(WEB.iterdir()):
        text = path.read_text(encoding="utf-8")
        external = set(re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text))
        assert external <= {"http://www.w3.org/2000/svg"}, (path.name, external)
        assert "@import" not in text and "url(" not in text, path.name


def test_widget_never_parses_bot_text_as_html_nor_stores_outside_the_session() -> None:
    source = (WEB / "widget.js").read_text(encoding="utf-8")
    script = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.DOTALL)  # code only
    for forbidden in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "localStorage",
        "document.cookie",
        "eval(",
    ):
        assert forbidden not in script, forbidden
    assert "sessionStorage" in script and "AbortController" in script


# ----------------------------------------------------------- conversation


def test_greeting_and_disclaimer_come_from_the_bot(
    page: Page, live_site: str, domain: Dict[str, Any]
) -> None:
    page.goto(live_site)
    assert page.title().startswith("Kyphoplasty")
    expect(page.get_by_role("dialog")).to_be_hidden()

    launcher(page).click()

    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    expect(chat_input(page)).to_be_focused()
    expect(log(page)).to_have_attribute("aria-live", "polite")
    greeting = domain["responses"]["utter_greet"][0]
    expect(bot_messages(page).first).to_contain_text(greeting["text"])
    expect(log(page)).to_contain_text("not a doctor")
    # The quick replies send exactly what the greeting's buttons send, and the
    # greeting does not repeat them inside the log.
    chips = page.get_by_role("group", name="Suggested questions").get_by_role("button")
    shown = [
        {"title": chip.inner_text(), "payload": chip.get_attribute("data-payload")}
        for chip in chips.all()
    ]
    assert shown == greeting["buttons"]
    expect(log(page).get_by_role("button", name="What is kyphoplasty?")).to_have_count(
        0
    )
    # Greeted once per session: closing and reopening does not greet again.
    page.keyboard.press("Escape")
    launcher(page).click()
    expect(bot_messages(page)).to_have_count(1)


def test_quick_reply_shows_its_title_and_gets_its_answer(
    page: Page, live_site: str, domain: Dict[str, Any]
) -> None:
    open_widget(page, live_site)

    quick_reply(page, "What is kyphoplasty?")

    expect(page.locator(".kc-msg--visitor").last).to_contain_text(
        "What is kyphoplasty?"
    )
    answer = domain["responses"]["utter_faq/what_is"][0]["text"]
    expect(bot_messages(page).last).to_contain_text(answer)
    # After the first question the list folds away behind a toggle.
    suggestions = page.get_by_role("group", name="Suggested questions")
    toggle = page.get_by_role("button", name="Suggested questions")
    expect(suggestions).to_be_hidden()
    expect(chat_input(page)).to_be_focused()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    quick_reply(page, "Am I a candidate?")
    candidates = domain["responses"]["utter_faq/candidates"][0]["text"]
    expect(bot_messages(page).last).to_contain_text(candidates)
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_typed_question_gets_the_walking_answer(page: Page, live_site: str) -> None:
    open_widget(page, live_site)

    answer = ask(page, "when can I walk after the procedure")

    expect(answer).to_contain_text("walk an hour after")
    expect(page.locator(".kc-msg--visitor").last).to_have_text(
        re.compile("when can I walk after the procedure")
    )
    expect(page.locator(".kc-typing.kc-active")).to_have_count(0)


def test_bot_buttons_send_their_payload_and_phone_numbers_are_tel_links(
    page: Page, live_site: str
) -> None:
    open_widget(page, live_site)

    quick_reply(page, "Book an appointment")

    offer = bot_messages(page).last
    expect(offer).to_contain_text(f"call the clinic at {PHONE}")
    expect(offer.get_by_role("link", name=PHONE)).to_have_attribute("href", PHONE_HREF)
    offer.get_by_role("button", name="No, thanks").click()
    expect(page.locator(".kc-msg--visitor").last).to_contain_text("No, thanks")
    expect(bot_messages(page).last).to_contain_text("No problem.")


def cors_headers(route: Any) -> Optional[Dict[str, str]]:
    """Headers for a stubbed webhook's reply; None once a CORS preflight is answered."""
    headers = {"Access-Control-Allow-Origin": "*"}
    if route.request.method == "OPTIONS":
        headers["Access-Control-Allow-Headers"] = "Content-Type"
        route.fulfill(status=204, headers=headers)
        return None
    return headers


def test_thumbs_send_the_feedback_payload_then_disable_the_pair(
    page: Page, down_site: str
) -> None:
    sent: List[Dict[str, Any]] = []

    def assistant(route: Any) -> None:
        headers = cors_headers(route)
        if headers is None:
            return
        body = json.loads(route.request.post_data or "{}")
        sent.append(body)
        text = "Hello! I'm the virtual assistant." if len(sent) == 1 else "An answer."
        replies = [] if body["message"].startswith("/feedback") else [{"text": text}]
        route.fulfill(status=200, headers=headers, json=replies)

    page.route("**/webhooks/rest/webhook", assistant)
    open_widget(page, down_site)
    expect(bot_messages(page).first.get_by_role("button")).to_have_count(0)
    answer = ask(page, "how long does it take")

    answer.get_by_role("button", name="Not helpful").click()

    expect(answer).to_contain_text("Feedback recorded. Thank you!")
    assert [body["message"] for body in sent] == [
        "/greet",
        "how long does it take",
        '/feedback{"rating":"down"}',
    ]
    assert len({body["sender"] for body in sent}) == 1
    assert sent[0]["sender"] == sender_id(page)
    expect(page.locator(".kc-msg--visitor")).to_have_count(1)  # not shown as said
    expect(answer.get_by_role("group")).to_have_attribute(
        "aria-label", "Feedback recorded: you rated this answer not helpful"
    )
    expect(answer.get_by_role("button", name="Helpful", exact=True)).to_be_disabled()
    expect(
        answer.get_by_role("button", name=re.compile("^Not helpful"))
    ).to_be_disabled()
    # The rating survives a reload of the page in the same session.
    page.reload()
    launcher(page).click()
    expect(
        bot_messages(page).nth(1).get_by_role("button", name="Helpful", exact=True)
    ).to_be_disabled()


def test_thumbs_down_is_recorded_in_the_log_and_the_conversation_goes_on(
    page: Page,
    live_site: str,
    live_assistant: LiveAssistant,
    model_intents: List[str],
) -> None:
    if "feedback" not in model_intents:
        pytest.fail(
            "the trained model predates the feedback intent: retrain it "
            "(make train) before running the browser tests",
            pytrace=False,
        )
    open_widget(page, live_site)
    answer = ask(page, "how long does kyphoplasty take")
    expect(answer).to_contain_text("one hour per damaged vertebra")
    answers = bot_messages(page).count()

    answer.get_by_role("button", name="Not helpful").click()

    expect(answer).to_contain_text("Feedback recorded. Thank you!")
    rating = answer.get_by_role("group", name=re.compile("^Feedback recorded"))
    expect(rating).to_have_attribute(
        "aria-label", "Feedback recorded: you rated this answer not helpful"
    )
    for thumb in rating.get_by_role("button").all():
        expect(thumb).to_be_disabled()
    expect(
        rating.get_by_role("button", name=re.compile("Not helpful"))
    ).to_have_attribute("aria-pressed", "true")
    expect(bot_messages(page)).to_have_count(answers)  # feedback gets no reply
    rows = wait_for_feedback(live_assistant.database_url, sender_id(page), 1)
    assert [stored for stored, _ in rows] == ["down"]
    assert rows[0][1], "the feedback row names no message"

    # A thumbs up between an offer and the answer to it does not lose the thread.
    quick_reply(page, "Book an appointment")
    expect(bot_messages(page)).to_have_count(answers + 1)
    offer = bot_messages(page).nth(answers)
    expect(offer).to_contain_text("call you back")
    offer.get_by_role("button", name="Helpful", exact=True).click()
    expect(offer).to_contain_text("Feedback recorded. Thank you!")
    offer.get_by_role("button", name="Yes, call me back").click()
    expect(bot_messages(page).last).to_contain_text("What name should they ask for?")
    rows = wait_for_feedback(live_assistant.database_url, sender_id(page), 2)
    assert [stored for stored, _ in rows] == ["down", "up"]


def test_a_callback_request_made_in_the_widget_is_e_mailed_to_staff_once(
    page: Page, live_site: str, live_assistant: LiveAssistant
) -> None:
    mail_server = MailServer(free_port())
    mail_server.start()
    notifier = NotifierProcess(live_assistant.database_url, mail_server.environment())
    notifier.start()
    try:
        open_widget(page, live_site)
        quick_reply(page, "Book an appointment")
        bot_messages(page).last.get_by_role("button", name="Yes, call me back").click()
        expect(bot_messages(page).last).to_contain_text("What name")
        for answer, next_question in (
            ("Rosa Delgado", "What phone number"),
            ("904-555-0142", "best time"),
            ("weekday afternoons", "what is the call about"),
        ):
            expect(ask(page, answer)).to_contain_text(next_question)
        expect(ask(page, "skip")).to_contain_text("Your callback request has been")

        (mail,) = mail_server.wait_for(1, timeout_s=60)
        notifier.wait_for_line("E-mailed")
        assert notifier.stop() == 0
    finally:
        if notifier.process is not None:
            notifier.stop()
        mail_server.stop()
    assert mail["Subject"] == "Clinic assistant: 1 new callback request"
    assert "Rosa" not in mail.get_content() and "0142" not in mail.get_content()
    assert len(mail_server.messages) == 1


def test_typed_feedback_is_pointed_to_the_buttons(
    page: Page, live_site: str, model_intents: List[str]
) -> None:
    if "feedback" not in model_intents:
        pytest.fail("the trained model predates the feedback intent", pytrace=False)
    open_widget(page, live_site)

    answer = ask(page, "I want to rate that answer")

    expect(answer).to_contain_text("thumbs up or thumbs down")


def test_conversation_lives_in_session_storage_and_can_be_cleared(
    page: Page, live_site: str
) -> None:
    open_widget(page, live_site)
    ask(page, "do I need stitches")
    first_sender = sender_id(page)
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("document.cookie") == ""

    # Survives a reload within the session, greeted only once.
    page.reload()
    launcher(page).click()
    expect(page.locator(".kc-msg--visitor")).to_have_count(1)
    expect(bot_messages(page)).to_have_count(2)
    assert sender_id(page) == first_sender

    page.get_by_role("button", name="Clear conversation").click()

    expect(page.locator(".kc-msg--visitor")).to_have_count(0)
    expect(log(page)).to_contain_text(GREETING)
    expect(bot_messages(page)).to_have_count(1)
    assert sender_id(page) != first_sender
    assert page.evaluate("localStorage.length") == 0


# ------------------------------------------------------- failure handling


def test_assistant_down_shows_the_clinic_phone_number(
    page: Page, down_site: str
) -> None:
    page.goto(down_site)
    launcher(page).click()

    notice = page.locator(".kc-msg--notice").last
    expect(notice).to_contain_text("assistant is unavailable")
    expect(notice.get_by_role("link", name=PHONE)).to_have_attribute("href", PHONE_HREF)

    chat_input(page).fill("how long does it take")
    chat_input(page).press("Enter")
    expect(page.locator(".kc-msg--visitor")).to_have_count(1)
    expect(page.locator(".kc-msg--notice")).to_have_count(2)
    expect(page.locator(".kc-typing.kc-active")).to_have_count(0)
    assert serious_axe_violations(page) == []


def test_a_silent_assistant_times_out_after_30_seconds(
    page: Page, hanging_site: str
) -> None:
    """Longer than the server's own 25 s turn timeout, whose reply comes first.

    The page's clock is Playwright's: time moves when the test says, so the
    30 s are exact and the test does not wait for them.
    """
    page.clock.install()
    page.goto(hanging_site)
    launcher(page).click()
    expect(page.locator(".kc-typing.kc-active")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("typing")

    page.clock.run_for(29_500)
    expect(page.locator(".kc-typing.kc-active")).to_be_visible()
    expect(page.locator(".kc-msg--notice")).to_have_count(0)

    page.clock.run_for(1_000)
    expect(page.locator(".kc-msg--notice")).to_contain_text("unavailable")
    expect(page.locator(".kc-typing.kc-active")).to_have_count(0)


def test_bot_text_is_never_parsed_as_html(page: Page, down_site: str) -> None:
    hostile = '<img src=x onerror="window.__owned=1">Call 904.265.7755 <b>now</b>'

    def answer(route: Any) -> None:
        headers = cors_headers(route)
        if headers is None:
            return
        body = [
            {
                "recipient_id": "x",
                "text": hostile,
                "buttons": [{"title": "<i>Yes</i>", "payload": "/affirm"}],
            }
        ]
        route.fulfill(status=200, headers=headers, json=body)

    page.route("**/webhooks/rest/webhook", answer)
    open_widget_without_greeting_check(page, down_site)

    message = bot_messages(page).first
    expect(message).to_contain_text('<img src=x onerror="window.__owned=1">')
    expect(message.locator("img, b")).to_have_count(0)
    expect(message.get_by_role("button", name="<i>Yes</i>")).to_be_visible()
    expect(message.get_by_role("link", name=PHONE)).to_have_attribute(
        "href", PHONE_HREF
    )
    assert page.evaluate("window.__owned") is None


def test_rate_limited_visitor_sees_the_assistants_own_polite_reply(
    page: Page, down_site: str
) -> None:
    def too_many(route: Any) -> None:
        headers = cors_headers(route)
        if headers is None:
            return
        headers["Retry-After"] = "30"
        body = [{"recipient_id": "x", "text": RATE_LIMITED_TEXT}]
        route.fulfill(status=429, headers=headers, json=body)

    page.route("**/webhooks/rest/webhook", too_many)
    open_widget_without_greeting_check(page, down_site)

    message = bot_messages(page).first
    expect(message).to_contain_text("faster than I can answer")
    expect(message.get_by_role("link", name=PHONE)).to_have_attribute(
        "href", PHONE_HREF
    )
    expect(page.locator(".kc-msg--notice")).to_have_count(0)


def open_widget_without_greeting_check(page: Page, url: str) -> None:
    page.goto(url)
    launcher(page).click()
    expect(bot_messages(page)).to_have_count(1)


# ---------------------------------------------------------- accessibility


def test_no_serious_accessibility_violations_mid_conversation(
    page: Page, live_site: str
) -> None:
    page.goto(live_site)
    assert serious_axe_violations(page) == []  # the page, widget closed

    open_widget(page, live_site)
    quick_reply(page, "Book an appointment")
    expect(
        bot_messages(page).last.get_by_role("button", name="No, thanks")
    ).to_be_visible()

    assert serious_axe_violations(page) == []


def test_keyboard_only_use(page: Page, live_site: str) -> None:
    page.goto(live_site)
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('kc-launcher')"):
            break
    else:
        pytest.fail("Tab never reached the chat launcher")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline

    page.keyboard.press("Enter")
    expect(chat_input(page)).to_be_focused()
    expect(log(page)).to_contain_text(GREETING)
    page.keyboard.type("how long does kyphoplasty take")
    page.keyboard.press("Enter")
    expect(bot_messages(page).last).to_contain_text("one hour per damaged vertebra")
    expect(chat_input(page)).to_have_value("")

    # Back past the quick replies to the thumbs under the answer; Space rates.
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == (
            "Helpful"
        ):
            break
    else:
        pytest.fail("Shift+Tab never reached the thumbs under the answer")
    page.keyboard.press("Space")
    expect(bot_messages(page).nth(1)).to_contain_text("Feedback recorded. Thank you!")

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher(page)).to_be_focused()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")


# ------------------------------------------------- small screens, screenshots


def test_desktop_screenshot(page: Page, live_site: str, screenshots: Path) -> None:
    open_widget(page, live_site)
    ask(page, "what is recovery like")
    quick_reply(page, "Book an appointment")
    expect(
        bot_messages(page).last.get_by_role("button", name="No, thanks")
    ).to_be_visible()
    page.locator("body").click(position={"x": 5, "y": 5})  # no focus ring in the shot
    page.screenshot(path=str(screenshots / "widget.png"))
    assert_fits_width(page, DESKTOP["width"])


@pytest.mark.parametrize(
    ("name", "viewport", "scale"),
    [
        ("widget-320.png", {"width": 320, "height": 640}, 1),
        # 1280x800 at 200% zoom: half the CSS pixels, twice the device pixels.
        ("widget-zoom200.png", {"width": 640, "height": 400}, 2),
    ],
)
def test_small_screens_show_input_and_send_without_sideways_scrolling(
    browser: Browser,
    live_site: str,
    screenshots: Path,
    name: str,
    viewport: Dict[str, int],
    scale: int,
) -> None:
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    try:
        page = context.new_page()
        page.goto(live_site)
        launcher(page).click()
        expect(log(page)).to_contain_text(GREETING)
        assert_fits_width(page, viewport["width"])
        page.screenshot(path=str(screenshots / name.replace(".png", "-start.png")))
        ask(page, "how long does kyphoplasty take")

        assert_fits_width(page, viewport["width"])
        expect(page.get_by_role("button", name="Close chat")).to_be_in_viewport()
        page.screenshot(path=str(screenshots / name))
        page.keyboard.press("Escape")
        expect(launcher(page)).to_be_visible()
        expect(launcher(page)).to_be_focused()
    finally:
        context.close()
