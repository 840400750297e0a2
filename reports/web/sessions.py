"""Server-side sessions of signed-in users, in the database (every web process and machine sees them).

The cookie holds a random token; the `web_sessions` table keeps its sha256, the session's CSRF token
and the account's session version at log-in: a password change, "log out everywhere" or disabling bumps
the version and ends it. Anonymous visitors get none (the log-in form uses a signed cookie, tokens.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, update

from core.config import Settings
from core.db import session_scope
from core.models import WebSession as WebSessionRow
from core.models import utcnow

COOKIE_NAME = "mamoru_session"
IDLE_SECONDS = 12 * 3600
ABSOLUTE_SECONDS = 7 * 24 * 3600
PURGE_EVERY = 200  # new sessions between sweeps of expired ones
TOUCH_EVERY_S = 60  # the idle timer is refreshed at most this often (saves a write per request)
MAX_TOKEN_LENGTH = 100


@dataclass
class WebSession:
    token: str
    csrf: str
    user_id: int | None = None
    version: int = 0
    created: float = field(default_factory=time.time)
    seen: float = field(default_factory=time.time)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _epoch(at: datetime) -> float:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


class DbSessionStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._made = 0

    def new(self, user_id: int, version: int = 0) -> WebSession:
        self._made += 1
        if self._made % PURGE_EVERY == 1:
            self.purge()
        sess = WebSession(token=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), user_id=user_id,
                          version=version)
        with session_scope(self.settings) as db:
            db.add(WebSessionRow(token_sha256=_digest(sess.token), user_id=user_id, csrf=sess.csrf, version=version))
        return sess

    def purge(self) -> int:
        """Delete expired sessions (idle or too old); returns how many."""
        now = utcnow()
        with session_scope(self.settings) as db:
            return db.execute(delete(WebSessionRow).where(or_(
                WebSessionRow.seen_at < now - timedelta(seconds=IDLE_SECONDS),
                WebSessionRow.created_at < now - timedelta(seconds=ABSOLUTE_SECONDS)))).rowcount

    def load(self, token: str | None) -> WebSession | None:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        with session_scope(self.settings) as db:
            row = db.get(WebSessionRow, _digest(token))
            if row is None:
                return None
            sess = WebSession(token=token, csrf=row.csrf, user_id=row.user_id, version=row.version,
                              created=_epoch(row.created_at), seen=_epoch(row.seen_at))
        now = time.time()
        if now - sess.seen > IDLE_SECONDS or now - sess.created > ABSOLUTE_SECONDS:
            self.delete(token)
            return None
        return sess

    def touch(self, sess: WebSession) -> None:
        """Refresh the idle timer at most once a minute."""
        if time.time() - sess.seen > TOUCH_EVERY_S:
            sess.seen = time.time()
            with session_scope(self.settings) as db:
                db.execute(update(WebSessionRow).where(WebSessionRow.token_sha256 == _digest(sess.token))
                           .values(seen_at=utcnow()))

    def delete(self, token: str) -> None:
        with session_scope(self.settings) as db:
            db.execute(delete(WebSessionRow).where(WebSessionRow.token_sha256 == _digest(token)))


def csrf_ok(sess: WebSession | None, supplied: str | None) -> bool:
    return bool(sess and supplied and hmac.compare_digest(sess.csrf, supplied))
