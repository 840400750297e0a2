"""Local features with geometric verification: ORB keypoints of the frame (and of small rectangles,
rescaled) searched in the index, candidates verified by RANSAC, then by appearance and inlier spread."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C
from matcher import silhouette
from matcher.detectors.base import FrameContext
from matcher.detectors.hashes import hash_candidates
from matcher.index import ReferenceIndex
from matcher.regions import _iou, inside
from matcher.verdict import FrameHit
from matcher.verify import (Verification, appearance, evidence_factor, feature_score, features, on_whole_frame,
                            overlay_rows, spread_excluding, verify, window_box, window_cells, window_coverage,
                            window_factor)


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
                   precheck: dict[int, int] | None = None, visible=None, flat: bool = False) -> None:
    """Verify candidate models against features of a (possibly rescaled) region; keep the best per reference.

    matched: the index search's (frame rows, index rows, models); models with enough pairs there are
    verified on them, the others (hash candidates) get a search of their own.
    precheck: model -> how many of its coarse pairs must agree on one similarity before it is verified
    (candidates by votes only); the full matching is the expensive part of a verification.
    flat: the reference is laid flat on the frame (a sticker: a similarity, see verify)."""
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
                   visible if scale == 1.0 and offset == (0, 0) else None, extra, idx.coverage_full_of(model), flat)
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
        _judge_window(v, r_xy, tuple(idx.sizes[ref]), frame_grey, th, tm, bands, visible, idx.coverage_full_of(model))
        if v.score <= 0:
            continue
        if ref not in best_v or _better(v, best_v[ref]):
            best_v[ref] = v


def _better(v: Verification, old: Verification) -> bool:
    """v beats old for one reference: higher score; on a tie more inliers, then the unmirrored model (never the
    one verified first: the order of verification follows the order of the index)."""
    return (v.score, v.inliers, -(v.model & 1)) > (old.score, old.inliers, -(old.model & 1))


def _judge_window(v: Verification, r_xy: np.ndarray, ref_size: tuple[int, int], frame_grey: np.ndarray, th, tm,
                  bands, visible, coverage_full: float) -> None:
    """A partial view (the rest of the reference covered by footage or cropped away): the match judged again
    on the window of the reference its inliers span, coverage, pixels and spread there only, the score
    lowered by how little of the reference that is; v keeps the better of the two judgements."""
    if v.inlier_xy is None or not len(v.inlier_xy):
        return
    win = window_box(v, ref_size)
    share = (win[2] - win[0]) * (win[3] - win[1]) / max(1.0, float(ref_size[0] * ref_size[1]))
    if not C.PARTIAL_WINDOW_MIN <= share <= C.PARTIAL_WINDOW_MAX:
        return
    frame_size = (frame_grey.shape[1], frame_grey.shape[0])
    cov = window_coverage(v, r_xy, ref_size, frame_size, visible, win)
    base = feature_score(v.inliers, cov, coverage_full) * window_factor(share)
    if base <= v.score:
        return
    covered = np.zeros((C.APPEAR_GRID, C.APPEAR_GRID), bool)
    app = appearance(frame_grey, v.H, ref_size, th, tm, covered_out=covered, overlay_rows=bands, visible=visible,
                     cells_in_view=window_cells(win, ref_size, C.APPEAR_GRID))
    spread = spread_excluding(v, covered, window_cells(win, ref_size, C.SPREAD_GRID))
    score = base * evidence_factor(app, spread)
    if score > v.score:
        v.score, v.coverage, v.appearance, v.spread, v.window = score, cov, app, spread, share


def _prechecks(vote_only: set[int], votes: np.ndarray, idx: ReferenceIndex) -> dict[int, int]:
    """Coarse pairs that must agree before a candidate by votes alone gets a full feature search (which
    costs more than the rest of a frame's analysis): the most voted model fewer (art of many alike
    details, a star field, pairs up wrongly in the coarse search and still verifies), the others more."""
    top = (idx.top_models(votes, 1, 0) or [-1])[0] if len(votes) else -1
    return {m: C.PRECHECK_PAIRS_TOP if m == top else C.PRECHECK_PAIRS for m in vote_only}


def _votes_inside(idx: ReferenceIndex, xy: np.ndarray, matched, box: tuple[int, int, int, int]) -> float:
    """The most pairs one model has inside box among the frame search's (frame rows, index rows, models)."""
    if matched is None or not len(matched[0]):
        return 0
    x, y, w, h = box
    p = xy[matched[0]]
    ins = (p[:, 0] >= x) & (p[:, 0] < x + w) & (p[:, 1] >= y) & (p[:, 1] < y + h)
    return float(idx.votes(matched, ins).max()) if ins.any() else 0


def partial_view_box(ctx: FrameContext, best_v: dict[int, Verification]) -> tuple[int, int, int, int] | None:
    """The content region (inside bars and blurred fill: the sharp band) worth a shrunk feature search, or
    None: it fills most of the frame's width, and nothing on the frame is found surely yet."""
    if any(v.score >= C.PARTIAL_SKIP_SCORE for v in best_v.values()):
        return None
    x, y, w, h = ctx.boxes[max(0, ctx.n_content - 1)]
    if w < C.PARTIAL_MIN_WIDTH * ctx.g.shape[1] or h < C.PARTIAL_MIN_HEIGHT * ctx.g.shape[0]:
        return None
    return (int(x), int(y), int(w), int(h))


def quad_share_inside(quad: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Share of a reference's quadrilateral on the frame that lies inside box (x, y, w, h)."""
    x, y, w, h = box
    q = np.float32(quad).reshape(-1, 2)
    inter, _ = cv2.intersectConvexConvex(q, np.float32([[x, y], [x + w, y], [x + w, y + h], [x, y + h]]))
    return float(inter) / max(1e-6, float(cv2.contourArea(q)))


def _search_region(ctx: FrameContext, box: tuple[int, int, int, int], s: float, n_features: int, hashed: set[int],
                   best_v: dict[int, Verification], bands) -> None:
    """Features of one region of the frame rescaled by s, searched in the index; its candidates (and the
    hash candidates `hashed`) verified and mapped back onto the whole frame."""
    idx, g = ctx.index, ctx.g
    x, y, w, h = box
    interp = cv2.INTER_CUBIC if s > 1 else cv2.INTER_AREA
    crop = cv2.resize(g[y:y + h, x:x + w], (max(1, round(w * s)), max(1, round(h * s))), interpolation=interp)
    rxy, rdesc = features(crop, n_features)
    if not len(rdesc):
        return
    size = (crop.shape[1], crop.shape[0])
    if hashed and C.REGION_HASH_FIRST:
        # the region's hash candidates first: one that verifies surely over the whole region explains it, and
        # the region's index search (most of a search's cost with a large index) is not needed
        _verify_models(hashed, rxy, rdesc, idx, size, s, (x, y), g, best_v, None, bands, None, ctx.visible)
        if any(v.score >= C.REGION_INSIDE_SCORE and inside(box, v.box) >= C.REGION_INSIDE
               for ref, v in best_v.items() if any(m >> 1 == ref for m in hashed)):
            return
    rmatched = idx.match_frame(rdesc)
    rvotes = idx.votes(rmatched)
    cand = hashed | set(idx.top_models(rvotes))
    _verify_models(cand, rxy, rdesc, idx, size, s, (x, y), g, best_v, rmatched,
                   bands, _prechecks(cand - hashed, rvotes, idx), ctx.visible)


def sticker_models(idx: ReferenceIndex, proposers: list[int]) -> list[int]:
    """The models a sticker's features are verified against: its proposers (unmirrored sprite models) and the
    members of their sibling groups (another member shares the outline that proposed the place, and the sibling
    check must see the better of them)."""
    out: list[int] = []
    for m in proposers:
        for r in [m >> 1] + list(idx.siblings_of(m >> 1)):
            if 2 * r not in out:
                out.append(2 * r)
    return out


def _search_sticker(ctx: FrameContext, p: "silhouette.Proposal", best_v: dict[int, Verification], bands) -> None:
    """A see-through sticker (a title logo, an animated sticker over busy footage: no rectangle round it) where its
    outline proposed it (silhouette.proposals): the region's features at the scale the index holds the proposer's
    keypoints (a small sticker's strokes are under ORB's patch on the frame, and busy footage takes the frame's
    keypoints), verified against the proposer and its siblings only (no index search: cost that follows content)."""
    idx, g = ctx.index, ctx.g
    x, y, w, h = p.box
    ref_long = float(max(idx.sizes[p.models[0] >> 1]))
    s = min(C.STICKER_MAX_ZOOM, ref_long / max(1, max(p.sprite[2], p.sprite[3])))
    if s < C.STICKER_MIN_ZOOM or min(w, h) < C.MIN_BOX_SIDE:
        return
    crop = cv2.resize(g[y:y + h, x:x + w], (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_CUBIC)
    rxy, rdesc = features(crop, C.STICKER_FEATURES)
    if len(rdesc) < C.MIN_INLIERS:
        return
    _verify_models(sticker_models(idx, p.models), rxy, rdesc, idx, (crop.shape[1], crop.shape[0]), s, (x, y), g,
                   best_v, None, bands, None, ctx.visible, flat=True)


def shown_layer(ctx: FrameContext, v: Verification, r_xy: np.ndarray) -> tuple[int, int, int, int] | None:
    """The region of the frame that shows a partly covered reference (a box of footage laid over the rest of it): a
    rectangle proposal or strip between seams that holds LAYER_BOX_MIN to LAYER_BOX_MAX of the match's box and
    LAYER_INLIERS of its inliers, while the rest of the box, where the reference's keypoints land on picture, would
    hold LAYER_EXPECTED inliers at the match's coverage and holds none of them. The largest such region, or None."""
    if v.inlier_xy is None or not len(v.inlier_xy) or v.H is None:
        return None
    pts = cv2.perspectiveTransform(np.float32(v.inlier_xy).reshape(-1, 1, 2), v.H).reshape(-1, 2)
    kps = cv2.perspectiveTransform(np.float32(r_xy).reshape(-1, 1, 2), v.H).reshape(-1, 2)
    vx, vy, vw, vh = ctx.visible
    kps = kps[(kps[:, 0] >= vx) & (kps[:, 0] < vx + vw) & (kps[:, 1] >= vy) & (kps[:, 1] < vy + vh)]
    best = None
    for b in list(ctx.boxes[1:]) + ctx.strips:
        share = inside(v.box, b)
        if not C.LAYER_BOX_MIN <= share <= C.LAYER_BOX_MAX or (best is not None and share <= best[0]):
            continue
        x, y, w, h = b
        tol = C.LAYER_TOL
        held = float(((pts[:, 0] >= x - tol) & (pts[:, 0] < x + w + tol) & (pts[:, 1] >= y - tol) & (pts[:, 1] < y + h + tol)).mean())
        out = ~((kps[:, 0] >= x) & (kps[:, 0] < x + w) & (kps[:, 1] >= y) & (kps[:, 1] < y + h))
        if held >= C.LAYER_INLIERS and v.coverage * int(out.sum()) >= C.LAYER_EXPECTED:
            best = (share, b)
    return None if best is None else tuple(int(c) for c in best[1])


class FeatureDetector:
    """ORB + RANSAC on the whole frame, then on the best rectangle proposals rescaled (picture-in-picture)."""
    name = "features"

    def detect(self, ctx: FrameContext) -> list[FrameHit]:
        idx, g, boxes = ctx.index, ctx.g, ctx.boxes
        fh, fw = g.shape
        region_candidates, hash_hits = hash_candidates(ctx)
        best_v: dict[int, Verification] = {}
        xy, desc = features(g, C.FRAME_FEATURES)
        hash_cands = set().union(*(region_candidates[i] for i in range(ctx.n_content)))
        candidates: set[int] = set()
        matched = None
        n_models = len(idx.kp_offsets) - 1
        votes = np.zeros(n_models)
        if len(desc):
            matched = idx.match_frame(desc)
            votes = idx.votes(matched)
            candidates.update(idx.top_models(votes))
        # a hash candidate is worth a feature search when some keypoints agree too, or its hash is close
        candidates.update(m for m in hash_cands
                          if votes[m] >= C.HASH_CAND_VOTES or hash_hits.get(m, (64, 64))[0] <= C.PHASH_VERIFY)
        bands = overlay_rows(g)
        _verify_models(candidates, xy, desc, idx, (fw, fh), 1.0, (0, 0), g, best_v, matched, bands,
                       _prechecks(candidates - hash_cands, votes, idx), ctx.visible)
        # small rectangles (picture-in-picture): features again on the region, rescaled to a workable size
        featured: list[tuple[int, int, int, int]] = []
        for i in ctx.proposals:
            _, _, w, h = boxes[i]
            s = C.REGION_FEATURE_SIDE / max(w, h)
            # nested proposals of nearly one size share their keypoints: one feature search serves them
            if s <= 1.2 or len(featured) >= C.REGION_SEARCHES or any(_iou(boxes[i], o) >= C.REGION_FEATURE_IOU for o in featured):
                continue
            # a rectangle inside a reference already found surely on this frame is that reference's own detail
            if any(v.score >= C.REGION_INSIDE_SCORE and inside(boxes[i], v.box) >= C.REGION_INSIDE for v in best_v.values()):
                continue
            # cost that follows content: a rectangle is searched when something proposes a reference there (its
            # hash is close to one, or the frame search paired enough of its keypoints with one model)
            if not region_candidates[i] and _votes_inside(idx, xy, matched, boxes[i]) < C.REGION_MIN_VOTES:
                continue
            featured.append(boxes[i])
            _search_region(ctx, boxes[i], s, C.REGION_FEATURES, set(region_candidates[i]), best_v, bands)
        # a partial view (a 30-60 % wide crop of a landscape picture filling a vertical frame) shows the
        # reference's detail larger than the index holds it: its coarse keypoints are not among the frame's
        # strongest. The content region again, shrunk to about the reference's scale
        zoom = partial_view_box(ctx, best_v)
        if zoom is not None:
            partial: dict[int, Verification] = {}
            _search_region(ctx, zoom, C.PARTIAL_SIDE / max(g.shape), C.PARTIAL_FEATURES, set(), partial, bands)
            for ref, v in partial.items():
                # it looks for part of a reference filling the region: a whole one inside it is the frame
                # search's to find (found here larger, a look-alike of the same layout would gain as much)
                if quad_share_inside(v.quad, zoom) <= C.PARTIAL_MAX_SHARE and (ref not in best_v or v.score > best_v[ref].score):
                    best_v[ref] = v
        # a see-through sticker over busy footage (no rectangle round it, smaller than the reference's keypoints):
        # features where a sprite's outline proposes one, unless the frame shows a reference surely already
        if C.STICKER_FEATURE_SEARCH and silhouette.has_sprites(idx) and not any(
                v.score >= C.SIL_PROPOSE_SKIP for v in best_v.values()):
            for p in ctx.sprite_proposals():
                _search_sticker(ctx, p, best_v, bands)
        return [FrameHit(ctx.t, ref, v.score, v.box, "orb-ransac" + ("-mirror" if v.model & 1 else ""),
                         v.reference_share, v.quad, v.inliers,
                         evidence={self.name: {"score": round(float(v.score), 4), "inliers": int(v.inliers),
                                               "coverage": round(float(v.coverage), 4),
                                               "appearance": round(float(v.appearance), 4),
                                               "spread": round(float(v.spread), 4),
                                               "window": round(float(v.window), 4)}},
                         model=v.model, H=v.H,
                         shows=shown_layer(ctx, v, idx.model_features(v.model)[0]) if idx.siblings_of(ref) else None)
                for ref, v in best_v.items()]
