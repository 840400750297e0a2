"""Crawl runs: one typed outcome record, read and written in one place, and runs queued by task name."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from sqlalchemy.orm import Session

from core.config import Settings
from core.models import utcnow
from core.queue import CRAWL_WATCHLIST, send_task
from core.services.audit import record
from core.services.watchlists import get_watchlist


@dataclass
class CrawlOutcome:
    """What one crawl did; a crawler child prints it as the last line of its stdout (JSON)."""

    items: int = 0
    new: int = 0
    errors: int = 0
    stopped: str | None = None  # why the crawl ended early, if it did
    fetch_clip_ids: list[int] = field(default_factory=list)
    rate_limited: int = 0
    refused: int = 0
    too_long: int = 0
    unknown_duration: int = 0
    robots_forbidden: int = 0
    robots_skipped: int = 0  # clips kept but never fetched: robots.txt forbids their page or video file
    error_reasons: list[str] = field(default_factory=list)  # one line per distinct error, for the user
    rendered: int = 0  # pages sent through Chromium
    notes: list[str] = field(default_factory=list)

    @classmethod
    def failed(cls, reason: str) -> CrawlOutcome:
        return cls(errors=1, stopped=reason, notes=[reason])

    @classmethod
    def from_dict(cls, data: dict | None) -> CrawlOutcome:
        """From a stored or printed outcome; unknown keys are ignored, missing ones take defaults."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    @classmethod
    def from_output(cls, stdout: str | None, stderr: str | None = None,
                    exit_code: int | str | None = 0) -> CrawlOutcome:
        """The outcome a crawler child printed last; a failed outcome naming the exit and the stderr tail
        when it printed none."""
        lines = [line for line in (stdout or "").splitlines() if line.strip()]
        try:
            data = json.loads(lines[-1])
            if isinstance(data, dict):
                return cls.from_dict(data)
        except (IndexError, ValueError):
            pass
        tail = " | ".join(str(stderr or "").strip().splitlines()[-3:])
        return cls.failed(f"crawler exited {exit_code} without an outcome" + (f": {tail}" if tail else ""))

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def summary(self) -> str:
        """One line for people: counts, then why it stopped."""
        line = f"{self.items} items, {self.new} new, {self.errors} errors"
        if self.rate_limited:
            line += f", {self.rate_limited} rate-limited"
        return line + (f", stopped: {self.stopped}" if self.stopped else "")


def record_run(session: Session, watchlist_id: int, outcome: CrawlOutcome) -> None:
    """Keep the run's outcome on its watchlist (gone watchlists are skipped)."""
    from core.models import Watchlist

    watch = session.get(Watchlist, watchlist_id)
    if watch is not None:
        watch.last_run_at = utcnow()
        watch.last_outcome = outcome.to_dict()


def last_outcome(data: dict | None) -> CrawlOutcome | None:
    return CrawlOutcome.from_dict(data) if data else None


def queue_crawl(session: Session, settings: Settings, actor_id: int | None, watchlist_id: int) -> str:
    """Hand a crawl of the watchlist to the workers now; the task id (QueueUnavailable if the broker is away)."""
    watch = get_watchlist(session, watchlist_id)
    task_id = send_task(settings, CRAWL_WATCHLIST, watch.id)
    record(session, actor_id, "watchlist_run", "watchlist", watch.id, task_id=task_id)
    return task_id
