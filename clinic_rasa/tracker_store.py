"""Rasa's tracker store, pointed at the log database by `DATABASE_URL`.

Rasa keeps its event history in its own `events` table; with this class in
`endpoints.yml` it lands in the same database as the conversation log, so one
environment variable moves both:

    tracker_store:
      type: clinic_rasa.tracker_store.ClinicTrackerStore

When the database is unreachable, Rasa's own fallback forgets the visitor's
conversation at every message (each read fails, so every turn starts afresh)
and logs errors that may quote event data. This store keeps the trackers it
could not save in memory instead, so conversations carry on through an outage,
and logs one warning naming only the error's type. Events saved in memory are
not copied to the database afterwards: the clinic's log of exchanges goes
through the writer's journal and loses nothing; Rasa's event history may miss
the turns of the outage.

Savings per message, all exact (the same rows are read and written as by
Rasa's store): SQLite connections are pooled (Rasa leaves SQLAlchemy 1.4's
default of a new connection, and its pragmas, for every query); `save` knows
how many events are stored already when the same process has just read the
tracker (Rasa counts them again with a query) and inserts a turn's events with
one statement (Rasa flushes one ORM object per event); a read is one statement
built once, selecting only the events' data (Rasa builds its query and an ORM
object per event every time). Only Rasa's public methods are overridden
(save, retrieve, retrieve_full_tracker, keys); the reads and the count of
stored events are this module's own statements.
"""

import itertools
import json
import logging
from typing import Any, Dict, Iterable, Iterator, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from clinic_log.database import make_rasa_sqlite_engine
from clinic_log.settings import database_url

logger = logging.getLogger(__name__)

# Counts kept from reads: a turn's save removes its own, so more than this
# many means reads that were never saved (failed turns); they are dropped.
MAX_REMEMBERED_COUNTS = 10_000

# Connection settings Rasa may pass from endpoints.yml; DATABASE_URL overrules them.
_CONNECTION_KEYS = (
    "url",
    "dialect",
    "host",
    "port",
    "db",
    "username",
    "password",
    "login_db",
    "query",
)


class ClinicTrackerStore(SQLTrackerStore):
    """An SQLTrackerStore whose connection comes only from `database_url()`."""

    engine: Engine

    def __init__(
        self,
        domain: Optional[Domain] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        """Connects to `database_url()`; connection keys in `kwargs` are ignored.

        Rasa passes `host=<url from endpoints.yml>` (None when absent); a value
        there would compete with DATABASE_URL, so it is dropped with a warning.
        """
        given = {key: kwargs.pop(key, None) for key in _CONNECTION_KEYS}
        ignored = sorted(key for key, value in given.items() if value)
        if ignored:
            logger.warning(
                "Ignoring tracker store settings %s: DATABASE_URL decides.",
                ", ".join(ignored),
            )
        url = make_url(database_url())
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database,
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query) or None,
            **kwargs,
        )
        if url.get_backend_name() == "sqlite":
            self.engine.dispose()
            self.engine = make_rasa_sqlite_engine(url)
            self.sessionmaker.configure(bind=self.engine)
        self._unsaved: Dict[str, str] = {}
        # Events stored for a conversation as of this process's last read of it.
        self._stored_counts: Dict[str, int] = {}
        self._available = True

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Saves to the database, or keeps the tracker in memory during an outage."""
        try:
            await self.stream_events(tracker)
            with self.session_scope() as session:
                rows = [
                    event_row(tracker.sender_id, event)
                    for event in self._unstored_events(session, tracker)
                ]
                if rows:
                    session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()
        except SQLAlchemyError as error:
            self._stored_counts.pop(tracker.sender_id, None)
            self._outage(error)
            self._unsaved[tracker.sender_id] = self.serialise_tracker(tracker)
            return
        self._unsaved.pop(tracker.sender_id, None)
        self._back()

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The tracker kept in memory during an outage, else the database's."""
        if sender_id in self._unsaved:
            return self.deserialise_tracker(sender_id, self._unsaved[sender_id])
        try:
            tracker = self._read(sender_id, _SESSION_EVENTS)
        except SQLAlchemyError as error:
            self._outage(error)
            return None
        self._back()
        if len(self._stored_counts) >= MAX_REMEMBERED_COUNTS:
            self._stored_counts.clear()  # reads never followed by a save
        self._stored_counts[sender_id] = len(tracker.events) if tracker else 0
        return tracker

    def _read(self, sender_id: str, query: Select) -> Optional[DialogueStateTracker]:
        """A conversation's events as one statement built once, as plain rows."""
        with self.session_scope() as session:
            rows = session.execute(query, {"sender_id": sender_id})
            events = [json.loads(data) for (data,) in rows]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _unstored_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        """Events not stored yet, counted from this process's read if there was one.

        Rasa reads a conversation (`retrieve`) at the start of every turn, under
        its lock, and saves it once at the end; the count of that read is the
        count of the stored session's events. Any other save counts them in the
        database, as Rasa's own store does.
        """
        stored = self._stored_counts.pop(tracker.sender_id, None)
        if stored is None:
            counted = session.execute(_SESSION_COUNT, {"sender_id": tracker.sender_id})
            stored = int(counted.scalar_one())
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def retrieve_full_tracker(
        self, conversation_id: str
    ) -> Optional[DialogueStateTracker]:
        """Like `retrieve`, across all sessions."""
        if conversation_id in self._unsaved:
            return await self.retrieve(conversation_id)
        try:
            return self._read(conversation_id, _ALL_EVENTS)
        except SQLAlchemyError as error:
            self._outage(error)
            return None

    async def keys(self) -> Iterable[str]:
        """Conversation ids in the database and in memory."""
        try:
            stored = set(await super().keys())
        except SQLAlchemyError as error:
            self._outage(error)
            stored = set()
        return sorted(stored | self._unsaved.keys())

    def _outage(self, error: SQLAlchemyError) -> None:
        """One warning per outage, without the error text (it may quote events)."""
        if self._available:
            logger.warning(
                "tracker store unavailable (%s): keeping conversations in memory",
                type(error).__name__,
            )
        self._available = False

    def _back(self) -> None:
        if not self._available:
            logger.warning("tracker store available again")
        self._available = True


def _events_data(all_sessions: bool) -> Select:
    """The data of a conversation's events in order: Rasa's `_event_query`.

    Without `all_sessions`, from its latest session start on (all of them if
    it has none), as Rasa reads a conversation for the next turn.
    """
    events = SQLTrackerStore.SQLEvent.__table__
    sender = bindparam("sender_id")
    query = select(events.c.data).where(events.c.sender_id == sender)
    if not all_sessions:
        session_start = (
            select(func.max(events.c.timestamp))
            .where(
                events.c.sender_id == sender,
                events.c.type_name == SessionStarted.type_name,
            )
            .scalar_subquery()
        )
        query = query.where(
            or_(events.c.timestamp >= session_start, session_start.is_(None))
        )
    return query.order_by(events.c.id)


_SESSION_EVENTS = _events_data(all_sessions=False)
_ALL_EVENTS = _events_data(all_sessions=True)
_SESSION_COUNT = select(func.count()).select_from(_SESSION_EVENTS.subquery())


def event_row(sender_id: str, event: Event) -> Dict[str, Any]:
    """The `events` row Rasa's SQLTrackerStore stores for `event`, as a dict."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {})
        .get("intent", {})
        .get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
