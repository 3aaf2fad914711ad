"""Where the log lives: one environment variable for every process.

Rasa's tracker store, the action server and the staff tools all read
`DATABASE_URL`, so they can never disagree about which database holds the log.
"""

import hashlib
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


def journal_directory(url: str) -> Path:
    """Where log writers for the database at `url` keep unconfirmed records.

    Under `CLINIC_JOURNAL_DIR` (default `var/journal/`), one sub-folder per
    database, named by a hash of its URL: a writer replays only journals meant
    for its own database, however many assistants share the machine. Every
    action server of one database must share the folder, so that a restarted
    one replays what a stopped one left.
    """
    configured = os.environ.get("CLINIC_JOURNAL_DIR", "").strip()
    base = Path(configured) if configured else REPO_ROOT / "var" / "journal"
    return base / hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
