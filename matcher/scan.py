"""scan_video: the facade that runs video -> frames -> detectors -> fusion -> verdict for one clip."""

from __future__ import annotations

import os
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from matcher import constants as C
from matcher import calibration, detectors, motion, siblings
from matcher.hashing import grey, phash_hex
from matcher.index import ReferenceIndex
from matcher.verdict import FrameHit, Match, ScanResult, clip_evidence, fuse, spans_of, thumbnail
from matcher.video import FrameReader


@dataclass
class _Best:
    score: float
    hit: FrameHit
    bgr: np.ndarray


def analyse_frame(bgr: np.ndarray, t: float, idx: ReferenceIndex) -> list[FrameHit]:
    """All references found in one frame, at most one hit per reference (its best)."""
    ctx = detectors.run(detectors.FrameContext.of(bgr, t, idx))
    return fuse(ctx.found, refine=lambda hits: siblings.check_hits(bgr, hits, idx))


def _moved(h: FrameHit, t: float, M: np.ndarray, shape=None) -> FrameHit:
    """A hit carried over to a later frame at time t whose picture is the hit's frame moved by M."""
    if shape is None or np.allclose(M, np.eye(3)):
        return FrameHit(t, h.reference, h.score, h.box, h.method, h.reference_share, h.quad, h.inliers,
                        h.evidence, h.model, h.H)
    x, y, w, hh = h.box
    pts = np.float32([[[x, y], [x + w, y], [x + w, y + hh], [x, y + hh]]])
    q = cv2.perspectiveTransform(pts if h.quad is None else np.float32(h.quad).reshape(1, -1, 2), M)[0]
    fh, fw = shape[:2]
    x0, y0 = np.clip(q.min(axis=0), 0, (fw, fh)).astype(int)
    x1, y1 = np.clip(np.ceil(q.max(axis=0)), 0, (fw, fh)).astype(int)
    return FrameHit(t, h.reference, h.score, (int(x0), int(y0), int(max(1, x1 - x0)), int(max(1, y1 - y0))), h.method,
                    h.reference_share, None if h.quad is None else q, h.inliers, h.evidence, h.model,
                    None if h.H is None else M @ h.H)


def scan_video(path: str | os.PathLike, index: ReferenceIndex, threshold: float | None = None,
               top: int | None = None, sample_fps: float = C.SAMPLE_FPS, max_frames: int = C.MAX_FRAMES,
               threads: int = C.DECODE_THREADS, calibration_fit: "calibration.Calibration | None" = None) -> ScanResult:
    """Find the index's references in a video. threshold None = DEFAULT_THRESHOLD, 0 = keep every match.
    CALIBRATION_FIT: the calibration that turns evidence into scores (None: the shipped one)."""
    thr = C.DEFAULT_THRESHOLD if threshold is None else float(threshold)
    reader = FrameReader(path, sample_fps=sample_fps, max_frames=max_frames, threads=threads)
    sample_times: list[float] = []
    keyframes: list[tuple[float, str]] = []
    by_ref: dict[int, list[FrameHit]] = {}
    best: dict[int, _Best] = {}
    prev_tiny = None
    prev_hits: list[FrameHit] = []
    base_hits: list[FrameHit] = []      # the last analysed frame's hits
    moved = np.eye(3)                   # camera motion from the last analysed frame to the previous frame
    prev_small = None
    tracked = 0
    for sf in reader:
        sample_times.append(sf.t)
        keyframes.append((sf.t, phash_hex(Image.fromarray(cv2.cvtColor(sf.bgr, cv2.COLOR_BGR2RGB)))))
        tiny = cv2.resize(grey(sf.bgr), (32, 32), interpolation=cv2.INTER_AREA).astype(np.int16)
        small = motion.small_grey(sf.bgr)
        if prev_tiny is not None and float(np.abs(tiny - prev_tiny).mean()) < C.STATIC_SKIP:
            hits = [_moved(h, sf.t, np.eye(3)) for h in prev_hits]
        elif prev_small is not None and small.shape == prev_small.shape and (step := motion.similarity(prev_small, small)) is not None \
                and motion.covers(step @ moved, small.shape):
            # the camera only panned or zoomed into what was analysed: carry its hits over, moved
            moved = step @ moved
            k = small.shape[1] / sf.bgr.shape[1]
            S = np.diag([k, k, 1.0])
            full = np.linalg.inv(S) @ moved @ S
            hits = [_moved(h, sf.t, full, sf.bgr.shape) for h in base_hits]
            tracked += 1
        else:
            hits = analyse_frame(sf.bgr, sf.t, index)
            prev_tiny = tiny
            base_hits, moved = hits, np.eye(3)
        prev_small = small
        prev_hits = hits
        for h in hits:
            by_ref.setdefault(h.reference, []).append(h)
            if h.reference not in best or h.score > best[h.reference].score:
                best[h.reference] = _Best(h.score, h, sf.bgr)
    duration = reader.duration
    matches: list[Match] = []
    cal = calibration_fit or calibration.load()
    for ref, hits in by_ref.items():
        feats = calibration.pair_features(hits, len(sample_times))
        score = cal.probability(feats) if cal else feats["heuristic"]
        if thr > 0 and score < thr:
            continue
        b = best[ref].hit
        span_hits = [h.t for h in hits if h.score >= C.FRAME_HIT] or [b.t]
        spans = spans_of(span_hits, sample_times, duration)
        shown = sum(e - s for s, e in spans)
        matches.append(Match(reference=index.names[ref], score=round(score, 4), spans=spans, best_t=b.t,
                             best_box=b.box, method=b.method, clip_share=round(min(1.0, shown / duration) if duration else 0.0, 4),
                             reference_share=round(b.reference_share, 4), frames_matched=len(span_hits),
                             inliers=b.inliers, thumbnail_jpeg=b"", evidence=clip_evidence(hits, feats, cal)))
    matches.sort(key=lambda m: (-m.score, m.reference))
    if top is not None:
        matches = matches[: max(0, int(top))]
    name_to_ref = {n: i for i, n in enumerate(index.names)}
    for m in matches:
        bb = best[name_to_ref[m.reference]]
        m.thumbnail_jpeg = thumbnail(bb.bgr, bb.hit.quad, bb.hit.box)
    return ScanResult(duration=duration, frames=len(sample_times), matches=matches, keyframes=keyframes,
                      decoded=reader.decoded, tracked=tracked)
