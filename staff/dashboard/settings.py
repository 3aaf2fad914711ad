"""The dashboard's settings, from the environment, with safe defaults.

DASHBOARD_SECRET_KEY signs session cookies; without it a random key is made
once and kept in var/dashboard_secret_key (owner-only), so that sessions
survive restarts without anyone choosing a key.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from clinic_log.settings import REPO_ROOT

SECRET_KEY_FILE = REPO_ROOT / "var" / "dashboard_secret_key"
# The clinic is in Jacksonville, Florida (area code 904): Eastern Time.
CLINIC_TIME_ZONE = "America/New_York"


def clinic_zone(name: str) -> ZoneInfo:
    """The time zone called `name`; ValueError with an example if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"CLINIC_TIMEZONE {name!r} is not a time zone name like America/New_York"
        ) from None


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def secret_key(path: Path = SECRET_KEY_FILE) -> str:
    """DASHBOARD_SECRET_KEY, else the key kept in `path`, made on first use."""
    given = os.environ.get("DASHBOARD_SECRET_KEY", "").strip()
    if given:
        return given
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Written aside, then linked into place: a process starting at the same
    # moment either wins the link or reads the complete key of the winner.
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as key_file:
        key_file.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text(encoding="ascii").strip()


@dataclass(frozen=True)
class DashboardSettings:
    """Everything `create_app` can be told; defaults suit a loopback server."""

    secret_key: str
    # Idle minutes after which a session ends (every request renews it).
    session_minutes: int = 30
    # Mark cookies Secure: set when the dashboard is reached over HTTPS.
    secure_cookies: bool = False
    # Reverse proxies in front (nginx: 1): trust their X-Forwarded-For/-Proto.
    proxies: int = 0
    # Failed sign-ins allowed per username, and per address, in the window.
    max_failures_per_user: int = 5
    max_failures_per_address: int = 20
    failure_window_minutes: int = 15
    # The clinic's time zone: times are shown in it (the log keeps UTC).
    time_zone: str = CLINIC_TIME_ZONE

    def __post_init__(self) -> None:
        """Refuses a time zone name the system does not know."""
        clinic_zone(self.time_zone)

    @classmethod
    def from_environment(cls) -> "DashboardSettings":
        """Reads DASHBOARD_* variables (see README, Configuration)."""
        return cls(
            secret_key=secret_key(),
            session_minutes=_number("DASHBOARD_SESSION_MINUTES", 30),
            secure_cookies=_flag("DASHBOARD_SECURE_COOKIES"),
            proxies=_number("DASHBOARD_PROXIES", 0),
            time_zone=os.environ.get("CLINIC_TIMEZONE", "").strip() or CLINIC_TIME_ZONE,
        )
