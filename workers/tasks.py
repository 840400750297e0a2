"""The pipeline's tasks: crawl a watchlist -> fetch a clip -> analyze it; build weekly reports.

Tasks take ids, re-read state, and are idempotent: running one twice leaves the same rows.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import select

from mamoru.config import get_settings
from mamoru.db import session_scope
from mamoru.models import TERMINAL_STATUSES, Clip, ClipStatus, RightsHolder, Watchlist, utcnow
from workers.celery import app  # noqa: F401  (binds shared tasks to our app)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
CRAWL_TIMEOUT_S = 30 * 60


def set_status(clip: Clip, status: ClipStatus, reason: str | None = None) -> None:
    clip.status = status.value
    clip.reason = reason
    clip.status_changed_at = utcnow()


def _fail(clip_id: int, status: ClipStatus, reason: str) -> None:
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        if clip is not None:
            set_status(clip, status, reason)
    log.warning("clip %s %s: %s", clip_id, status.value, reason)


@shared_task(name="crawl_watchlist", bind=True)
def crawl_watchlist(self, watchlist_id: int) -> dict:
    """Run the watchlist's spider in a child process, then enqueue fetches for the clips it found."""
    with session_scope() as session:
        watchlist = session.get(Watchlist, watchlist_id)
        if watchlist is None:
            return {"error": f"watchlist {watchlist_id} does not exist"}
        watchlist.last_run_at = utcnow()  # claims this run, so beat does not start another meanwhile
    proc = subprocess.run([sys.executable, "-m", "crawler.run", "--watchlist", str(watchlist_id)],
                          capture_output=True, text=True, timeout=CRAWL_TIMEOUT_S)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    try:
        outcome = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
        outcome = {"items": 0, "new": 0, "errors": 1, "stopped": f"crawler exited {proc.returncode}: {tail}",
                   "fetch_clip_ids": []}
        log.error("crawl of watchlist %s failed: %s", watchlist_id, outcome["stopped"])
    with session_scope() as session:
        pending = session.scalars(select(Clip.id).where(
            Clip.watchlist_id == watchlist_id, Clip.status.not_in(TERMINAL_STATUSES))).all()
    clip_ids = sorted(set(outcome.get("fetch_clip_ids", [])) | set(pending))
    for clip_id in clip_ids:
        fetch_clip.delay(clip_id)
    outcome["fetch_clip_ids"] = clip_ids
    log.info("watchlist %s crawled: %s items, %s new, %s errors; %d clips queued for fetch",
             watchlist_id, outcome.get("items"), outcome.get("new"), outcome.get("errors"), len(clip_ids))
    return outcome


@shared_task(name="fetch_clip", bind=True, max_retries=MAX_ATTEMPTS)
def fetch_clip(self, clip_id: int) -> str:
    """Download the clip (yt-dlp, capped), keep its info JSON as evidence, then queue analysis."""
    from workers.fetch import FetchError, download

    settings = get_settings()
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        if clip is None:
            return "gone"
        if clip.status in TERMINAL_STATUSES:
            return clip.status  # already decided: a duplicate message changes nothing
        set_status(clip, ClipStatus.fetching)
        clip.attempts += 1
        url = clip.url
    dest = settings.media_dir / str(clip_id)
    shutil.rmtree(dest, ignore_errors=True)  # a killed earlier attempt may have left a part file
    try:
        result = download(url, dest, settings)
    except FetchError as exc:
        if not exc.permanent and self.request.retries < MAX_ATTEMPTS:
            log.info("clip %s: transient fetch error, retrying: %s", clip_id, exc)
            raise self.retry(countdown=_backoff(self.request.retries)) from None
        _fail(clip_id, ClipStatus.failed, f"fetch: {exc}")
        return ClipStatus.failed.value
    except SoftTimeLimitExceeded:
        _fail(clip_id, ClipStatus.failed, "fetch: took longer than the task time limit")
        return ClipStatus.failed.value
    evidence = settings.evidence_dir / str(clip_id)
    evidence.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(result.info_path, evidence / "info.json")
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        clip.media_sha256 = result.sha256
        clip.evidence = {"info_json": str(evidence / "info.json"), "bytes": result.size,
                         "media_path": str(result.path), "format": result.info.get("format_id"),
                         "extractor": result.info.get("extractor")}
        if clip.duration is None and result.info.get("duration"):
            clip.duration = float(result.info["duration"])
        set_status(clip, ClipStatus.fetched)
    analyze_clip.delay(clip_id)
    return ClipStatus.fetched.value


@shared_task(name="analyze_clip", bind=True, max_retries=2)
def analyze_clip(self, clip_id: int) -> str:
    """Match the fetched media against the reference index and store findings with evidence."""
    import matcher
    from pathlib import Path

    from workers.analyze import analyze_file, store_result

    settings = get_settings()
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        if clip is None:
            return "gone"
        if clip.status == ClipStatus.done.value:
            return clip.status
        media = Path((clip.evidence or {}).get("media_path", ""))
        if not media.is_file():
            # the media is gone (deleted after a finished analysis, or never fetched): fetch again
            set_status(clip, ClipStatus.new, "media missing before analysis; fetching again")
            session.commit()
            fetch_clip.delay(clip_id)
            return ClipStatus.new.value
        set_status(clip, ClipStatus.analyzing)
    try:
        result, version = analyze_file(media, settings)
    except matcher.MatcherError as exc:
        _fail(clip_id, ClipStatus.failed, f"analyze: {exc}")
        _drop_media(settings, clip_id)
        return ClipStatus.failed.value
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        findings = store_result(session, settings, clip, result, version)
        if clip.duration is None:
            clip.duration = result.duration
        set_status(clip, ClipStatus.done)
    log.info("clip %s analysed: %d frames, %d findings", clip_id, result.frames, len(findings))
    _drop_media(settings, clip_id)
    return ClipStatus.done.value


def _drop_media(settings, clip_id: int) -> None:  # noqa: ANN001
    if not settings.keep_media:
        shutil.rmtree(settings.media_dir / str(clip_id), ignore_errors=True)


def _backoff(retries: int) -> float:
    import random

    return min(600.0, 5.0 * 2**retries) * random.uniform(0.5, 1.5)


@shared_task(name="build_weekly_report")
def build_weekly_report(holder_id: int, week: str, formats: list[str] | None = None) -> list[dict]:
    """Write one rights holder's report for one ISO week (e.g. 2026-W47)."""
    from reports import write_weekly_report

    return write_weekly_report(get_settings(), holder_id, week, tuple(formats or ("json", "csv")))


def previous_iso_week(now: datetime | None = None) -> str:
    year, week, _ = ((now or datetime.now(UTC)) - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


@shared_task(name="build_weekly_reports")
def build_weekly_reports(week: str | None = None) -> int:
    """Queue last week's report for every rights holder (beat runs this on Mondays 00:00 UTC)."""
    week = week or previous_iso_week()
    with session_scope() as session:
        holder_ids = session.scalars(select(RightsHolder.id)).all()
    for holder_id in holder_ids:
        build_weekly_report.delay(holder_id, week, ["json", "csv", "html", "pdf", "notices"])
    return len(holder_ids)
