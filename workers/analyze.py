"""Run the matcher on a fetched clip and store its keyframes, findings and evidence thumbnails."""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import matcher
from core.config import Settings
from core.models import Clip, Finding, Keyframe, Reference, TriageState, utcnow
from core.services.references import reference_id_of_key

log = logging.getLogger(__name__)

_index_cache: dict[str, tuple[float, matcher.ReferenceIndex]] = {}


def load_index(settings: Settings) -> matcher.ReferenceIndex:
    """The reference index, reloaded whenever its file changes (workers never restart for it)."""
    path = settings.index_path
    if not path.exists():
        raise FileNotFoundError(f"no reference index at {path}: add references with `mamoru refs add`")
    mtime = path.stat().st_mtime
    cached = _index_cache.get(str(path))
    if cached is None or cached[0] != mtime:
        try:
            index = matcher.ReferenceIndex.load(path)
            if not _keyed_by_id(index):
                raise matcher.IndexFileError(f"{path} names references by file stem (an index from before "
                                             "entries were keyed by reference id)")
        except matcher.IndexFileError as exc:
            index = _rebuild_index(settings, exc)
            mtime = path.stat().st_mtime
        _index_cache[str(path)] = (mtime, index)
        log.info("loaded reference index %s: %d references, version %s", path, len(index.names), index.version)
    return _index_cache[str(path)][1]


def _keyed_by_id(index: matcher.ReferenceIndex) -> bool:
    return all(reference_id_of_key(name) is not None for name in index.names)


def _rebuild_index(settings: Settings, why: Exception) -> matcher.ReferenceIndex:
    """An index file of another matcher version (after an upgrade) or a damaged one is rebuilt from the
    references in the database, by one worker at a time (the others wait on the lock, then load it)."""
    from workers.catalog import rebuild_index

    with settings.index_path.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            index = matcher.ReferenceIndex.load(settings.index_path)  # another worker rebuilt it meanwhile
            if _keyed_by_id(index):
                return index
            raise matcher.IndexFileError("entries named by file stem")
        except matcher.IndexFileError:
            log.warning("reference index unusable (%s); rebuilding it from the database's references", why)
            return rebuild_index(settings)


def store_result(session: Session, settings: Settings, clip: Clip, result: matcher.ScanResult,
                 index_version: str) -> list[Finding]:
    """Upsert keyframes and findings for CLIP; a rerun replaces the matcher's part and keeps decisions."""
    session.execute(delete(Keyframe).where(Keyframe.clip_id == clip.id))
    for t, phash in result.keyframes:
        session.add(Keyframe(clip_id=clip.id, t=round(float(t), 3), phash=phash))
    refs = {r.id: r for r in session.scalars(select(Reference))}
    existing = {f.reference_id: f for f in session.scalars(select(Finding).where(Finding.clip_id == clip.id))}
    evidence = settings.evidence_dir / str(clip.id)
    kept: list[Finding] = []
    for match in result.matches:
        ref = refs.get(reference_id_of_key(match.reference))
        if ref is None:
            log.warning("clip %s: matched reference %r is not in the database; skipped", clip.id, match.reference)
            continue
        evidence.mkdir(parents=True, exist_ok=True)
        thumb = evidence / f"{ref.id}.jpg"
        thumb.write_bytes(match.thumbnail_jpeg)
        finding = existing.pop(ref.id, None) or Finding(clip_id=clip.id, reference_id=ref.id)
        finding.score = round(float(match.score), 4)
        finding.method = match.method
        finding.spans = [[round(float(a), 2), round(float(b), 2)] for a, b in match.spans]
        finding.best_t = round(float(match.best_t), 3)
        finding.best_box = [int(v) for v in match.best_box]
        finding.clip_share = round(float(match.clip_share), 4)
        finding.reference_share = round(float(match.reference_share), 4)
        finding.distance = getattr(match, "distance", None)
        finding.thumbnail_path = settings.stored_path(thumb)
        finding.index_version = index_version
        finding.updated_at = utcnow()
        session.add(finding)
        kept.append(finding)
    for stale in existing.values():  # no longer matched: drop it unless decided, or its art retired (history)
        retired = refs.get(stale.reference_id) is not None and refs[stale.reference_id].retired_at is not None
        if stale.state == TriageState.pending.value and not retired:
            session.delete(stale)
    session.flush()
    return kept


def analyze_file(path: Path, settings: Settings) -> tuple[matcher.ScanResult, str]:
    index = load_index(settings)
    return matcher.scan_video(path, index, threshold=settings.match_threshold), index.version
