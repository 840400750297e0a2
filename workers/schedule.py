"""Beat: dispatch due watchlists every minute (read from the database, so new ones need no restart),
last week's reports every Monday 00:00 UTC, the stalled-clip sweep every few minutes, and re-checks of
clips under notice every quarter hour (each clip at most every enforcement.RECHECK_EVERY)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from celery import shared_task
from celery.schedules import crontab
from sqlalchemy import select

from core.db import session_scope
from core.models import Watchlist
from core.queue import BUILD_WEEKLY_REPORTS, DISPATCH_DUE_WATCHLISTS, RECHECK_DUE_CLIPS, REQUEUE_STALLED_CLIPS
from workers.celery import SWEEP_EVERY_S, app

log = logging.getLogger(__name__)
RECHECK_SWEEP_S = 15 * 60.0

app.conf.beat_schedule = {
    "dispatch-due-watchlists": {"task": DISPATCH_DUE_WATCHLISTS, "schedule": 60.0},
    "weekly-reports": {"task": BUILD_WEEKLY_REPORTS, "schedule": crontab(minute=0, hour=0, day_of_week="mon")},
    "requeue-stalled-clips": {"task": REQUEUE_STALLED_CLIPS, "schedule": float(SWEEP_EVERY_S)},
    "recheck-due-clips": {"task": RECHECK_DUE_CLIPS, "schedule": RECHECK_SWEEP_S},
}


def is_due(watchlist: Watchlist, now: datetime) -> bool:
    if not watchlist.enabled:
        return False
    if watchlist.last_run_at is None:
        return True
    last = watchlist.last_run_at
    if last.tzinfo is None:  # SQLite returns naive datetimes; we store UTC
        last = last.replace(tzinfo=UTC)
    return now - last >= timedelta(minutes=watchlist.schedule_minutes)


@shared_task(name=DISPATCH_DUE_WATCHLISTS)
def dispatch_due_watchlists() -> list[int]:
    from workers.tasks import crawl_watchlist

    now = datetime.now(UTC)
    with session_scope() as session:
        due = []
        for watchlist in session.scalars(select(Watchlist)):
            if is_due(watchlist, now):
                watchlist.last_run_at = now  # claimed at dispatch: the next tick will not queue it again
                due.append(watchlist.id)
    for watchlist_id in due:
        log.info("watchlist %s is due: queueing its crawl", watchlist_id)
        crawl_watchlist.delay(watchlist_id)
    return due
