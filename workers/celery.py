"""The Celery app: Redis broker and result backend, one config dict, queues for I/O and CPU work."""

from __future__ import annotations

from celery import Celery

from mamoru.config import get_settings

IO_QUEUE = "io"
CPU_QUEUE = "cpu"
TASK_SOFT_TIME_LIMIT = 15 * 60
TASK_TIME_LIMIT = 20 * 60
# Redis re-delivers an unacknowledged task after this long: it must exceed the longest task.
VISIBILITY_TIMEOUT = 2 * TASK_TIME_LIMIT


def make_app(redis_url: str | None = None) -> Celery:
    url = redis_url or get_settings().redis_url or "redis://127.0.0.1:6379/0"
    app = Celery("mamoru", broker=url, backend=url, include=["workers.tasks", "workers.schedule"])
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=TASK_SOFT_TIME_LIMIT,
        task_time_limit=TASK_TIME_LIMIT,
        task_default_queue=IO_QUEUE,
        task_routes={
            "crawl_watchlist": {"queue": IO_QUEUE},
            "fetch_clip": {"queue": IO_QUEUE},
            "dispatch_due_watchlists": {"queue": IO_QUEUE},
            "analyze_clip": {"queue": CPU_QUEUE},
            "build_weekly_report": {"queue": CPU_QUEUE},
            "build_weekly_reports": {"queue": CPU_QUEUE},
        },
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        result_backend_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        broker_connection_retry_on_startup=True,
        result_expires=7 * 24 * 3600,
        timezone="UTC",
        enable_utc=True,
        worker_hijack_root_logger=True,
    )
    return app


app = make_app()
