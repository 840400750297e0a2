"""Region hashes: the pHash and dHash of each region (the frame, its content regions, rectangle
proposals) searched in the index's hashes of every reference variant (crops, mirror), then checked
cell by cell (appearance) on the region the hash placed the reference on."""

from __future__ import annotations

import numpy as np

from matcher import constants as C
from matcher import silhouette
from matcher.detectors.base import FrameContext
from matcher.hashing import hamming, region_hashes
from matcher.index import ReferenceIndex
from matcher.references import variant_box
from matcher.regions import _iou
from matcher.verdict import FrameHit
from matcher.verify import appearance, refine_alignment


def hash_score(dp: int, dd: int, share: float) -> float:
    """A hashed region (the content region, a rectangle) that is close to a reference and whose pixels
    agree with it cell by cell; the appearance share decides, the hash distance grades."""
    if dp > C.PHASH_VETO:
        return 0.0   # a close dHash with a pHash no closer than chance: a look-alike's layout, not a copy
    conf = max(1.0 - dp / 24.0, 1.0 - dd / 20.0, 0.0)
    app = float(np.clip((share - C.HASH_APPEAR_LOW) / (C.HASH_APPEAR_FULL - C.HASH_APPEAR_LOW), 0.0, 1.0))
    return app * (0.5 + 0.5 * conf)


def search(g: np.ndarray, boxes: list, idx: ReferenceIndex):
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


def hash_candidates(ctx: FrameContext) -> tuple[dict[int, set[int]], dict[int, tuple]]:
    """(box number -> models hashed close there, model -> (pHash distance, dHash distance, box, variant) of
    its closest region), computed once a frame (the feature detector verifies these candidates too)."""
    if "hash_candidates" not in ctx.shared:
        region_candidates: dict[int, set[int]] = {i: set() for i in range(len(ctx.boxes))}
        hits: dict[int, tuple] = {}
        for i, box, model, variant, dp, dd in search(ctx.g, ctx.boxes, ctx.index):
            region_candidates[i].add(model)
            old = hits.get(model)
            if old is None or min(dp / 24, dd / 20) < min(old[0] / 24, old[1] / 20):
                hits[model] = (dp, dd, box, variant)
        ctx.shared["hash_candidates"] = (region_candidates, hits)
    return ctx.shared["hash_candidates"]


def _same_shape(idx: ReferenceIndex, row: int, box) -> bool:
    """A hashed region and the reference variant it hashes close to have about the same aspect (a hash
    is taken on a square resize: a thin strip of dark bar and an edge hashes like a dark corner)."""
    rw, rh = (int(v) for v in idx.sizes[int(idx.hash_model[row]) >> 1])
    _, _, vw, vh = variant_box(rw, rh, int(idx.hash_variant[row]))
    r = (box[2] / max(1, box[3])) / (vw / max(1, vh))
    return 1.0 / C.HASH_ASPECT <= r <= C.HASH_ASPECT


def placement(idx: ReferenceIndex, model: int, box, variant: int) -> np.ndarray:
    """The homography (reference feature scale -> frame) that puts the hashed variant on `box`."""
    rw, rh = (int(v) for v in idx.sizes[model >> 1])
    vx, vy, vw, vh = variant_box(rw, rh, variant)
    bx, by, bw, bh = box
    sx, sy = bw / vw, bh / vh
    return np.array([[sx, 0, bx - vx * sx], [0, sy, by - vy * sy], [0, 0, 1]], np.float64)


def match_score(g: np.ndarray, idx: ReferenceIndex, model: int, box, variant: int, dp: int, dd: int) -> tuple[float, float]:
    """(score, appearance share) of a hash match: hash distances (pHash `dp`, dHash `dd`) and the appearance
    of the reference variant placed on `box`; a sprite (its cells mostly transparent for the appearance
    check) is decided by shape and pixels instead."""
    rw, rh = (int(v) for v in idx.sizes[model >> 1])
    th, tm = idx.thumb(model)
    share = _appearance(g, placement(idx, model, box, variant), (rw, rh), th, tm)
    s = hash_score(dp, dd, share)
    if s < C.DEFAULT_THRESHOLD and tm.min() < 255 and dp <= C.PHASH_VETO:
        s = max(s, silhouette.verify_shape(g, box, model, idx))
    return s, share


def _appearance(g: np.ndarray, Hb: np.ndarray, size: tuple[int, int], th: np.ndarray, tm: np.ndarray) -> float:
    """Appearance share of a hash match, with its placement refined (ECC) when the first guess falls short."""
    share = appearance(g, Hb, size, th, tm, min_cells=C.HASH_MIN_CELLS)
    if share < C.HASH_APPEAR_FULL and tm.min() == 255:
        Hr = refine_alignment(g, Hb, size, th)
        if Hr is not None:
            share = max(share, appearance(g, Hr, size, th, tm, min_cells=C.HASH_MIN_CELLS))
    return share


def evidence(score: float, dp: int, dd: int, share: float) -> dict:
    return {"score": round(float(score), 4), "phash_distance": int(dp), "dhash_distance": int(dd),
            "appearance": round(float(share), 4)}


class HashDetector:
    """Hashes of the frame's regions; a reference another one explains on the same region (far more
    inliers there: two cards of one deck share a template that hashes close) is not proposed."""
    name = "hashes"

    def detect(self, ctx: FrameContext) -> list[FrameHit]:
        _, hash_hits = hash_candidates(ctx)
        feats = ctx.found.get("features", [])
        explained: dict[int, tuple[int, int, int, int]] = {}
        strong: list[FrameHit] = []
        for v in sorted(feats, key=lambda v: -v.inliers):
            k = next((k for k in strong if _iou(v.box, k.box) > C.EXPLAIN_IOU and v.inliers < C.EXPLAIN_RATIO * k.inliers), None)
            if k is None:
                strong.append(v)
            else:
                explained[v.reference] = k.box
        out = []
        for model, (dp, dd, box, variant) in hash_hits.items():
            ref = model >> 1
            if ref in explained and _iou(box, explained[ref]) > C.EXPLAIN_IOU:
                continue
            s, share = match_score(ctx.g, ctx.index, model, box, variant, dp, dd)
            if s <= 0:
                continue
            out.append(FrameHit(ctx.t, ref, s, box, "phash" + ("-mirror" if model & 1 else ""), 1.0, None, 0,
                                evidence={self.name: evidence(s, dp, dd, share)},
                                model=model, H=placement(ctx.index, model, box, variant)))
        return out
