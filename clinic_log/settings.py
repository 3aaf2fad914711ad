"""Where the log lives: one environment variable for every process.

Rasa's tracker store, the action server and the staff tools all read
`DATABASE_URL`, so they can never disagree about which database holds the log.
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = REPO_ROOT / "var" / "clinic.db"


def database_url() -> str:
    """The SQLAlchemy URL of the log database.

    `DATABASE_URL` wins (e.g. `postgresql://user:pw@127.0.0.1:5432/clinic`).
    Without it, a SQLite file under the repository's `var/` folder, created
    owner-only because the log holds health information.
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        # Heroku-style URLs use a scheme SQLAlchemy 1.4 no longer accepts.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        return url
    DEFAULT_DATABASE.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_DATABASE}"


def journal_directory() -> Path:
    """Where log writers keep records the database has not confirmed yet.

    `CLINIC_JOURNAL_DIR` wins; by default `var/journal/` beside the SQLite
    log. Every action server on a machine must share it, so that a restarted
    one replays what a stopped one left.
    """
    configured = os.environ.get("CLINIC_JOURNAL_DIR", "").strip()
    return Path(configured) if configured else REPO_ROOT / "var" / "journal"
