"""Writes log records on one background thread, off the visitor's path.

The action server only puts records on a bounded queue; a single thread writes
them, each in its own short transaction, retrying briefly when the database
hiccups. A database that is down costs log rows, never a visitor's reply.
"""

import atexit
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Optional, Union

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clinic_log import repository
from clinic_log.database import SessionFactory, make_engine, make_session_factory
from clinic_log.database import session_scope as _session_scope
from clinic_log.migrations import upgrade
from clinic_log.records import AppointmentRecord, ExchangeRecord, FeedbackRecord, Record
from clinic_log.settings import database_url

logger = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 10_000
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF_S = 0.5
CLOSE_TIMEOUT_S = 10.0


class _Stop:
    """Tells the thread to finish once everything before it is written."""


_Item = Union[Record, _Stop]


def _write(session: Session, record: Record) -> None:
    """Sends a record to the repository function for its type."""
    if isinstance(record, ExchangeRecord):
        repository.save_exchange(session, record)
    elif isinstance(record, AppointmentRecord):
        repository.save_appointment(session, record)
    elif isinstance(record, FeedbackRecord):
        repository.save_feedback(session, record)
    else:
        raise TypeError(f"not a log record: {type(record).__name__}")


def _describe(record: Record) -> str:
    """Names a record in logs by type and ids only: never the visitor's words."""
    name = type(record).__name__
    return f"{name}(sender={record.sender_id!r}, message={record.message_id!r})"


class LogWriter:
    """Queues records and writes them on one daemon thread.

    `setup`, if given, runs on that thread before the first write (the default
    writer migrates the database there), and again before a later write if it
    failed, so a database that comes up late is still prepared.
    """

    def __init__(
        self,
        session_factory: SessionFactory,
        *,
        setup: Optional[Callable[[], None]] = None,
        max_queue: int = DEFAULT_QUEUE_SIZE,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff_s: float = DEFAULT_BACKOFF_S,
    ) -> None:
        """Starts the writer thread; `close` is registered to run at exit."""
        self._session_factory = session_factory
        self._setup = setup
        self._attempts = max(1, attempts)
        self._backoff_s = backoff_s
        self._queue: queue.Queue[_Item] = queue.Queue(maxsize=max_queue)
        self._progress = threading.Condition()
        self._submitted = 0
        self._handled = 0
        self._dropped = 0
        self._closed = False
        self._thread = threading.Thread(
            target=self._run, name="clinic-log-writer", daemon=True
        )
        self._thread.start()
        atexit.register(self.close)

    @property
    def dropped(self) -> int:
        """How many records were given up on (queue full, closed, or write failed)."""
        with self._progress:
            return self._dropped

    def submit(self, record: Record) -> bool:
        """Queues `record` without blocking; False if it had to be dropped.

        Never raises: the caller is answering a visitor.
        """
        with self._progress:
            if self._closed:
                self._dropped += 1
                logger.warning("log writer closed; dropped %s", _describe(record))
                return False
            try:
                self._queue.put_nowait(record)
            except queue.Full:
                self._dropped += 1
                logger.warning("log queue full; dropped %s", _describe(record))
                return False
            self._submitted += 1
            return True

    def flush(self, timeout: float) -> bool:
        """Waits until every record submitted so far has been handled.

        Handled means written, found already stored, or given up on after
        its retries (see `dropped`). False if `timeout` seconds ran out first.
        """
        with self._progress:
            target = self._submitted
            return self._progress.wait_for(
                lambda: self._handled >= target, timeout=timeout
            )

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> None:
        """Writes what is queued (up to `timeout` seconds), then stops the thread."""
        with self._progress:
            if self._closed:
                return
            self._closed = True
        atexit.unregister(self.close)
        try:
            self._queue.put(_Stop(), timeout=timeout)
        except queue.Full:
            logger.warning("log writer did not drain within %.1f s", timeout)
            return
        self._thread.join(timeout)
        if self._thread.is_alive():
            logger.warning("log writer did not finish within %.1f s", timeout)

    def _run(self) -> None:
        """The thread: write each record in order until told to stop."""
        while True:
            item = self._queue.get()
            if isinstance(item, _Stop):
                return
            written = False
            try:
                written = self._write_with_retries(item)
            except BaseException:  # the thread must outlive any single record
                logger.exception("log writer failed on %s", _describe(item))
            with self._progress:
                self._handled += 1
                if not written:
                    self._dropped += 1
                self._progress.notify_all()

    def _prepare(self) -> None:
        """Runs `setup` once successfully; until then, before every write."""
        if self._setup is not None:
            self._setup()
            self._setup = None

    def _write_with_retries(self, record: Record) -> bool:
        """Writes one record in its own transaction; True once it is stored."""
        for attempt in range(1, self._attempts + 1):
            try:
                self._prepare()
                with _session_scope(self._session_factory) as session:
                    _write(session, record)
                return True
            except (IntegrityError, TypeError, ValueError) as error:
                # Retrying cannot fix a record the database refuses.
                self._log_failure(record, error, attempt, final=True)
                return False
            except Exception as error:
                final = attempt == self._attempts
                self._log_failure(record, error, attempt, final=final)
                if final:
                    return False
                time.sleep(self._backoff_s * 2 ** (attempt - 1))
        return False

    def _log_failure(
        self, record: Record, error: Exception, attempt: int, *, final: bool
    ) -> None:
        """Logs a failed write without the visitor's text, which errors may quote."""
        outcome = "dropped" if final else "will retry"
        logger.warning(
            "could not write %s (attempt %d of %d, %s): %s",
            _describe(record),
            attempt,
            self._attempts,
            outcome,
            type(error).__name__,
        )
        logger.debug("write failure details", exc_info=error)


_default_writer: Optional[LogWriter] = None
_default_lock = threading.Lock()


def default_writer() -> LogWriter:
    """The process-wide writer, created on first use for `database_url()`.

    Touches no database on the caller's thread: the migrations run on the
    writer thread before its first write, so the first visitor never waits.
    """
    global _default_writer
    with _default_lock:
        if _default_writer is None:
            url = database_url()
            engine = make_engine(url)
            _default_writer = LogWriter(
                make_session_factory(engine), setup=lambda: upgrade(url)
            )
        return _default_writer
