"""Opening the log for staff tools: migrate first, then short sessions.

Both the command line and the dashboard call `open_log`, so a fresh or old
database is brought up to date before any staff tool reads it.
"""

from dataclasses import dataclass

from sqlalchemy.engine import Engine, make_url

from clinic_log.database import SessionFactory, make_engine, make_session_factory
from clinic_log.migrations import upgrade


@dataclass
class Log:
    """An open log database."""

    engine: Engine
    sessions: SessionFactory
    shown_url: str

    def close(self) -> None:
        """Closes every pooled connection."""
        self.engine.dispose()


def shown(url: str) -> str:
    """The URL with its password masked, safe for messages."""
    masked: str = make_url(url).render_as_string(hide_password=True)
    return masked


def open_log(url: str) -> Log:
    """Migrates the database at `url` and opens it."""
    upgrade(url)
    engine = make_engine(url)
    return Log(engine, make_session_factory(engine), shown(url))
