"""Building and driving a dashboard app on a real, filled database."""

import re
from typing import Optional

from flask import Flask
from flask.testing import FlaskClient

from clinic_log import accounts
from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.migrations import upgrade
from staff import passwords
from staff.dashboard import DashboardSettings, create_app

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_user(url: str, username: str = "kim", password: str = PASSWORD) -> None:
    """A dashboard account, made as `python -m staff add-user` makes it."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            accounts.save(session, username, passwords.hash_password(password))
    finally:
        engine.dispose()


def make_app(url: str, **settings: object) -> Flask:
    """The dashboard on `url` with a fixed key and any settings changed."""
    config = DashboardSettings(secret_key="test-key", **settings)  # type: ignore[arg-type]
    app = create_app(url, config)
    app.config["TESTING"] = True
    return app


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token in the form on `path`."""
    found = _CSRF.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(
    client: FlaskClient,
    username: str = "kim",
    password: str = PASSWORD,
    next_page: Optional[str] = None,
    address: str = "127.0.0.1",
):
    """Posts the sign-in form as a browser would; returns the response."""
    token = csrf_token(client)
    path = "/login" if next_page is None else f"/login?next={next_page}"
    return client.post(
        path,
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )
