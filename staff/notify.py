"""`python -m staff notify`: e-mail staff about callback requests (SMTP_* settings).

notify --test        one test message to SMTP_TO, to check the settings
notify --watch       keep announcing new callback requests (clinic_launch/run.py
                     starts this when SMTP_HOST is set)
notify --summary     the counts of yesterday (or --summary 2026-11-23),
                     e.g. from cron once a morning
"""

import logging
import signal
import threading
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from types import FrameType
from typing import Optional

import click

from clinic_log import queries
from clinic_log.database import session_scope
from clinic_log.settings import database_url
from clinic_notify import mailer, messages
from clinic_notify.sender import Sender
from clinic_notify.settings import SettingsError, SmtpSettings
from staff import inbox
from staff.store import open_log

OFF_HINT = (
    "e-mail notifications are off: set SMTP_HOST, SMTP_FROM and SMTP_TO "
    "(README, 'Telling staff about callback requests')"
)


def _settings() -> SmtpSettings:
    try:
        settings = SmtpSettings.from_environment()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    if settings is None:
        raise click.ClickException(OFF_HINT)
    return settings


def _deliver(settings: SmtpSettings, message: EmailMessage) -> None:
    try:
        mailer.send(settings, message)
    except OSError as error:
        raise click.ClickException(
            f"the mail server {settings.host}:{settings.port} refused or failed: "
            f"{error}"
        ) from None
    click.echo(f"sent {message['Subject']!r} to {', '.join(settings.recipients)}")


def _watch(settings: SmtpSettings) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    stop = threading.Event()

    def stop_watching(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stop_watching)
    signal.signal(signal.SIGINT, stop_watching)
    log = open_log(database_url())
    try:
        Sender(settings, log.sessions).run(stop)
    finally:
        log.close()


def _summary(settings: SmtpSettings, day: date) -> None:
    log = open_log(database_url())
    try:
        with session_scope(log.sessions) as session:
            report = queries.stats(session, day, day)
            unanswered = inbox.count(session, show_all=False)
    finally:
        log.close()
    message = messages.daily_summary(
        settings, day, report["appointments"], unanswered, report["emergencies"]
    )
    _deliver(settings, message)


@click.command()
@click.option("--test", "send_test", is_flag=True, help="Send a test message.")
@click.option("--watch", is_flag=True, help="Announce new callback requests.")
@click.option(
    "--summary",
    "summary_day",
    is_flag=False,
    flag_value="yesterday",
    default=None,
    metavar="[YYYY-MM-DD]",
    help="Send one day's counts (default: yesterday, UTC).",
)
def notify(send_test: bool, watch: bool, summary_day: Optional[str]) -> None:
    """E-mails staff: a test message, new callback requests, or a day's summary."""
    chosen = [send_test, watch, summary_day is not None]
    if sum(chosen) != 1:
        raise click.UsageError("choose one of --test, --watch or --summary")
    settings = _settings()
    if send_test:
        _deliver(settings, messages.trial_message(settings))
    elif watch:
        _watch(settings)
    else:
        _summary(settings, _summary_day(summary_day or "yesterday"))


def _summary_day(value: str) -> date:
    if value == "yesterday":
        return datetime.now(timezone.utc).date() - timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-23") from None
