"""Callback requests reach staff by e-mail: once each, across outages and restarts.

Against a real SMTP server on loopback (aiosmtpd) and the real sender process,
on SQLite and PostgreSQL; requests are stored as the action server's writer
stores them.
"""

import os
import re
import ssl
import subprocess
import sys
import threading
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
from aiosmtpd.smtp import AuthResult

from clinic_log.database import make_engine, make_session_factory
from clinic_log.migrations import upgrade
from clinic_log.records import AppointmentRecord
from clinic_notify import messages
from clinic_notify.outbox import PendingRequest
from clinic_notify.sender import Sender
from clinic_notify.settings import SettingsError, SmtpSettings
from cluster.processes import free_port
from tests.support.log_records import T0, appointment
from tests.support.mail_server import RECIPIENT, ROOT, MailServer, NotifierProcess
from tests.support.staff_log import clinic_day, fill

pytestmark = pytest.mark.e2e

NAME, PHONE = "Ann Example", "904 555 0100"


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer(free_port())
    server.start()
    yield server
    server.stop()


def request(number: int) -> AppointmentRecord:
    return appointment(
        sender_id=f"visitor-{number}",
        message_id=f"m{number}",
        created_at=T0 + timedelta(minutes=number),
    )


def run_notify(
    *options: str, database_url: str = "sqlite://", **environment: str
) -> "subprocess.CompletedProcess[str]":
    """`python -m staff notify OPTIONS` with only the SMTP_* settings given here."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("SMTP_")}
    return subprocess.run(
        [sys.executable, "-m", "staff", "notify", *options],
        cwd=ROOT,
        env={
            **kept,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            **environment,
        },
        capture_output=True,
        text=True,
    )


def announced_ids(mail: EmailMessage) -> List[int]:
    """The request ids a notification names in its Message-ID."""
    pattern = r"<callback-requests-([\d-]+)@clinic\.example>"
    found = re.fullmatch(pattern, str(mail["Message-ID"]))
    assert found, mail["Message-ID"]
    return [int(number) for number in found.group(1).split("-")]


def test_each_request_is_mailed_once_across_an_outage_and_a_restart(
    migrated_url: str, mail_server: MailServer
) -> None:
    fill(migrated_url, appointments=[request(1)])
    notifier = NotifierProcess(migrated_url, mail_server.environment())
    notifier.start()

    (first,) = mail_server.wait_for(1)
    assert first["Subject"] == "Clinic assistant: 1 new callback request"
    assert first["To"] == RECIPIENT
    body = first.get_content()
    assert "/appointments?status=new" in body
    assert NAME not in body and PHONE not in body

    mail_server.stop()
    fill(migrated_url, appointments=[request(2)])
    notifier.wait_for_line("Could not notify staff")
    mail_server.start()
    second = mail_server.wait_for(2)[1]
    assert announced_ids(second) == [2]

    assert notifier.stop() == 0
    notifier.wait_for_line("Stopped watching")
    notifier.start()
    fill(migrated_url, appointments=[request(3)])
    third = mail_server.wait_for(3)[2]
    assert notifier.stop() == 0
    notifier.wait_for_line("Stopped watching")

    assert "waiting: 0" in " ".join(notifier.seen)
    assert announced_ids(third) == [3]
    assert [announced_ids(mail) for mail in mail_server.messages] == [[1], [2], [3]]


def test_details_only_when_chosen_and_never_the_reason() -> None:
    pending = [PendingRequest(7, NAME, PHONE, "weekday mornings", T0)]
    settings = SmtpSettings.from_environment(
        {"SMTP_HOST": "mail", "SMTP_FROM": "a@clinic.example", "SMTP_TO": "b@x.org"}
    )
    assert settings is not None
    plain = messages.new_requests(settings, pending).get_content()
    detailed = messages.new_requests(
        SmtpSettings(**{**settings.__dict__, "include_details": True}), pending
    ).get_content()

    assert NAME not in plain and PHONE not in plain
    assert NAME in detailed and PHONE in detailed and "weekday mornings" in detailed
    assert "back pain" not in detailed  # the reason is health information


@pytest.mark.parametrize(
    ("environment", "problem"),
    [
        ({"SMTP_SECURITY": "ssl"}, "SMTP_SECURITY"),
        ({"SMTP_PORT": "99999"}, "SMTP_PORT"),
        ({"SMTP_TO": " , "}, "SMTP_TO"),
        ({"SMTP_USER": "desk"}, "both SMTP_USER and SMTP_PASSWORD"),
        (
            {"SMTP_USER": "desk", "SMTP_PASSWORD": "pw", "SMTP_SECURITY": "none"},
            "in clear",
        ),
        ({"SMTP_INCLUDE_DETAILS": "maybe"}, "SMTP_INCLUDE_DETAILS"),
        ({"NOTIFY_INTERVAL_SECONDS": "-1"}, "NOTIFY_INTERVAL_SECONDS"),
    ],
)
def test_unusable_settings_say_what_to_change(
    environment: Dict[str, str], problem: str
) -> None:
    base = {"SMTP_HOST": "mail", "SMTP_FROM": "a@clinic.example", "SMTP_TO": "b@x.org"}
    with pytest.raises(SettingsError, match=problem):
        SmtpSettings.from_environment({**base, **environment})


def test_without_smtp_host_notifications_are_off() -> None:
    assert SmtpSettings.from_environment({}) is None
    result = run_notify("--test")
    assert result.returncode == 1
    assert "notifications are off" in result.stderr


def test_notify_test_sends_one_message(mail_server: MailServer) -> None:
    result = run_notify("--test", **mail_server.environment())
    assert result.returncode == 0, result.stderr
    (mail,) = mail_server.wait_for(1)
    assert mail["Subject"] == "Clinic assistant: test message"
    assert "sent 'Clinic assistant: test message'" in result.stdout


def test_a_mail_server_that_is_down_is_a_clear_error() -> None:
    down = MailServer(free_port())
    result = run_notify("--test", **down.environment())
    assert result.returncode == 1
    assert f"127.0.0.1:{down.port} refused or failed" in result.stderr


def notify_together(sender: Sender, start: threading.Barrier) -> None:
    start.wait()
    sender.notify_once()


def test_two_senders_on_one_postgresql_database_mail_each_request_once(
    postgres_cluster, mail_server: MailServer
) -> None:
    """Row locks (FOR UPDATE SKIP LOCKED) keep two senders from mailing one request."""
    name = postgres_cluster.create_database()
    url = postgres_cluster.url(name)
    upgrade(url)
    engine = make_engine(url)
    settings = SmtpSettings.from_environment(mail_server.environment())
    assert settings is not None
    senders = [Sender(settings, make_session_factory(engine)) for _ in range(2)]
    try:
        for batch in range(5):
            fill(url, appointments=[request(batch * 4 + n) for n in range(1, 5)])
            start = threading.Barrier(2)

            threads = [
                threading.Thread(target=notify_together, args=(sender, start))
                for sender in senders
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert senders[0].waiting() == 0
    finally:
        engine.dispose()
        postgres_cluster.drop_database(name)

    announced = sorted(n for mail in mail_server.messages for n in announced_ids(mail))
    assert announced == list(range(1, 21))


def test_the_daily_summary_counts_a_day_without_details(
    migrated_url: str, mail_server: MailServer
) -> None:
    clinic_day(migrated_url)
    result = run_notify(
        "--summary",
        "2026-11-23",
        database_url=migrated_url,
        **mail_server.environment(),
    )
    assert result.returncode == 0, result.stderr
    (mail,) = mail_server.wait_for(1)
    body = mail.get_content()
    assert mail["Subject"] == "Clinic assistant: summary of 2026-11-23"
    # tests/support/staff_log.py: one request, two inbox questions, one red flag.
    assert "  1 callback request\r\n" in body
    assert "2 questions waiting in the inbox" in body
    assert "1 emergency seen" in body
    assert NAME not in body and "cost" not in body.lower()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Dict[str, Path]:
    """A self-signed certificate for 127.0.0.1, made with Debian's openssl."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return {"key": key, "cert": cert}


def test_starttls_and_a_login_against_a_server_the_ca_file_vouches_for(
    certificate: Dict[str, Path],
) -> None:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(certificate["cert"], certificate["key"])
    logins: List[bytes] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append(auth_data.login)
        return AuthResult(success=auth_data.password == b"front desk secret")

    server = MailServer(
        free_port(),
        tls_context=tls,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    server.start()
    secure = server.environment(
        SMTP_SECURITY="starttls",
        SMTP_USER="assistant",
        SMTP_PASSWORD="front desk secret",
    )
    try:
        untrusted = run_notify("--test", **secure)
        trusted = run_notify("--test", **secure, SMTP_CA_FILE=str(certificate["cert"]))
        (mail,) = server.wait_for(1)
    finally:
        server.stop()

    assert untrusted.returncode == 1 and "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
    assert trusted.returncode == 0, trusted.stderr
    assert logins == [b"assistant"]
    assert mail["Subject"] == "Clinic assistant: test message"
