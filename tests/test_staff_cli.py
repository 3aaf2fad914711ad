"""The staff command line on a log filled through the repository."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clinic_log import repository
from clinic_log.database import make_engine, make_session_factory, session_scope
from staff.cli import main
from tests.log_records import appointment, at, exchange

ROOT = Path(__file__).resolve().parent.parent
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def log_url(migrated_url, monkeypatch):
    """A migrated database named by DATABASE_URL, as staff would run it."""
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    return migrated_url


def fill(url, exchanges=(), appointments=()):
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            for record in exchanges:
                repository.save_exchange(session, record)
            for record in appointments:
                repository.save_appointment(session, record)
    finally:
        engine.dispose()


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
