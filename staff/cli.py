"""The staff command line: exports of the log for people and for spreadsheets.

    python -m staff export --format jsonl|csv|table
    python -m staff appointments --format jsonl|csv|table

Reads the database named by DATABASE_URL (see `clinic_log.settings`), bringing
its schema up to date first.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, Dict, List, NoReturn

import click
from alembic.util.exc import CommandError
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from clinic_log import repository
from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.migrations import upgrade
from clinic_log.settings import database_url

Row = Dict[str, Any]

EXCHANGE_COLUMNS = (
    "sender_id",
    "time",
    "text",
    "intent",
    "confidence",
    "answer_key",
    "reply",
    "is_fallback",
    "is_emergency",
    "is_out_of_scope",
)
APPOINTMENT_COLUMNS = (
    "sender_id",
    "name",
    "phone",
    "best_time",
    "reason",
    "status",
    "created",
)

# A spreadsheet runs a cell starting with these as a formula (OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Terminal control characters other than newline and tab: visitor text must
# not be able to move the cursor or recolour a staff member's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl", "csv", "table"]),
    default="table",
    show_default=True,
    help="jsonl and csv for tools and spreadsheets, table for reading.",
)


def neutralise(cell: str) -> str:
    """Stops a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return value


def _visible(value: Any) -> Text:
    """A table cell showing control characters as escapes, never as markup."""
    if value is None:
        return Text("")
    shown = _CONTROL.sub(lambda match: repr(match.group())[1:-1], str(value))
    return Text(shown)


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def _read(query: Callable[[Session], List[Row]]) -> List[Row]:
    """Runs `query` on the log database; a database problem ends the command."""
    try:
        url = database_url()
        shown_url = make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, OSError) as error:
        _fail(f"DATABASE_URL is not usable: {error}")
    engine = None
    try:
        upgrade(url)
        engine = make_engine(url)
        with session_scope(make_session_factory(engine)) as session:
            return query(session)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        _fail(f"cannot read the log at {shown_url}: {reason[0] if reason else error}")
    except CommandError as error:
        _fail(f"cannot migrate the log at {shown_url}: {error}")
    finally:
        if engine is not None:
            engine.dispose()


def _print_machine(rows: List[Row], columns: Sequence[str], output_format: str) -> None:
    """jsonl: one object a line, as stored; csv: a header, then neutralised cells."""
    if output_format == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in columns])
    click.echo(buffer.getvalue(), nl=False)


def _print_table(title: str, columns: Sequence[Column], cells: List[List[Any]]) -> None:
    table = Table(*columns, title=title, show_lines=True)
    for row in cells:
        table.add_row(*(_visible(cell) for cell in row))
    Console(highlight=False).print(table)


def _flags(row: Row) -> str:
    names = (
        ("is_emergency", "emergency"),
        ("is_fallback", "fallback"),
        ("is_out_of_scope", "out of scope"),
    )
    return ", ".join(label for key, label in names if row[key])


def _confidence(value: Any) -> str:
    return "" if value is None else f"{value:.2f}"


def _minute(iso_time: str) -> str:
    """2026-11-23T09:00:12.5+00:00 -> 2026-11-23 09:00 (every stored time is UTC)."""
    return iso_time[:16].replace("T", " ")


def _fixed(header: str) -> Column:
    return Column(header, no_wrap=True)


def _free(header: str) -> Column:
    return Column(header, overflow="fold")


@click.group()
def main() -> None:
    """Clinic staff tools for the assistant's conversation log."""


@main.command()
@FORMAT_OPTION
def export(output_format: str) -> None:
    """Prints every logged exchange, oldest first."""
    rows = _read(repository.exchanges)
    if output_format != "table":
        _print_machine(rows, EXCHANGE_COLUMNS, output_format)
        return
    columns = [
        _fixed("time (UTC)"),
        _free("sender"),
        _free("visitor wrote"),
        _fixed("intent"),
        _fixed("conf."),
        _free("reply"),
        _fixed("flags"),
    ]
    cells = [
        [
            _minute(row["time"]),
            row["sender_id"],
            row["text"],
            row["intent"],
            _confidence(row["confidence"]),
            row["reply"],
            _flags(row),
        ]
        for row in rows
    ]
    _print_table("Conversation log", columns, cells)


@main.command()
@FORMAT_OPTION
def appointments(output_format: str) -> None:
    """Prints every callback request, oldest first."""
    rows = _read(repository.appointments)
    if output_format != "table":
        _print_machine(rows, APPOINTMENT_COLUMNS, output_format)
        return
    columns = [
        _fixed("created (UTC)"),
        _free("sender"),
        _free("name"),
        _fixed("phone"),
        _free("best time"),
        _free("reason"),
        _fixed("status"),
    ]
    cells = [
        [
            _minute(row["created"]),
            row["sender_id"],
            row["name"],
            row["phone"],
            row["best_time"],
            row["reason"],
            row["status"],
        ]
        for row in rows
    ]
    _print_table("Callback requests", columns, cells)
