"""`python -m staff purge | audit | dashboard`: retention, audit trail, the server."""

import os
from datetime import datetime, timedelta, timezone
from typing import Any, List, Optional

import click
from sqlalchemy.orm import Session

from clinic_log import audit
from clinic_log.retention import purge as purge_log
from clinic_log.retention import retention_days
from staff.cli_support import cli_actor, fail, with_log
from staff.output import (
    FORMAT_OPTION,
    Row,
    fixed,
    free,
    minute,
    print_machine,
    print_table,
)

AUDIT_COLUMNS = ("time", "actor", "address", "action", "target", "detail")


def _default_retention() -> int:
    try:
        return retention_days()
    except ValueError as error:
        fail(f"RETENTION_DAYS: {error}")


@click.command()
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
    result = with_log(lambda session: _purge_and_audit(session, cutoff, keep))
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


@click.command("audit")
@click.option(
    "--limit", type=click.IntRange(1, 100_000), default=100, show_default=True
)
@FORMAT_OPTION
def audit_trail(limit: int, output_format: str) -> None:
    """Prints the audit trail, newest first: who viewed or changed what."""
    rows: List[Row] = with_log(lambda session: audit.recent(session, limit))
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


@click.command()
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
