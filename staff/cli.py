"""The staff command line: the conversation log for people and for spreadsheets.

    python -m staff conversations | show SENDER | inbox | appointments | stats
    python -m staff export | purge | add-user | remove-user | users | audit
    python -m staff dashboard | notify

Reads the database named by DATABASE_URL (see `clinic_log.settings`), bringing
its schema up to date first. Views of visitor data and every change are
written to the audit trail as `cli:<os user>`.
"""

import getpass
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any, List, NoReturn, Optional, Sequence, TypeVar

import click
from alembic.util.exc import CommandError
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from clinic_log import accounts, audit, queries
from clinic_log.database import session_scope
from clinic_log.models import APPOINTMENT_STATUSES
from clinic_log.retention import purge as purge_log
from clinic_log.retention import retention_days
from clinic_log.settings import database_url
from staff import inbox as inbox_items
from staff import operations, passwords
from staff.notify import notify
from staff.operations import StaffMember
from staff.output import (
    EXCHANGE_COLUMNS,
    FORMAT_OPTION,
    TURN_COLUMNS,
    Row,
    confidence,
    fixed,
    flags,
    format_option,
    free,
    minute,
    percent,
    print_machine,
    print_table,
)
from staff.store import open_log, shown

T = TypeVar("T")

APPOINTMENT_COLUMNS = (
    "id",
    "sender_id",
    "name",
    "phone",
    "best_time",
    "reason",
    "status",
    "created",
)
CONVERSATION_COLUMNS = (
    "sender_id",
    "channel",
    "started",
    "last_seen",
    "messages",
    "fallbacks",
    "emergencies",
    "appointments",
)
# Short enough for an 80-column terminal.
DAY_HEADERS = ("day", "conv.", "msgs", "answered", "fallb.", "emerg.", "callbacks")
INBOX_COLUMNS = ("key", "text", "count", "last_seen", "intents", "reviewed")
AUDIT_COLUMNS = ("time", "actor", "address", "action", "target", "detail")
DAY_COLUMNS = (
    "day",
    "conversations",
    "messages",
    "answered",
    "fallbacks",
    "emergencies",
    "appointments",
)


def cli_actor() -> str:
    """How the audit trail names a command-line user: cli:<os user>."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"cli:uid-{os.getuid()}"


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def _with_log(work: Callable[[Session], T]) -> T:
    """Runs `work` in one transaction; a database problem ends the command."""
    try:
        url = database_url()
        shown_url = shown(url)
    except (ArgumentError, OSError) as error:
        _fail(f"DATABASE_URL is not usable: {error}")
    log = None
    try:
        log = open_log(url)
        with session_scope(log.sessions) as session:
            return work(session)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        _fail(f"cannot use the log at {shown_url}: {reason[0] if reason else error}")
    except CommandError as error:
        _fail(f"cannot migrate the log at {shown_url}: {error}")
    finally:
        if log is not None:
            log.close()


def _day(value: Optional[str]) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-23") from None


def _me() -> StaffMember:
    return StaffMember(cli_actor())


def _audited(
    action: str, target: str, work: Callable[[Session], T], detail: str = ""
) -> T:
    """Runs `work` and records it in the audit trail, in the same transaction."""
    return _with_log(
        lambda session: operations.audited(session, _me(), action, target, work, detail)
    )


@click.group()
def main() -> None:
    """Clinic staff tools for the assistant's conversation log."""


@main.command()
@click.option("--since", help="Active on or after this day (YYYY-MM-DD).")
@click.option("--until", help="Started on or before this day (YYYY-MM-DD).")
@click.option("--intent", help="Has a message classified as this intent.")
@click.option("--has-fallback", is_flag=True, help="Has an unsure message.")
@click.option("--has-emergency", is_flag=True, help="Has a red-flag message.")
@click.option("--has-appointment", is_flag=True, help="Has a callback request.")
@click.option("--search", help="Text in a visitor message or reply (any case).")
@click.option(
    "--limit", type=click.IntRange(1, 100_000), default=200, show_default=True
)
@FORMAT_OPTION
def conversations(
    since: Optional[str],
    until: Optional[str],
    intent: Optional[str],
    has_fallback: bool,
    has_emergency: bool,
    has_appointment: bool,
    search: Optional[str],
    limit: int,
    output_format: str,
) -> None:
    """Lists conversations, most recently active first."""
    wanted = queries.ConversationFilter(
        _day(since),
        _day(until),
        intent,
        has_fallback,
        has_emergency,
        has_appointment,
        search,
        limit,
    )
    rows = _with_log(lambda session: queries.conversations(session, wanted))
    if output_format != "table":
        print_machine(rows, CONVERSATION_COLUMNS, output_format)
        return
    columns = [
        fixed("last seen (UTC)"),
        free("sender"),
        fixed("messages"),
        fixed("fallbacks"),
        fixed("emergencies"),
        fixed("callbacks"),
    ]
    cells = [
        [
            minute(row["last_seen"]),
            row["sender_id"],
            row["messages"],
            row["fallbacks"],
            row["emergencies"],
            row["appointments"],
        ]
        for row in rows
    ]
    print_table(f"Conversations ({len(rows)})", columns, cells)


def _print_turns(title: str, rows: List[Row], with_sender: bool) -> None:
    """Turns as a table: what the visitor wrote, how it was read, the reply."""
    sender = [free("sender")] if with_sender else []
    columns = [fixed("time (UTC)"), *sender, free("visitor wrote"), fixed("intent")]
    columns += [fixed("conf."), free("reply"), fixed("flags")]
    cells = [
        [
            minute(row["time"]),
            *([row["sender_id"]] if with_sender else []),
            row["text"],
            row["intent"],
            confidence(row["confidence"]),
            row["reply"],
            flags(row),
        ]
        for row in rows
    ]
    print_table(title, columns, cells)


@main.command()
@click.argument("sender")
@FORMAT_OPTION
def show(sender: str, output_format: str) -> None:
    """Prints one conversation: each turn with its intent and confidence."""
    rows = _with_log(lambda session: operations.transcript(session, _me(), sender))
    if rows is None:
        _fail(f"no conversation with sender {sender!r}")
    if output_format != "table":
        print_machine(rows, TURN_COLUMNS, output_format)
        return
    _print_turns(f"Conversation {sender}", rows, with_sender=False)


def _mark_reviewed(keys: Sequence[str]) -> None:
    def mark(session: Session) -> List[str]:
        return [operations.review_inbox_item(session, _me(), key) for key in keys]

    try:
        for key in _with_log(mark):
            click.echo(f"marked {key} reviewed")
    except LookupError as error:
        _fail(str(error))


def _print_nlu(intent: str, keys: Sequence[str], show_all: bool) -> None:
    def chosen(session: Session) -> List[str]:
        if keys:
            return [inbox_items.find(session, key).text for key in keys]
        return [item.text for item in inbox_items.load(session, show_all)]

    try:
        texts = _audited("view inbox", "", chosen)
    except LookupError as error:
        _fail(str(error))
    click.echo(inbox_items.nlu_block(intent, texts), nl=False)


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Include reviewed items.")
@click.option(
    "--review",
    "review_keys",
    multiple=True,
    help="Mark the item with this key reviewed.",
)
@click.option(
    "--nlu", "nlu_intent", help="Print the items as NLU YAML for this intent."
)
@click.option("--key", "keys", multiple=True, help="With --nlu: only these items.")
@FORMAT_OPTION
def inbox(
    show_all: bool,
    review_keys: Sequence[str],
    nlu_intent: Optional[str],
    keys: Sequence[str],
    output_format: str,
) -> None:
    """Questions the assistant could not answer or was unsure of, grouped.

    Unanswered means a fallback, "not covered" or out-of-scope reply, or an
    intent confidence below the FallbackClassifier's threshold in config.yml.
    """
    if review_keys:
        _mark_reviewed(review_keys)
        return
    if nlu_intent is not None:
        _print_nlu(nlu_intent, keys, show_all)
        return
    items = _with_log(lambda session: operations.whole_inbox(session, _me(), show_all))
    rows = [item.as_row() for item in items]
    if output_format != "table":
        print_machine(rows, INBOX_COLUMNS, output_format)
        return
    columns = [
        fixed("key"),
        fixed("times"),
        free("question (newest wording)"),
        fixed("intents"),
        fixed("last seen (UTC)"),
        fixed("reviewed"),
    ]
    cells = [
        [
            row["key"],
            row["count"],
            row["text"],
            row["intents"],
            minute(row["last_seen"]),
            "yes" if row["reviewed"] else "",
        ]
        for row in rows
    ]
    print_table(f"Inbox ({len(rows)})", columns, cells)


@main.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(APPOINTMENT_STATUSES))
@FORMAT_OPTION
@click.pass_context
def appointments(
    context: click.Context, status: Optional[str], output_format: str
) -> None:
    """Prints callback requests, oldest first; `appointments mark` updates one."""
    if context.invoked_subcommand is not None:
        return
    rows = _with_log(lambda session: operations.callbacks(session, _me(), status))
    if output_format != "table":
        print_machine(rows, APPOINTMENT_COLUMNS, output_format)
        return
    columns = [
        fixed("id"),
        fixed("created (UTC)"),
        free("sender"),
        free("name"),
        fixed("phone"),
        free("best time"),
        free("reason"),
        fixed("status"),
    ]
    cells = [
        [
            row["id"],
            minute(row["created"]),
            row["sender_id"],
            row["name"],
            row["phone"],
            row["best_time"],
            row["reason"],
            row["status"],
        ]
        for row in rows
    ]
    print_table("Callback requests", columns, cells)


@appointments.command()
@click.argument("request_id", type=int)
@click.argument("status", type=click.Choice(APPOINTMENT_STATUSES))
def mark(request_id: int, status: str) -> None:
    """Sets a callback request's status: new, called or closed."""
    changed = _with_log(
        lambda session: operations.set_callback_status(
            session, _me(), request_id, status
        )
    )
    if not changed:
        _fail(f"no callback request with id {request_id}")
    click.echo(f"callback request {request_id} is now {status}")


@main.command()
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True)
@click.option("--until", help="Last day of the period (YYYY-MM-DD); default today.")
@format_option("jsonl: the whole report as one line; csv: one row a day.")
def stats(days: int, until: Optional[str], output_format: str) -> None:
    """Activity of the last DAYS days (UTC): per day, rates and top topics."""
    last = _day(until) or datetime.now(timezone.utc).date()
    first = last - timedelta(days=days - 1)
    report = _with_log(lambda session: queries.stats(session, first, last))
    if output_format == "jsonl":
        print_machine([report], (), "jsonl")
        return
    if output_format == "csv":
        print_machine(report["days"], DAY_COLUMNS, "csv")
        return
    click.echo(
        f"{report['since']} to {report['until']}: {report['conversations']} "
        f"conversations, {report['messages']} messages, answer rate "
        f"{percent(report['answer_rate'])}, fallback rate "
        f"{percent(report['fallback_rate'])}, {report['appointments']} callback "
        f"requests, {report['emergencies']} emergencies"
    )
    active = [day for day in report["days"] if day["messages"] or day["appointments"]]
    print_table(
        "Active days",
        [fixed(header) for header in DAY_HEADERS],
        [[day[column] for column in DAY_COLUMNS] for day in active],
    )
    print_table(
        "Top topics",
        [free("topic"), fixed("answers")],
        [[topic, count] for topic, count in report["top_topics"]],
    )


@main.command()
@FORMAT_OPTION
def export(output_format: str) -> None:
    """Prints every logged exchange, oldest first."""
    rows = _with_log(lambda session: operations.export_exchanges(session, _me()))
    if output_format != "table":
        print_machine(rows, EXCHANGE_COLUMNS, output_format)
        return
    _print_turns("Conversation log", rows, with_sender=True)


def _default_retention() -> int:
    try:
        return retention_days()
    except ValueError as error:
        _fail(f"RETENTION_DAYS: {error}")


@main.command()
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    help="Days to keep; default RETENTION_DAYS, else 90.",
)
def purge(days: Optional[int]) -> None:
    """Deletes conversations older than the retention period.

    Conversations with a callback request that is not closed are kept.
    Rasa's stored events of the deleted conversations are deleted too.
    """
    keep = days if days is not None else _default_retention()
    cutoff = datetime.now(timezone.utc) - timedelta(days=keep)
    result = _with_log(lambda session: _purge_and_audit(session, cutoff, keep))
    click.echo(
        f"Removed {result.conversations} conversations older than {keep} days "
        f"({result.exchanges} messages, {result.appointments} closed callback "
        f"requests, {result.events} Rasa events); kept {result.kept_open} with an "
        "open callback request."
    )


def _purge_and_audit(session: Session, cutoff: datetime, keep: int) -> Any:
    result = purge_log(session, cutoff)
    audit.record(
        session,
        cli_actor(),
        "purge",
        f"older than {keep} days",
        f"{result.conversations} conversations, {result.exchanges} messages, "
        f"{result.events} events",
    )
    return result


def _read_password() -> str:
    """The new password: prompted twice on a terminal, else the first stdin line."""
    if sys.stdin.isatty():
        entered: str = click.prompt(
            "Password", hide_input=True, confirmation_prompt=True
        )
        return entered
    return sys.stdin.readline().rstrip("\r\n")


USERNAME = click.argument("username")


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 64 or not name.isprintable() or " " in name:
        _fail("a username is 1 to 64 printable characters without spaces")
    return name


@main.command("add-user")
@USERNAME
def add_user(username: str) -> None:
    """Creates a dashboard account, or sets its password; reads it from stdin."""
    name = _check_username(username)
    password = _read_password()
    try:
        passwords.check_strength(password)
    except ValueError as error:
        _fail(str(error))
    password_hash = passwords.hash_password(password)
    created = _audited(
        "user added",
        name,
        lambda session: accounts.save(session, name, password_hash),
    )
    click.echo(f"{'created' if created else 'updated the password of'} {name}")


@main.command("remove-user")
@USERNAME
def remove_user(username: str) -> None:
    """Deletes a dashboard account; its open sessions end at their next request."""
    removed = _audited(
        "user removed", username, lambda session: accounts.remove(session, username)
    )
    if not removed:
        _fail(f"no account called {username!r}")
    click.echo(f"removed {username}")


@main.command()
def users() -> None:
    """Lists dashboard accounts."""
    for name in _with_log(accounts.usernames):
        click.echo(name)


@main.command("audit")
@click.option(
    "--limit", type=click.IntRange(1, 100_000), default=100, show_default=True
)
@FORMAT_OPTION
def audit_trail(limit: int, output_format: str) -> None:
    """Prints the audit trail, newest first: who viewed or changed what."""
    rows: List[Row] = _with_log(lambda session: audit.recent(session, limit))
    if output_format != "table":
        print_machine(rows, AUDIT_COLUMNS, output_format)
        return
    columns = [fixed("time (UTC)"), free("who"), fixed("from"), fixed("action")]
    columns += [free("what"), free("detail")]
    cells = [
        [
            minute(row["time"]),
            row["actor"],
            row["address"],
            row["action"],
            row["target"],
            row["detail"],
        ]
        for row in rows
    ]
    print_table("Audit trail", columns, cells)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=lambda: int(os.environ.get("DASHBOARD_PORT", "8001")),
    help="Default: DASHBOARD_PORT, else 8001.",
)
def dashboard(host: str, port: int) -> None:
    """Serves the staff dashboard (put it behind TLS for other machines)."""
    # Imported here: the other commands should not pay for loading Flask.
    from staff.dashboard.server import serve

    serve(host, port)


main.add_command(notify)
