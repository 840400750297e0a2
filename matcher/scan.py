"""scan_video: the facade that runs video -> frames -> detectors -> fusion -> verdict for one clip."""

from __future__ import annotations

import os
from dataclasses import dataclass

import cv2
import numpy as np

from matcher import constants as C
from matcher import calibration, detail_check, detectors, motion, shared_placement, siblings
from matcher.hashing import frame_phash_hex, grey
from matcher.index import ReferenceIndex
from matcher.regions import inside
from matcher.verdict import FrameHit, Match, ScanResult, clip_evidence, fuse, spans_of, thumbnail
from matcher.video import FrameReader


@dataclass
class _Best:
    score: float
    hit: FrameHit
    bgr: np.ndarray


def analyse_frame(bgr: np.ndarray, t: float, idx: ReferenceIndex, memo: dict | None = None,
                  g: np.ndarray | None = None) -> list[FrameHit]:
    """All references found in one frame, at most one hit per reference (its best). MEMO: the scan's memory of
    the detail checks it ran (matcher.detail_check.check_hits). G: the frame in grey, when the caller has it."""
    ctx = detectors.run(detectors.FrameContext.of(bgr, t, idx, g))
    return fuse(ctx.found, refine=lambda hits: _check_siblings(bgr, hits, idx, ctx, memo))


def _check_siblings(bgr: np.ndarray, hits: list[FrameHit], idx: ReferenceIndex, ctx,
                    memo: dict | None = None) -> list[FrameHit]:
    """The sibling check, told what of the frame shows each hit's picture (`_shows`), and for one found cut by a region
    that the rest of the content region is laid over (the reference's detail there hidden: no evidence either way).
    One hit per reference, the stronger when two calls name one. No hits: nothing to check (and no band to find)."""
    if not hits:
        return []
    hits = shared_placement.shared(bgr, hits, idx, ctx.shown, ctx.visible)
    groups: dict[tuple, list[FrameHit]] = {}
    for h in hits:
        shown = _shows(h, ctx)
        # found cut by a region: the rest of the content region is laid over, and the reference's detail there hidden
        groups.setdefault((shown, ctx.visible if h.shows is not None and shown != ctx.visible else None), []).append(h)
    best: dict[int, FrameHit] = {}
    for (shown, covered), group in groups.items():
        # a reference with no indexed sibling gets the detail check of its own (an unindexed sibling's detail)
        for h in detail_check.check_hits(bgr, siblings.check_hits(bgr, group, idx, shown, covered), idx, shown, memo):
            if h.reference not in best or h.score > best[h.reference].score:
                best[h.reference] = h
    return list(best.values())


def _shows(h: FrameHit, ctx) -> tuple:
    """What of the frame shows a hit's picture: the region it was found cut by (h.shows: footage laid over the rest,
    which shows no part of it), the picture band (ctx.shown) when BAND_HIT_INSIDE of its box lies in it, else the
    content region (a montage's other cells); each inside the content region."""
    if h.shows is not None:
        vx, vy, vw, vh = ctx.visible
        x, y, w, hh = h.shows
        x0, y0, x1, y1 = max(x, vx), max(y, vy), min(x + w, vx + vw), min(y + hh, vy + vh)
        if x1 > x0 and y1 > y0:
            return (x0, y0, x1 - x0, y1 - y0)
    if ctx.shown != ctx.visible and inside(h.box, ctx.shown) >= C.BAND_HIT_INSIDE:
        return ctx.shown
    return ctx.visible


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


def _scaled_box(box: tuple[int, int, int, int], k: float) -> tuple[int, int, int, int]:
    x, y, w, h = box
    return int(x * k), int(y * k), max(1, int(np.ceil(w * k))), max(1, int(np.ceil(h * k)))


def scan_video(path: str | os.PathLike, index: ReferenceIndex, threshold: float | None = None,
               top: int | None = None, sample_fps: float = C.SAMPLE_FPS, max_frames: int = C.MAX_FRAMES,
               threads: int = C.DECODE_THREADS, calibration_fit: "calibration.Calibration | None" = None) -> ScanResult:
    """Find the index's references in a video. threshold None = DEFAULT_THRESHOLD, 0 = keep every match.
    CALIBRATION_FIT: the calibration that turns evidence into scores (None: the shipped one)."""
    thr = C.DEFAULT_THRESHOLD if threshold is None else float(threshold)
    cv2.setRNGSeed(C.RANSAC_SEED)
    reader = FrameReader(path, sample_fps=sample_fps, max_frames=max_frames, threads=threads)
    sample_times: list[float] = []
    keyframes: list[tuple[float, str]] = []
    by_ref: dict[int, list[FrameHit]] = {}
    best: dict[int, _Best] = {}
    prev_tiny = None
    prev_hits: list[FrameHit] = []
    base_hits: list[FrameHit] = []      # the last analysed frame's hits
    base_t = 0.0                        # ... and its time
    moved = np.eye(3)                   # camera motion from the last analysed frame to the previous frame
    hit_moved: list[np.ndarray] = []    # each base hit's own motion since then (a moving picture-in-picture)
    swept = False                       # ... and one moved on its own (what it swept over was never looked at)
    prev_small = base_small = None
    doubt = False                       # the last analysis found a reference, not surely
    tracked = 0
    memo: dict = {}                     # the detail checks run so far (matcher.detail_check.check_hits)
    for sf in reader:
        sample_times.append(sf.t)
        g = grey(sf.bgr)
        keyframes.append((sf.t, frame_phash_hex(g)))
        tiny = cv2.resize(g, (32, 32), interpolation=cv2.INTER_AREA).astype(np.int16)
        small = motion.small_grey(g)
        k = small.shape[1] / sf.bgr.shape[1]
        if (prev_tiny is not None and float(np.abs(tiny - prev_tiny).mean()) < C.STATIC_SKIP
              and (not doubt or motion.changed_share(base_small, small) <= C.CARRY_DOUBT_CHANGED)):
            hits = [_moved(h, sf.t, np.eye(3)) for h in prev_hits]
        elif (prev_small is not None and small.shape == prev_small.shape
              and (layers := motion.follow(prev_small, small, [_scaled_box(h.box, k) for h in prev_hits],
                                           C.CARRY_DOUBT_CHANGED if doubt else C.MOTION_CHANGED, not doubt)) is not None
              and motion.covers(layers[0] @ moved, small.shape)
              and (sf.t - base_t <= C.MOTION_MAX_CARRY or not (swept := swept or any(m is not layers[0] for m in layers[1])))):
            # the camera only panned or zoomed into what was analysed, and what was found there moved with
            # it or on its own: carry the analysis over, moved
            moved = layers[0] @ moved
            hit_moved = [step @ m for step, m in zip(layers[1], hit_moved)]
            S = np.diag([k, k, 1.0])
            hits = [_moved(h, sf.t, np.linalg.inv(S) @ m @ S, sf.bgr.shape) for h, m in zip(base_hits, hit_moved)]
            tracked += 1
        else:
            hits = analyse_frame(sf.bgr, sf.t, index, memo, g)
            prev_tiny, base_small = tiny, small
            base_hits, base_t, moved, hit_moved = hits, sf.t, np.eye(3), [np.eye(3) for _ in hits]
            swept = False
            # a reference found but not surely: what an occluder moving over the picture (a sticker, a presenter, a
            # caption's next word) hides now may show in a later frame, so the analysis is carried over only to frames
            # that show the same pixels, moved by a camera most corners agree on (motion.follow without its fallbacks:
            # another look at a screen photo drifting by hand is another chance, dev2 screenphoto_00 0.81 -> 0.58 with them)
            doubt = any(h.score < C.CARRY_SURE for h in hits)
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
