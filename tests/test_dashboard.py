"""The staff dashboard over HTTP: sign-in, pages, escaping, and its security.

Runs the real Flask app (Flask's test client) on a database filled through the
repository; the browser tests in tests/browser/ drive the same pages in Chromium.
"""

import re
import shutil
from datetime import timedelta

import pytest
from flask import Flask

from clinic_log import accounts
from clinic_log.database import make_engine, make_session_factory, session_scope
from staff.dashboard import DashboardSettings, security
from tests.support.dashboard_support import (
    PASSWORD,
    add_user,
    csrf_token,
    make_app,
    sign_in,
)
from tests.support.log_records import exchange
from tests.support.staff_log import XSS, clinic_day, fill


@pytest.fixture(scope="module")
def filled_database(tmp_path_factory):
    """A migrated, filled SQLite file with one account, built once per module."""
    path = tmp_path_factory.mktemp("dashboard") / "template.db"
    url = f"sqlite:///{path}"
    add_user(url)
    clinic_day(url)
    return path


@pytest.fixture
def log_url(filled_database, tmp_path):
    """A fresh copy of the filled database: hashing and migrating once is enough."""
    copy = tmp_path / "clinic.db"
    shutil.copyfile(filled_database, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def app(log_url) -> Flask:
    return make_app(log_url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def staff(client):
    assert sign_in(client).status_code == 302
    return client


def concrete_urls(app):
    """Every route of the app with sample values in its placeholders."""
    samples = {"sender": "visitor-2", "key": "abcdef123456", "request_id": "1"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.login"):
            continue
        path = re.sub(
            r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: samples[m.group(1)], rule.rule
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path


def test_every_page_needs_sign_in(app, client):
    urls = list(concrete_urls(app))
    assert len(urls) >= 10
    for method, path in urls:
        response = client.open(path, method=method)
        assert response.status_code in (302, 401), (method, path)
        if response.status_code == 302:
            assert response.location.startswith("/login"), (method, path)
        body = response.get_data(as_text=True)
        assert "cost" not in body and "Ann Example" not in body


def test_sign_in_then_pages_show_data(staff):
    conversations = staff.get("/conversations").get_data(as_text=True)
    assert "visitor-2" in conversations
    assert "Ann Example" in staff.get("/appointments").get_data(as_text=True)
    # The log is dated 2026-11-23 (tests/support/log_records.py): the period says so.
    stats = staff.get("/stats?days=7&until=2026-11-25").get_data(as_text=True)
    assert "<svg" in stats
    # Topics by the names staff use, never the training data's keys.
    assert "Cost (not on the page)" in stats and "not_covered/cost" not in stats
    assert "23 Nov" in stats
    assert staff.get("/stats?days=8").status_code == 400
    assert staff.get("/stats?days=7&until=soon").status_code == 400


def test_stats_of_a_period_without_data_show_none(staff):
    stats = staff.get("/stats?days=7&until=2026-11-10").get_data(as_text=True)
    assert "Cost (not on the page)" not in stats
    assert "No answers in this period." in stats


def test_wrong_password_is_refused_and_audited(client, staff):
    response = sign_in(client.application.test_client(), password="wrong password!")
    assert response.status_code == 401
    audit = staff.get("/audit").get_data(as_text=True)
    assert "sign-in failed" in audit
    assert "127.0.0.1" in audit


def test_transcript_escapes_visitor_text_and_is_audited(staff):
    page = staff.get("/conversations/visitor-2").get_data(as_text=True)

    assert XSS not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "nlu_fallback" in page and "0.30" in page
    assert "view transcript" in staff.get("/audit").get_data(as_text=True)
    assert staff.get("/conversations/nobody").status_code == 404


def test_post_without_csrf_token_is_refused(staff):
    response = staff.post("/appointments/1/status", data={"status": "called"})

    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    page = staff.get("/appointments").get_data(as_text=True)
    assert '<td class="status">new</td>' in page


def test_sign_in_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "kim", "password": "x" * 20})
    assert response.status_code == 400


def test_mark_appointment_called_with_csrf_token(staff):
    token = csrf_token(staff, "/appointments")

    response = staff.post(
        "/appointments/1/status", data={"status": "called", "csrf_token": token}
    )

    assert response.status_code == 302
    page = staff.get("/appointments").get_data(as_text=True)
    assert '<td class="status">called</td>' in page
    audit = staff.get("/audit").get_data(as_text=True)
    assert "appointment status" in audit and "view callbacks" in audit
    bad = staff.post(
        "/appointments/1/status", data={"status": "lost", "csrf_token": token}
    )
    assert bad.status_code == 400


def test_inbox_review_and_nlu_export(staff):
    page = staff.get("/inbox").get_data(as_text=True)
    keys = re.findall(r'name="key" value="([0-9a-f]{12})"', page)
    assert len(keys) == 2
    assert "&lt;script&gt;" in page and XSS not in page

    nlu = staff.get(f"/inbox/nlu?intent=faq&key={keys[0]}").get_data(as_text=True)
    assert "- intent: faq" in nlu and "examples: |" in nlu

    token = csrf_token(staff, "/inbox")
    response = staff.post(f"/inbox/{keys[0]}/review", data={"csrf_token": token})
    assert response.status_code == 302
    checkbox = f'value="{keys[0]}"'
    assert checkbox not in staff.get("/inbox").get_data(as_text=True)
    assert checkbox in staff.get("/inbox?all=1").get_data(as_text=True)


def test_export_csv_neutralises_formulas(log_url, staff):
    fill(log_url, exchanges=[exchange(sender_id="v9", text="=cmd|' /C calc'!A0")])

    response = staff.get("/export.csv")

    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "'=cmd|' /C calc'!A0" in response.get_data(as_text=True)


def test_security_headers_on_every_page(client, staff):
    for response in (client.get("/login"), staff.get("/conversations")):
        for name, value in security.HEADERS.items():
            assert response.headers[name] == value
        assert response.headers["Cache-Control"] == "no-store"
    policy = security.CONTENT_SECURITY_POLICY
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_session_cookie_flags(client):
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Secure" not in cookie


def test_secure_cookies_when_configured(log_url):
    client = make_app(log_url, secure_cookies=True).test_client()
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-staff=")
    assert "; Secure" in cookie and "HttpOnly" in cookie


def test_sign_in_throttled_per_username(log_url):
    client = make_app(log_url, max_failures_per_user=3).test_client()
    for _ in range(3):
        assert sign_in(client, password="wrong password!").status_code == 401

    # Even the right password is refused until the window has passed.
    refused = sign_in(client)
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.get_data(as_text=True)
    # Another account is not locked by failures against this one.
    add_user(log_url, "lee")
    assert sign_in(client, username="lee").status_code == 302


def test_sign_in_throttled_per_address(log_url):
    client = make_app(log_url, max_failures_per_address=3).test_client()
    for name in ("a1", "a2", "a3"):
        sign_in(client, username=name, password="wrong password!", address="10.0.0.9")

    assert sign_in(client, address="10.0.0.9").status_code == 429
    assert sign_in(client, address="10.0.0.10").status_code == 302


def test_session_expires_when_idle(log_url):
    app = make_app(log_url, session_minutes=1)
    assert app.permanent_session_lifetime == timedelta(minutes=1)
    client = app.test_client()
    sign_in(client)
    cookie = client.get_cookie("staff_session")
    assert cookie is not None and cookie.expires is not None

    # A session older than its lifetime is refused server-side too.
    app.permanent_session_lifetime = timedelta(seconds=-1)
    response = client.get("/conversations")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_removed_account_loses_its_session(log_url, staff):
    engine = make_engine(log_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            accounts.remove(session, "kim")
    finally:
        engine.dispose()

    assert staff.get("/conversations").status_code == 302


def test_next_page_only_on_this_site(client):
    assert sign_in(client, next_page="/inbox").location == "/inbox"
    other = client.application.test_client()
    assert sign_in(other, next_page="//evil.example/").location == "/conversations"


def test_sign_out_ends_the_session(staff):
    token = csrf_token(staff, "/conversations")
    assert staff.post("/logout", data={"csrf_token": token}).status_code == 302
    assert staff.get("/conversations").status_code == 302


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_dashboard_on_postgresql(migrated_url):
    add_user(migrated_url)
    clinic_day(migrated_url)
    client = make_app(migrated_url).test_client()
    sign_in(client)
    assert "visitor-3" in client.get("/conversations").get_data(as_text=True)
    assert "&lt;script&gt;" in client.get("/inbox").get_data(as_text=True)


def test_changed_password_ends_old_sessions(log_url, staff):
    add_user(log_url, "kim", "a brand new password")

    assert staff.get("/conversations").status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_throttled(log_url):
    client = make_app(log_url, proxies=1, max_failures_per_address=2).test_client()

    def attempt(forwarded_for, password="wrong password!"):
        token = csrf_token(client)
        return client.post(
            "/login",
            data={"username": "kim", "password": password, "csrf_token": token},
            headers={"X-Forwarded-For": forwarded_for},
        )

    assert attempt("203.0.113.7").status_code == 401
    assert attempt("203.0.113.7", "another wrong one").status_code == 401
    assert attempt("203.0.113.7", PASSWORD).status_code == 429
    assert attempt("198.51.100.1", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("has_emergency=1", ["visitor-2"], ["visitor-1", "visitor-3"]),
        ("has_appointment=1", ["visitor-3"], ["visitor-1", "visitor-2"]),
        ("search=numb", ["visitor-2"], ["visitor-1", "visitor-3"]),
        ("intent=faq", ["visitor-1"], ["visitor-2", "visitor-3"]),
    ],
)
def test_conversation_filters(staff, query, shown, hidden):
    page = staff.get(f"/conversations?{query}").get_data(as_text=True)
    assert all(f">{sender}<" in page for sender in shown)
    assert not any(f">{sender}<" in page for sender in hidden)


def test_bad_filter_date_is_a_clear_400(staff):
    response = staff.get("/conversations?since=last+week")
    assert response.status_code == 400
    assert "2026-11-23" in response.get_data(as_text=True)


def test_cut_messages_are_marked(log_url, staff):
    fill(
        log_url,
        exchanges=[
            exchange(
                sender_id="v8", text="x" * 50, text_truncated=True, is_fallback=True
            )
        ],
    )

    assert "(cut)" in staff.get("/conversations/v8").get_data(as_text=True)
    assert "(cut)" in staff.get("/inbox").get_data(as_text=True)


def test_times_are_shown_on_the_clinics_clock(log_url):
    """The log keeps UTC; staff read Eastern time (09:21 UTC is 04:21 EST)."""
    client = make_app(log_url, time_zone="America/New_York").test_client()
    sign_in(client)

    callbacks = client.get("/appointments").get_data(as_text=True)

    # The header names the zone as the clock shows it today (EST or EDT).
    assert re.search(r"<th>Requested \(E[SD]T\)</th>", callbacks)
    assert "2026-11-23 04:21" in callbacks and "2026-11-23 09:21" not in callbacks
    transcript = client.get("/conversations/visitor-2").get_data(as_text=True)
    assert "2026-11-23 04:10:00" in transcript
    with pytest.raises(ValueError, match="not a time zone name"):
        DashboardSettings(secret_key="k", time_zone="Florida/Jacksonville")
