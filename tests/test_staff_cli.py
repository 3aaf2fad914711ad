"""The staff command line on a log filled through the repository."""

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from clinic_log.database import make_engine
from staff.cli import main
from tests.support.log_records import appointment, at, exchange
from tests.support.staff_log import XSS, clinic_day, fill

ROOT = Path(__file__).resolve().parent.parent
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def log_url(migrated_url, monkeypatch):
    """A migrated database named by DATABASE_URL, as staff would run it."""
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    return migrated_url


def run(*arguments):
    # Wide enough that table cells are not wrapped mid-word.
    result = CliRunner().invoke(main, list(arguments), env={"COLUMNS": "250"})
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def test_export_jsonl(log_url):
    fill(
        log_url,
        exchanges=[
            exchange(message_id="m2", time=at(2), text="second", confidence=None),
            exchange(message_id="m1", time=at(1), text="first <b>😣</b>"),
        ],
    )

    result = run("export", "--format", "jsonl")

    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["text"] for row in rows] == ["first <b>😣</b>", "second"]
    first = rows[0]
    assert first["sender_id"] == "visitor-1"
    assert first["time"] == at(1).isoformat()
    assert first["intent"] == "faq"
    assert first["confidence"] == pytest.approx(0.93)
    assert first["reply"] == exchange().reply
    assert rows[1]["confidence"] is None


def test_appointments_jsonl(log_url):
    fill(log_url, appointments=[appointment()])

    result = run("appointments", "--format", "jsonl")

    assert result.exit_code == 0, result.stderr
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert isinstance(row.pop("id"), int)
    assert row == {
        "sender_id": "visitor-1",
        "name": "Ann Example",
        "phone": "904 555 0100",
        "best_time": "weekday mornings",
        "reason": "my mother's back pain",
        "status": "new",
        "created": at(0).isoformat(),
    }


def test_csv_neutralises_formulas(log_url):
    fill(
        log_url,
        exchanges=[exchange(text=FORMULA, reply="-1 is not an answer")],
        appointments=[appointment(name="@admin", phone="+19042657755")],
    )

    exported = run("export", "--format", "csv")
    requests = run("appointments", "--format", "csv")

    assert exported.exit_code == requests.exit_code == 0
    (row,) = csv.DictReader(io.StringIO(exported.stdout))
    assert row["text"] == "'" + FORMULA
    assert row["reply"] == "'-1 is not an answer"
    assert row["is_fallback"] == "false"
    (request,) = csv.DictReader(io.StringIO(requests.stdout))
    assert (request["name"], request["phone"]) == ("'@admin", "'+19042657755")
    assert request["status"] == "new"


def test_table_is_the_default_and_shows_text_literally(log_url):
    fill(
        log_url,
        exchanges=[exchange(text="[bold red]hi[/] \x1b[31mred", is_emergency=True)],
    )

    result = run("export")

    assert result.exit_code == 0, result.stderr
    assert "Conversation log" in result.stdout
    assert "[bold red]hi[/]" in result.stdout
    assert "\x1b" not in result.stdout
    assert "\\x1b[31mred" in result.stdout
    assert "emergency" in result.stdout


def test_empty_log(log_url):
    assert run("export", "--format", "jsonl").stdout == ""
    assert run("appointments", "--format", "jsonl").stdout == ""
    assert (
        run("export", "--format", "csv")
        .stdout.splitlines()[0]
        .startswith("sender_id,time,text")
    )
    table = run("appointments", "--format", "table")
    assert table.exit_code == 0
    assert "Callback requests" in table.stdout
    assert "phone" in table.stdout


def test_migrates_a_new_database_first(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)

    result = run("appointments", "--format", "jsonl")

    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-folder/clinic.db",
        "postgresql://staff:hunter2@127.0.0.1:1/clinic",
        "not a url",
    ],
)
def test_unusable_database_is_one_line_and_exit_1(url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", url)

    result = run("export", "--format", "jsonl")

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr


def test_python_dash_m_staff(log_url):
    fill(log_url, exchanges=[exchange()])
    environment = {**os.environ, "DATABASE_URL": log_url, "PYTHONPATH": str(ROOT)}

    result = subprocess.run(
        [sys.executable, "-m", "staff", "export", "--format", "jsonl"],
        env=environment,
        cwd="/",
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"] == exchange().text


def jsonl(result):
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def audit_rows():
    return jsonl(run("audit", "--format", "jsonl"))


def test_conversations_newest_first_with_counts(log_url):
    clinic_day(log_url)

    rows = jsonl(run("conversations", "--format", "jsonl"))

    assert [row["sender_id"] for row in rows] == ["visitor-3", "visitor-2", "visitor-1"]
    second = rows[1]
    assert (second["messages"], second["fallbacks"], second["emergencies"]) == (4, 1, 1)
    assert rows[0]["appointments"] == 1


@pytest.mark.parametrize(
    ("arguments", "senders"),
    [
        (["--has-fallback"], ["visitor-2"]),
        (["--has-emergency"], ["visitor-2"]),
        (["--has-appointment"], ["visitor-3"]),
        (["--intent", "faq"], ["visitor-1"]),
        (["--search", "COST"], ["visitor-2"]),
        (["--search", "100%"], []),
        (["--since", "2026-11-24"], []),
        (
            ["--until", "2026-11-23", "--since", "2026-11-23"],
            ["visitor-3", "visitor-2", "visitor-1"],
        ),
    ],
)
def test_conversation_filters(log_url, arguments, senders):
    clinic_day(log_url)

    rows = jsonl(run("conversations", "--format", "jsonl", *arguments))

    assert [row["sender_id"] for row in rows] == senders


def test_bad_date_is_a_usage_error(log_url):
    result = run("conversations", "--since", "yesterday")
    assert result.exit_code == 2
    assert "2026-11-23" in result.stderr


def test_show_prints_turns_with_intent_and_confidence_and_is_audited(log_url):
    clinic_day(log_url)

    rows = jsonl(run("show", "visitor-2", "--format", "jsonl"))
    table = run("show", "visitor-2")

    assert [row["text"] for row in rows][:2] == ["How much does it cost?", XSS]
    assert rows[1]["intent"] == "nlu_fallback"
    assert rows[1]["confidence"] == pytest.approx(0.3)
    assert XSS in table.stdout
    assert "0.30" in table.stdout
    assert "fallback" in table.stdout
    viewed = [row for row in audit_rows() if row["action"] == "view transcript"]
    assert len(viewed) == 2
    assert viewed[0]["target"] == "visitor-2"
    assert viewed[0]["actor"].startswith("cli:")


def test_show_marks_cut_texts(log_url):
    fill(log_url, exchanges=[exchange(text="a very long", text_truncated=True)])

    (row,) = jsonl(run("show", "visitor-1", "--format", "jsonl"))

    assert row["text_truncated"] is True
    assert "cut" in run("show", "visitor-1").stdout


def test_show_unknown_sender(log_url):
    result = run("show", "nobody")
    assert result.exit_code == 1
    assert "no conversation" in result.stderr


def test_inbox_groups_near_identical_questions(log_url):
    clinic_day(log_url)

    rows = jsonl(run("inbox", "--format", "jsonl"))

    # The two cost questions are one item; the emergency is not in the inbox.
    assert [(row["count"], row["text"]) for row in rows] == [
        (2, "how much does it COST"),
        (1, XSS),
    ]
    assert rows[0]["intents"] == "not_covered"
    assert not any(row["reviewed"] for row in rows)


def test_inbox_low_confidence_counts_as_unanswered(log_url):
    fill(log_url, exchanges=[exchange(confidence=0.54), exchange(message_id="m2")])

    (row,) = jsonl(run("inbox", "--format", "jsonl"))

    assert row["count"] == 1


def test_inbox_review_hides_the_item_and_is_audited(log_url):
    clinic_day(log_url)
    key = jsonl(run("inbox", "--format", "jsonl"))[0]["key"]

    marked = run("inbox", "--review", key[:8])

    assert marked.exit_code == 0, marked.stderr
    assert f"marked {key} reviewed" in marked.stdout
    assert [row["count"] for row in jsonl(run("inbox", "--format", "jsonl"))] == [1]
    everything = jsonl(run("inbox", "--all", "--format", "jsonl"))
    assert [row["reviewed"] for row in everything] == [True, False]
    assert any(row["action"] == "inbox reviewed" for row in audit_rows())


@pytest.mark.parametrize("key", ["abc", "ffffffffffff"])
def test_inbox_review_of_unknown_key(log_url, key):
    clinic_day(log_url)
    result = run("inbox", "--review", key)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")


def test_inbox_nlu_block_parses_as_rasa_training_data(log_url):
    tricky = 'what\'s "kyphoplasty": a #1 fix?'
    fill(log_url, exchanges=[exchange(text=tricky, is_fallback=True)])

    result = run("inbox", "--nlu", "faq")

    assert result.exit_code == 0, result.stderr
    (block,) = yaml.safe_load(result.stdout)
    assert block["intent"] == "faq"
    assert block["examples"].splitlines() == ["- " + tricky]


def test_appointments_mark_changes_status_and_is_audited(log_url):
    clinic_day(log_url)
    (request,) = jsonl(run("appointments", "--format", "jsonl"))

    marked = run("appointments", "mark", str(request["id"]), "called")

    assert marked.exit_code == 0, marked.stderr
    (after,) = jsonl(run("appointments", "--format", "jsonl"))
    assert after["status"] == "called"
    assert jsonl(run("appointments", "--status", "new", "--format", "jsonl")) == []
    (event,) = [row for row in audit_rows() if row["action"] == "appointment status"]
    assert (event["target"], event["detail"]) == (str(request["id"]), "called")
    viewed = [
        row["target"] for row in audit_rows() if row["action"] == "view callbacks"
    ]
    assert viewed == ["new", "all", "all"]


def test_appointments_mark_refuses_unknown_ids_and_statuses(log_url):
    assert run("appointments", "mark", "999", "called").exit_code == 1
    assert run("appointments", "mark", "1", "lost").exit_code == 2


def test_stats_counts_rates_and_topics(log_url):
    clinic_day(log_url)

    result = run("stats", "--days", "2", "--until", "2026-11-23", "--format", "jsonl")

    (report,) = jsonl(result)
    assert (report["conversations"], report["messages"]) == (3, 7)
    # Unanswered: two not-covered questions and one fallback.
    assert report["answer_rate"] == pytest.approx(4 / 7)
    assert report["fallback_rate"] == pytest.approx(1 / 7)
    assert (report["appointments"], report["emergencies"]) == (1, 1)
    assert report["top_topics"][0] == ["not_covered/cost", 2]
    assert [day["day"] for day in report["days"]] == ["2026-11-22", "2026-11-23"]
    assert report["days"][1]["messages"] == 7
    table = run("stats", "--days", "2", "--until", "2026-11-23")
    assert "answer rate 57%" in table.stdout
    days = run("stats", "--days", "2", "--until", "2026-11-23", "--format", "csv")
    assert days.stdout.splitlines()[0].startswith("day,conversations,messages")
    assert days.stdout.splitlines()[2].startswith("2026-11-23,3,7,4,1,1,1")


def test_stats_days_are_utc_days_whatever_the_time_zone_given(log_url):
    eastern = timezone(timedelta(hours=-5))
    fill(
        log_url,
        exchanges=[
            exchange(
                message_id="late",
                time=datetime(2026, 11, 23, 23, 59, tzinfo=timezone.utc),
            ),
            # 20:30 in New York is 01:30 UTC the next day.
            exchange(
                message_id="evening",
                time=datetime(2026, 11, 23, 20, 30, tzinfo=eastern),
            ),
        ],
        appointments=[
            appointment(created_at=datetime(2026, 11, 24, 0, 1, tzinfo=timezone.utc))
        ],
    )

    (report,) = jsonl(
        run("stats", "--days", "2", "--until", "2026-11-24", "--format", "jsonl")
    )

    assert [
        (day["day"], day["messages"], day["appointments"]) for day in report["days"]
    ] == [
        ("2026-11-23", 1, 0),
        ("2026-11-24", 1, 1),
    ]
    assert report["top_topics"] == [["faq/duration", 2]]


def test_purge_removes_old_conversations_keeps_open_callbacks(log_url):
    now = datetime.now(timezone.utc)
    old, recent = now - timedelta(days=100), now - timedelta(days=5)
    fill(
        log_url,
        exchanges=[
            exchange(sender_id="old", time=old),
            exchange(sender_id="old", message_id="m2", time=old),
            exchange(sender_id="old-open", time=old),
            exchange(sender_id="old-closed", time=old),
            exchange(sender_id="recent", time=recent),
        ],
        appointments=[
            appointment(sender_id="old-open", created_at=old),
            appointment(sender_id="old-closed", created_at=old),
        ],
    )
    requests = jsonl(run("appointments", "--format", "jsonl"))
    run("appointments", "mark", str(requests[1]["id"]), "closed")
    rasa_events(
        log_url,
        [
            ("old", old),
            ("old-open", old),
            ("recent", recent),
            ("never-logged", old),
            ("never-logged-recent", recent),
        ],
    )

    result = run("purge", "--older-than", "90")

    assert result.exit_code == 0, result.stderr
    assert "Removed 2 conversations older than 90 days (3 messages, 1 closed" in (
        result.stdout
    )
    assert "2 Rasa events" in result.stdout
    assert "kept 1 with an open callback request" in result.stdout
    senders = {
        row["sender_id"] for row in jsonl(run("conversations", "--format", "jsonl"))
    }
    assert senders == {"old-open", "recent"}
    assert remaining_event_senders(log_url) == {
        "old-open",
        "recent",
        "never-logged-recent",
    }
    assert any(row["action"] == "purge" for row in audit_rows())


def test_purge_default_comes_from_retention_days(log_url, monkeypatch):
    fill(
        log_url,
        exchanges=[exchange(time=datetime.now(timezone.utc) - timedelta(days=8))],
    )
    monkeypatch.setenv("RETENTION_DAYS", "7")

    assert "Removed 1 conversations older than 7 days" in run("purge").stdout


def test_purge_with_bad_retention_days(log_url, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "0")
    result = run("purge")
    assert result.exit_code == 1
    assert "RETENTION_DAYS" in result.stderr


def rasa_events(url, senders_and_times):
    """Rasa's own `events` table, made by Rasa's tracker store, with one event each."""
    from rasa.core.tracker_store import SQLTrackerStore

    store = SQLTrackerStore(
        dialect=make_url(url).drivername,
        host=make_url(url).host,
        port=make_url(url).port,
        db=make_url(url).database,
        username=make_url(url).username,
        password=make_url(url).password,
    )
    try:
        with store.engine.begin() as connection:
            for sender, time in senders_and_times:
                connection.execute(
                    store.SQLEvent.__table__.insert().values(
                        sender_id=sender,
                        type_name="user",
                        timestamp=time.timestamp(),
                        data="{}",
                    )
                )
    finally:
        store.engine.dispose()


def remaining_event_senders(url):
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(
                connection.execute(text("SELECT sender_id FROM events")).scalars()
            )
    finally:
        engine.dispose()


def test_add_user_stores_only_an_argon2_hash(log_url):
    result = CliRunner().invoke(
        main, ["add-user", "nurse.kim"], input="a long secret pass\n"
    )

    assert result.exit_code == 0, result.stderr
    assert "created nurse.kim" in result.stdout
    engine = make_engine(log_url)
    try:
        with engine.connect() as connection:
            (stored,) = connection.execute(
                text("SELECT password_hash FROM staff_users")
            ).scalars()
    finally:
        engine.dispose()
    assert stored.startswith("$argon2id$")
    assert "a long secret pass" not in stored
    assert run("users").stdout.splitlines() == ["nurse.kim"]
    assert [row["action"] for row in audit_rows()][-1] == "user added"


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("kim", "short\n", "at least 12"),
        ("two words", "long enough pass\n", "username"),
    ],
)
def test_add_user_refuses_weak_passwords_and_odd_names(
    log_url, name, password, message
):
    result = CliRunner().invoke(main, ["add-user", name], input=password)
    assert result.exit_code == 1
    assert message in result.stderr
    assert run("users").stdout == ""


def test_remove_user(log_url):
    CliRunner().invoke(main, ["add-user", "kim"], input="a long secret pass\n")

    assert run("remove-user", "kim").exit_code == 0
    assert run("users").stdout == ""
    again = run("remove-user", "kim")
    assert again.exit_code == 1
    assert "no account" in again.stderr
    actions = [row["action"] for row in audit_rows()]
    assert actions[:2] == ["user removed", "user removed"]
