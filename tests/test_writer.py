"""The background writer: off the caller's path, and never raising into it."""

import logging
import shutil
import threading
import time

import pytest
from sqlalchemy import text

from clinic_log import repository, writer
from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.writer import LogWriter
from tests.log_records import appointment, exchange, feedback

SECRET_TEXT = "my SSN is 078-05-1120 and my back hurts"


@pytest.fixture
def log_writer(session_factory):
    created = LogWriter(session_factory, attempts=2, backoff_s=0.01)
    yield created
    created.close()


def exported(session_factory):
    with session_scope(session_factory) as session:
        return repository.exchanges(session), repository.appointments(session)


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


def test_failed_write_to_a_removed_directory_does_not_raise(tmp_path, caplog):
    folder = tmp_path / "gone"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'clinic.db'}")
    shutil.rmtree(folder)
    failing = LogWriter(make_session_factory(engine), attempts=2, backoff_s=0.01)
    try:
        with caplog.at_level(logging.DEBUG, logger="clinic_log"):
            assert failing.submit(exchange(text=SECRET_TEXT)) is True
            assert failing.flush(timeout=10)
    finally:
        failing.close()
        engine.dispose()

    assert failing.dropped == 1
    warnings = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [r.getMessage().split(" (attempt")[0] for r in warnings] == [
        "could not write ExchangeRecord(sender='visitor-1', message='m1')"
    ] * 2
    assert "dropped" in warnings[-1].getMessage()


def test_failed_write_to_a_dropped_table_does_not_stop_the_writer(
    log_writer, session_factory, caplog
):
    with session_scope(session_factory) as session:
        session.execute(text("DROP TABLE exchanges"))

    with caplog.at_level(logging.DEBUG, logger="clinic_log"):
        assert log_writer.submit(exchange(text=SECRET_TEXT)) is True
        log_writer.submit(appointment())
        assert log_writer.flush(timeout=10)

    assert log_writer.dropped == 1
    assert len(exported_appointments(session_factory)) == 1
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            assert SECRET_TEXT not in record.getMessage()
            assert "078-05-1120" not in record.getMessage()


def exported_appointments(session_factory):
    with session_scope(session_factory) as session:
        return repository.appointments(session)


class GatedFactory:
    """A session factory that holds the writer thread until released."""

    def __init__(self, factory):
        self.factory = factory
        self.gate = threading.Event()
        self.entered = threading.Event()

    def __call__(self):
        self.entered.set()
        self.gate.wait(timeout=30)
        return self.factory()


def test_submit_never_waits_and_drops_when_the_queue_is_full(session_factory):
    gated = GatedFactory(session_factory)
    slow = LogWriter(gated, max_queue=2)
    try:
        assert slow.submit(exchange(message_id="m0"))
        assert gated.entered.wait(timeout=10)  # the thread is stuck writing m0

        started = time.monotonic()
        results = [slow.submit(exchange(message_id=f"m{n}")) for n in range(1, 6)]
        elapsed = time.monotonic() - started

        assert elapsed < 0.5
        # Two wait in the queue; the rest are dropped, not waited for.
        assert results == [True, True, False, False, False]
        assert slow.flush(timeout=0.2) is False
        gated.gate.set()
        assert slow.flush(timeout=10)
    finally:
        gated.gate.set()
        slow.close()
    assert slow.dropped == 3
    assert len(exported(session_factory)[0]) == 3


def test_close_writes_what_is_queued_then_refuses_more(session_factory):
    closing = LogWriter(session_factory)
    for number in range(5):
        closing.submit(exchange(message_id=f"m{number}"))

    closing.close()
    closing.close()  # idempotent

    assert len(exported(session_factory)[0]) == 5
    assert closing.submit(exchange(message_id="late")) is False


def test_setup_runs_on_the_writer_thread_and_again_after_a_failure(session_factory):
    calls = []

    def setup():
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            raise ConnectionError("database not up yet")

    prepared = LogWriter(session_factory, setup=setup, attempts=3, backoff_s=0.01)
    try:
        prepared.submit(exchange())
        prepared.submit(exchange(message_id="m2"))
        assert prepared.flush(timeout=10)
    finally:
        prepared.close()

    assert calls == ["clinic-log-writer", "clinic-log-writer"]
    assert len(exported(session_factory)[0]) == 2


def test_default_writer_migrates_the_database_itself(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr(writer, "_default_writer", None)

    started = time.monotonic()
    default = writer.default_writer()
    assert writer.default_writer() is default
    default.submit(exchange())
    assert time.monotonic() - started < 1.0
    try:
        assert default.flush(timeout=30)
    finally:
        default.close()

    engine = make_engine(database_url)
    try:
        rows, _ = exported(make_session_factory(engine))
    finally:
        engine.dispose()
    assert [row["text"] for row in rows] == [exchange().text]
