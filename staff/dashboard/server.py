"""Serving the dashboard with Werkzeug's threaded server.

Enough for a clinic's handful of staff on one machine; anything reached from
other machines goes behind a TLS reverse proxy (nginx) with
DASHBOARD_SECURE_COOKIES=1 and DASHBOARD_PROXIES=1.
"""

import logging

import click
from werkzeug.serving import run_simple

from staff.dashboard import create_app


def serve(host: str, port: int) -> None:
    """Serves until interrupted; prints where."""
    app = create_app()
    # Request lines carry search terms and visitor ids: keep them out of logs.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    click.echo(f"Staff dashboard at http://{host}:{port}/ (Ctrl-C stops it)")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
