"""Writes log records on one background thread, off the visitor's path.

`submit` appends the record to this process's journal (`clinic_log.journal`,
fsync'd) and returns; a single thread copies journal records to the database
in order, each in its own short transaction. While the database is down the
thread waits and retries with a growing pause, and the records wait on disk:
an outage or a restart delays the log, it never loses a record. Only a
record the database refuses outright (a bug, not an outage) is dropped.
"""

import asyncio
import atexit
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import List, Optional

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.orm import Session

from clinic_log import repository
from clinic_log.database import SessionFactory, make_engine, make_session_factory
from clinic_log.database import session_scope as _session_scope
from clinic_log.journal import Journal, claimed, read_records
from clinic_log.migrations import upgrade
from clinic_log.records import AppointmentRecord, ExchangeRecord, FeedbackRecord, Record
from clinic_log.settings import database_url, journal_directory

logger = logging.getLogger(__name__)

DEFAULT_BACKOFF_S = 0.5
MAX_BACKOFF_S = 5.0
CLOSE_TIMEOUT_S = 10.0


def _is_refusal(error: Exception) -> bool:
    """Whether no retry can help: the record itself is refused, not the connection.

    A bind-time failure (a StatementError that is no driver error) is the
    record's fault too, e.g. a value a column type rejects.
    """
    if isinstance(error, (IntegrityError, DataError, TypeError, ValueError)):
        return True
    return isinstance(error, StatementError) and not isinstance(error, DBAPIError)


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


def _not_journaled(record: Record, error: Exception) -> bool:
    logger.error("could not journal %s: %s", _describe(record), type(error).__name__)
    return False


def _describe(record: Record) -> str:
    """Names a record in logs by type and ids only: never the visitor's words."""
    name = type(record).__name__
    return f"{name}(sender={record.sender_id!r}, message={record.message_id!r})"


class LogWriter:
    """Journals records and writes them to the database on one daemon thread.

    `setup`, if given, runs on that thread before the first write (the default
    writer migrates the database there), and again before a later write if it
    failed, so a database that comes up late is still prepared. Journal files
    left in `journal_dir` by writers that are gone are replayed first.
    """

    def __init__(
        self,
        session_factory: SessionFactory,
        *,
        journal_dir: Path,
        setup: Optional[Callable[[], None]] = None,
        backoff_s: float = DEFAULT_BACKOFF_S,
        max_backoff_s: float = MAX_BACKOFF_S,
    ) -> None:
        """Opens this writer's journal and starts its thread."""
        self._session_factory = session_factory
        self._setup = setup
        self._backoff_s = backoff_s
        self._max_backoff_s = max(backoff_s, max_backoff_s)
        self._journal = Journal(journal_dir)
        self._progress = threading.Condition()
        self._stopping = threading.Event()
        self._submitted = 0
        self._handled = 0
        self._dropped = 0
        self._closed = False
        self._unavailable = False
        self._thread = threading.Thread(
            target=self._run, name="clinic-log-writer", daemon=True
        )
        self._thread.start()
        atexit.register(self.close)

    @property
    def dropped(self) -> int:
        """How many records the database refused (never a mere outage)."""
        with self._progress:
            return self._dropped

    @property
    def pending(self) -> int:
        """How many submitted records are not in the database yet."""
        with self._progress:
            return self._submitted - self._handled

    def submit(self, record: Record) -> bool:
        """Journals `record` (on disk when this returns); False if it could not be.

        Never raises: the caller is answering a visitor.
        """
        with self._progress:
            if self._closed:
                logger.warning("log writer closed; not kept: %s", _describe(record))
                return False
            try:
                self._journal.append(record)
            except (OSError, ValueError) as error:
                return _not_journaled(record, error)
            self._submitted += 1
            self._progress.notify_all()
        # Outside the lock: the thread and other submitters go on meanwhile.
        try:
            self._journal.sync()
        except (OSError, ValueError) as error:
            return _not_journaled(record, error)
        return True

    async def submit_from_loop(self, record: Record) -> bool:
        """`submit` on a worker thread, so the event loop serves others meanwhile.

        The action server answers every Rasa worker on one loop; waiting there
        for the disk held a third of its time under load.
        """
        return await asyncio.to_thread(self.submit, record)

    def flush(self, timeout: float) -> bool:
        """Waits until every record submitted so far is stored (or refused).

        False if `timeout` seconds ran out first, e.g. while the database is
        down; the records are still safe in the journal.
        """
        with self._progress:
            target = self._submitted
            return self._progress.wait_for(
                lambda: self._handled >= target, timeout=timeout
            )

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> None:
        """Writes what it can in `timeout` s, then stops; the rest stays journaled."""
        with self._progress:
            if self._closed:
                return
            self._closed = True
            self._progress.notify_all()
        atexit.unregister(self.close)
        if not self.flush(timeout):
            logger.warning(
                "log writer stopping with %d records left in %s",
                self.pending,
                self._journal.path,
            )
        self._stopping.set()
        with self._progress:
            self._progress.notify_all()
        self._thread.join(timeout)
        with self._progress:
            self._journal.close()

    def _run(self) -> None:
        """The thread: replay orphaned journals, then follow our own."""
        try:
            self._replay_orphans()
            self._follow_journal()
        except BaseException:  # the thread must never die silently
            logger.exception("log writer stopped unexpectedly")

    def _replay_orphans(self) -> None:
        for path in self._journal.orphans():
            with claimed(path) as ours:
                if not ours:
                    continue
                records = read_records(path, 0, path.stat().st_size)
                if not self._store_all(records):
                    return  # stopping: the file stays for the next writer
                logger.info("replayed %d journaled records from %s", len(records), path)
                path.unlink()

    def _follow_journal(self) -> None:
        offset = 0
        while True:
            with self._progress:
                self._progress.wait_for(self._has_work(offset))
                if self._stopping.is_set():
                    return
                end = self._journal.end
            records = read_records(self._journal.path, offset, end)
            if not self._store_all(records, count=True):
                return
            with self._progress:
                offset = self._journal.consumed(end)

    def _has_work(self, offset: int) -> Callable[[], bool]:
        return lambda: self._journal.end > offset or self._stopping.is_set()

    def _store_all(self, records: List[Optional[Record]], count: bool = False) -> bool:
        """Stores records in order; False if stopped first. `count`: ours to flush."""
        for record in records:
            if record is not None and not self._store(record):
                return False
            if count:
                with self._progress:
                    self._handled += 1
                    self._progress.notify_all()
        return True

    def _prepare(self) -> None:
        """Runs `setup` once successfully; until then, before every write."""
        if self._setup is not None:
            self._setup()
            self._setup = None

    def _store(self, record: Record) -> bool:
        """Writes one record, waiting out outages; False only when stopping."""
        pause = self._backoff_s
        while not self._stopping.is_set():
            try:
                self._prepare()
                with _session_scope(self._session_factory) as session:
                    _write(session, record)
            except Exception as error:
                if _is_refusal(error):
                    self._refused(record, error)
                    return True
                self._outage(record, error)
                self._stopping.wait(pause)
                pause = min(pause * 2, self._max_backoff_s)
                continue
            if self._unavailable:
                self._unavailable = False
                logger.warning("log database is back; writing journaled records")
            return True
        return False

    def _refused(self, record: Record, error: Exception) -> None:
        """Logs a refused record without the visitor's text, which errors may quote."""
        with self._progress:
            self._dropped += 1
        logger.error(
            "the database refused %s (%s); record dropped",
            _describe(record),
            type(error).__name__,
        )
        logger.debug("refusal details", exc_info=error)

    def _outage(self, record: Record, error: Exception) -> None:
        """Warns once per outage; the record stays journaled and is retried."""
        level = logging.DEBUG if self._unavailable else logging.WARNING
        self._unavailable = True
        logger.log(
            level,
            "could not write %s (%s); keeping it in the journal and retrying",
            _describe(record),
            type(error).__name__,
        )


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
                make_session_factory(engine),
                journal_dir=journal_directory(url),
                setup=lambda: upgrade(url),
            )
        return _default_writer
