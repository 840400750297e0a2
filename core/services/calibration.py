"""Learning from analysts: the decided copy findings as labelled pairs (confirmed 1, dismissed 0; escalated
and pending say nothing yet), their deterministic held-back part, and the installed calibrations.

An installed calibration is a JSON document (matcher.calibration.Calibration.to_json) kept in the blob store
under `calibration/<id>.json`, never overwritten, with the pointer `calibration/current.json` naming the
one the workers score new analyses with (none installed: the matcher's shipped calibration). Installing is
audited. The fitting itself is the matcher's (matcher.refit); `mamoru calibrate` glues the two."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.blobstore import BlobNotFound, open_store
from core.config import Settings
from core.models import Finding, FindingKind, TriageState
from core.services import audit
from core.services.errors import Invalid

log = logging.getLogger(__name__)

CURRENT_KEY = "calibration/current.json"
LABELS = {TriageState.confirmed.value: 1, TriageState.dismissed.value: 0}
DEFAULT_HOLDOUT_SHARE = 0.25
DEFAULT_MIN_DECISIONS = 100
MIN_PER_CLASS = 5  # on each side of the split: a fit or a figure needs both confirmed and dismissed pairs
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class DecidedPair:
    finding_id: int
    clip_id: int
    features: dict
    label: int


def decided_pairs(session: Session) -> list[DecidedPair]:
    """The copy findings an analyst confirmed or dismissed whose calibration inputs were recorded."""
    rows = session.scalars(select(Finding).where(
        Finding.kind == FindingKind.copy.value, Finding.state.in_(list(LABELS)),
        Finding.score_evidence.is_not(None)).order_by(Finding.id))
    return [DecidedPair(f.id, f.clip_id, dict(f.score_evidence), LABELS[f.state])
            for f in rows if isinstance(f.score_evidence, dict)]


def is_held_back(clip_id: int, share: float) -> bool:
    """Whether a clip's pairs belong to the held-back part (by a hash of the clip: stable across runs)."""
    h = int(hashlib.sha256(f"holdout:{clip_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return h < share


def split(pairs: list[DecidedPair], share: float = DEFAULT_HOLDOUT_SHARE) -> tuple[list[DecidedPair], list[DecidedPair]]:
    """(fit part, held-back part), by clip."""
    if not 0.05 <= share <= 0.5:
        raise Invalid(f"holdout share {share} is out of range: use 0.05 to 0.5")
    held = [p for p in pairs if is_held_back(p.clip_id, share)]
    return [p for p in pairs if not is_held_back(p.clip_id, share)], held


def check_enough(pairs: list[DecidedPair], fit_part: list[DecidedPair], held: list[DecidedPair],
                 min_decisions: int) -> None:
    """Invalid (one line saying how many are needed) when the decisions cannot support a fit."""
    if len(pairs) < min_decisions:
        raise Invalid(f"too few decisions to calibrate: {len(pairs)} confirmed or dismissed copy findings, "
                      f"{min_decisions} needed")
    for name, part in (("fit", fit_part), ("held-back", held)):
        pos = sum(p.label for p in part)
        if pos < MIN_PER_CLASS or len(part) - pos < MIN_PER_CLASS:
            raise Invalid(f"too few decisions to calibrate: the {name} part has {pos} confirmed and "
                          f"{len(part) - pos} dismissed, {MIN_PER_CLASS} of each needed")


def installed(settings: Settings) -> dict | None:
    """The installed calibration's document (None: none installed, the workers use the shipped one)."""
    store = open_store(settings)
    try:
        pointer = json.loads(store.get(CURRENT_KEY))
        return json.loads(store.get(pointer["key"]))
    except BlobNotFound:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("installed calibration unreadable (%s); the shipped one is used", exc)
        return None


def install(session: Session, settings: Settings, document: dict, figures: dict,
            user_id: int | None = None) -> str:
    """Keep DOCUMENT as `calibration/<id>.json`, point the workers at it and audit it; returns the key."""
    cal_id = str(document.get("id", ""))
    if not _ID.match(cal_id):
        raise Invalid(f"bad calibration id {cal_id!r}")
    store = open_store(settings)
    key = f"calibration/{cal_id}.json"
    previous = installed(settings)
    store.put(key, json.dumps(document, indent=1, sort_keys=True).encode())
    store.put(CURRENT_KEY, json.dumps({"id": cal_id, "key": key}).encode())
    audit.record(session, user_id, "calibration.install", "calibration", None, id=cal_id, key=key,
                 previous=previous["id"] if previous else None, figures=figures)
    session.flush()
    log.info("calibration %s installed (%s); new analyses are scored with it", cal_id, key)
    return key
