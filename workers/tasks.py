"""The pipeline's tasks: crawl a watchlist -> fetch a clip -> analyze it; build weekly reports.

Tasks take ids, re-read state, and are idempotent: running one twice leaves the same rows.
A clip moves new -> fetching -> fetched -> analyzing -> done | failed | skipped. A task starts work on a
clip by leasing it in one conditional UPDATE: the state must be the one it expects, and the clip not
leased to another live task. A redelivered copy of the same message (same task id) may take over at
once; a restarted worker takes back what its killed predecessor held (`worker_ready`); anything else
waits for the lease to run out. Every end state carries one reason and a short reason code.
"""

from __future__ import annotations

import contextlib
import logging
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import kombu.exceptions
import redis.exceptions
import sqlalchemy.exc
from celery import shared_task
from celery.exceptions import Retry, SoftTimeLimitExceeded
from celery.signals import worker_init, worker_ready
from sqlalchemy import and_, or_, select, update

from core.blobstore import evidence_key, media_key, open_store
from core.config import Settings, get_settings
from core.db import session_scope
from core.queue import (
    ANALYZE_CLIP,
    BUILD_WEEKLY_REPORT,
    BUILD_WEEKLY_REPORTS,
    CRAWL_WATCHLIST,
    FETCH_CLIP,
    REBUILD_REFERENCE_INDEX,
    REQUEUE_STALLED_CLIPS,
)
from core.models import (
    TERMINAL_STATUSES,
    Clip,
    ClipStatus,
    Finding,
    Keyframe,
    Media,
    RightsHolder,
    TriageState,
    Watchlist,
    utcnow,
)
from workers.celery import CRAWL_TIME_LIMIT, CRAWL_TIMEOUT_S, LEASE_S, RETRY_BACKOFF_S, STALL_AFTER_S
from workers.celery import app  # noqa: F401  (binds shared tasks to our app)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # leases of one clip (fetches and analyses) before it is given up
FETCH_RETRIES = 4  # retries of a transient download error (timeouts, 429, 5xx)
INFRA_RETRIES = 8  # retries when the database or the broker is briefly away
UNEXPECTED_RETRIES = 2  # retries after an error nobody foresaw (a bug, a full disk), before failing the clip
BACKOFF_BASE_S = RETRY_BACKOFF_S
BACKOFF_MAX_S = 600.0
# errors of the machinery, not of the clip: retried with backoff, never recorded as the clip's fault
INFRA_ERRORS = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, kombu.exceptions.OperationalError,
                redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, ConnectionError)
# reason codes that are a policy decision (skipped), not a broken clip (failed)
SKIP_CODES = frozenset({"unsafe_url", "too_large", "too_long", "unsupported"})
WORKING = {ClipStatus.fetching.value: ClipStatus.new.value, ClipStatus.analyzing.value: ClipStatus.fetched.value}


def backoff(retries: int) -> float:
    """Exponential backoff with jitter (0.5x to 1.5x), so retries of many clips do not arrive together."""
    return min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2**retries) * random.uniform(0.5, 1.5)


def set_status(clip: Clip, status: ClipStatus, reason: str | None = None, code: str | None = None) -> None:
    clip.status = status.value
    clip.reason = reason
    clip.reason_code = code
    clip.status_changed_at = utcnow()
    if status.value not in WORKING:
        clip.lease_owner = None
        clip.lease_until = None


def finish(clip_id: int, status: ClipStatus, reason: str, code: str) -> str:
    """Record a final failure (or skip) with its one reason."""
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        if clip is not None:
            set_status(clip, status, reason, code)
    log.warning("clip %s %s (%s): %s", clip_id, status.value, code, reason)
    return status.value


def end_status(code: str) -> ClipStatus:
    return ClipStatus.skipped if code in SKIP_CODES else ClipStatus.failed


def lease_owner(task) -> str:  # noqa: ANN001
    return f"{task.request.id or 'local'} {task.request.hostname or 'local'}"


def lease(clip_id: int, working: str, owner: str) -> tuple[bool, str, int]:
    """Lease the clip for a step: (leased, status now, attempts). A clip out of attempts is failed here."""
    ready = WORKING[working]
    task_id = owner.split(" ", 1)[0]
    now = utcnow()
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        if clip is None:
            return False, "gone", 0
        if clip.status in (ready, working) and clip.attempts >= MAX_ATTEMPTS:
            last = f"; last: {clip.reason}" if clip.reason else ""
            set_status(clip, ClipStatus.failed, f"gave up after {clip.attempts} attempts{last}", "gave_up")
            log.warning("clip %s failed: gave up after %d attempts", clip_id, clip.attempts)
            return False, ClipStatus.failed.value, clip.attempts
        result = session.execute(
            update(Clip)
            .where(Clip.id == clip_id, or_(
                Clip.status == ready,
                and_(Clip.status == working, or_(Clip.lease_until.is_(None), Clip.lease_until < now,
                                                 Clip.lease_owner.like(f"{task_id} %")))))
            .values(status=working, lease_owner=owner[:200], lease_until=now + timedelta(seconds=LEASE_S),
                    attempts=Clip.attempts + 1, status_changed_at=now)
            .execution_options(synchronize_session=False))
        session.expire_all()
        clip = session.get(Clip, clip_id)
        return result.rowcount == 1, clip.status, clip.attempts


def note_retry(clip_id: int, reason: str) -> None:
    """Keep the clip's state and lease, and say why it waits (seen by `mamoru status`)."""
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        if clip is not None:
            clip.reason = reason


def _media_dir(settings: Settings, clip_id: int) -> Path:
    return settings.media_dir / str(clip_id)


def drop_media(settings: Settings, clip_id: int) -> None:
    """Retention: media goes once analysed, unless keep_media; evidence (info JSON, thumbnails) stays."""
    if not settings.keep_media:
        shutil.rmtree(_media_dir(settings, clip_id), ignore_errors=True)
        open_store(settings).delete_prefix(media_key(clip_id))


def retry_infra(task, clip_id: int | None, exc: Exception):  # noqa: ANN001, ANN201
    """The database or broker hiccupped: retry later; give up (recorded) after INFRA_RETRIES."""
    if task.request.retries < INFRA_RETRIES:
        log.warning("%s(%s): %s: %s; retrying", task.name, clip_id, type(exc).__name__, exc)
        return task.retry(countdown=backoff(task.request.retries), exc=exc)
    if clip_id is not None:
        finish(clip_id, ClipStatus.failed, f"infrastructure kept failing: {type(exc).__name__}: {exc}", "internal")
    raise exc


def retry_unexpected(task, clip_id: int, exc: Exception):  # noqa: ANN001, ANN201
    """An error nobody foresaw: logged with its traceback, retried a little, then the clip fails with it."""
    log.exception("%s(%s) raised %s", task.name, clip_id, type(exc).__name__)
    reason = f"{task.name}: unexpected {type(exc).__name__}: {exc}"
    if task.request.retries < UNEXPECTED_RETRIES:
        note_retry(clip_id, f"retrying after {reason}")
        return task.retry(countdown=backoff(task.request.retries), exc=exc)
    return finish(clip_id, ClipStatus.failed, " ".join(reason.split())[:500], "internal")


def guarded(task, clip_id: int, body):  # noqa: ANN001, ANN201
    """Run a clip task's body: infrastructure errors retry, Celery's own signals pass, anything else
    is retried a little and then recorded on the clip."""
    try:
        return body(task, clip_id)
    except INFRA_ERRORS as exc:
        return retry_infra(task, clip_id, exc)
    except (Retry, SoftTimeLimitExceeded):
        raise
    except Exception as exc:  # noqa: BLE001
        return retry_unexpected(task, clip_id, exc)


# --- crawl ------------------------------------------------------------------------------------------


@shared_task(name=CRAWL_WATCHLIST, bind=True, soft_time_limit=CRAWL_TIME_LIMIT - 60, time_limit=CRAWL_TIME_LIMIT)
def crawl_watchlist(self, watchlist_id: int) -> dict:
    """Run the watchlist's spider in a child process, then enqueue fetches for the clips it found."""
    from crawler.run import run_in_child

    with session_scope() as session:
        watchlist = session.get(Watchlist, watchlist_id)
        if watchlist is None:
            return {"error": f"watchlist {watchlist_id} does not exist"}
        watchlist.last_run_at = utcnow()  # claims this run, so beat does not start another meanwhile
    outcome = run_in_child(watchlist_id, CRAWL_TIMEOUT_S)
    if outcome.stopped and not outcome.items and outcome.errors:
        log.error("crawl of watchlist %s failed: %s", watchlist_id, outcome.stopped)
    with session_scope() as session:
        pending = session.scalars(select(Clip.id).where(
            Clip.watchlist_id == watchlist_id, Clip.status == ClipStatus.new.value)).all()
    clip_ids = sorted(set(outcome.fetch_clip_ids) | set(pending))
    for clip_id in clip_ids:
        fetch_clip.delay(clip_id)
    outcome.fetch_clip_ids = clip_ids
    log.info("watchlist %s crawled: %s; %d clips queued for fetch", watchlist_id, outcome.summary(), len(clip_ids))
    return outcome.to_dict()


@shared_task(name=REBUILD_REFERENCE_INDEX, ignore_result=True)
def rebuild_reference_index() -> int:
    """Build the matcher's index from the references not retired (queued after art changes)."""
    from workers.catalog import rebuild_index

    return len(rebuild_index(get_settings()).names)


# --- fetch ------------------------------------------------------------------------------------------


@shared_task(name=FETCH_CLIP, bind=True, max_retries=max(FETCH_RETRIES, INFRA_RETRIES), ignore_result=True)
def fetch_clip(self, clip_id: int) -> str:
    """Download the clip (yt-dlp, capped), keep its info JSON as evidence, then queue analysis once per
    distinct media (sha256): a clip whose media another clip already has is linked to that clip's result."""
    return guarded(self, clip_id, _fetch)


def _fetch(task, clip_id: int) -> str:  # noqa: ANN001
    from workers.fetch import FetchError, download, handoff_url

    settings = get_settings()
    leased, status, attempts = lease(clip_id, ClipStatus.fetching.value, lease_owner(task))
    if not leased:
        return status  # finished, in analysis, or in another live task's hands: nothing to do here
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        urls = (clip.url, clip.media_url, clip.player_url)
        page_url = clip.page_url or clip.url
    dest = _media_dir(settings, clip_id)
    shutil.rmtree(dest, ignore_errors=True)  # a killed earlier attempt may have left a part file
    try:
        result = download(handoff_url(settings, *urls), dest, settings)
    except FetchError as exc:
        shutil.rmtree(dest, ignore_errors=True)
        if not exc.permanent and task.request.retries < FETCH_RETRIES:
            note_retry(clip_id, f"fetch: retry {task.request.retries + 1} of {FETCH_RETRIES} after: {exc}")
            log.info("clip %s: transient fetch error, retrying: %s", clip_id, exc)
            raise task.retry(countdown=backoff(task.request.retries)) from None
        code = exc.code if exc.permanent else "network"
        return finish(clip_id, end_status(code), f"fetch: {exc}", code)
    except SoftTimeLimitExceeded:
        shutil.rmtree(dest, ignore_errors=True)
        return finish(clip_id, ClipStatus.failed, "fetch: took longer than the task time limit", "timeout")
    store = open_store(settings)  # media in flight and evidence go where every machine can read them
    info_key = store.put_file(evidence_key(clip_id, "info.json"), result.info_path)
    stored_media = store.put_file(media_key(clip_id, result.path.name), result.path)
    if store.local_path(stored_media) is None:
        shutil.rmtree(dest, ignore_errors=True)  # object storage holds it now
    owner_id = claim_media(result.sha256, clip_id, result.size, current_index_version(settings))
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        clip.media_sha256 = result.sha256
        clip.evidence = {"info_json": info_key, "bytes": result.size, "sha256": result.sha256,
                         "media_path": stored_media, "format": result.info.get("format_id"),
                         "extractor": result.info.get("extractor"), "webpage_url": result.info.get("webpage_url")}
        if clip.duration is None and result.info.get("duration"):
            clip.duration = float(result.info["duration"])
        clip.fetched_at = utcnow()
        reason = None if owner_id == clip_id else f"same media as clip {owner_id}: waiting for its analysis"
        set_status(clip, ClipStatus.fetched, reason)
    from workers.capture import capture_quietly

    capture_quietly(settings, clip_id, page_url)  # the page as served, kept as evidence (never fails the fetch)
    if owner_id != clip_id:
        drop_media(settings, clip_id)  # the owner's copy is the one analysed
        link_duplicate(clip_id, owner_id)
        return ClipStatus.fetched.value
    analyze_clip.delay(clip_id)
    return ClipStatus.fetched.value


def current_index_version(settings: Settings) -> str | None:
    """The published index's version (read from its pointer: an io machine never downloads the index)."""
    from workers.index_store import published_version

    try:
        return published_version(settings)
    except Exception:  # noqa: BLE001  no index yet, or the store briefly away: analysis will say so
        return None


def claim_media(sha256: str, clip_id: int, size: int, index_version: str | None = None) -> int:
    """The clip that analyses this media for all: the first to fetch it, unless that one failed, is gone,
    or was analysed against another version of the reference index than INDEX_VERSION (then this clip
    analyses it afresh and becomes its owner)."""
    for _ in range(3):
        try:
            with session_scope() as session:
                media = session.get(Media, sha256)
                if media is None:
                    session.add(Media(sha256=sha256, clip_id=clip_id, bytes=size))
                    return clip_id
                owner = session.get(Clip, media.clip_id) if media.clip_id is not None else None
                stale = (owner is not None and owner.status == ClipStatus.done.value and index_version is not None
                         and (owner.evidence or {}).get("index_version") not in (None, index_version))
                if owner is None or owner.id == clip_id or stale or owner.status in (ClipStatus.failed.value,
                                                                                      ClipStatus.skipped.value):
                    media.clip_id = clip_id
                    return clip_id
                return owner.id
        except sqlalchemy.exc.IntegrityError:
            continue  # another clip inserted the same media just now: read its row
    raise RuntimeError(f"could not record media {sha256}")


# --- analyze ----------------------------------------------------------------------------------------


@shared_task(name=ANALYZE_CLIP, bind=True, max_retries=INFRA_RETRIES, ignore_result=True)
def analyze_clip(self, clip_id: int) -> str:
    """Match the fetched media against the reference index and store findings with evidence."""
    return guarded(self, clip_id, _analyze)


def _analyze(task, clip_id: int) -> str:  # noqa: ANN001
    import matcher

    from workers.analyze import analyze_file, inspect_provenance, store_kinds, store_provenance, store_result
    from workers.signals import likeness_signals

    settings = get_settings()
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        if clip is None:
            return "gone"
        media = session.get(Media, clip.media_sha256) if clip.media_sha256 else None
        owner_id = media.clip_id if media is not None else clip_id
    if owner_id not in (None, clip_id):
        return link_duplicate(clip_id, owner_id)
    leased, status, attempts = lease(clip_id, ClipStatus.analyzing.value, lease_owner(task))
    if not leased:
        return status
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        stored_media = (clip.evidence or {}).get("media_path")
        if not stored_media or not _media_exists(settings, stored_media):
            # the media is gone (a wiped media folder, or a store that lost it): fetch it again
            set_status(clip, ClipStatus.new, "media missing before analysis; fetching again", "media_missing")
            session.commit()
            fetch_clip.delay(clip_id)
            return ClipStatus.new.value
    try:
        with _local_media(settings, stored_media) as path:
            result, version = analyze_file(path, settings)
            with session_scope() as session:
                provenance = inspect_provenance(path, settings, session)
                likeness = likeness_signals(session, settings, path)  # {} unless a likeness model is set
    except matcher.MatcherError as exc:
        code = "corrupt" if isinstance(exc, matcher.VideoError) else "analyze_error"
        finish(clip_id, ClipStatus.failed, f"analyze: {exc}", code)
        drop_media(settings, clip_id)
        settle_duplicates(clip_id)
        return ClipStatus.failed.value
    except SoftTimeLimitExceeded:
        finish(clip_id, ClipStatus.failed, "analyze: took longer than the task time limit", "timeout")
        drop_media(settings, clip_id)
        settle_duplicates(clip_id)
        return ClipStatus.failed.value
    with session_scope() as session:
        clip = session.get(Clip, clip_id)
        copies = store_result(session, settings, clip, result, version)
        store_provenance(session, settings, clip, provenance)
        if likeness:  # kept with the media's provenance: a clip with the same media is linked to it
            clip.provenance = {**clip.provenance, "likeness": {str(k): v for k, v in likeness.items()}}
        findings = store_kinds(session, clip, copies)
        if clip.duration is None:
            clip.duration = result.duration
        clip.analyzed_at = utcnow()
        clip.evidence = {**(clip.evidence or {}), "media_kept": bool(settings.keep_media),
                         "index_version": version, "frames": result.frames}
        set_status(clip, ClipStatus.done)
    log.info("clip %s analysed: %d frames, %d findings (attempt %d)", clip_id, result.frames, len(findings),
             attempts)
    drop_media(settings, clip_id)
    settle_duplicates(clip_id)
    return ClipStatus.done.value


def _media_exists(settings: Settings, stored: str) -> bool:
    """Media named by a key of the blob store, or by an absolute path (kept by homes from before it)."""
    return Path(stored).is_file() if Path(stored).is_absolute() else open_store(settings).exists(stored)


def _local_media(settings: Settings, stored: str):  # noqa: ANN202
    """A file holding the clip's media on this machine for the analysis (downloaded from object storage)."""
    if Path(stored).is_absolute():
        return contextlib.nullcontext(Path(stored))
    return open_store(settings).local_copy(stored)


def settle_duplicates(owner_id: int) -> None:
    """Give every clip waiting on OWNER's media the owner's result."""
    with session_scope() as session:
        sha = session.scalar(select(Clip.media_sha256).where(Clip.id == owner_id))
        if sha is None:
            return
        waiting = session.scalars(select(Clip.id).where(
            Clip.media_sha256 == sha, Clip.id != owner_id,
            Clip.status.in_((ClipStatus.fetched.value, ClipStatus.analyzing.value)))).all()
    for clip_id in waiting:
        link_duplicate(clip_id, owner_id)


def link_duplicate(clip_id: int, owner_id: int) -> str:
    """CLIP has the same media as OWNER: copy the owner's keyframes, findings and thumbnails when it is
    done (upserts, decisions kept), take its failure when it failed, otherwise wait for it."""
    settings = get_settings()
    try:
        with session_scope() as session:
            clip = session.get(Clip, clip_id)
            owner = session.get(Clip, owner_id)
            if clip is None or clip.status in TERMINAL_STATUSES:
                return clip.status if clip else "gone"
            if owner is None:
                return clip.status
            if owner.status in (ClipStatus.failed.value, ClipStatus.skipped.value):
                set_status(clip, ClipStatus(owner.status), f"same media as clip {owner_id}: {owner.reason}",
                           owner.reason_code)
                return clip.status
            if owner.status != ClipStatus.done.value:
                return clip.status  # the owner's analysis will settle this clip when it ends
            copies = _copy_result(session, settings, owner, clip)
            clip.provenance = owner.provenance  # the same media: the same provenance (evidence frames are the owner's)
            from workers.analyze import store_kinds

            store_kinds(session, clip, copies)  # its own text: its own mentions and markers
            clip.analyzed_at = utcnow()
            clip.evidence = {**(clip.evidence or {}), "same_media_as": owner_id,
                             "index_version": (owner.evidence or {}).get("index_version")}
            if clip.duration is None:
                clip.duration = owner.duration
            set_status(clip, ClipStatus.done)
            log.info("clip %s: same media as clip %s; its result linked, not analysed again", clip_id, owner_id)
            return clip.status
    except sqlalchemy.exc.IntegrityError:
        log.info("clip %s: linked concurrently by another task", clip_id)
        return ClipStatus.done.value


def _copy_result(session, settings: Settings, owner: Clip, clip: Clip) -> list[Finding]:  # noqa: ANN001
    """The owner's keyframes and copies (findings of reference art) for CLIP; the other kinds come from
    the clip's own text (workers.analyze.store_kinds)."""
    session.query(Keyframe).filter(Keyframe.clip_id == clip.id).delete(synchronize_session=False)
    for kf in session.scalars(select(Keyframe).where(Keyframe.clip_id == owner.id)):
        session.add(Keyframe(clip_id=clip.id, t=kf.t, phash=kf.phash, thumbnail_path=kf.thumbnail_path))
    existing = {f.reference_id: f for f in session.scalars(select(Finding).where(
        Finding.clip_id == clip.id, Finding.reference_id.is_not(None)))}
    store = open_store(settings)
    copies = []
    for src in session.scalars(select(Finding).where(Finding.clip_id == owner.id, Finding.reference_id.is_not(None))):
        finding = existing.pop(src.reference_id, None) or Finding(clip_id=clip.id, reference_id=src.reference_id)
        thumb = None
        if src.thumbnail_path and not Path(src.thumbnail_path).is_absolute() and store.exists(src.thumbnail_path):
            thumb = store.copy(src.thumbnail_path, evidence_key(clip.id, Path(src.thumbnail_path).name))
        for column in ("score", "method", "spans", "best_t", "best_box", "distance", "clip_share",
                       "reference_share", "index_version", "character_id", "kind"):
            setattr(finding, column, getattr(src, column))
        finding.thumbnail_path = thumb or src.thumbnail_path
        finding.updated_at = utcnow()
        session.add(finding)
        copies.append(finding)
    for stale in existing.values():
        if stale.state == TriageState.pending.value:
            session.delete(stale)
    session.flush()
    return copies


# --- recovery ---------------------------------------------------------------------------------------


def recover_node(node: str) -> list[int]:
    """Clips leased to tasks of NODE, a worker name now starting again: those tasks died with it."""
    from workers.celery import app as celery_app

    now = utcnow()
    with session_scope() as session:
        rows = session.execute(select(Clip.id, Clip.status).where(
            Clip.status.in_(tuple(WORKING)), Clip.lease_owner.like(f"% {node}"))).all()
        for clip_id, _ in rows:
            session.execute(update(Clip).where(Clip.id == clip_id).values(lease_until=now - timedelta(seconds=1),
                                                                          reason="taken back after a worker restart"))
    for clip_id, status in rows:
        name = FETCH_CLIP if status == ClipStatus.fetching.value else ANALYZE_CLIP
        celery_app.send_task(name, args=[clip_id])
        log.warning("clip %s was %s on %s when it stopped: queued %s again", clip_id, status, node, name)
    return [clip_id for clip_id, _ in rows]


@worker_init.connect
def _preload(sender=None, **_kwargs) -> None:  # noqa: ANN001
    """Import yt-dlp and the matcher, and load the reference index, in the worker's main process before it
    forks its pool: each pool process starts warm instead of paying for them on its first clip. A worker
    that does not consume the cpu queue (an io machine) never analyses, so it does not load the index."""
    import matcher  # noqa: F401
    import workers.fetch  # noqa: F401
    from workers.analyze import load_index
    from workers.celery import CPU_QUEUE

    consumed = getattr(getattr(getattr(sender, "app", None), "amqp", None), "queues", None)
    names = set(getattr(consumed, "consume_from", None) or ())
    if names and CPU_QUEUE not in names:
        return
    try:
        load_index(get_settings())
    except (FileNotFoundError, matcher.MatcherError) as exc:
        log.info("reference index not preloaded: %s", exc)


@worker_ready.connect
def _take_back_on_start(sender=None, **_kwargs) -> None:  # noqa: ANN001
    node = getattr(sender, "hostname", None)
    if node:
        try:
            recover_node(node)
        except Exception:  # noqa: BLE001  recovery must never stop a worker from starting
            log.exception("could not take back the clips of %s", node)


@shared_task(name=REQUEUE_STALLED_CLIPS, ignore_result=True)
def requeue_stalled_clips(stall_after_s: int | None = None) -> list[int]:
    """Beat's safety net: a clip that waits with no task on it (its message lost with a broker's data),
    or whose lease ran out, is queued again. Extra copies of a message are harmless: leases sort them."""
    now = utcnow()
    cutoff = now - timedelta(seconds=STALL_AFTER_S if stall_after_s is None else stall_after_s)
    with session_scope() as session:
        rows = session.execute(select(Clip.id, Clip.status).where(or_(
            and_(Clip.status.in_((ClipStatus.new.value, ClipStatus.fetched.value)), Clip.status_changed_at < cutoff),
            and_(Clip.status.in_(tuple(WORKING)), Clip.lease_until < now)))).all()
        for clip_id, _ in rows:
            session.execute(update(Clip).where(Clip.id == clip_id).values(status_changed_at=now))
    for clip_id, status in rows:
        task = fetch_clip if status in (ClipStatus.new.value, ClipStatus.fetching.value) else analyze_clip
        task.delay(clip_id)
    if rows:
        log.warning("requeued %d stalled clips: %s", len(rows), [c for c, _ in rows])
    return [clip_id for clip_id, _ in rows]


# --- reports ----------------------------------------------------------------------------------------


@shared_task(name=BUILD_WEEKLY_REPORT)
def build_weekly_report(holder_id: int, week: str, formats: list[str] | None = None) -> list[dict]:
    """Write one rights holder's report for one ISO week (e.g. 2026-W47)."""
    from reports import write_weekly_report

    return write_weekly_report(get_settings(), holder_id, week, tuple(formats or ("json", "csv")))


def previous_iso_week(now: datetime | None = None) -> str:
    year, week, _ = ((now or datetime.now(UTC)) - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


@shared_task(name=BUILD_WEEKLY_REPORTS)
def build_weekly_reports(week: str | None = None) -> int:
    """Queue last week's report for every rights holder (beat runs this on Mondays 00:00 UTC)."""
    week = week or previous_iso_week()
    with session_scope() as session:
        holder_ids = session.scalars(select(RightsHolder.id)).all()
    for holder_id in holder_ids:
        build_weekly_report.delay(holder_id, week, ["json", "csv", "html", "pdf", "notices"])
    return len(holder_ids)
