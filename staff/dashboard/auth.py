"""Signing staff in and out: Argon2 hashes, throttled guessing, audited.

A session remembers the account id and a fingerprint of its password hash,
so removing an account or changing its password ends its sessions at their
next request. Sign-in attempts are throttled per username and per client
address, counting the failures kept in the audit trail, so the limit holds
across restarts and across dashboard processes sharing one database.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_user,
    logout_user,
)
from sqlalchemy.orm import Session

from clinic_log import accounts, audit
from clinic_log.database import session_scope
from staff import passwords
from staff.dashboard.context import log_sessions, settings

blueprint = Blueprint("auth", __name__)
MAX_USERNAME = 64
MAX_PASSWORD = passwords.MAX_LENGTH


@dataclass
class StaffMember(UserMixin):
    """The signed-in account, as Flask-Login sees it."""

    user_id: int
    username: str
    password_hash: str

    def get_id(self) -> str:
        """id.fingerprint: a changed password or a new account invalidates it."""
        return f"{self.user_id}.{fingerprint(self.password_hash)}"


def fingerprint(password_hash: str) -> str:
    """A short digest of the hash, so the hash itself never sits in a cookie."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def _load_user(session_id: str) -> Optional[StaffMember]:
    user_id, _, printed = session_id.partition(".")
    if not user_id.isdigit():
        return None
    with session_scope(log_sessions()) as db:
        user = accounts.get(db, int(user_id))
        if user is None or fingerprint(user.password_hash) != printed:
            return None
        return StaffMember(user.id, user.username, user.password_hash)


def client_address() -> str:
    """The client's address (behind trusted proxies, as ProxyFix found it)."""
    return request.remote_addr or "unknown"


def _throttled(db: Session, username: str, address: str) -> bool:
    config = settings()
    since = datetime.now(timezone.utc) - timedelta(
        minutes=config.failure_window_minutes
    )
    by_user = audit.failed_sign_ins(db, since, username=username)
    by_address = audit.failed_sign_ins(db, since, address=address)
    return (
        by_user >= config.max_failures_per_user
        or by_address >= config.max_failures_per_address
    )


def _safe_next(target: Optional[str]) -> str:
    """Only a path on this site: an open redirect would help phishing."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("views.conversations")


def _record(username: str, action: str, detail: str = "") -> None:
    with session_scope(log_sessions()) as db:
        audit.record(db, username, action, username, detail, client_address())


def _sign_in(username: str, password: str) -> ResponseReturnValue:
    """Checks the password outside any transaction: hashing is slow on purpose,
    and SQLite writers (the assistant's log) must not wait for it."""
    with session_scope(log_sessions()) as db:
        throttled = _throttled(db, username, client_address())
        user = accounts.find(db, username)
        stored = user.password_hash if user is not None else None
    if throttled:
        _record(username, "sign-in refused", "throttled")
        minutes = settings().failure_window_minutes
        message = f"Too many failed sign-ins. Wait {minutes} minutes and try again."
        return _form(message, 429)
    # Verified even for an unknown name, so timing does not reveal accounts.
    valid = passwords.verify(stored, password)
    if user is None or stored is None or not valid:
        _record(username, audit.SIGN_IN_FAILED)
        return _form("Wrong username or password.", 401)
    if passwords.needs_rehash(stored):
        stored = passwords.hash_password(password)
        with session_scope(log_sessions()) as db:
            accounts.save(db, username, stored)
    _record(username, audit.SIGN_IN)
    member = StaffMember(user.id, user.username, stored)
    next_page = _safe_next(request.args.get("next"))
    # A fresh session on sign-in: nothing planted before it survives.
    session.clear()
    session.permanent = True
    login_user(member)
    return redirect(next_page)


def _form(error: str = "", status: int = 200) -> ResponseReturnValue:
    return render_template("login.html", error=error), status


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The sign-in form, and signing in."""
    if request.method == "GET":
        return _form()
    username = request.form.get("username", "").strip()[:MAX_USERNAME]
    password = request.form.get("password", "")
    if not username or not password or len(password) > MAX_PASSWORD:
        return _form("Enter your username and password.", 400)
    return _sign_in(username, password)


@blueprint.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    """Signs out and forgets the whole session."""
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


# What a visitor who is not signed in may reach: the form and the stylesheet.
PUBLIC_ENDPOINTS = ("auth.login", "static")


def _require_sign_in() -> Optional[ResponseReturnValue]:
    """Sends anyone not signed in to the form, before any other check runs."""
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    unauthorized: ResponseReturnValue = current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    return unauthorized


def install(app: Flask) -> None:
    """Registers sign-in and makes every other page require it.

    Call before installing CSRF protection: a request without a session is
    sent to sign in rather than told about tokens.
    """
    app.before_request(_require_sign_in)
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = ""
    manager.session_protection = "basic"
    manager.user_loader(_load_user)
    app.register_blueprint(blueprint)
