"""Health checks an operator or a service manager runs: is the database reachable, does Redis answer,
can the blob store be written and read. Each check gives None (healthy) or one line saying what is wrong;
no check prints a URL or a secret."""

from __future__ import annotations

from collections.abc import Callable

from core.config import Settings


def check_database(settings: Settings) -> str | None:
    from sqlalchemy import text

    from core.db import session_scope

    try:
        with session_scope(settings) as session:
            session.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001  any failure is the answer
        return _line(exc)
    return None


def check_redis(settings: Settings) -> str | None:
    from core.coordination import redis_client

    client = redis_client(settings)
    if client is None:
        return "MAMORU_REDIS_URL is not set"
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return _line(exc)
    return None


def check_storage(settings: Settings) -> str | None:
    from core.blobstore import open_store

    try:
        open_store(settings).check()
    except Exception as exc:  # noqa: BLE001
        return _line(exc)
    return None


CHECKS: dict[str, Callable[[Settings], str | None]] = {
    "database": check_database, "redis": check_redis, "storage": check_storage}


def run_checks(settings: Settings, names: tuple[str, ...] = tuple(CHECKS)) -> dict[str, str | None]:
    """{check name: None when healthy, else what is wrong}."""
    return {name: CHECKS[name](settings) for name in names}


def _line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:300]
