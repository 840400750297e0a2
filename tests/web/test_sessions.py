"""Server-side sessions in the database: random tokens stored as hashes, expiry, purge, shared by stores."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from core.db import session_scope
from core.models import WebSession as WebSessionRow
from core.models import utcnow
from core.services.users import ensure_user
from reports.web.sessions import IDLE_SECONDS, DbSessionStore, csrf_ok


def _users(settings) -> tuple[int, int]:
    with session_scope(settings) as s:
        return (ensure_user(s, "one@sessions.test", "a long passphrase", "analyst").id,
                ensure_user(s, "two@sessions.test", "a long passphrase", "analyst").id)


def _age(settings, token_sha256: str | None = None) -> None:
    with session_scope(settings) as s:
        stmt = update(WebSessionRow).values(seen_at=utcnow() - timedelta(seconds=IDLE_SECONDS + 5))
        if token_sha256:
            stmt = stmt.where(WebSessionRow.token_sha256 == token_sha256)
        s.execute(stmt)


def test_sessions_round_trip_and_expire(settings):
    one, _ = _users(settings)
    store = DbSessionStore(settings)
    sess = store.new(user_id=one)
    with session_scope(settings) as s:
        stored = s.scalars(select(WebSessionRow.token_sha256)).all()
    assert sess.token not in stored and len(stored) == 1  # the table holds hashes only
    loaded = DbSessionStore(settings).load(sess.token)  # another process's store sees it
    assert loaded.user_id == one and csrf_ok(loaded, sess.csrf) and not csrf_ok(loaded, "x")
    assert not csrf_ok(None, "x") and store.load("not-a-token") is None and store.load(None) is None
    _age(settings)
    assert store.load(sess.token) is None
    with session_scope(settings) as s:
        assert s.scalars(select(WebSessionRow)).all() == []


def test_purge_drops_stale_sessions(settings):
    import hashlib

    one, two = _users(settings)
    store = DbSessionStore(settings)
    fresh, stale = store.new(user_id=one), store.new(user_id=two)
    _age(settings, hashlib.sha256(stale.token.encode()).hexdigest())
    assert store.purge() == 1
    assert store.load(fresh.token) is not None and store.load(stale.token) is None
