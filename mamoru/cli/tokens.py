"""`mamoru users token`: API tokens for scripts, through core.services.api_tokens (shown once when made)."""

from __future__ import annotations

import click

from core.services import api_tokens
from core.services import users as user_service
from mamoru.cli.services import run_service


@click.group("token")
def token() -> None:
    """API tokens of an account: create, list, revoke."""


@token.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What uses the token (a script, a machine).")
@click.option("--scope", type=click.Choice(api_tokens.SCOPES), default="read", show_default=True,
              help="read: every GET the account may make; triage: also triage decisions (analysts, admins).")
@click.option("--days", type=click.IntRange(1, api_tokens.MAX_DAYS), default=api_tokens.DEFAULT_DAYS,
              show_default=True, help="Days until it expires.")
def token_create(email: str, name: str, scope: str, days: int) -> None:
    """Make a token for EMAIL and print it once (only its sha256 is kept)."""
    made = run_service(lambda s: (lambda n: (n.secret, n.row.id, n.row.expires_at))(
        api_tokens.create_token(s, None, user_service.get_user(s, email).id, name, scope, days)))
    secret, token_id, expires = made
    click.echo(f"token {token_id} ({scope}) for {user_service.normalise_email(email)}, expires "
               f"{expires:%Y-%m-%d}; copy it now, it is not shown again:", err=True)
    click.echo(secret)


@token.command("list")
@click.argument("email", required=False)
def token_list(email: str | None) -> None:
    """Tokens (of EMAIL, or everyone's): id, owner, name, first characters, scope, expiry, state."""
    rows = run_service(lambda s: [api_tokens.token_json(row, owner) for row, owner in api_tokens.list_tokens(
        s, user_service.get_user(s, email).id if email else None)])
    for t in rows:
        click.echo(f"{t['id']}\t{t['email']}\t{t['name']}\t{t['prefix']}…\t{t['scope']}\t"
                   f"expires {t['expires_at'][:10]}\t{t['state']}")
    if not rows:
        click.echo("no API tokens")


@token.command("revoke")
@click.argument("token_id", type=click.IntRange(1))
def token_revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID at once (scripts using it get 401)."""
    run_service(lambda s: api_tokens.revoke_token(s, None, token_id))
    click.echo(f"token {token_id} revoked")
