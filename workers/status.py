"""What the pipeline is doing (queue depths, clips per state, last runs, failures by reason) and putting
failed clips back in the queue. Plain data for `mamoru status` and `mamoru retry`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from core.config import Settings
from core.db import session_scope
from core.models import Clip, ClipStatus, Watchlist, utcnow
from workers.celery import QUEUES


def queue_depths(redis_url: str) -> dict[str, int | None]:
    """Messages waiting in each queue, and messages delivered but not yet acknowledged ("unacked").
    None when Redis cannot be reached."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        depths: dict[str, int | None] = {}
        for queue in QUEUES:
            # kombu keeps one list per priority level: "io", "io\x06\x163", ...
            names = [queue, *(n.decode() for n in client.scan_iter(match=f"{queue}\x06\x16*", count=100))]
            depths[queue] = sum(int(client.llen(name)) for name in names)
        depths["unacked"] = int(client.hlen("unacked"))
        return depths
    except redis.exceptions.RedisError:
        return {queue: None for queue in (*QUEUES, "unacked")}
    finally:
        client.close()


def pipeline_status(settings: Settings, redis_url: str | None = None) -> dict:
    with session_scope(settings) as session:
        states = dict(session.execute(select(Clip.status, func.count()).group_by(Clip.status)).all())
        failures = session.execute(
            select(Clip.status, Clip.reason_code, func.count(), func.max(Clip.reason))
            .where(Clip.status.in_((ClipStatus.failed.value, ClipStatus.skipped.value)))
            .group_by(Clip.status, Clip.reason_code).order_by(func.count().desc())).all()
        watchlists = session.execute(
            select(Watchlist.id, Watchlist.platform, Watchlist.kind, Watchlist.value, Watchlist.enabled,
                   Watchlist.last_run_at, Watchlist.last_outcome).order_by(Watchlist.id)).all()
        last_fetch = session.scalar(select(func.max(Clip.fetched_at)))
        last_analysis = session.scalar(select(func.max(Clip.analyzed_at)))
        in_hand = session.execute(
            select(Clip.id, Clip.status, Clip.attempts, Clip.reason, Clip.lease_owner, Clip.status_changed_at)
            .where(Clip.status.in_((ClipStatus.fetching.value, ClipStatus.analyzing.value)))
            .order_by(Clip.status_changed_at).limit(20)).all()
    return {
        "at": utcnow().isoformat(timespec="seconds"),
        "queues": queue_depths(redis_url) if redis_url else {},
        "clips": {status.value: int(states.get(status.value, 0)) for status in ClipStatus},
        "failures": [{"status": s, "reason_code": code or "unknown", "clips": int(n), "example": example}
                     for s, code, n, example in failures],
        "last_fetch_at": _iso(last_fetch),
        "last_analysis_at": _iso(last_analysis),
        "watchlists": [{"id": wid, "target": f"{platform} {kind} {value}", "enabled": enabled,
                        "last_run_at": _iso(last), "last_outcome": _outcome_line(outcome)}
                       for wid, platform, kind, value, enabled, last, outcome in watchlists],
        "in_progress": [{"clip": cid, "status": status, "attempts": attempts, "reason": reason,
                         "worker": (owner or "").partition(" ")[2], "since": _iso(since)}
                        for cid, status, attempts, reason, owner, since in in_hand],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _outcome_line(outcome: dict | None) -> str | None:
    from core.services.crawl_runs import last_outcome

    out = last_outcome(outcome)
    return out.summary() if out else None


def reset_for_retry(settings: Settings, reason_code: str | None = None, include_skipped: bool = False,
                    clip_ids: list[int] | None = None) -> list[int]:
    """Put failed (and, if asked, skipped) clips back to `new` with a fresh attempt count; returns their ids.
    REASON_CODE filters on the code, or on a word of the reason when no code matches it."""
    statuses = [ClipStatus.failed.value] + ([ClipStatus.skipped.value] if include_skipped else [])
    with session_scope(settings) as session:
        query = select(Clip.id).where(Clip.status.in_(statuses))
        if reason_code:
            by_code = query.where(Clip.reason_code == reason_code)
            query = by_code if session.scalar(select(func.count()).select_from(by_code.subquery())) else \
                query.where(Clip.reason.contains(reason_code))
        if clip_ids:
            query = query.where(Clip.id.in_(clip_ids))
        ids = list(session.scalars(query.order_by(Clip.id)))
        if ids:
            session.execute(update(Clip).where(Clip.id.in_(ids)).values(
                status=ClipStatus.new.value, reason="queued again by `mamoru retry`", reason_code=None,
                attempts=0, lease_owner=None, lease_until=None, status_changed_at=utcnow()))
    return ids
