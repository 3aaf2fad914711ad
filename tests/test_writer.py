"""The background writer: off the caller's path, never raising, losing nothing."""

import asyncio
import logging
import shutil
import stat
import threading
import time

import pytest
from sqlalchemy import text

from clinic_log import journal, repository, writer
from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.migrations import upgrade
from clinic_log.writer import LogWriter
from tests.support.log_records import appointment, exchange, feedback

SECRET_TEXT = "my SSN is 078-05-1120 and my back hurts"


@pytest.fixture
def log_writer(session_factory, tmp_path):
    created = LogWriter(session_factory, journal_dir=tmp_path / "j", backoff_s=0.01)
    yield created
    created.close()


def exported(session_factory):
    with session_scope(session_factory) as session:
        return repository.exchanges(session), repository.appointments(session)


@pytest.mark.asyncio
async def test_a_submission_from_the_loop_frees_it_until_the_record_is_on_disk(
    log_writer, session_factory, monkeypatch
):
    disk_free, synced = threading.Event(), threading.Event()
    real_fsync = journal.os.fsync

    def busy_disk(descriptor: int) -> None:
        disk_free.wait(30)
        real_fsync(descriptor)
        synced.set()

    monkeypatch.setattr(journal.os, "fsync", busy_disk)
    submission = asyncio.create_task(log_writer.submit_from_loop(exchange()))

    # The loop serves other work while the disk is busy (a blocking submit
    # would hold it until the disk is free).
    assert await asyncio.sleep(0.05, result="served") == "served"
    assert not submission.done()
    disk_free.set()
    assert await submission is True
    assert synced.is_set()
    assert log_writer.flush(timeout=10)
    assert [row["text"] for row in exported(session_factory)[0]] == [exchange().text]


def test_records_of_each_kind_are_written(log_writer, session_factory):
    assert log_writer.submit(exchange())
    assert log_writer.submit(appointment())
    assert log_writer.submit(feedback())

    assert log_writer.flush(timeout=10)
    exchanges, appointments = exported(session_factory)
    assert [row["text"] for row in exchanges] == [exchange().text]
    assert [row["name"] for row in appointments] == [appointment().name]
    with session_scope(session_factory) as session:
        assert session.execute(text("SELECT rating FROM feedback")).scalar() == "up"
    assert log_writer.dropped == 0
    assert log_writer.pending == 0


def test_resubmitted_records_are_written_once(log_writer, session_factory):
    for _ in range(3):
        log_writer.submit(exchange())
        log_writer.submit(appointment())

    assert log_writer.flush(timeout=10)
    exchanges, appointments = exported(session_factory)
    assert (len(exchanges), len(appointments)) == (1, 1)


def test_flush_covers_everything_submitted_before_it(log_writer, session_factory):
    for number in range(50):
        log_writer.submit(exchange(message_id=f"m{number}"))

    assert log_writer.flush(timeout=20)
    assert len(exported(session_factory)[0]) == 50


def test_the_journal_is_owner_only_and_emptied_once_written(
    log_writer, session_factory, tmp_path
):
    log_writer.submit(exchange(text=SECRET_TEXT))
    assert log_writer.flush(timeout=10)

    (journal,) = (tmp_path / "j").glob("*.jsonl")
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "j").stat().st_mode) == 0o700
    # Emptied after the write that followed the last append.
    log_writer.submit(exchange(message_id="m2"))
    assert log_writer.flush(timeout=10)
    for _ in range(100):
        if journal.stat().st_size == 0:
            break
        time.sleep(0.05)
    assert journal.stat().st_size == 0


def test_an_outage_keeps_records_until_the_database_is_back(tmp_path, caplog):
    folder = tmp_path / "db"
    folder.mkdir()
    url = f"sqlite:///{folder / 'clinic.db'}"
    upgrade(url)
    engine = make_engine(url)
    shutil.rmtree(folder)  # the database disappears
    outage = LogWriter(
        make_session_factory(engine),
        journal_dir=tmp_path / "j",
        setup=lambda: upgrade(url),
        backoff_s=0.01,
        max_backoff_s=0.05,
    )
    try:
        with caplog.at_level(logging.DEBUG, logger="clinic_log"):
            assert outage.submit(exchange(text=SECRET_TEXT)) is True
            assert outage.submit(appointment()) is True
            assert outage.flush(timeout=0.5) is False
            assert outage.pending == 2

            folder.mkdir()  # the database comes back (empty: migrated again)
            assert outage.flush(timeout=20)
    finally:
        outage.close()
    exchanges, appointments = exported(make_session_factory(engine))
    engine.dispose()

    assert [row["text"] for row in exchanges] == [SECRET_TEXT]
    assert len(appointments) == 1
    assert outage.dropped == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert warnings[0].startswith(
        "could not write ExchangeRecord(sender='visitor-1', message='m1')"
    )
    assert "log database is back; writing journaled records" in warnings
    assert len(warnings) == 2  # one warning per outage, not one per retry
    assert all("078-05-1120" not in message for message in warnings)


def test_records_journaled_before_a_stop_are_replayed_by_the_next_writer(
    session_factory, tmp_path
):
    gated = GatedFactory(session_factory)
    first = LogWriter(gated, journal_dir=tmp_path / "j", backoff_s=0.01)
    for number in range(3):
        first.submit(exchange(message_id=f"m{number}"))
    first.submit(appointment())
    assert gated.entered.wait(timeout=10)
    first.close(timeout=0.2)  # stops with the database "unreachable"
    gated.gate.set()
    assert len(list((tmp_path / "j").glob("*.jsonl"))) == 1

    second = LogWriter(session_factory, journal_dir=tmp_path / "j", backoff_s=0.01)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(exported(session_factory)[0]) < 3:
            time.sleep(0.05)
    finally:
        second.close()

    exchanges, appointments = exported(session_factory)
    assert sorted(row["text"] for row in exchanges) == [exchange().text] * 3
    assert len(appointments) == 1
    assert list((tmp_path / "j").glob("*.jsonl")) == []


def test_a_refused_record_is_dropped_and_the_next_is_written(
    log_writer, session_factory, caplog
):
    with caplog.at_level(logging.DEBUG, logger="clinic_log"):
        assert log_writer.submit(exchange(text=None, reply=SECRET_TEXT))
        log_writer.submit(appointment())
        assert log_writer.flush(timeout=10)

    assert log_writer.dropped == 1
    assert len(exported(session_factory)[1]) == 1
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            assert "078-05-1120" not in record.getMessage()


class GatedFactory:
    """A session factory that holds the writer thread until released."""

    def __init__(self, factory):
        self.factory = factory
        self.gate = threading.Event()
        self.entered = threading.Event()

    def __call__(self):
        self.entered.set()
        if not self.gate.wait(timeout=30):
            raise ConnectionError("gate never opened")
        return self.factory()


def test_submit_never_waits_for_the_database(session_factory, tmp_path):
    gated = GatedFactory(session_factory)
    slow = LogWriter(gated, journal_dir=tmp_path / "j")
    try:
        assert slow.submit(exchange(message_id="m0"))
        assert gated.entered.wait(timeout=10)  # the thread is stuck writing m0

        results = [slow.submit(exchange(message_id=f"m{n}")) for n in range(1, 200)]

        assert all(results)
        assert slow.flush(timeout=0.2) is False
        gated.gate.set()
        assert slow.flush(timeout=30)
    finally:
        gated.gate.set()
        slow.close()
    assert slow.dropped == 0
    assert len(exported(session_factory)[0]) == 200


def test_close_writes_what_is_queued_then_refuses_more(session_factory, tmp_path):
    closing = LogWriter(session_factory, journal_dir=tmp_path / "j")
    for number in range(5):
        closing.submit(exchange(message_id=f"m{number}"))

    closing.close()
    closing.close()  # idempotent

    assert len(exported(session_factory)[0]) == 5
    assert closing.submit(exchange(message_id="late")) is False
    assert list((tmp_path / "j").glob("*.jsonl")) == []


def test_setup_runs_on_the_writer_thread_and_again_after_a_failure(
    session_factory, tmp_path
):
    calls = []

    def setup():
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            raise ConnectionError("database not up yet")

    prepared = LogWriter(
        session_factory, journal_dir=tmp_path / "j", setup=setup, backoff_s=0.01
    )
    try:
        prepared.submit(exchange())
        prepared.submit(exchange(message_id="m2"))
        assert prepared.flush(timeout=10)
    finally:
        prepared.close()

    assert calls == ["clinic-log-writer", "clinic-log-writer"]
    assert len(exported(session_factory)[0]) == 2


def test_default_writer_migrates_the_database_itself(
    database_url, monkeypatch, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CLINIC_JOURNAL_DIR", str(tmp_path / "journal"))
    monkeypatch.setattr(writer, "_default_writer", None)
    migrated_on = []
    real_upgrade = writer.upgrade

    def upgrade(url):
        migrated_on.append(threading.current_thread())
        real_upgrade(url)

    monkeypatch.setattr(writer, "upgrade", upgrade)

    default = writer.default_writer()
    assert writer.default_writer() is default
    default.submit(exchange())
    try:
        assert default.flush(timeout=30)
    finally:
        default.close()
    # The first visitor never waits for the migrations: they ran on the writer's thread.
    assert len(migrated_on) == 1 and migrated_on[0] is not threading.current_thread()

    engine = make_engine(database_url)
    try:
        rows, _ = exported(make_session_factory(engine))
    finally:
        engine.dispose()
    assert [row["text"] for row in rows] == [exchange().text]
    assert [folder.name for folder in (tmp_path / "journal").iterdir()] == [
        writer.journal_directory(database_url).name
    ]
