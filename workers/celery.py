"""The Celery app: Redis broker and result backend, one config dict, queues for I/O and CPU work.

Delivery is at least once: tasks are acknowledged after they run (`acks_late`), a task whose worker
process dies is put back (`reject_on_worker_lost`), and every task is idempotent, so a second copy of a
message changes nothing. The database, not the broker, says where each clip is.
"""

from __future__ import annotations

from celery import Celery

from core.config import get_settings
from core.queue import CPU_QUEUE, IO_QUEUE, QUEUES, TASK_ROUTES, broker_url

__all__ = ["CPU_QUEUE", "IO_QUEUE", "QUEUES", "app", "make_app"]

# operational timings, from settings (the fault tests shorten them through MAMORU_* variables)
_timings = get_settings()
# hard limit: the worker process running a task is killed after this long
TASK_TIME_LIMIT = _timings.task_time_limit_s
# soft limit: the task gets SoftTimeLimitExceeded and records why it stopped
TASK_SOFT_TIME_LIMIT = TASK_TIME_LIMIT * 3 // 4
# one download, whole: a response that never ends is cut here (well inside the soft limit)
FETCH_TIMEOUT_S = _timings.fetch_timeout_s or min(10 * 60, TASK_SOFT_TIME_LIMIT * 2 // 3)
# a crawl runs in a child process with its own timeout, and its task gets a bit longer
CRAWL_TIMEOUT_S = _timings.crawl_timeout_s
CRAWL_TIME_LIMIT = CRAWL_TIMEOUT_S + 120
# a clip being fetched or analysed is leased to its task for this long; then another copy may take over
LEASE_S = max(TASK_TIME_LIMIT, CRAWL_TIME_LIMIT) + 60
# Redis re-delivers an unacknowledged task after this long: it must exceed the longest task.
VISIBILITY_TIMEOUT = 2 * LEASE_S
# a clip waiting this long with no task on it (a message lost with a broker's disk) is queued again
STALL_AFTER_S = _timings.stall_after_s
SWEEP_EVERY_S = max(5, min(300, STALL_AFTER_S // 3))
# first retry after about this long (doubling, with jitter)
RETRY_BACKOFF_S = _timings.retry_backoff_s


def _guard_kombu_redis_channel() -> None:
    """Work around a kombu 5.x bug: when a worker loses Redis, closing the dead channel tries to put its
    unacknowledged messages back through a connection that is already gone, and raises AttributeError
    instead of a connection error, which kills the worker ("Unrecoverable error ... 'hostname'").
    Raised as a connection error, it is ignored as kombu intends; Redis still holds those messages and
    re-delivers them after the visibility timeout (and the stalled-clip sweep covers the clips sooner)."""
    import redis.exceptions
    from kombu.transport import redis as kombu_redis

    original = kombu_redis.Channel._connparams
    if getattr(original, "_mamoru_guard", False):
        return

    def _connparams(self, asynchronous=False):  # noqa: ANN001, ANN202
        if getattr(self.connection, "client", None) is None:
            raise redis.exceptions.ConnectionError("this channel's broker connection is already closed")
        return original(self, asynchronous=asynchronous)

    _connparams._mamoru_guard = True
    kombu_redis.Channel._connparams = _connparams


_guard_kombu_redis_channel()


def make_app(redis_url: str | None = None) -> Celery:
    url = redis_url or broker_url(get_settings())
    app = Celery("mamoru", broker=url, backend=url, include=["workers.tasks", "workers.schedule", "workers.recheck"])
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # a pool process is replaced after this many tasks or this much resident memory (KiB), so a
        # leak in a decoder or an odd file cannot grow a long-running worker without bound
        worker_max_tasks_per_child=200,
        worker_max_memory_per_child=1_500_000,
        task_soft_time_limit=TASK_SOFT_TIME_LIMIT,
        task_time_limit=TASK_TIME_LIMIT,
        task_default_queue=IO_QUEUE,
        task_routes=TASK_ROUTES,  # core.queue: the names core sends tasks by
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        result_backend_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker waits for Redis to come back, however long
        # a message sent while Redis restarts is retried for about a minute before the send fails
        task_publish_retry=True,
        task_publish_retry_policy={"max_retries": 40, "interval_start": 0.2, "interval_step": 0.5,
                                   "interval_max": 2.0},
        # a task keeps running through a lost broker connection; its state is in the database, and
        # the copy of its message that Redis re-delivers later finds the clip finished and does nothing
        worker_cancel_long_running_tasks_on_connection_loss=False,
        redis_backend_health_check_interval=10,
        result_expires=7 * 24 * 3600,
        timezone="UTC",
        enable_utc=True,
        worker_hijack_root_logger=True,
    )
    return app


app = make_app()
