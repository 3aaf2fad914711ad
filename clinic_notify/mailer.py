"""Hands one e-mail to the SMTP server: STARTTLS, TLS, or plain for a local relay."""

import smtplib
import ssl
from email.message import EmailMessage

from clinic_notify.settings import SmtpSettings


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Delivers `message` to the server; raises OSError or SMTPException on failure.

    Certificates are checked against the system's CA store, or SMTP_CA_FILE's.
    """
    context = ssl.create_default_context(cafile=settings.ca_file)
    client: smtplib.SMTP
    if settings.security == "tls":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout_s, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
    with client:
        if settings.security == "starttls":
            client.starttls(context=context)
        if settings.user is not None and settings.password is not None:
            client.login(settings.user, settings.password)
        client.send_message(message)
