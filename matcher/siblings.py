"""Siblings: near-duplicate references (the cards of one deck, the frames of one animation, stills of one
shot) found at index time, and the detail that tells them apart checked at scan time.

Index time: each reference keeps a small colour thumbnail; references whose full-image hashes are close
and whose thumbnails agree on most pixels form a sibling group. Scan time: a hit on a reference of a
group is warped back into the reference's thumbnail frame (by the hit's geometry) and compared, on the
pixels where the group's members differ (rank and suit, pips, a pose, the colour), with the reference
and with each sibling: the detail score says how much closer the clip is to the reference there than to
its closest sibling (1 clearly closer, 0 no closer, below 0 closer to a sibling)."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C
from matcher.hamming_index import HammingIndex


def colour_thumb(bgr: np.ndarray) -> np.ndarray:
    """The reference (transparency already flattened) as a SIB_SIDE square colour thumbnail (BGR)."""
    return cv2.resize(bgr, (C.SIB_SIDE, C.SIB_SIDE), interpolation=cv2.INTER_AREA)


def _same_share(a: np.ndarray, b: np.ndarray) -> float:
    """Share of thumbnail pixels where two references agree (every channel within SIB_PIXEL_TOL)."""
    d = np.abs(_soft(a) - _soft(b)).max(axis=2)
    return float((d <= C.SIB_PIXEL_TOL).mean())


def _soft(t: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(t.astype(np.float32), (0, 0), C.SIB_SMOOTH)


def find_groups(colour_thumbs: np.ndarray, sizes: np.ndarray, full_phash: np.ndarray) -> np.ndarray:
    """Sibling group of each reference (-1: none). Pairs come from the full-image pHash (within
    SIB_PHASH bits), so the cost follows the near-duplicates rather than the square of the references;
    a pair is kept when the aspects match and the thumbnails agree on SIB_SAME of their pixels."""
    n = len(colour_thumbs)
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return int(i)

    hidx = HammingIndex(full_phash)
    res = hidx.query(full_phash, C.SIB_PHASH, top=C.SIB_TOP)
    aspect = sizes[:, 0] / np.maximum(1, sizes[:, 1])
    for i, (rows, _) in enumerate(res):
        for j in rows.tolist():
            if j <= i or abs(np.log(aspect[i] / aspect[j])) > C.SIB_ASPECT:
                continue
            if _same_share(colour_thumbs[i], colour_thumbs[j]) >= C.SIB_SAME:
                parent[root(j)] = root(i)
    roots = np.array([root(i) for i in range(n)])
    counts = np.bincount(roots, minlength=n)
    return np.where(counts[roots] > 1, roots, -1).astype(np.int32)


def members(groups: np.ndarray, ref: int) -> list[int]:
    g = int(groups[ref])
    return [] if g < 0 else [int(r) for r in np.flatnonzero(groups == g) if r != ref]


def _patch(bgr: np.ndarray, H: np.ndarray, ref_size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The frame under the hit, warped into the reference's thumbnail frame (SIB_SIDE square), and which of
    its pixels the frame shows (a crop or a picture running off the frame shows part of the reference)."""
    side = C.SIB_SIDE * 2
    S = np.array([[ref_size[0] / side, 0, 0], [0, ref_size[1] / side, 0], [0, 0, 1]], np.float64)
    big = cv2.warpPerspective(bgr, H @ S, (side, side), flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_REPLICATE)
    inside = cv2.warpPerspective(np.full(bgr.shape[:2], 255, np.uint8), H @ S, (side, side),
                                 flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0)
    seen = cv2.resize(inside, (C.SIB_SIDE, C.SIB_SIDE), interpolation=cv2.INTER_AREA) > 250
    return cv2.resize(big, (C.SIB_SIDE, C.SIB_SIDE), interpolation=cv2.INTER_AREA), seen


def _normalise(t: np.ndarray) -> np.ndarray:
    """Per channel to zero mean and unit spread: brightness, contrast and tint edits cancel out."""
    x = _soft(t)
    m = x.reshape(-1, x.shape[2]).mean(axis=0)
    s = x.reshape(-1, x.shape[2]).std(axis=0)
    return (x - m) / np.maximum(s, C.SIB_MIN_STD)


def detail(bgr: np.ndarray, H: np.ndarray, mirrored: bool, ref: int, sibs: list[int], colour_thumbs: np.ndarray,
           ref_size: tuple[int, int]) -> tuple[float, float]:
    """(detail score in [-1, 1], the clip's error to the reference on the discriminating pixels), on the part
    of the reference the frame shows, in colour and in grey: the better of the two counts (a hue-shifted
    copy keeps its shapes; a palette swap differs only in colour, where grey cannot tell, so it does not help)."""
    p, seen = _patch(bgr, H, ref_size)
    thumbs = {r: colour_thumbs[r][:, ::-1] if mirrored else colour_thumbs[r] for r in [ref, *sibs]}
    if seen.mean() < C.SIB_MIN_SEEN:
        return 0.0, 1.0
    grey = lambda t: cv2.cvtColor(cv2.cvtColor(t, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)  # noqa: E731
    grey_clip = float(cv2.cvtColor(p, cv2.COLOR_BGR2HSV)[..., 1].mean()) < C.SIB_GREY_SAT
    results = [_detail_in(grey(p), {r: grey(t) for r, t in thumbs.items()}, ref, sibs, seen)]
    if not grey_clip:   # a clip turned grey: colour cannot speak
        results.append(_detail_in(p, thumbs, ref, sibs, seen))
    return max(d for d, _ in results), min(e for _, e in results)


def _detail_in(p: np.ndarray, thumbs: dict, ref: int, sibs: list[int], seen: np.ndarray) -> tuple[float, float]:
    soft = {r: _soft(t) for r, t in thumbs.items()}
    pn = _normalise(p)
    norm = {r: _normalise(t) for r, t in thumbs.items()}
    err_ref = np.abs(pn - norm[ref]).max(axis=2)
    # the clip's error where the reference has detail of its own (ink, edges): a card of the deck that is
    # not indexed shows other shapes there even where no indexed sibling differs (a heart for a diamond)
    ink = seen & (np.abs(soft[ref] - cv2.GaussianBlur(soft[ref], (0, 0), C.SIB_INK_SCALE)).max(axis=2) > C.SIB_INK_TOL)
    e_ink = float(err_ref[ink].mean()) if ink.any() else 0.0
    worst, e_out = 1.0, e_ink
    for s in sibs:
        # pairwise: the pixels where this sibling differs from the reference, and which of the two the clip shows there
        diff = seen & (np.abs(soft[ref] - soft[s]).max(axis=2) > C.SIB_PIXEL_TOL)
        if diff.mean() < C.SIB_MIN_DIFF:   # identical to this sibling where shown: nothing tells them apart
            return 0.0, float(err_ref[seen].mean())
        e_r = float(err_ref[diff].mean())
        e_s = float(np.abs(pn - norm[s]).max(axis=2)[diff].mean())
        d = (e_s - e_r) / max(e_s + e_r, 1e-6)
        if d < worst:
            worst, e_out = d, max(e_r, e_ink)
    return float(worst), e_out


def factor(d: float, error: float) -> float:
    """Score factor from the detail score (full credit from SIB_DETAIL_FULL, none at SIB_DETAIL_LOW) and the
    clip's error to the reference on those pixels (full credit to SIB_ERROR_FULL, none from SIB_ERROR_LOW:
    a card of the deck that is not indexed is no closer to any sibling, and far from all): SIB_FLOOR at none."""
    x = float(np.clip((d - C.SIB_DETAIL_LOW) / (C.SIB_DETAIL_FULL - C.SIB_DETAIL_LOW), 0.0, 1.0))
    y = float(np.clip((C.SIB_ERROR_LOW - error) / (C.SIB_ERROR_LOW - C.SIB_ERROR_FULL), 0.0, 1.0))
    return C.SIB_FLOOR + (1.0 - C.SIB_FLOOR) * min(x, y)


def check_hits(bgr: np.ndarray, hits: list, idx) -> list:
    """Each hit on a reference with siblings: its detail checked, its score scaled by `factor`, and the
    figures under evidence["siblings"] (a hit without geometry is placed on its box)."""
    for h in hits:
        sibs = idx.siblings_of(h.reference)
        if not sibs:
            continue
        rw, rh = (int(v) for v in idx.sizes[h.reference])
        H = h.H
        if H is None:
            x, y, w, hh = h.box
            H = np.array([[w / rw, 0, x], [0, hh / rh, y], [0, 0, 1]], np.float64)
        mirrored = h.model >= 0 and bool(h.model & 1)
        d, e = detail(bgr, H, mirrored, h.reference, sibs, idx.colour_thumbs, (rw, rh))
        f = factor(d, e)
        h.score *= f
        h.evidence["siblings"] = {"detail": round(d, 4), "error": round(e, 4), "factor": round(f, 4),
                                  "group": len(sibs) + 1}
    return hits
