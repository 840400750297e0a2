"""Re-check a clip after a notice: visit its page and record whether it is still up, with the evidence.

The visit goes through the fetcher's guarded HTTP stack (`workers.fetch`: the address rule on the request,
every redirect hop and the address each connection reached, a deadline). HTTP 404 or 410 means the clip
is gone; a page a yt-dlp site extractor knows that answers 200 is asked of yt-dlp too, since platforms
answer 200 with "Video unavailable" (its error then says gone or not). Anything else (5xx, 429, a refused
address, a network error) says nothing either way and changes no state. Each visit is kept in the blob
store: the body as served, and a JSON record of the URL, final URL, status, headers, body sha256 and time.
The findings of the clip move through core.services.enforcement.record_check.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from celery import shared_task

from core.blobstore import open_store
from core.config import Settings, get_settings
from core.db import session_scope
from core.queue import RECHECK_CLIP, RECHECK_DUE_CLIPS
from core.services import enforcement
from core.services.enforcement import GONE, UNKNOWN, UP, CheckOutcome
from workers.celery import app  # noqa: F401  (binds shared tasks to our app)

log = logging.getLogger(__name__)

GONE_STATUSES = (404, 410)
MAX_BODY_BYTES = 2 * 1024 * 1024  # kept as evidence; a page longer than this is cut (its hash says so)
VISIT_TIMEOUT_S = 60.0


@dataclass
class Visit:
    """One request to a clip's page and what came back (status None: no answer)."""

    url: str
    at: datetime
    status: int | None = None
    final_url: str | None = None
    headers: list[list[str]] = field(default_factory=list)
    body: bytes = b""
    error: str | None = None


def _answer(visit: Visit, response) -> None:  # noqa: ANN001  (a yt-dlp Response)
    visit.status = int(response.status)
    visit.final_url = response.url
    visit.headers = [[str(k), str(v)] for k, v in response.headers.items()]
    try:
        visit.body = response.read(MAX_BODY_BYTES)
    finally:
        response.close()


def visit_page(url: str, settings: Settings, timeout_s: float = VISIT_TIMEOUT_S) -> tuple[Visit, CheckOutcome]:
    """GET URL through the guarded stack; the visit and what it says about the clip."""
    from yt_dlp.networking import Request
    from yt_dlp.networking.exceptions import HTTPError

    from workers.fetch import FetchError, GuardedYoutubeDL, _Guard, cookie_options, one_line, ytdlp_options

    visit = Visit(url=url, at=datetime.now(UTC))
    guard = _Guard(settings, timeout_s)
    try:
        guard.check_url(url)
        with cookie_options(url, settings) as extra, tempfile.TemporaryDirectory(prefix="mamoru-recheck-") as tmp:
            options = {**ytdlp_options(settings, Path(tmp)), **extra,
                       "socket_timeout": min(30.0, max(1.0, timeout_s))}
            guard.start()
            try:
                with GuardedYoutubeDL(options, guard) as ydl:
                    try:
                        _answer(visit, ydl.urlopen(Request(url)))
                    except HTTPError as exc:
                        _answer(visit, exc.response)
                    if visit.status is not None and 200 <= visit.status < 300:
                        return visit, _extractor_says(ydl, url, visit)
            finally:
                guard.stop()
    except FetchError as exc:
        visit.error = str(guard.refusal or exc)
    except Exception as exc:  # noqa: BLE001  yt-dlp's network errors come in many classes
        visit.error = str(guard.refusal or one_line(f"{type(exc).__name__}: {exc}"))
    return visit, _status_says(visit)


def _status_says(visit: Visit) -> CheckOutcome:
    if visit.status in GONE_STATUSES:
        return CheckOutcome(GONE, f"the page answered HTTP {visit.status}", visit.status, at=visit.at)
    if visit.status is not None and 200 <= visit.status < 300:
        return CheckOutcome(UP, f"the page answered HTTP {visit.status}", visit.status, at=visit.at)
    if visit.status is not None:
        return CheckOutcome(UNKNOWN, f"the page answered HTTP {visit.status}; trying again later", visit.status,
                            at=visit.at)
    return CheckOutcome(UNKNOWN, f"no answer: {visit.error}", None, at=visit.at)


def _extractor_says(ydl, url: str, visit: Visit) -> CheckOutcome:  # noqa: ANN001
    """A page that answers 200: gone all the same when a site extractor of yt-dlp says its video is."""
    from yt_dlp.utils import DownloadError

    from workers.fetch import classify, has_extractor

    if not has_extractor(url):
        return _status_says(visit)
    try:
        ydl.extract_info(url, download=False, process=False)
    except DownloadError as exc:
        error = classify(str(exc))
        if error.code == "gone":
            return CheckOutcome(GONE, f"HTTP {visit.status}, and yt-dlp: {error}", visit.status, at=visit.at)
        return CheckOutcome(UNKNOWN, f"HTTP {visit.status}; yt-dlp could not tell: {error}", visit.status,
                            at=visit.at)
    return CheckOutcome(UP, f"HTTP {visit.status}, and yt-dlp finds the video", visit.status, at=visit.at)


def keep_evidence(settings: Settings, clip_id: int, visit: Visit, outcome: CheckOutcome) -> str:
    """Store the body and the visit's record in the blob store; the record's key."""
    store = open_store(settings)
    stamp = visit.at.strftime("%Y%m%dT%H%M%S.%fZ")
    body_key = store.put(f"enforcement/{clip_id}/{stamp}.body", visit.body)
    record = {"clip_id": clip_id, "url": visit.url, "final_url": visit.final_url,
              "checked_at": visit.at.isoformat().replace("+00:00", "Z"), "status": visit.status,
              "headers": visit.headers, "body_key": body_key, "body_bytes": len(visit.body),
              "body_sha256": hashlib.sha256(visit.body).hexdigest(),
              "body_cut_at": MAX_BODY_BYTES if len(visit.body) >= MAX_BODY_BYTES else None,
              "error": visit.error, "verdict": outcome.verdict, "reason": outcome.reason}
    data = json.dumps(record, ensure_ascii=False, indent=1).encode()
    return store.put(f"enforcement/{clip_id}/{stamp}.json", data)


def recheck(settings: Settings, clip_id: int) -> dict:
    """Visit the clip's page, keep the evidence, move its findings; what was found and done."""
    with session_scope(settings) as session:
        url = enforcement.clip_url(session, clip_id)
    if url is None:
        return {"clip_id": clip_id, "verdict": UNKNOWN, "reason": "no such clip", "findings": []}
    visit, outcome = visit_page(url, settings)
    key = keep_evidence(settings, clip_id, visit, outcome)
    outcome = CheckOutcome(outcome.verdict, outcome.reason, outcome.status, key, outcome.at)
    with session_scope(settings) as session:
        moved = enforcement.record_check(session, clip_id, outcome)
    log.info("clip %s re-checked: %s (%s); findings %s; evidence %s", clip_id, outcome.verdict, outcome.reason,
             moved, key)
    return {"clip_id": clip_id, "verdict": outcome.verdict, "reason": outcome.reason, "status": outcome.status,
            "evidence_key": key, "findings": moved}


@shared_task(name=RECHECK_CLIP, ignore_result=False, max_retries=0)
def recheck_clip(clip_id: int) -> dict:
    """Is the clip still up? Queued when a notice is recorded as sent, and by beat for clips under notice."""
    return recheck(get_settings(), clip_id)


@shared_task(name=RECHECK_DUE_CLIPS)
def recheck_due_clips(every_s: float | None = None) -> list[int]:
    """Beat: queue a re-check of every clip under enforcement not visited for RECHECK_EVERY (or EVERY_S)."""
    from datetime import timedelta

    every = enforcement.RECHECK_EVERY if every_s is None else timedelta(seconds=every_s)
    with session_scope() as session:
        due = enforcement.due_clip_ids(session, every)
    for clip_id in due:
        recheck_clip.delay(clip_id)
    if due:
        log.info("re-checks queued for %d clips under enforcement: %s", len(due), due)
    return due
