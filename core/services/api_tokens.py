"""API tokens for scripts: one user's bearer token with a scope (`read`: every GET the user's role allows;
`triage`: that plus triage decisions), an expiry and a revocation. Only the token's sha256 is stored; the
token itself is shown once, when it is made. Making and revoking are audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import ApiToken, Role, User
from core.services.audit import record
from core.services.errors import Invalid, NotFoundError

SCOPES = ("read", "triage")
TOKEN_PREFIX = "mamoru_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_NAME = 100
MAX_TOKEN_CHARS = 200  # anything longer is not one of ours (checked before hashing)
LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per token


def as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made: `secret` is the only copy of the token and is never stored."""

    row: ApiToken
    secret: str


def check_scope(scope: str, user: User) -> str:
    scope = (scope or "").strip().lower()
    if scope not in SCOPES:
        raise Invalid(f"scope must be one of {', '.join(SCOPES)}")
    if scope == "triage" and user.role not in (Role.admin.value, Role.analyst.value):
        raise Invalid("only analysts and admins can have a triage token; choose read")
    return scope


def create_token(session: Session, actor_id: int | None, user_id: int, name: str, scope: str,
                 days: int = DEFAULT_DAYS) -> NewToken:
    """A new token for user `user_id`, valid `days` (1..365) days."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user with id {user_id}")
    if user.disabled_at is not None:
        raise Invalid("the account is disabled")
    name = " ".join((name or "").split())
    if not name:
        raise Invalid("give the token a name (what script uses it)")
    if len(name) > MAX_NAME:
        raise Invalid(f"the name is longer than {MAX_NAME} characters")
    scope = check_scope(scope, user)
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise Invalid(f"a token lives 1 to {MAX_DAYS} days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    row = ApiToken(user_id=user.id, name=name, token_sha256=digest(secret), prefix=secret[:12], scope=scope,
                   created_at=now, expires_at=now + timedelta(days=days))
    session.add(row)
    session.flush()
    record(session, actor_id, "api_token_created", "api_token", row.id, owner_id=user.id, name=name, scope=scope,
           expires_at=row.expires_at.isoformat(), prefix=row.prefix)
    return NewToken(row, secret)


def list_tokens(session: Session, user_id: int | None = None) -> list[tuple[ApiToken, str]]:
    """Tokens (of one user, or everyone's) with their owner's e-mail, newest first."""
    stmt = select(ApiToken, User.email).join(User, ApiToken.user_id == User.id)
    if user_id is not None:
        stmt = stmt.where(ApiToken.user_id == user_id)
    return [tuple(r) for r in session.execute(stmt.order_by(ApiToken.id.desc()))]


def revoke_token(session: Session, actor_id: int | None, token_id: int, owner_id: int | None = None) -> ApiToken:
    """Revoke token `token_id` (only among `owner_id`'s when given); revoking twice changes nothing."""
    row = session.get(ApiToken, token_id)
    if row is None or (owner_id is not None and row.user_id != owner_id):
        raise NotFoundError(f"no API token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        record(session, actor_id, "api_token_revoked", "api_token", row.id, owner_id=row.user_id, name=row.name)
        session.flush()
    return row


def state(row: ApiToken, now: datetime | None = None) -> str:
    """active, expired or revoked."""
    now = now or datetime.now(UTC)
    if row.revoked_at is not None:
        return "revoked"
    return "expired" if as_utc(row.expires_at) <= now else "active"


def authenticate(session: Session, token: str | None) -> tuple[User, ApiToken] | None:
    """The enabled user and live token a bearer token names; None when unknown, expired or revoked."""
    if not token or len(token) > MAX_TOKEN_CHARS or not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest(token)))
    now = datetime.now(UTC)
    if row is None or state(row, now) != "active":
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled_at is not None:
        return None
    if row.last_used_at is None or now - as_utc(row.last_used_at) > LAST_USED_EVERY:
        row.last_used_at = now
    return user, row


def token_json(row: ApiToken, email: str | None = None) -> dict:
    return {"id": row.id, "name": row.name, "prefix": row.prefix, "scope": row.scope, "user_id": row.user_id,
            "email": email, "created_at": as_utc(row.created_at).isoformat(),
            "expires_at": as_utc(row.expires_at).isoformat(),
            "last_used_at": as_utc(row.last_used_at).isoformat() if row.last_used_at else None,
            "revoked_at": as_utc(row.revoked_at).isoformat() if row.revoked_at else None, "state": state(row)}
