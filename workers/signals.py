"""Gather a clip's signals for the finding kinds (core.services.kinds decides, this only collects):
the matcher's copies, the holder's characters named in the clip's text (one mention detector per holder,
built from its catalogue and cached until the catalogue changes), AI markers, commercial hints, and the
clip's provenance (C2PA claim, generator watermarks). Each signal carries its evidence for the desk:
the field's text with the offsets of what matched, the manifest's fields, the watermark's frame."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Clip, Finding, RightsHolder, Work
from matcher.provenance import INTACT_STATES
from matcher.text import MentionDetector
from matcher.text.detector import CatalogueError
from matcher.text.commercial import commercial_hints, field_texts
from matcher.text.normalise import normalise

log = logging.getLogger(__name__)
EVIDENCE_TEXT_CHARS = 1000  # a field's text kept with a signal (the desk highlights the match in it)
# holder id: (catalogue digest, detector, ids, {work id: its titles normalised})
_DETECTORS: dict[int, tuple[str, MentionDetector | None, dict, dict[str, list[str]]]] = {}


@dataclass
class HolderSignals:
    """One holder's signals on one clip: per character of its catalogue, and the clip's own."""

    holder_id: int
    per_character: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    clip_signals: list[dict] = field(default_factory=list)


def _catalogue_digest(session: Session, holder: RightsHolder) -> str:
    """A digest of every name of HOLDER's works and characters, in one query (the detector's cache key)."""
    from core.models import Character

    rows = session.execute(
        select(Work.id, Work.key, Work.titles, Work.name_en, Work.name_ja, Character.id, Character.key,
               Character.aliases, Character.name_en, Character.name_ja)
        .outerjoin(Character, Character.work_id == Work.id).where(Work.rights_holder_id == holder.id)
        .order_by(Work.id, Character.id)).all()
    return hashlib.sha256(json.dumps([list(r) for r in rows], ensure_ascii=False, default=str).encode()).hexdigest()


def holder_detector(session: Session, holder: RightsHolder) -> tuple[MentionDetector | None, dict]:
    """The mention detector of HOLDER's catalogue and {(work id, character id): Character id}; rebuilt only
    when the catalogue changed (a digest of its names is the cache key)."""
    from core.services.catalogue import catalogue_character_ids, holder_catalogue

    digest = _catalogue_digest(session, holder)
    cached = _DETECTORS.get(holder.id)
    if cached is not None and cached[0] == digest:
        return cached[1], cached[2]
    works = [w for w in holder_catalogue(session, holder) if w["characters"] or w["titles"]]
    detector = None
    if works:
        try:
            detector = MentionDetector(works)
        except CatalogueError as exc:  # a bad catalogue must not fail every clip: its names are left out
            log.warning("mentions of %s left out: its catalogue cannot be read: %s", holder.name, exc)
    titles = {str(w["id"]): [t for t in (normalise(str(title)) for title in w["titles"]) if t.strip()]
              for w in works}
    cached = (digest, detector, catalogue_character_ids(session, holder) if detector else {}, titles)
    _DETECTORS[holder.id] = cached
    if detector is not None:
        log.info("mention detector of %s built: %d works, %d characters", holder.name, len(works), len(cached[2]))
    return cached[1], cached[2]


def work_titles(holder_id: int) -> dict[str, list[str]]:
    """{work id: its titles normalised} of the holder's catalogue as holder_detector last built it."""
    cached = _DETECTORS.get(holder_id)
    return cached[3] if cached else {}


def title_named(normalised_texts: list[str], forms: list[str], alias: str) -> bool:
    """Whether one of a work's title FORMS is written in the texts (normalised as names are: case, width,
    kana); a title that is the character's own name as written (ALIAS: Naruto of NARUTO) does not count."""
    own = normalise(alias)
    return any((form if form.strip().isascii() else form.strip()) in text
               for form in forms if form != own for text in normalised_texts)


def clip_post(clip: Clip) -> dict:
    """The clip's text as the mention detector reads it."""
    return {"id": clip.id, "platform": clip.platform, "title": clip.title, "description": clip.description,
            "hashtags": list(clip.hashtags or []), "uploader_name": clip.uploader_name}


def _located(texts: dict[str, str], field_name: str, written: str) -> dict:
    """The field's text with the offsets of WRITTEN in it (None when it cannot be found as written)."""
    text = texts.get(field_name, "")
    start = text.find(written) if written else -1
    if start < 0 and written:
        start = text.casefold().find(written.casefold())
    if start >= EVIDENCE_TEXT_CHARS:  # keep a window around the match
        cut = max(0, start - EVIDENCE_TEXT_CHARS // 2)
        text, start = text[cut:], start - cut
    text = text[:EVIDENCE_TEXT_CHARS]
    found = 0 <= start and start + len(written) <= len(text)
    return {"field": field_name, "text": text, "start": start if found else None,
            "end": start + len(written) if found else None}


def provenance_signals(provenance: dict | None) -> list[dict]:
    """The clip's provenance as AI signals: an intact C2PA claim that a trained model made it; each
    registered generator watermark seen (with its frame kept as evidence)."""
    out = []
    c2pa = (provenance or {}).get("c2pa") or {}
    if c2pa.get("ai_generated") and c2pa.get("validation_state") in INTACT_STATES:
        out.append({"type": "c2pa", **{k: c2pa.get(k) for k in (
            "claim_generator", "signer", "signer_org", "signed_at", "validation_state", "actions")}})
    for hit in (provenance or {}).get("watermarks") or []:
        out.append({"type": "watermark", **{k: hit.get(k) for k in (
            "name", "score", "frames", "best_t", "best_box", "moved", "frame_path")}})
    return out


def _occurrences(text: str, written: str) -> list[tuple[int, int]]:
    """Every [start, end) of WRITTEN in TEXT (case-folded when the fold keeps the length)."""
    if not written:
        return []
    hay, needle = text, written
    if len(text.casefold()) == len(text) and len(written.casefold()) == len(written):
        hay, needle = text.casefold(), written.casefold()
    out, at = [], hay.find(needle)
    while at >= 0:
        out.append((at, at + len(needle)))
        at = hay.find(needle, at + 1)
    return out


def text_signals(detector: MentionDetector, ids: dict, clip: Clip,
                 titles: dict[str, list[str]] | None = None) -> tuple[dict[int, list[dict]], list[dict]]:
    """(per character: its mentions; the clip's AI markers) in CLIP's text against one holder's catalogue.
    A mention says in which other fields its name is written too (`also_in`) and whether the work is named
    (`work_named`); a marker says which characters it speaks of (core.services.kinds.marker_scope)."""
    from core.services.kinds import marker_scope

    post = clip_post(clip)
    texts = field_texts(post)
    found = detector.detect(post)
    normalised = [normalise(t) for t in texts.values() if t]
    per_character: dict[int, list[dict]] = defaultdict(list)
    names_at: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for m in found.characters:
        character_id = ids.get((m.work, m.character))
        if character_id is None:
            continue
        places = {name: _occurrences(text, m.alias) for name, text in texts.items()}
        names_at[character_id].extend((name, a, b) for name, spans in places.items() for a, b in spans if b > a)
        per_character[character_id].append({"type": "mention", "character": m.character, "work": m.work,
                                            "alias": m.alias, **_located(texts, m.field, m.alias),
                                            "also_in": [n for n, spans in places.items() if spans and n != m.field],
                                            "work_named": title_named(normalised, (titles or {}).get(m.work, []),
                                                                      m.alias)})
    markers = []
    for a in found.ai_markers:
        scope = marker_scope(a.field, texts, _occurrences(texts.get(a.field, ""), a.text), names_at)
        markers.append({"type": "ai_marker", "marker": a.marker, "kind": a.kind, "alias": a.text,
                        **_located(texts, a.field, a.text),
                        **({"scope": "post"} if scope is None else {"scope": "sentence", "character_ids": scope})})
    return per_character, markers


def commercial_signals(clip: Clip) -> list[dict]:
    texts = field_texts(clip_post(clip))
    return [{"type": "commercial", **h.to_dict(), **_located(texts, h.field, h.text)}
            for h in commercial_hints(clip_post(clip))]


def copy_signal(finding: Finding) -> dict:
    from core.services.reference_videos import video_json

    ref = finding.reference
    signal = {"type": "reference_match", "reference_id": finding.reference_id, "reference": ref.name if ref else None,
              "score": finding.score, "method": finding.method, "best_t": finding.best_t,
              "spans": finding.spans, "frame_path": finding.thumbnail_path}
    video = video_json(ref)
    if video is not None:  # a keyframe of reference footage: which video, and where in it
        signal["video"] = video
    return signal


def gather(session: Session, clip: Clip, copies: list[Finding],
           likeness: dict[int, list[dict]] | None = None) -> dict[int, HolderSignals]:
    """Every holder's signals on CLIP: copies (the matcher's findings, by their character's holder),
    mentions and AI markers against each holder's catalogue, commercial hints, provenance, and LIKENESS
    ({character id: [likeness signal]}, when the likeness signal is configured)."""
    shared = provenance_signals(clip.provenance) + commercial_signals(clip)
    out: dict[int, HolderSignals] = {}
    owner = dict(session.execute(select(Work.id, Work.rights_holder_id)).all())
    for holder in session.scalars(select(RightsHolder).order_by(RightsHolder.id)):
        detector, ids = holder_detector(session, holder)
        signals = HolderSignals(holder.id)
        markers: list[dict] = []
        if detector is not None:
            per_character, markers = text_signals(detector, ids, clip, work_titles(holder.id))
            for character_id, found in per_character.items():
                signals.per_character[character_id].extend(found)
        signals.clip_signals = markers + shared
        out[holder.id] = signals
    for finding in copies:
        character = finding.reference.character if finding.reference else None
        if character is None:
            continue
        holder_id = owner.get(character.work_id)
        if holder_id in out:
            out[holder_id].per_character[character.id].append(copy_signal(finding))
    for character_id, found in (likeness or {}).items():
        for signals in out.values():
            if character_id in signals.per_character or character_id in _holder_characters(session, signals):
                signals.per_character[character_id].extend(found)
    return out


def _holder_characters(session: Session, signals: HolderSignals) -> set[int]:
    from core.models import Character

    return set(session.scalars(select(Character.id).join(Work).where(Work.rights_holder_id == signals.holder_id)))


# --- likeness (off unless the likeness_* settings name a model) --------------------------------------
LIKENESS_MIN_FRAMES = 2  # frames of a video a character must be decided in (a still needs one)
_LIKENESS: dict[str, tuple] = {}  # "current": (key, embedder, prototypes, calibration, names)


def _decode(data: bytes | None):  # noqa: ANN202
    import cv2
    import numpy as np

    return None if not data else cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def _likeness_model(session: Session, settings, config) -> tuple | None:  # noqa: ANN001
    """(embedder, prototypes, calibration, {character id: name}) from the references not retired, rebuilt
    when the art or the model changes; None when fewer than two characters have enough references."""
    from core.blobstore import open_store
    from core.models import Character, Reference
    from matcher.likeness import MIN_REFERENCES, CharacterPrototypes, OnnxEmbedder, calibration_for

    rows = session.execute(select(Reference.character_id, Reference.path, Reference.sha256, Character.name_en)
                           .join(Character, Reference.character_id == Character.id)
                           .where(Reference.retired_at.is_(None)).order_by(Reference.id)).all()
    by_character: dict[int, list] = defaultdict(list)
    for character_id, path, sha, _ in rows:
        by_character[character_id].append((path, sha))
    by_character = {c: refs for c, refs in by_character.items() if len(refs) >= MIN_REFERENCES}
    if len(by_character) < 2:
        log.info("likeness: fewer than two characters with %d references; not used", MIN_REFERENCES)
        return None
    key = json.dumps([config.sha256, sorted((c, sha) for c, refs in by_character.items() for _, sha in refs)])
    cached = _LIKENESS.get("current")
    if cached is None or cached[0] != key:
        embedder = OnnxEmbedder(config)
        store = open_store(settings)
        images = {str(c): [img for img in (_decode(store.find(p)) for p, _ in refs) if img is not None]
                  for c, refs in by_character.items()}
        protos = CharacterPrototypes.build(embedder, images)
        names = {c: name for c, _, _, name in rows}
        cached = (key, embedder, protos, calibration_for(config, protos), names)
        _LIKENESS["current"] = cached
        log.info("likeness prototypes built: %d characters (%s)", len(images), embedder.name)
    return cached[1:]


def likeness_signals(session: Session, settings, path) -> dict[int, list[dict]]:  # noqa: ANN001
    """{character id: [likeness signal]} for the media at PATH, when the likeness signal is configured
    (matcher.likeness; off by default). A model that cannot be used is logged, never fails the clip."""
    from matcher.errors import MatcherError
    from matcher.likeness import LikenessConfig, likeness_of_frames
    from matcher.provenance import IMAGE_SUFFIXES, sampled_frames

    config = LikenessConfig.from_settings(settings)
    if config is None:
        return {}
    try:
        model = _likeness_model(session, settings, config)
        if model is None:
            return {}
        embedder, protos, calibration, names = model
        still = str(path).lower().endswith(tuple(IMAGE_SUFFIXES))
        found = likeness_of_frames(embedder, protos, sampled_frames(path), calibration,
                                   min_frames=1 if still else LIKENESS_MIN_FRAMES)
    except MatcherError as exc:
        log.warning("likeness left out: %s", exc)
        return {}
    out: dict[int, list[dict]] = {}
    for signal in found:
        character_id = int(signal.character)
        out[character_id] = [{"type": "likeness", **signal.to_dict(), "character": names.get(character_id),
                              "character_id": character_id}]
    return out
