"""A write-ahead journal: every log record is on disk before the database sees it.

Each writer appends its records to a JSON-lines file of its own under
`var/journal/` (fsync'd, owner-only) and removes them once they are in the
database. A database outage therefore costs nothing but time, and neither
does a crash or restart: a file whose process is gone (its lock released) is
adopted and replayed, in order, by the next writer that starts. Replays are
harmless because exchanges and callback requests are stored once per
(conversation, message id); only a feedback click can be counted twice, if a
process dies between writing it and clearing the journal.
"""

import fcntl
import json
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Type

from clinic_log.records import AppointmentRecord, ExchangeRecord, FeedbackRecord, Record

logger = logging.getLogger(__name__)

_KINDS: Dict[str, Type[Any]] = {
    "exchange": ExchangeRecord,
    "appointment": AppointmentRecord,
    "feedback": FeedbackRecord,
}
_KIND_OF = {record_type: kind for kind, record_type in _KINDS.items()}
_TIME_FIELDS = {"time", "created_at"}
SUFFIX = ".jsonl"


def encode(record: Record) -> bytes:
    """One journal line: the record's fields, its kind, times in ISO 8601."""
    document: Dict[str, Any] = {"kind": _KIND_OF[type(record)], **asdict(record)}
    for name in _TIME_FIELDS & document.keys():
        document[name] = document[name].isoformat()
    return json.dumps(document, ensure_ascii=False).encode("utf-8") + b"\n"


def decode(line: bytes) -> Record:
    """The record a journal line holds; ValueError if the line is damaged."""
    document = json.loads(line.decode("utf-8"))
    record_type = _KINDS[document.pop("kind")]
    known = {field.name for field in fields(record_type)}
    values = {name: value for name, value in document.items() if name in known}
    for name in _TIME_FIELDS & values.keys():
        values[name] = datetime.fromisoformat(values[name])
    record: Record = record_type(**values)
    return record


def read_records(path: Path, start: int, end: int) -> List[Optional[Record]]:
    """The records of the complete lines between two byte offsets.

    An unreadable line gives None (and an error in the log), so callers can
    still count it as handled.
    """
    with open(path, "rb") as file:
        file.seek(start)
        data = file.read(end - start)
    records: List[Optional[Record]] = []
    for line in data.splitlines(keepends=True):
        if not line.endswith(b"\n"):
            break  # cut short by a crash mid-write: never acknowledged to anyone
        try:
            records.append(decode(line))
        except (ValueError, KeyError, TypeError) as error:
            logger.error("skipping an unreadable journal line: %s", error)
            records.append(None)
    return records


class Journal:
    """This process's journal file, locked for as long as the process holds it.

    Not thread-safe: the writer serialises appends and truncation; `sync` may
    run beside them.
    """

    def __init__(self, directory: Path) -> None:
        """Creates an empty journal file of our own in `directory`."""
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.directory = directory
        self.path = directory / f"journal-{os.getpid()}-{uuid.uuid4().hex[:8]}{SUFFIX}"
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._descriptor: Optional[int] = descriptor
        self.end = 0

    def append(self, record: Record) -> None:
        """Writes `record` at the end; `sync` then waits until it is on disk."""
        if self._descriptor is None:
            raise ValueError("journal closed")
        line = encode(record)
        os.write(self._descriptor, line)
        self.end += len(line)

    def sync(self) -> None:
        """Waits until every record appended so far is on disk.

        Safe beside appends from another thread: several waiting callers
        share the disk's flush instead of queueing one flush each.
        """
        descriptor = self._descriptor
        if descriptor is None:
            raise ValueError("journal closed")
        os.fsync(descriptor)

    def consumed(self, offset: int) -> int:
        """Marks everything before `offset` as stored; returns where to read next.

        Once everything is stored the file is emptied, so it never grows
        beyond what an outage left pending.
        """
        if self._descriptor is not None and offset == self.end:
            os.ftruncate(self._descriptor, 0)
            self.end = 0
            return 0
        return offset

    def orphans(self) -> List[Path]:
        """Other journal files in our directory, oldest first (see `claimed`)."""
        paths = [p for p in self.directory.glob(f"*{SUFFIX}") if p != self.path]
        return sorted(paths, key=_mtime)

    def close(self) -> None:
        """Releases the file; pending records stay in it for the next writer."""
        if self._descriptor is None:
            return
        os.close(self._descriptor)
        self._descriptor = None
        if self.path.stat().st_size == 0:
            self.path.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


@contextmanager
def claimed(path: Path) -> Iterator[bool]:
    """Holds `path`'s lock if its writer is gone: True while it is ours to replay.

    False when a living writer holds it, or another writer already replayed
    and removed it.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        yield False
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        yield False
        return
    try:
        yield os.fstat(descriptor).st_nlink > 0
    finally:
        os.close(descriptor)
