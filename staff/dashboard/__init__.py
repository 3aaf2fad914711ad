"""The staff dashboard: the log's views in a browser, behind a sign-in.

`create_app` builds the Flask app; `python -m staff dashboard` serves it.
Pages are rendered on the server by Jinja2 with autoescaping, so visitor text
is always shown as text.
"""

from datetime import timedelta
from typing import Optional

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from clinic_log.settings import database_url
from staff.dashboard import auth, security, views
from staff.dashboard.context import EXTENSION
from staff.dashboard.settings import DashboardSettings
from staff.store import Log, open_log


def _error(error: HTTPException) -> ResponseReturnValue:
    return render_template("error.html", error=error), error.code or 500


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    return render_template("error.html", error=error), 400


def create_app(
    url: Optional[str] = None, config: Optional[DashboardSettings] = None
) -> Flask:
    """The dashboard on the log at `url` (default DATABASE_URL), migrated first."""
    config = config or DashboardSettings.from_environment()
    log: Log = open_log(url or database_url())
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=config.session_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.extensions[EXTENSION] = {
        "sessions": log.sessions,
        "settings": config,
        "log": log,
    }
    if config.proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=config.proxies, x_proto=config.proxies
        )
    security.install(app, config.secure_cookies)
    auth.install(app)
    CSRFProtect(app)
    app.register_blueprint(views.blueprint)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _error)
    return app


__all__ = ["DashboardSettings", "create_app"]
