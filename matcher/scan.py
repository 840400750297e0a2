"""scan_video: the facade that runs video -> candidates -> verification -> verdict for one clip."""

from __future__ import annotations

import os
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from matcher import constants as C
from matcher.hashing import grey, hamming, phash_hex, region_hashes
from matcher.index import ReferenceIndex
from matcher.references import variant_box
from matcher.verdict import FrameHit, Match, ScanResult, clip_score, spans_of, thumbnail
from matcher.verify import (Verification, appearance, evidence_factor, features, on_whole_frame, overlay_rows,
                            refine_alignment, spread_excluding, verify)
from matcher.regions import _iou, content_boxes, content_quad, rectangle_proposals
from matcher import deskew, silhouette
from matcher.video import FrameReader


@dataclass
class _Best:
    score: float
    hit: FrameHit
    bgr: np.ndarray


def hash_score(dp: int, dd: int, share: float) -> float:
    """A hashed region (the content region, a rectangle) that is close to a reference and whose pixels
    agree with it cell by cell; the appearance share decides, the hash distance grades."""
    if dp > C.PHASH_VETO:
        return 0.0   # a close dHash with a pHash no closer than chance: a look-alike's layout, not a copy
    conf = max(1.0 - dp / 24.0, 1.0 - dd / 20.0, 0.0)
    app = float(np.clip((share - C.HASH_APPEAR_LOW) / (C.HASH_APPEAR_FULL - C.HASH_APPEAR_LOW), 0.0, 1.0))
    return app * (0.5 + 0.5 * conf)


def _coarse_consistent(xy: np.ndarray, r_xy: np.ndarray, frame_rows: np.ndarray, ref_rows: np.ndarray) -> int:
    """How many of the index search's pairs for one model agree on one similarity (RANSAC): a copy's
    pairs line up even in the coarse search, a chance candidate's scatter."""
    if len(frame_rows) < min(C.PRECHECK_PAIRS, C.PRECHECK_PAIRS_TOP):
        return 0
    A, inl = cv2.estimateAffinePartial2D(r_xy[ref_rows].astype(np.float32), xy[frame_rows].astype(np.float32),
                                         method=cv2.RANSAC, ransacReprojThreshold=C.PRECHECK_PX,
                                         maxIters=500, confidence=0.99)
    return 0 if A is None or inl is None else int(inl.sum())


def _verify_models(models, xy, desc, idx: ReferenceIndex, size, scale: float, offset: tuple[int, int],
                   frame_grey: np.ndarray, best_v: dict[int, Verification], matched=None, bands=None,
                   precheck: dict[int, int] | None = None, visible=None) -> None:
    """Verify candidate models against features of a (possibly rescaled) region; keep the best per reference.

    matched: the index search's (frame rows, index rows, models); models with enough pairs there are
    verified on them, the others (hash candidates) get a search of their own.
    precheck: model -> how many of its coarse pairs must agree on one similarity before it is verified
    (candidates by votes only); the full matching is the expensive part of a verification."""
    precheck = precheck or {}
    queue, tried = sorted(models), set(models)
    while queue:
        model = queue.pop(0)
        r_xy, r_desc = idx.model_features(model)
        ref = model >> 1
        pairs = None
        if matched is not None and model in precheck:
            sel = matched[2] == model
            if _coarse_consistent(xy, r_xy, matched[0][sel], matched[1][sel] - idx.kp_offsets[model]) < precheck[model]:
                continue
        extra = None
        if matched is not None:
            sel = matched[2] == model
            if not idx.vote_subset:
                # the coarse search saw all of this model's keypoints: its pairs are the matches
                if sel.sum() >= C.MIN_INLIERS:
                    pairs = (matched[0][sel], matched[1][sel] - idx.kp_offsets[model])
            elif sel.any():
                # it saw the strongest of them, frame to index: its pairs join the reference-to-frame
                # search's (repeated detail, a sprite's staircase corners or a field of dots, fails the
                # ratio test one way round and passes it the other)
                extra = (matched[0][sel], matched[1][sel] - idx.kp_offsets[model])
        v = verify(xy, desc, model, r_xy, r_desc, tuple(idx.sizes[ref]), size, idx._bf, pairs,
                   visible if scale == 1.0 and offset == (0, 0) else None, extra, idx.coverage_full_of(model))
        if v is None or v.score <= 0:
            if matched is not None and model ^ 1 not in tried and int((matched[2] == model).sum()) >= C.TWIN_VOTES:
                # nearly symmetric art: the copy's keypoints found the other model's twins first (the index
                # search breaks ties toward the lower row), so its geometry is the other model's
                queue.append(model ^ 1)
                tried.add(model ^ 1)
            continue
        frame_size = (frame_grey.shape[1], frame_grey.shape[0])
        if scale != 1.0 or offset != (0, 0):
            v.H = np.array([[1 / scale, 0, offset[0]], [0, 1 / scale, offset[1]], [0, 0, 1]]) @ v.H
            quad = v.quad / scale + np.float32(offset)
            x0, y0 = np.clip(quad.min(axis=0), 0, frame_size).astype(int)
            x1, y1 = np.clip(np.ceil(quad.max(axis=0)), 0, frame_size).astype(int)
            v.quad, v.box = quad, (int(x0), int(y0), int(max(1, x1 - x0)), int(max(1, y1 - y0)))
            on_whole_frame(v, r_xy, tuple(idx.sizes[ref]), frame_size, visible, idx.coverage_full_of(model))
            if v.score <= 0:
                continue
        th, tm = idx.thumb(model)
        covered = np.zeros((C.APPEAR_GRID, C.APPEAR_GRID), bool)
        v.appearance = appearance(frame_grey, v.H, tuple(idx.sizes[ref]), th, tm, covered_out=covered,
                                  overlay_rows=bands, visible=visible)
        v.spread = spread_excluding(v, covered)
        v.score *= evidence_factor(v.appearance, v.spread)
        if v.score <= 0:
            continue
        if ref not in best_v or v.score > best_v[ref].score:
            best_v[ref] = v


def _prechecks(vote_only: set[int], votes: np.ndarray) -> dict[int, int]:
    """Coarse pairs that must agree before a candidate by votes alone gets a full feature search (which
    costs more than the rest of a frame's analysis): the most voted model fewer (art of many alike
    details, a star field, pairs up wrongly in the coarse search and still verifies), the others more."""
    top = int(np.argmax(votes)) if len(votes) else -1
    return {m: C.PRECHECK_PAIRS_TOP if m == top else C.PRECHECK_PAIRS for m in vote_only}


def analyse_frame(bgr: np.ndarray, t: float, idx: ReferenceIndex) -> list[FrameHit]:
    """All references found in one frame, at most one hit per reference (its best)."""
    g = grey(bgr)
    fh, fw = g.shape
    full = (0, 0, fw, fh)
    boxes = [full]
    cboxes = content_boxes(bgr)
    visible = cboxes[0]   # inside solid bars
    for b in cboxes:
        if all(_iou(b, o) < 0.97 for o in boxes):
            boxes.append(b)
    n_content = len(boxes)
    proposals = [b for b in rectangle_proposals(bgr) if all(_iou(b, o) < 0.9 for o in boxes)
                 and g[b[1]:b[1] + b[3], b[0]:b[0] + b[2]].std() >= C.REGION_MIN_STD]
    boxes.extend(proposals)
    # model -> (pHash distance, dHash distance, box) of the closest hashed region
    hash_hits: dict[int, tuple[int, int, tuple[int, int, int, int], int]] = {}
    region_candidates: dict[int, set[int]] = {i: set() for i in range(len(boxes))}
    for i, box, model, variant, dp, dd in _hash_candidates(g, boxes, idx):
        region_candidates[i].add(model)
        old = hash_hits.get(model)
        if old is None or min(dp / 24, dd / 20) < min(old[0] / 24, old[1] / 20):
            hash_hits[model] = (dp, dd, box, variant)
    best_v: dict[int, Verification] = {}
    xy, desc = features(g, C.FRAME_FEATURES)
    hash_cands = set().union(*(region_candidates[i] for i in range(n_content)))
    candidates: set[int] = set()
    matched = None
    votes = np.zeros(len(idx.kp_offsets) - 1, np.int64)
    if len(desc):
        matched = idx.match_frame(desc)
        votes = np.bincount(matched[2], minlength=len(idx.kp_offsets) - 1)
        order = np.argsort(-votes, kind="stable")[: C.VERIFY_TOP]
        candidates.update(int(m) for m in order if votes[m] >= C.VOTE_MIN)
    # a hash candidate is worth a feature search when some keypoints agree too, or its hash is close
    candidates.update(m for m in hash_cands
                      if votes[m] >= C.HASH_CAND_VOTES or hash_hits.get(m, (64, 64))[0] <= C.PHASH_VERIFY)
    bands = overlay_rows(g)
    _verify_models(candidates, xy, desc, idx, (fw, fh), 1.0, (0, 0), g, best_v, matched, bands,
                   _prechecks(candidates - hash_cands, votes), visible)
    # small rectangles (picture-in-picture): features again on the region, rescaled to a workable size
    first_prop = len(boxes) - len(proposals)
    featured: list[tuple[int, int, int, int]] = []
    for i in range(first_prop, len(boxes)):
        x, y, w, h = boxes[i]
        s = C.REGION_FEATURE_SIDE / max(w, h)
        # nested proposals of nearly one size share their keypoints: one feature search serves them
        if s <= 1.2 or len(featured) >= C.REGION_SEARCHES or any(_iou(boxes[i], o) >= C.REGION_FEATURE_IOU for o in featured):
            continue
        # a rectangle inside a reference already found surely on this frame is that reference's own detail
        if any(v.score >= C.REGION_INSIDE_SCORE and _inside(boxes[i], v.box) >= C.REGION_INSIDE for v in best_v.values()):
            continue
        featured.append(boxes[i])
        crop = cv2.resize(g[y:y + h, x:x + w], (round(w * s), round(h * s)), interpolation=cv2.INTER_CUBIC)
        rxy, rdesc = features(crop, C.REGION_FEATURES)
        if not len(rdesc):
            continue
        hashed = set(region_candidates[i])
        rmatched = idx.match_frame(rdesc)
        votes = np.bincount(rmatched[2], minlength=len(idx.kp_offsets) - 1)
        order = np.argsort(-votes, kind="stable")[: C.VERIFY_TOP]
        cand = hashed | {int(m) for m in order if votes[m] >= C.VOTE_MIN}
        _verify_models(cand, rxy, rdesc, idx, (crop.shape[1], crop.shape[0]), s, (x, y), g, best_v, rmatched, bands,
                       _prechecks(cand - hashed, votes), visible)
    hits: dict[int, FrameHit] = {}
    for ref, v in best_v.items():
        hits[ref] = FrameHit(t, ref, v.score, v.box, "orb-ransac" + ("-mirror" if v.model & 1 else ""),
                             v.reference_share, v.quad, v.inliers)
    # a reference with far fewer inliers than another on the same region is a look-alike there (two
    # cards of one deck): its hash on that region does not rescue it (a shared template hashes close)
    explained: dict[int, tuple[int, int, int, int]] = {}
    strong: list[Verification] = []
    for v in sorted(best_v.values(), key=lambda v: -v.inliers):
        k = next((k for k in strong if _iou(v.box, k.box) > C.EXPLAIN_IOU and v.inliers < C.EXPLAIN_RATIO * k.inliers), None)
        if k is None:
            strong.append(v)
        else:
            explained[v.model >> 1] = k.box
    for model, (dp, dd, box, variant) in hash_hits.items():
        ref = model >> 1
        if ref in explained and _iou(box, explained[ref]) > C.EXPLAIN_IOU:
            continue
        s = _hash_match_score(g, idx, model, box, variant, dp, dd)
        if s <= 0:
            continue
        if ref in hits:
            h = hits[ref]
            # the two often rest on the same evidence (a shared layout): the stronger counts, the other adds a little
            combined = max(h.score, s) + 0.5 * min(h.score, s) * (1.0 - max(h.score, s))
            if s > h.score and h.inliers:
                # the hash carries it: the match is the hashed region, and its inliers do not speak for it
                hits[ref] = FrameHit(t, ref, combined, box, "phash+" + h.method, 1.0, None, 0)
            else:
                hits[ref] = FrameHit(t, ref, combined, h.box, "phash+" + h.method, h.reference_share, h.quad, h.inliers)
        else:
            hits[ref] = FrameHit(t, ref, s, box, "phash" + ("-mirror" if model & 1 else ""), 1.0, None, 0)
    # a tilted frame: hashes and silhouettes again on the frame turned upright
    angle = deskew.skew_angle(g)
    if angle is not None:
        for ref, h in _upright_hits(bgr, t, idx, angle).items():
            if ref not in hits or h.score > hits[ref].score:
                hits[ref] = h
    # a picture shown in perspective: hashes and silhouettes again on it warped back to a rectangle
    quad = content_quad(bgr)
    if quad is not None:
        for ref, h in _rectified_hits(bgr, t, idx, quad).items():
            if ref not in hits or h.score > hits[ref].score:
                hits[ref] = h
    # sprites by the shape of their edges, on the same regions (what features and hashes miss on flat art)
    for model, sh in silhouette.search(g, boxes, idx).items():
        s = silhouette.hit_score(g, sh, idx)
        if s <= 0:
            continue
        ref = model >> 1
        method = "silhouette" + ("-mirror" if model & 1 else "")
        h = hits.get(ref)
        if h is None:
            hits[ref] = FrameHit(t, ref, s, sh.box, method, 1.0, None, 0)
        elif s > h.score:
            hits[ref] = FrameHit(t, ref, s, h.box if h.inliers else sh.box, method, h.reference_share, h.quad, h.inliers)
    return _explain_away(list(hits.values()))


def _hash_candidates(g: np.ndarray, boxes: list, idx: ReferenceIndex):
    """The index's hashes close to each box's pHash or dHash (of about the box's shape)
    -> (box number, box, model, variant, pHash distance, dHash distance) each."""
    ph, dh = region_hashes(g, boxes)
    p_res = idx.hash_index.query(ph, C.PHASH_CANDIDATE)
    d_res = idx.dhash_index.query(dh, C.DHASH_CANDIDATE)
    for i, box in enumerate(boxes):
        for row in set(p_res[i][0].tolist()) | set(d_res[i][0].tolist()):
            if _same_shape(idx, row, box):
                yield (i, box, int(idx.hash_model[row]), int(idx.hash_variant[row]),
                       int(hamming(idx.phash[row:row + 1], ph[i])[0]), int(hamming(idx.dhash[row:row + 1], dh[i])[0]))


def _same_shape(idx: ReferenceIndex, row: int, box) -> bool:
    """A hashed region and the reference variant it hashes close to have about the same aspect (a hash
    is taken on a square resize: a thin strip of dark bar and an edge hashes like a dark corner)."""
    rw, rh = (int(v) for v in idx.sizes[int(idx.hash_model[row]) >> 1])
    _, _, vw, vh = variant_box(rw, rh, int(idx.hash_variant[row]))
    r = (box[2] / max(1, box[3])) / (vw / max(1, vh))
    return 1.0 / C.HASH_ASPECT <= r <= C.HASH_ASPECT


def _hash_match_score(g: np.ndarray, idx: ReferenceIndex, model: int, box, variant: int, dp: int, dd: int) -> float:
    """Score of a hash match: hash distances (pHash `dp`, dHash `dd`) and the appearance of the reference
    variant placed on `box`; a sprite (its cells mostly transparent for the appearance check) is decided
    by shape and pixels instead."""
    rw, rh = (int(v) for v in idx.sizes[model >> 1])
    vx, vy, vw, vh = variant_box(rw, rh, variant)
    bx, by, bw, bh = box
    sx, sy = bw / vw, bh / vh
    Hb = np.array([[sx, 0, bx - vx * sx], [0, sy, by - vy * sy], [0, 0, 1]], np.float64)
    th, tm = idx.thumb(model)
    s = hash_score(dp, dd, _hash_appearance(g, Hb, (rw, rh), th, tm))
    if s < C.DEFAULT_THRESHOLD and tm.min() < 255 and dp <= C.PHASH_VETO:
        s = max(s, silhouette.verify_shape(g, box, model, idx))
    return s


def _hash_appearance(g: np.ndarray, Hb: np.ndarray, size: tuple[int, int], th: np.ndarray, tm: np.ndarray) -> float:
    """Appearance share of a hash match, with its placement refined (ECC) when the first guess falls short."""
    share = appearance(g, Hb, size, th, tm, min_cells=C.HASH_MIN_CELLS)
    if share < C.HASH_APPEAR_FULL and tm.min() == 255:
        Hr = refine_alignment(g, Hb, size, th)
        if Hr is not None:
            share = max(share, appearance(g, Hr, size, th, tm, min_cells=C.HASH_MIN_CELLS))
    return share


def _upright_hits(bgr: np.ndarray, t: float, idx: ReferenceIndex, angle: float) -> dict[int, FrameHit]:
    """Hash and silhouette hits on the frame turned by `angle`, boxes mapped back to the frame."""
    fh, fw = bgr.shape[:2]
    M, _ = deskew.rotation((fw, fh), angle)
    rot = cv2.warpAffine(bgr, M, (fw, fh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)  # no new edges
    g = grey(rot)
    boxes = []
    for b in content_boxes(rot) + rectangle_proposals(rot):
        if all(_iou(b, o) < 0.9 for o in boxes) and g[b[1]:b[1] + b[3], b[0]:b[0] + b[2]].std() >= C.REGION_MIN_STD:
            boxes.append(b)
    return _warped_hits(g, boxes, np.vstack([M, [0.0, 0.0, 1.0]]), (fw, fh), t, idx, "-upright")


def _rectified_hits(bgr: np.ndarray, t: float, idx: ReferenceIndex, quad: np.ndarray) -> dict[int, FrameHit]:
    """Hash and silhouette hits on a picture shown in perspective, its quadrilateral warped back to a
    rectangle (its sides' mean lengths), boxes mapped back to the frame."""
    q = quad.astype(np.float32)
    w = max(8, round(float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2))
    h = max(8, round(float(np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2))
    M = cv2.getPerspectiveTransform(q, np.float32([[0, 0], [w, 0], [w, h], [0, h]]))
    g = grey(cv2.warpPerspective(bgr, M, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    return _warped_hits(g, [(0, 0, w, h)], M, (bgr.shape[1], bgr.shape[0]), t, idx, "-rectified")


def _warped_hits(g: np.ndarray, boxes: list, M: np.ndarray, frame_size: tuple[int, int], t: float,
                 idx: ReferenceIndex, tag: str) -> dict[int, FrameHit]:
    """Hash and silhouette hits on `g`, the frame warped by the homography M (frame -> g), on `boxes`
    of g; each hit's box is mapped back to the frame."""
    inv = np.linalg.inv(M)
    out: dict[int, FrameHit] = {}

    def keep(ref: int, score: float, box, method: str) -> None:
        if score <= 0 or (ref in out and out[ref].score >= score):
            return
        quad, fbox = deskew.box_back(box, inv, frame_size)
        out[ref] = FrameHit(t, ref, score, fbox, method, 1.0, quad, 0)

    for _, box, model, variant, dp, dd in _hash_candidates(g, boxes, idx):
        s = _hash_match_score(g, idx, model, box, variant, dp, dd)
        keep(model >> 1, s, box, "phash" + tag + ("-mirror" if model & 1 else ""))
    for model, sh in silhouette.search(g, boxes, idx).items():
        keep(model >> 1, silhouette.hit_score(g, sh, idx), sh.box, "silhouette" + tag + ("-mirror" if model & 1 else ""))
    return out


def _explain_away(hits: list[FrameHit]) -> list[FrameHit]:
    """Two references found on the same region: the one with far fewer inliers is a look-alike that
    the other explains (two cards of one deck, two icons of one set), not a second copy; where one of
    the two has no inliers (a hash or silhouette match), the far weaker score is the look-alike."""
    feat = sorted((h for h in hits if h.inliers), key=lambda h: (-h.inliers, -h.score))
    kept_f: list[FrameHit] = []
    for h in feat:
        if any(_iou(h.box, k.box) > C.EXPLAIN_IOU and h.inliers < C.EXPLAIN_RATIO * k.inliers for k in kept_f):
            continue
        kept_f.append(h)
    rest = sorted(kept_f + [h for h in hits if not h.inliers], key=lambda h: (-h.score, -h.inliers))
    kept: list[FrameHit] = []
    for h in rest:
        if any((not h.inliers or not k.inliers) and h.score < C.EXPLAIN_RATIO_HASH * k.score
               and (_overlap(h.box, k.box) if not (h.inliers or k.inliers) else _iou(h.box, k.box)) > C.EXPLAIN_IOU
               for k in kept):
            continue
        kept.append(h)
    return kept


def _inside(a, b) -> float:
    """Share of box a that lies inside box b."""
    iw = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return iw * ih / max(1, a[2] * a[3])


def _overlap(a, b) -> float:
    """Intersection over the smaller box: two hashed regions around one picture nest rather than coincide."""
    iw = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return iw * ih / max(1, min(a[2] * a[3], b[2] * b[3]))


def scan_video(path: str | os.PathLike, index: ReferenceIndex, threshold: float | None = None,
               top: int | None = None, sample_fps: float = C.SAMPLE_FPS, max_frames: int = C.MAX_FRAMES,
               threads: int = C.DECODE_THREADS) -> ScanResult:
    """Find the index's references in a video. threshold None = DEFAULT_THRESHOLD, 0 = keep every match."""
    thr = C.DEFAULT_THRESHOLD if threshold is None else float(threshold)
    reader = FrameReader(path, sample_fps=sample_fps, max_frames=max_frames, threads=threads)
    sample_times: list[float] = []
    keyframes: list[tuple[float, str]] = []
    by_ref: dict[int, list[FrameHit]] = {}
    best: dict[int, _Best] = {}
    prev_tiny = None
    prev_hits: list[FrameHit] = []
    for sf in reader:
        sample_times.append(sf.t)
        keyframes.append((sf.t, phash_hex(Image.fromarray(cv2.cvtColor(sf.bgr, cv2.COLOR_BGR2RGB)))))
        tiny = cv2.resize(grey(sf.bgr), (32, 32), interpolation=cv2.INTER_AREA).astype(np.int16)
        if prev_tiny is not None and float(np.abs(tiny - prev_tiny).mean()) < C.STATIC_SKIP:
            hits = [FrameHit(sf.t, h.reference, h.score, h.box, h.method, h.reference_share, h.quad, h.inliers)
                    for h in prev_hits]
        else:
            hits = analyse_frame(sf.bgr, sf.t, index)
            prev_tiny = tiny
        prev_hits = hits
        for h in hits:
            by_ref.setdefault(h.reference, []).append(h)
            if h.reference not in best or h.score > best[h.reference].score:
                best[h.reference] = _Best(h.score, h, sf.bgr)
    duration = reader.duration
    matches: list[Match] = []
    for ref, hits in by_ref.items():
        score = clip_score([h.score for h in hits])
        if thr > 0 and score < thr:
            continue
        b = best[ref].hit
        span_hits = [h.t for h in hits if h.score >= C.FRAME_HIT] or [b.t]
        spans = spans_of(span_hits, sample_times, duration)
        shown = sum(e - s for s, e in spans)
        matches.append(Match(reference=index.names[ref], score=round(score, 4), spans=spans, best_t=b.t,
                             best_box=b.box, method=b.method, clip_share=round(min(1.0, shown / duration) if duration else 0.0, 4),
                             reference_share=round(b.reference_share, 4), frames_matched=len(span_hits),
                             inliers=b.inliers, thumbnail_jpeg=b""))
    matches.sort(key=lambda m: (-m.score, m.reference))
    if top is not None:
        matches = matches[: max(0, int(top))]
    name_to_ref = {n: i for i, n in enumerate(index.names)}
    for m in matches:
        bb = best[name_to_ref[m.reference]]
        m.thumbnail_jpeg = thumbnail(bb.bgr, bb.hit.quad, bb.hit.box)
    return ScanResult(duration=duration, frames=len(sample_times), matches=matches, keyframes=keyframes,
                      decoded=reader.decoded)
