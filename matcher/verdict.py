"""Frame hits -> clip-level matches with evidence: score, time spans, best frame, region, shares."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from matcher import constants as C
from matcher.regions import _iou as iou


@dataclass
class FrameHit:
    t: float
    reference: int
    score: float
    box: tuple[int, int, int, int]
    method: str
    reference_share: float
    quad: np.ndarray | None = None
    inliers: int = 0
    evidence: dict[str, dict] = field(default_factory=dict)   # detector name -> the figures it rests on
    model: int = -1                   # reference * 2 + mirrored, when the detector knows it
    H: np.ndarray | None = None       # reference (feature scale) -> frame, when the detector placed it
    shows: tuple[int, int, int, int] | None = None   # the region the detector found it cut by (a box of footage laid over
                                      # the rest): the part of the frame that shows it, where the sibling check judges it
    laid: np.ndarray | None = None    # where something is laid over the reference (a presenter keyed over a sprite's legs:
                                      # silhouette.laid_over), a mask over the reference's frame as shown (bool, any size;
                                      # mirrored when `model` is): its detail there is hidden, for the sibling check


@dataclass
class Match:
    reference: str
    score: float
    spans: list[tuple[float, float]]
    best_t: float
    best_box: tuple[int, int, int, int]
    method: str
    clip_share: float
    reference_share: float
    thumbnail_jpeg: bytes = b""
    frames_matched: int = 0
    inliers: int = 0
    evidence: dict[str, dict] = field(default_factory=dict)   # detector name -> its best figures; "score" too

    def to_dict(self) -> dict:
        return {"reference": self.reference, "score": round(self.score, 4),
                "spans": [[round(a, 3), round(b, 3)] for a, b in self.spans],
                "best": {"t": round(self.best_t, 3), "box": list(self.best_box)}, "method": self.method,
                "evidence": self.evidence}


@dataclass
class ScanResult:
    duration: float
    frames: int
    matches: list[Match] = field(default_factory=list)
    keyframes: list[tuple[float, str]] = field(default_factory=list)
    decoded: int = 0
    tracked: int = 0      # frames whose analysis was carried over from an earlier one moved by the camera

    def to_dict(self, clip: str) -> dict:
        return {"clip": str(clip), "duration": round(self.duration, 3), "frames": self.frames,
                "matches": [m.to_dict() for m in self.matches], "error": None}


def thumbnail(bgr: np.ndarray, quad: np.ndarray | None, box: tuple[int, int, int, int]) -> bytes:
    """The frame with the matched region drawn, at most THUMB_HEIGHT tall, as JPEG."""
    img = bgr.copy()
    h, w = img.shape[:2]
    thick = max(2, round(max(h, w) / 240))
    if quad is not None:
        cv2.polylines(img, [np.round(quad).astype(np.int32).reshape(-1, 1, 2)], True, (0, 0, 255), thick, cv2.LINE_AA)
    else:
        x, y, bw, bh = box
        cv2.rectangle(img, (x, y), (x + bw, y + bh), (0, 0, 255), thick)
    if h > C.THUMB_HEIGHT:
        s = C.THUMB_HEIGHT / h
        img = cv2.resize(img, (max(1, round(w * s)), C.THUMB_HEIGHT), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return buf.tobytes() if ok else b""


def spans_of(hit_times: list[float], sample_times: list[float], duration: float) -> list[tuple[float, float]]:
    """Each hit covers from its frame to the next analysed frame; adjacent covers merge."""
    nxt = {t: (sample_times[i + 1] if i + 1 < len(sample_times) else max(duration, t)) for i, t in enumerate(sample_times)}
    spans: list[list[float]] = []
    for t in sorted(hit_times):
        end = nxt.get(t, t)
        if spans and t <= spans[-1][1] + 1e-6:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([t, end])
    return [(round(a, 3), round(b, 3)) for a, b in spans]


def clip_score(scores: list[float]) -> float:
    """Best frame score, nudged up when more frames agree (a copy shown for seconds is surer)."""
    s = sorted(scores, reverse=True)
    best = s[0]
    support = sum(1 for x in s[1:] if x >= C.FRAME_HIT)
    return float(min(1.0, best + (1.0 - best) * min(0.3, 0.06 * support)))


def _merge(a: FrameHit, b: FrameHit, **over) -> FrameHit:
    """a with b's evidence added (and the fields in `over` replaced)."""
    ev = {**a.evidence, **{k: v for k, v in b.evidence.items() if k not in a.evidence}}
    fields = dict(t=a.t, reference=a.reference, score=a.score, box=a.box, method=a.method,
                  reference_share=a.reference_share, quad=a.quad, inliers=a.inliers, evidence=ev,
                  model=a.model if a.H is not None or b.H is None else b.model, H=a.H if a.H is not None else b.H,
                  shows=a.shows)
    fields.update(over)
    # what one detector saw laid over the reference is laid over it whichever places it (turned to its mirroring)
    src = a if a.laid is not None else b
    laid = src.laid
    if laid is not None and src.model >= 0 and fields["model"] >= 0 and (src.model ^ fields["model"]) & 1:
        laid = laid[:, ::-1]
    return FrameHit(**fields, laid=laid)


def fuse(found: dict[str, list[FrameHit]], refine=None) -> list[FrameHit]:
    """The detectors' hits of one frame -> at most one hit per reference, look-alikes explained away.

    Features first; a hash hit on the same reference adds to it (the two often rest on the same evidence,
    a shared layout: the stronger counts, the other adds a little) and takes the region when it is the
    stronger; a rectified hit replaces a weaker one; a silhouette hit raises a weaker score. `refine`
    (hits -> hits) runs before look-alikes are explained away (the sibling check)."""
    hits: dict[int, FrameHit] = {h.reference: h for h in found.get("features", [])}
    for s in found.get("hashes", []):
        h = hits.get(s.reference)
        if h is None:
            hits[s.reference] = s
            continue
        hi, lo = max(h.score, s.score), min(h.score, s.score)
        combined = hi + 0.5 * lo * (1.0 - hi)
        if s.score > h.score and h.inliers:
            # the hash carries it: the match is the hashed region, and its inliers do not speak for it; nor does their
            # geometry when it is mirrored the other way (a picture nearly symmetric left to right, an ace, matches its
            # mirror image by a few keypoints on what is symmetric): the picture is placed on the hashed region, as the
            # hash saw it
            flip = {"model": s.model, "H": None} if s.model >= 0 and h.model >= 0 and (s.model ^ h.model) & 1 else {}
            hits[s.reference] = _merge(h, s, score=combined, box=s.box, method="phash+" + h.method,
                                       reference_share=1.0, quad=None, inliers=0, **flip)
        else:
            hits[s.reference] = _merge(h, s, score=combined, method="phash+" + h.method)
    for r in found.get("rectified", []):
        h = hits.get(r.reference)
        if h is None:
            hits[r.reference] = r
        elif r.score > h.score:
            hits[r.reference] = _merge(r, h)
        else:
            hits[r.reference] = _merge(h, r)
    for s in found.get("silhouettes", []):
        h = hits.get(s.reference)
        if h is None:
            hits[s.reference] = s
        elif s.score > h.score:
            # the silhouette carries it: its box and its model (a mirrored sprite is judged mirrored), unless the
            # weaker hit placed the reference by its inliers
            hits[s.reference] = _merge(h, s, score=s.score, box=h.box if h.inliers else s.box, method=s.method,
                                       model=h.model if h.inliers else s.model, shows=s.shows)
        else:
            hits[s.reference] = _merge(h, s)
    merged = list(hits.values())
    return explain_away(refine(merged) if refine else merged)


def explain_away(hits: list[FrameHit]) -> list[FrameHit]:
    """Two references found on the same region: the one with far fewer inliers is a look-alike that
    the other explains (two cards of one deck, two icons of one set), not a second copy; where one of
    the two has no inliers (a hash or silhouette match), the far weaker score is the look-alike."""
    feat = sorted((h for h in hits if h.inliers), key=lambda h: (-h.inliers, -h.score))
    kept_f: list[FrameHit] = []
    for h in feat:
        if any(iou(h.box, k.box) > C.EXPLAIN_IOU and h.inliers < C.EXPLAIN_RATIO * k.inliers for k in kept_f):
            continue
        kept_f.append(h)
    rest = sorted(kept_f + [h for h in hits if not h.inliers], key=lambda h: (-h.score, -h.inliers))
    kept: list[FrameHit] = []
    for h in rest:
        if any((not h.inliers or not k.inliers) and h.score < C.EXPLAIN_RATIO_HASH * k.score
               and (overlap(h.box, k.box) if not (h.inliers or k.inliers) else iou(h.box, k.box)) > C.EXPLAIN_IOU
               for k in kept):
            continue
        kept.append(h)
    return kept


def overlap(a, b) -> float:
    """Intersection over the smaller box: two hashed regions around one picture nest rather than coincide."""
    iw = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return iw * ih / max(1, min(a[2] * a[3], b[2] * b[3]))


def clip_evidence(hits: list[FrameHit], feats: dict[str, float], cal) -> dict:
    """A match's evidence: per detector, its figures on the frame where it scored best; under "score",
    the calibration's input figures and which calibration turned them into the score."""
    out: dict[str, dict] = {}
    for h in hits:
        for det, ev in h.evidence.items():
            key = {"siblings": "detail", "detail_check": "factor"}.get(det, "score")
            if det not in out or ev.get(key, 0) > out[det].get(key, 0):
                out[det] = dict(ev, t=round(h.t, 3))
    out["score"] = {**{k: round(v, 4) for k, v in feats.items()}, "calibrated": 1.0 if cal else 0.0}
    if cal:
        out["calibration"] = {"id": cal.id}
    return out
