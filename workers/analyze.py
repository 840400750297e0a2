"""Run the matcher on a fetched clip and store its keyframes, findings, evidence thumbnails and provenance."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import matcher
from core.blobstore import evidence_key, open_store
from core.config import Settings
from core.models import Clip, Finding, FindingKind, Keyframe, Reference, TriageState, utcnow
from core.services.references import reference_id_of_key

log = logging.getLogger(__name__)


def load_index(settings: Settings) -> matcher.ReferenceIndex:
    """The published reference index (workers.index_store), reloaded when a new one is published."""
    from workers.index_store import load

    return load(settings)


def store_result(session: Session, settings: Settings, clip: Clip, result: matcher.ScanResult,
                 index_version: str) -> list[Finding]:
    """Upsert keyframes and findings for CLIP; a rerun replaces the matcher's part and keeps decisions."""
    session.execute(delete(Keyframe).where(Keyframe.clip_id == clip.id))
    for t, phash in result.keyframes:
        session.add(Keyframe(clip_id=clip.id, t=round(float(t), 3), phash=phash))
    refs = {r.id: r for r in session.scalars(select(Reference))}
    existing = {f.reference_id: f for f in session.scalars(select(Finding).where(
        Finding.clip_id == clip.id, Finding.reference_id.is_not(None)))}
    store = open_store(settings)
    kept: list[Finding] = []
    for match in result.matches:
        ref = refs.get(reference_id_of_key(match.reference))
        if ref is None:
            log.warning("clip %s: matched reference %r is not in the database; skipped", clip.id, match.reference)
            continue
        thumb_key = store.put(evidence_key(clip.id, f"{ref.id}.jpg"), match.thumbnail_jpeg)
        finding = existing.pop(ref.id, None) or Finding(clip_id=clip.id, reference_id=ref.id)
        finding.character_id = ref.character_id
        finding.kind = FindingKind.copy.value
        finding.score = round(float(match.score), 4)
        finding.method = match.method
        finding.spans = [[round(float(a), 2), round(float(b), 2)] for a, b in match.spans]
        finding.best_t = round(float(match.best_t), 3)
        finding.best_box = [int(v) for v in match.best_box]
        finding.clip_share = round(float(match.clip_share), 4)
        finding.reference_share = round(float(match.reference_share), 4)
        finding.distance = getattr(match, "distance", None)
        finding.thumbnail_path = thumb_key
        finding.index_version = index_version
        evidence = match.evidence or {}
        finding.score_evidence = evidence.get("score")
        finding.calibration_id = (evidence.get("calibration") or {}).get("id")
        finding.updated_at = utcnow()
        session.add(finding)
        kept.append(finding)
    for stale in existing.values():  # no longer matched: drop it unless decided, or its art retired (history)
        retired = refs.get(stale.reference_id) is not None and refs[stale.reference_id].retired_at is not None
        if stale.state == TriageState.pending.value and not retired:
            session.delete(stale)
    session.flush()
    return kept


def current_calibration(settings: Settings):  # noqa: ANN201
    """The calibration new analyses are scored with: the one `mamoru calibrate` installed, else the shipped
    one (matcher/calibration.json; None when there is neither)."""
    from core.services.calibration import installed
    from matcher.calibration import Calibration, load

    document = installed(settings)
    if document is None:
        return load()
    try:
        return Calibration.from_json(document)
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("installed calibration %r unusable (%s); the shipped one is used", document.get("id"), exc)
        return load()


def analyze_file(path: Path, settings: Settings) -> tuple[matcher.ScanResult, str]:
    index = load_index(settings)
    cal = current_calibration(settings)
    log.info("analysing %s with calibration %s", path.name, cal.id if cal else "none (detectors' heuristic)")
    return matcher.scan_video(path, index, threshold=settings.match_threshold, calibration_fit=cal), index.version


def inspect_provenance(path: Path, settings: Settings, session: Session):  # noqa: ANN201
    """The media's C2PA manifest and the registered watermarks seen in it (matcher.provenance.Provenance)."""
    from core.services.watermarks import watermark_templates
    from matcher.provenance import WatermarkTemplate, inspect_file

    templates = []
    for t in watermark_templates(session, settings):
        try:
            templates.append(WatermarkTemplate.from_bytes(t.name, t.png, t.holder))
        except matcher.MatcherError as exc:
            log.warning("watermark %s left out: %s", t.name, exc)
    anchors = settings.c2pa_trust_anchors.read_text() if settings.c2pa_trust_anchors else None
    return inspect_file(path, templates, anchors)


def store_provenance(session: Session, settings: Settings, clip: Clip, provenance) -> dict:  # noqa: ANN001
    """Record PROVENANCE on the clip (`clips.provenance`, JSON) with each watermark's best frame kept as
    evidence in the blob store (its key in `frame_path`); a rerun replaces it."""
    record = provenance.to_dict()
    record.pop("file", None)  # a temporary path on the worker: says nothing
    store = open_store(settings)
    for hit, entry in zip(provenance.watermarks, record["watermarks"]):
        entry["frame_path"] = None
        if hit.frame_jpeg:
            slug = re.sub(r"[^A-Za-z0-9_-]+", "-", hit.name)
            entry["frame_path"] = store.put(evidence_key(clip.id, f"watermark-{slug}.jpg"), hit.frame_jpeg)
    clip.provenance = record
    session.flush()
    return record


def store_kinds(session: Session, clip: Clip, copies: list[Finding],
                likeness: dict[int, list[dict]] | None = None) -> list[Finding]:
    """Give every (clip, character) of every holder one verdict (core.services.kinds) from the signals
    workers.signals gathers, and the holder's policy's action: copies keep one finding per reference (their
    kind, signals and action set here); an `ai_depiction` or `mention` is one finding per (clip, character)
    with no reference. LIKENESS ({character id: [signal]}) defaults to the one recorded in the clip's
    provenance. A rerun replaces them; decided findings are kept. Returns the findings of the clip."""
    from core.services.kinds import COPY, non_copy_confidence, verdicts
    from core.services.policy import current_policy, decide_finding
    from workers.signals import copy_signal, gather

    copies = [f for f in copies if f.reference_id is not None]
    if likeness is None:  # recorded with the media's provenance by the analysis (and linked to duplicates)
        likeness = {int(k): v for k, v in ((clip.provenance or {}).get("likeness") or {}).items()}
    others = {f.character_id: f for f in session.scalars(select(Finding).where(
        Finding.clip_id == clip.id, Finding.reference_id.is_(None)))}
    kept: list[Finding] = []
    for holder_id, signals in gather(session, clip, copies, likeness).items():
        version, policy = current_policy(session, holder_id)
        for verdict in verdicts(signals.per_character, signals.clip_signals):
            if verdict.kind == COPY:
                shared = [s for s in verdict.signals if s["type"] != "reference_match"]
                rows = [f for f in copies if f.character_id == verdict.character_id]
                for f in rows:
                    f.signals, f.confidence = [copy_signal(f), *shared], None
                stale = others.get(verdict.character_id)
                if stale is not None and stale.state == TriageState.pending.value:
                    session.delete(others.pop(verdict.character_id))  # the copy says more than a mention
            else:
                rows = [others.pop(verdict.character_id, None)
                        or Finding(clip_id=clip.id, character_id=verdict.character_id, reference_id=None)]
                f = rows[0]
                f.kind, f.signals = verdict.kind, verdict.signals
                f.score, f.method, f.spans, f.best_t = 0.0, "+".join(sorted({s["type"] for s in verdict.signals})), [], 0.0
                f.confidence = non_copy_confidence(verdict.kind, verdict.signals)["value"]
                f.updated_at = utcnow()
                session.add(f)
            for f in rows:
                f.kind = verdict.kind
                decide_finding(version, policy, f, clip)
                kept.append(f)
    for stale in others.values():  # no longer named: dropped unless an analyst decided it
        if stale.state == TriageState.pending.value:
            session.delete(stale)
    session.flush()
    log.info("clip %s: %d findings by kind %s", clip.id, len(kept),
             {k: sum(f.kind == k for f in kept) for k in sorted({f.kind for f in kept})})
    return kept
