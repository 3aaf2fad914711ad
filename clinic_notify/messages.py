"""The e-mails staff get. By default they carry counts and a link, nothing about health.

A mailbox is a weaker place than the log: e-mail is forwarded, synced to
phones and kept for years. So a notification says how many requests wait and
where; names, phone numbers and best times only with SMTP_INCLUDE_DETAILS=1,
and the visitor's reason for calling never.
"""

from datetime import date
from email.message import EmailMessage
from email.utils import formatdate
from typing import Sequence

from clinic_notify.outbox import PendingRequest
from clinic_notify.settings import SmtpSettings

BRAND = "Clinic assistant"


def _message(settings: SmtpSettings, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Date"] = formatdate(localtime=False)
    message.set_content(body)
    return message


def _plural(count: int, word: str, words: str = "") -> str:
    return f"{count} {word}" if count == 1 else f"{count} {words or word + 's'}"


def new_requests(
    settings: SmtpSettings, requests: Sequence[PendingRequest]
) -> EmailMessage:
    """One e-mail about `requests`; its Message-ID is the same if it is ever resent."""
    what = _plural(len(requests), "new callback request")
    lines = [
        f"{what} from the website's assistant.",
        "",
        f"Open the list: {settings.dashboard_url}/appointments?status=new",
    ]
    if settings.include_details:
        lines += ["", "Call back:"]
        lines += [
            f"  #{request.id}  {request.name}  {request.phone}  "
            f"best time: {request.best_time}"
            for request in requests
        ]
    else:
        lines += ["", "Names and numbers are in the dashboard, not in this e-mail."]
    message = _message(settings, f"{BRAND}: {what}", "\n".join(lines) + "\n")
    ids = "-".join(str(request.id) for request in requests)
    domain = settings.sender.rpartition("@")[2]
    message["Message-ID"] = f"<callback-requests-{ids}@{domain}>"
    return message


def trial_message(settings: SmtpSettings) -> EmailMessage:
    """What `python -m staff notify --test` sends."""
    body = (
        "This is a test message from the clinic assistant.\n"
        "New callback requests will be announced to this address.\n"
        f"Dashboard: {settings.dashboard_url}\n"
    )
    return _message(settings, f"{BRAND}: test message", body)


def daily_summary(
    settings: SmtpSettings, day: date, requests: int, unanswered: int, emergencies: int
) -> EmailMessage:
    """Counts of one day: new requests, questions left for the inbox, emergencies."""
    body = (
        f"The website's assistant on {day.isoformat()} (UTC):\n\n"
        f"  {_plural(requests, 'callback request')}\n"
        f"  {_plural(unanswered, 'question')} waiting in the inbox (all days)\n"
        f"  {_plural(emergencies, 'emergency', 'emergencies')} seen "
        "(each visitor was told to call 911)\n\n"
        f"Dashboard: {settings.dashboard_url}\n"
    )
    return _message(settings, f"{BRAND}: summary of {day.isoformat()}", body)
