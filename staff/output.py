"""Printing rows for people (rich tables) and for machines (jsonl, csv).

Visitor text is untrusted: table cells show control characters as escapes and
never interpret markup, and CSV cells that a spreadsheet would run as a
formula are neutralised.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, Dict, List, Optional, TypeVar

import click
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from clinic_log.repository import TURN_FIELDS

Row = Dict[str, Any]

# A spreadsheet runs a cell starting with these as a formula (OWASP's list).
# A click command function, returned unchanged but for its new option.
F = TypeVar("F", bound=Callable[..., Any])

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Terminal control characters other than newline and tab: visitor text must
# not be able to move the cursor or recolour a staff member's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# One turn of a conversation, as transcripts and exports list it.
TURN_COLUMNS = TURN_FIELDS
EXCHANGE_COLUMNS = ("sender_id", *TURN_COLUMNS)


def format_option(help_text: str) -> Callable[[F], F]:
    """The `--format jsonl|csv|table` option every listing command takes."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["jsonl", "csv", "table"]),
        default="table",
        show_default=True,
        help=help_text,
    )


FORMAT_OPTION = format_option(
    "jsonl and csv for tools and spreadsheets, table for reading."
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


def visible(value: Any) -> Text:
    """A table cell showing control characters as escapes, never as markup."""
    if value is None:
        return Text("")
    shown = _CONTROL.sub(lambda match: repr(match.group())[1:-1], str(value))
    return Text(shown)


def machine_text(rows: List[Row], columns: Sequence[str], output_format: str) -> str:
    """jsonl: one object a line, as stored; csv: a header, then neutralised cells."""
    if output_format == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in columns])
    return buffer.getvalue()


def print_machine(rows: List[Row], columns: Sequence[str], output_format: str) -> None:
    """Prints `machine_text` of the rows."""
    click.echo(machine_text(rows, columns, output_format), nl=False)


def print_table(title: str, columns: Sequence[Column], cells: List[List[Any]]) -> None:
    """A rich table of `cells`, every cell shown literally."""
    table = Table(*columns, title=title, show_lines=True)
    for row in cells:
        table.add_row(*(visible(cell) for cell in row))
    Console(highlight=False).print(table)


def flags(row: Row) -> str:
    """The notable flags of an exchange row, as words."""
    names = (
        ("is_emergency", "emergency"),
        ("is_fallback", "fallback"),
        ("is_out_of_scope", "out of scope"),
        ("text_truncated", "cut"),
    )
    return ", ".join(label for key, label in names if row.get(key))


def confidence(value: Any) -> str:
    """0.9312 -> 0.93; nothing for no confidence."""
    return "" if value is None else f"{value:.2f}"


def minute(iso_time: str) -> str:
    """2026-11-23T09:00:12.5+00:00 -> 2026-11-23 09:00 (every stored time is UTC)."""
    return iso_time[:16].replace("T", " ")


def fixed(header: str) -> Column:
    """A column that never wraps (times, numbers, short codes)."""
    return Column(header, no_wrap=True)


def free(header: str) -> Column:
    """A column that folds long text."""
    return Column(header, overflow="fold")


def percent(value: Optional[float]) -> str:
    """A rate as a whole percentage, or n/a when there was nothing to count."""
    return "n/a" if value is None else f"{value:.0%}"
