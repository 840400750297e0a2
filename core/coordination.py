"""Coordination between processes and machines: named locks and a Redis client.

With `MAMORU_REDIS_URL` set (every deployment of more than one machine, and every child of `mamoru up`),
locks are Redis locks that expire if their holder dies; without it (one process on one machine, such as a
CLI run) they are file locks in the data home.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

from core.config import Settings

KEY_PREFIX = "mamoru:"
LOCK_TTL_S = 30 * 60  # a Redis lock whose holder died frees itself after this long
LOCK_WAIT_S = 30 * 60  # how long a caller waits for a lock before giving up


class LockTimeout(Exception):
    """A named lock stayed held by another process for longer than the caller would wait."""


_clients: dict[tuple[str, int], object] = {}


def redis_client(settings: Settings):  # noqa: ANN201  (redis.Redis; imported lazily)
    """This process's Redis client for MAMORU_REDIS_URL, or None when it is not set."""
    if not settings.redis_url:
        return None
    ident = (settings.redis_url, os.getpid())  # a forked child opens its own connections
    if ident not in _clients:
        import redis

        _clients[ident] = redis.Redis.from_url(settings.redis_url, socket_timeout=30, socket_connect_timeout=10,
                                               health_check_interval=30)
    return _clients[ident]


@contextlib.contextmanager
def exclusive(settings: Settings, name: str, ttl_s: int = LOCK_TTL_S, wait_s: int = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the lock NAME across every process that shares this Redis (or this home, without Redis)."""
    client = redis_client(settings)
    if client is not None:
        lock = client.lock(f"{KEY_PREFIX}lock:{name}", timeout=ttl_s, blocking_timeout=wait_s)
        if not lock.acquire():
            raise LockTimeout(f"lock {name!r} still held by another process after {wait_s} s")
        try:
            yield
        finally:
            with contextlib.suppress(Exception):  # expired meanwhile: nothing left to release
                lock.release()
        return
    folder = settings.home / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield
