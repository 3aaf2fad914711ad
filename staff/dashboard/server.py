"""Serving the dashboard with Waitress, a production WSGI server.

A few threads are plenty for a clinic's staff. Waitress writes no request
log, so search terms and visitor ids in URLs stay out of logs. Anything
reached from other machines goes behind a TLS reverse proxy (nginx) with
DASHBOARD_SECURE_COOKIES=1 and DASHBOARD_PROXIES=1.
"""

import click
from waitress import serve as waitress_serve

from staff.dashboard import create_app

THREADS = 4


def serve(host: str, port: int) -> None:
    """Serves until interrupted; prints where."""
    app = create_app()
    click.echo(f"Staff dashboard at http://{host}:{port}/ (Ctrl-C stops it)")
    waitress_serve(app, host=host, port=port, threads=THREADS, ident="")
