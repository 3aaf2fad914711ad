"""The sender: looks for new callback requests every few seconds and e-mails staff.

Durable because the log is the outbox (see `outbox`): a request taken while
the mail server is down, or while the sender is stopped, is announced at the
next successful look. Failures are retried with a growing pause (at most a
minute), each one logged with its reason; nothing here can fail a turn.
"""

import logging
import threading
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Callable

from sqlalchemy.exc import SQLAlchemyError

from clinic_log.database import SessionFactory, session_scope
from clinic_notify import mailer, messages, outbox
from clinic_notify.settings import SmtpSettings

logger = logging.getLogger(__name__)
MAX_RETRY_DELAY_S = 60.0
Mailer = Callable[[SmtpSettings, EmailMessage], None]


class Sender:
    """Notifies staff of new callback requests, one e-mail per batch found."""

    def __init__(
        self,
        settings: SmtpSettings,
        sessions: SessionFactory,
        send: Mailer = mailer.send,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.send = send

    def notify_once(self) -> int:
        """Mails staff about every pending request; how many there were.

        The requests are marked in the transaction that claimed them, after
        the mail server accepted the message: a failed send leaves them pending.
        """
        with session_scope(self.sessions) as session:
            pending = outbox.claim(session)
            if not pending:
                return 0
            self.send(self.settings, messages.new_requests(self.settings, pending))
            ids = [request.id for request in pending]
            outbox.mark_notified(session, ids, datetime.now(timezone.utc))
        logger.info(
            "E-mailed %s about %d new callback request(s): #%s",
            ", ".join(self.settings.recipients),
            len(ids),
            ", #".join(map(str, ids)),
        )
        return len(ids)

    def waiting(self) -> int:
        """How many requests wait for a notification now."""
        with session_scope(self.sessions) as session:
            return outbox.count_pending(session)

    def run(self, stop: threading.Event) -> None:
        """Looks every `interval_s` until `stop` is set, backing off on failures."""
        try:
            waiting = str(self.waiting())
        except SQLAlchemyError:
            waiting = "unknown (the log database is unreachable)"
        logger.info(
            "Watching for new callback requests every %gs (mail server %s:%d); "
            "waiting: %s",
            self.settings.interval_s,
            self.settings.host,
            self.settings.port,
            waiting,
        )
        delay = self.settings.interval_s
        while not stop.is_set():
            try:
                self.notify_once()
                delay = self.settings.interval_s
            except OSError as error:  # smtplib's errors are OSErrors too
                delay = self._backoff(delay, f"the mail server failed: {error!r}")
            except SQLAlchemyError as error:
                delay = self._backoff(delay, f"the log database failed: {error!r}")
            stop.wait(delay)
        logger.info("Stopped watching for callback requests")

    def _backoff(self, delay: float, reason: str) -> float:
        longer = min(max(delay * 2, self.settings.interval_s), MAX_RETRY_DELAY_S)
        logger.warning("Could not notify staff (%s); retrying in %gs", reason, longer)
        return longer
