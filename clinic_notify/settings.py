"""SMTP settings from the environment; notifications are off unless SMTP_HOST is set."""

import os
from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

SECURITY_MODES = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
DEFAULT_DASHBOARD_URL = "http://localhost:8001"
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")


class SettingsError(ValueError):
    """An SMTP_* variable that cannot be used, with what to set instead."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how staff e-mail goes."""

    host: str
    port: int
    security: str
    sender: str
    recipients: Tuple[str, ...]
    user: Optional[str] = None
    password: Optional[str] = None
    # Names, phone numbers and best times in the e-mail: off unless chosen.
    include_details: bool = False
    dashboard_url: str = DEFAULT_DASHBOARD_URL
    timeout_s: float = 20.0
    # A CA bundle to trust instead of the system's (a clinic's own relay).
    ca_file: Optional[str] = None
    # How often the sender looks for new requests.
    interval_s: float = 30.0

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] = os.environ
    ) -> Optional["SmtpSettings"]:
        """The settings, None when SMTP_HOST is unset; SettingsError if unusable."""
        host = environ.get("SMTP_HOST", "").strip()
        if not host:
            return None
        security = environ.get("SMTP_SECURITY", "starttls").strip().lower()
        if security not in SECURITY_MODES:
            raise SettingsError(f"SMTP_SECURITY must be one of {SECURITY_MODES}")
        user = environ.get("SMTP_USER", "").strip() or None
        password = environ.get("SMTP_PASSWORD") or None
        if (user is None) != (password is None):
            raise SettingsError("set both SMTP_USER and SMTP_PASSWORD, or neither")
        if user is not None and security == "none":
            raise SettingsError(
                "SMTP_USER needs SMTP_SECURITY=starttls or tls: "
                "a password must not cross the network in clear"
            )
        sender = environ.get("SMTP_FROM", "").strip()
        recipients = tuple(
            address.strip()
            for address in environ.get("SMTP_TO", "").split(",")
            if address.strip()
        )
        if "@" not in sender or not recipients:
            raise SettingsError(
                "SMTP_FROM (one address) and SMTP_TO (comma-separated) are required"
            )
        ca_file = environ.get("SMTP_CA_FILE", "").strip() or None
        if ca_file is not None and not os.path.isfile(ca_file):
            raise SettingsError(f"SMTP_CA_FILE {ca_file!r} is not a readable file")
        return cls(
            host=host,
            ca_file=ca_file,
            port=_port(environ, DEFAULT_PORTS[security]),
            security=security,
            sender=sender,
            recipients=recipients,
            user=user,
            password=password,
            include_details=_flag(environ, "SMTP_INCLUDE_DETAILS"),
            dashboard_url=environ.get("DASHBOARD_URL", "").strip().rstrip("/")
            or DEFAULT_DASHBOARD_URL,
            timeout_s=_seconds(environ, "SMTP_TIMEOUT_SECONDS", 20.0),
            interval_s=_seconds(environ, "NOTIFY_INTERVAL_SECONDS", 30.0),
        )


def _port(environ: Mapping[str, str], default: int) -> int:
    value = environ.get("SMTP_PORT", "").strip()
    if not value:
        return default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError(f"SMTP_PORT must be a port number, got {value!r}")
    return int(value)


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise SettingsError(
            f"{name} must be a number of seconds, got {value!r}"
        ) from None
    if not 0 < seconds < 86400:
        raise SettingsError(f"{name} must be between 0 and 86400, got {value!r}")
    return seconds


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "").strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise SettingsError(f"{name} must be 1 or 0, got {value!r}")
