"""This process's client of the shared Redis (`MAMORU_REDIS_URL`): the platform quotas and health checks use
it. Named locks live in the database (core.services.locks)."""

from __future__ import annotations

import os

from core.config import Settings

KEY_PREFIX = "mamoru:"


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
