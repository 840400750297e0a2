"""Crawl outcomes are one typed record, read from a crawler child in one place; runs are queued by task name
on Mamoru's broker (a real redis-server), never through the workers' code."""

from __future__ import annotations

import json

import pytest
import redis
from sqlalchemy import select

from core.models import AuditEvent
from core.queue import CRAWL_WATCHLIST, QueueUnavailable
from core.services.crawl_runs import CrawlOutcome, queue_crawl, record_run
from core.services.holders import create_holder
from core.services.watchlists import add_watchlist


def test_outcome_read_from_a_child_s_last_line():
    printed = CrawlOutcome(items=3, new=2, fetch_clip_ids=[7, 9], notes=["n"]).to_json()
    outcome = CrawlOutcome.from_output("a log line\n" + printed + "\n\n")
    assert (outcome.items, outcome.new, outcome.fetch_clip_ids, outcome.stopped) == (3, 2, [7, 9], None)
    assert CrawlOutcome.from_dict({**outcome.to_dict(), "added_later": 1}) == outcome


def test_a_child_without_an_outcome_gives_a_failed_one():
    outcome = CrawlOutcome.from_output("", "Traceback\nImportError: nope\n", 1)
    assert outcome.errors == 1
    assert outcome.stopped == "crawler exited 1 without an outcome: Traceback | ImportError: nope"
    assert outcome.summary() == f"0 items, 0 new, 1 errors, stopped: {outcome.stopped}"


def test_run_recorded_on_the_watchlist(settings, session):
    watch = add_watchlist(session, settings, None, holder=create_holder(session, None, "H"), platform="youtube",
                          kind="search", value="sky pirates")
    record_run(session, watch.id, CrawlOutcome(items=1, new=1))
    assert watch.last_run_at is not None and CrawlOutcome.from_dict(watch.last_outcome).new == 1


def test_run_now_is_queued_by_name_on_the_io_queue(redis_url, settings, session):
    watch = add_watchlist(session, settings, None, holder=create_holder(session, None, "H"), platform="youtube",
                          kind="search", value="sky pirates")
    task_id = queue_crawl(session, settings, None, watch.id)
    [message] = [json.loads(m) for m in redis.Redis.from_url(redis_url).lrange("io", 0, -1)]
    assert message["headers"]["task"] == CRAWL_WATCHLIST and message["headers"]["id"] == task_id
    assert message["headers"]["argsrepr"] == f"[{watch.id}]"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "watchlist_run"))
    assert event.object_id == watch.id and event.detail == {"task_id": task_id}


def test_no_broker_is_one_clear_refusal(settings, session, monkeypatch):
    import socket

    from core.config import get_settings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("MAMORU_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    get_settings.cache_clear()
    watch = add_watchlist(session, settings, None, holder=create_holder(session, None, "H"), platform="youtube",
                          kind="search", value="sky pirates")
    with pytest.raises(QueueUnavailable, match="unreachable"):
        queue_crawl(session, get_settings(), None, watch.id)
    get_settings.cache_clear()
