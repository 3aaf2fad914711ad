"""The staff command line: the conversation log for people and for spreadsheets.

    python -m staff conversations | show SENDER | inbox | appointments | stats
    python -m staff export | purge | add-user | remove-user | users | audit
    python -m staff dashboard | notify

Reads the database named by DATABASE_URL (see `clinic_log.settings`), bringing
its schema up to date first. Views of visitor data and every change are
written to the audit trail as `cli:<os user>`.
"""

from datetime import datetime, timedelta, timezone
from typing import List, Optional, Sequence

import click
from sqlalchemy.orm import Session

from clinic_log import queries
from clinic_log.models import APPOINTMENT_STATUSES
from clinic_log.repository import APPOINTMENT_FIELDS
from staff import inbox as inbox_items
from staff import operations
from staff.cli_accounts import add_user, remove_user, users
from staff.cli_admin import audit_trail, dashboard, purge
from staff.cli_support import audited, fail, me, parse_day, with_log
from staff.notify import notify
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

APPOINTMENT_COLUMNS = APPOINTMENT_FIELDS
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
DAY_COLUMNS = (
    "day",
    "conversations",
    "messages",
    "answered",
    "fallbacks",
    "emergencies",
    "appointments",
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
        parse_day(since),
        parse_day(until),
        intent,
        has_fallback,
        has_emergency,
        has_appointment,
        search,
        limit,
    )
    rows = with_log(lambda session: queries.conversations(session, wanted))
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
    rows = with_log(lambda session: operations.transcript(session, me(), sender))
    if rows is None:
        fail(f"no conversation with sender {sender!r}")
    if output_format != "table":
        print_machine(rows, TURN_COLUMNS, output_format)
        return
    _print_turns(f"Conversation {sender}", rows, with_sender=False)


def _mark_reviewed(keys: Sequence[str]) -> None:
    def mark(session: Session) -> List[str]:
        return [operations.review_inbox_item(session, me(), key) for key in keys]

    try:
        for key in with_log(mark):
            click.echo(f"marked {key} reviewed")
    except LookupError as error:
        fail(str(error))


def _print_nlu(intent: str, keys: Sequence[str], show_all: bool) -> None:
    def chosen(session: Session) -> List[str]:
        if keys:
            return [inbox_items.find(session, key).text for key in keys]
        return [item.text for item in inbox_items.load(session, show_all)]

    try:
        texts = audited("view inbox", "", chosen)
    except LookupError as error:
        fail(str(error))
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
    items = with_log(lambda session: operations.whole_inbox(session, me(), show_all))
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
    rows = with_log(lambda session: operations.callbacks(session, me(), status))
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
    changed = with_log(
        lambda session: operations.set_callback_status(
            session, me(), request_id, status
        )
    )
    if not changed:
        fail(f"no callback request with id {request_id}")
    click.echo(f"callback request {request_id} is now {status}")


@main.command()
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True)
@click.option("--until", help="Last day of the period (YYYY-MM-DD); default today.")
@format_option("jsonl: the whole report as one line; csv: one row a day.")
def stats(days: int, until: Optional[str], output_format: str) -> None:
    """Activity of the last DAYS days (UTC): per day, rates and top topics."""
    last = parse_day(until) or datetime.now(timezone.utc).date()
    first = last - timedelta(days=days - 1)
    report = with_log(lambda session: queries.stats(session, first, last))
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
    rows = with_log(lambda session: operations.export_exchanges(session, me()))
    if output_format != "table":
        print_machine(rows, EXCHANGE_COLUMNS, output_format)
        return
    _print_turns("Conversation log", rows, with_sender=True)


for command in (add_user, remove_user, users, purge, audit_trail, dashboard, notify):
    main.add_command(command)
