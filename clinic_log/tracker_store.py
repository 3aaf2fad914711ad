"""Rasa's tracker store, pointed at the log database by `DATABASE_URL`.

Rasa keeps its event history in its own `events` table; with this class in
`endpoints.yml` it lands in the same database as the conversation log, so one
environment variable moves both:

    tracker_store:
      type: clinic_log.tracker_store.ClinicTrackerStore
"""

import logging
from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url

from clinic_log.settings import database_url

logger = logging.getLogger(__name__)

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
