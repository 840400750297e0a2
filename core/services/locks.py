"""Named locks in the database, shared by every process and machine on it: one holder at a time, and a
holder that died loses the lock when its time runs out.

The one lock mechanism of Mamoru: every machine of a deployment shares the database, so a lock here holds
across all of them, with or without Redis. `held` refuses at once when the lock is taken (a report build a
user asked for); `waited` waits for it (an index build that another worker is already doing)."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from core.config import Settings
from core.db import session_scope
from core.models import WorkLock, utcnow
from core.services.errors import Conflict

DEFAULT_TTL_S = 15 * 60
WAIT_TTL_S = 30 * 60  # a waited-for lock whose holder died frees itself after this long
WAIT_S = 30 * 60  # how long `waited` waits before giving up
POLL_S = 0.25


class LockTimeout(Exception):
    """A named lock stayed held by another process for longer than the caller would wait."""


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"[:200]


def acquire(settings: Settings, name: str, ttl_s: int = DEFAULT_TTL_S) -> str | None:
    """Take the lock NAME (or an expired one); the owner token, or None when someone holds it."""
    owner, now = _owner(), utcnow()
    try:
        with session_scope(settings) as session:
            session.add(WorkLock(name=name, owner=owner, expires_at=now + timedelta(seconds=ttl_s)))
        return owner
    except IntegrityError:
        pass
    with session_scope(settings) as session:
        taken = session.execute(update(WorkLock).where(WorkLock.name == name, WorkLock.expires_at < now)
                                .values(owner=owner, expires_at=now + timedelta(seconds=ttl_s))).rowcount
    return owner if taken else None


def release(settings: Settings, name: str, owner: str) -> None:
    with session_scope(settings) as session:
        session.execute(delete(WorkLock).where(WorkLock.name == name, WorkLock.owner == owner))


@contextmanager
def held(settings: Settings, name: str, busy: str, ttl_s: int = DEFAULT_TTL_S) -> Iterator[None]:
    """Run the block holding NAME; Conflict(BUSY) at once when another holder has it."""
    owner = acquire(settings, name, ttl_s)
    if owner is None:
        raise Conflict(busy)
    try:
        yield
    finally:
        release(settings, name, owner)


@contextmanager
def waited(settings: Settings, name: str, wait_s: float = WAIT_S, ttl_s: int = WAIT_TTL_S) -> Iterator[None]:
    """Run the block holding NAME, waiting up to WAIT_S for another holder to let go (LockTimeout after)."""
    deadline = time.monotonic() + wait_s
    while (owner := acquire(settings, name, ttl_s)) is None:
        if time.monotonic() >= deadline:
            raise LockTimeout(f"lock {name!r} still held by another process after {wait_s:g} s")
        time.sleep(POLL_S)
    try:
        yield
    finally:
        release(settings, name, owner)
