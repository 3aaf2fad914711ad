"""What a request reaches through the app: the log's sessions, the settings, the user.

Kept in `app.extensions` by `create_app`, so several apps (tests) can live
in one process without sharing a database.
"""

from typing import cast

from flask import current_app
from flask_login import current_user

from clinic_log.database import SessionFactory
from staff.dashboard.settings import DashboardSettings

EXTENSION = "clinic_staff"


def log_sessions() -> SessionFactory:
    """The session factory of this app's log database."""
    return cast(SessionFactory, current_app.extensions[EXTENSION]["sessions"])


def settings() -> DashboardSettings:
    """This app's settings."""
    return cast(DashboardSettings, current_app.extensions[EXTENSION]["settings"])


def actor() -> str:
    """The signed-in username, as the audit trail names it."""
    return str(current_user.username)
