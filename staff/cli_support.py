"""What every staff command shares: the log in one transaction, the actor, errors."""

import getpass
import os
from collections.abc import Callable
from datetime import date
from typing import NoReturn, Optional, TypeVar

import click
from alembic.util.exc import CommandError
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from clinic_log.database import session_scope
from clinic_log.settings import database_url
from staff import operations
from staff.operations import StaffMember
from staff.store import open_log, shown

T = TypeVar("T")


def cli_actor() -> str:
    """How the audit trail names a command-line user: cli:<os user>."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"cli:uid-{os.getuid()}"


def fail(message: str) -> NoReturn:
    """Ends the command: `error: message` on stderr, exit code 1."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def with_log(work: Callable[[Session], T]) -> T:
    """Runs `work` in one transaction; a database problem ends the command."""
    try:
        url = database_url()
        shown_url = shown(url)
    except (ArgumentError, OSError) as error:
        fail(f"DATABASE_URL is not usable: {error}")
    log = None
    try:
        log = open_log(url)
        with session_scope(log.sessions) as session:
            return work(session)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        fail(f"cannot use the log at {shown_url}: {reason[0] if reason else error}")
    except CommandError as error:
        fail(f"cannot migrate the log at {shown_url}: {error}")
    finally:
        if log is not None:
            log.close()


def parse_day(value: Optional[str]) -> Optional[date]:
    """A --since/--until day, or a clear usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-23") from None


def me() -> StaffMember:
    """The person running this command, as the audit trail names them."""
    return StaffMember(cli_actor())


def audited(
    action: str, target: str, work: Callable[[Session], T], detail: str = ""
) -> T:
    """Runs `work` and records it in the audit trail, in the same transaction."""
    return with_log(
        lambda session: operations.audited(session, me(), action, target, work, detail)
    )
