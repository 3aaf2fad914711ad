"""`python -m staff add-user | remove-user | users`: dashboard accounts."""

import sys

import click

from clinic_log import accounts
from staff import passwords
from staff.cli_support import audited, fail, with_log


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
        fail("a username is 1 to 64 printable characters without spaces")
    return name


@click.command("add-user")
@USERNAME
def add_user(username: str) -> None:
    """Creates a dashboard account, or sets its password; reads it from stdin."""
    name = _check_username(username)
    password = _read_password()
    try:
        passwords.check_strength(password)
    except ValueError as error:
        fail(str(error))
    password_hash = passwords.hash_password(password)
    created = audited(
        "user added",
        name,
        lambda session: accounts.save(session, name, password_hash),
    )
    click.echo(f"{'created' if created else 'updated the password of'} {name}")


@click.command("remove-user")
@USERNAME
def remove_user(username: str) -> None:
    """Deletes a dashboard account; its open sessions end at their next request."""
    removed = audited(
        "user removed", username, lambda session: accounts.remove(session, username)
    )
    if not removed:
        fail(f"no account called {username!r}")
    click.echo(f"removed {username}")


@click.command()
def users() -> None:
    """Lists dashboard accounts."""
    for name in with_log(accounts.usernames):
        click.echo(name)
