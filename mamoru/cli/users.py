"""`mamoru users`: accounts of the web app (the first admin too), through core.services.users.

Passwords are never command-line arguments (other users of the machine can read those): they come from
a prompt, or as one line on standard input when it is not a terminal (`... < file`, a pipe).
"""

from __future__ import annotations

import sys

import click

from core.services import users as user_service
from mamoru.cli.services import run_service
from mamoru.cli.tokens import token


def read_password(confirm: bool = True) -> str:
    """A prompt (twice, hidden) on a terminal; else the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    line = sys.stdin.readline()
    if not line:
        raise click.UsageError("no password on standard input (one line is expected)")
    return line.rstrip("\r\n")


@click.group()
def users() -> None:
    """Accounts of the web app: add, list, passwd, disable, enable, remove; API tokens (token)."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(user_service.ROLES), required=True,
              help="admin (everything), analyst (triage and reports), rights_holder (its own reports).")
@click.option("--holder", default=None, help="The rights holder (name or id) of a rights_holder account.")
def users_add(email: str, role: str, holder: str | None) -> None:
    """Create the account EMAIL; the password is asked for (or read from standard input)."""
    password = read_password()
    user = run_service(lambda s: user_service.create_user(s, email, password, role, holder))
    click.echo(f"user {user.email} created ({user.role})")


@users.command("list")
def users_list() -> None:
    """Every account: e-mail, role, rights holder and state."""
    rows = run_service(lambda s: [(u.email, u.role, name or "-", "disabled" if u.disabled_at else "active")
                           for u, name in user_service.list_users(s)])
    for email, role, holder, state in rows:
        click.echo(f"{email}\t{role}\t{holder}\t{state}")
    if not rows:
        click.echo("no users yet: mamoru users add EMAIL --role admin")


@users.command("passwd")
@click.argument("email")
def users_passwd(email: str) -> None:
    """Set a new password for EMAIL (asked for, or read from standard input); its sessions end."""
    password = read_password()
    run_service(lambda s: user_service.set_password(s, user_service.get_user(s, email), password))
    click.echo(f"password of {user_service.normalise_email(email)} changed; its sessions ended")


@users.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Refuse log-ins to EMAIL and end its sessions (its history stays)."""
    run_service(lambda s: user_service.set_disabled(s, email, True))
    click.echo(f"user {user_service.normalise_email(email)} disabled")


@users.command("enable")
@click.argument("email")
def users_enable(email: str) -> None:
    """Allow log-ins to a disabled account again."""
    run_service(lambda s: user_service.set_disabled(s, email, False))
    click.echo(f"user {user_service.normalise_email(email)} enabled")


@users.command("remove")
@click.argument("email")
def users_remove(email: str) -> None:
    """Delete the account EMAIL (the audit log keeps what it did, without the account)."""
    removed = run_service(lambda s: user_service.remove_user(s, email))
    click.echo(f"user {removed} removed")


users.add_command(token)
