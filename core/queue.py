"""Work handed to the Celery workers by task name: core never imports the workers.

One owner for the task names, their queues and the broker URL; `workers.celery` configures its app from
the same names, so a task sent from here lands on the queue its worker listens to.
"""

from __future__ import annotations

from functools import lru_cache

from core.config import Settings
from core.services.errors import ServiceError

DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
IO_QUEUE = "io"
CPU_QUEUE = "cpu"
QUEUES = (IO_QUEUE, CPU_QUEUE)

CRAWL_WATCHLIST = "crawl_watchlist"
FETCH_CLIP = "fetch_clip"
ANALYZE_CLIP = "analyze_clip"
REBUILD_REFERENCE_INDEX = "rebuild_reference_index"
DISPATCH_DUE_WATCHLISTS = "dispatch_due_watchlists"
REQUEUE_STALLED_CLIPS = "requeue_stalled_clips"
BUILD_WEEKLY_REPORT = "build_weekly_report"
BUILD_WEEKLY_REPORTS = "build_weekly_reports"
RECHECK_CLIP = "recheck_clip"
RECHECK_DUE_CLIPS = "recheck_due_clips"

TASK_ROUTES = {
    CRAWL_WATCHLIST: {"queue": IO_QUEUE},
    FETCH_CLIP: {"queue": IO_QUEUE},
    DISPATCH_DUE_WATCHLISTS: {"queue": IO_QUEUE},
    REQUEUE_STALLED_CLIPS: {"queue": IO_QUEUE},
    ANALYZE_CLIP: {"queue": CPU_QUEUE},
    REBUILD_REFERENCE_INDEX: {"queue": CPU_QUEUE},
    BUILD_WEEKLY_REPORT: {"queue": CPU_QUEUE},
    BUILD_WEEKLY_REPORTS: {"queue": CPU_QUEUE},
    RECHECK_CLIP: {"queue": IO_QUEUE},
    RECHECK_DUE_CLIPS: {"queue": IO_QUEUE},
}
# a caller waiting on a person (a web page) gives up on an unreachable broker after about two seconds
SEND_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1.0}
SEND_CONNECT_TIMEOUT_S = 2.0


class QueueUnavailable(ServiceError):
    """The broker did not take the task (HTTP 503); nothing was queued."""


def find_broker_url(settings: Settings) -> str | None:
    """MAMORU_REDIS_URL, else the URL of the embedded Redis last started in this home (`mamoru up`)."""
    if settings.redis_url:
        return settings.redis_url
    path = settings.home / "redis" / "url"
    return path.read_text().strip() if path.is_file() else None


def broker_url(settings: Settings) -> str:
    return find_broker_url(settings) or DEFAULT_BROKER_URL


@lru_cache(maxsize=8)
def _sender(url: str):  # noqa: ANN202
    from celery import Celery

    app = Celery("mamoru-sender", broker=url, set_as_current=False)  # no result backend: callers keep ids
    app.conf.update(task_serializer="json", accept_content=["json"], result_serializer="json",
                    task_routes=TASK_ROUTES, task_default_queue=IO_QUEUE,
                    broker_connection_timeout=SEND_CONNECT_TIMEOUT_S)
    return app


def send_task(settings: Settings, name: str, *args) -> str:
    """Queue task NAME with ARGS on Mamoru's broker; its id, or QueueUnavailable with one line."""
    import kombu.exceptions

    try:
        result = _sender(broker_url(settings)).send_task(name, args=list(args), retry=True,
                                                         retry_policy=SEND_RETRY_POLICY)
    except (kombu.exceptions.OperationalError, OSError) as exc:
        raise QueueUnavailable(f"the task queue (Redis) is unreachable ({type(exc).__name__}); "
                               "nothing was queued: start the workers (`mamoru up`) and try again") from None
    return str(result.id)
