"""Sibling groups, found at index time: references whose hashes are close and whose small colour thumbnails
agree on most pixels (the cards of one deck, the frames of one animation). References of other shapes
(sprite frames trimmed to their opaque box: a stride is wider than a stance) are compared aligned by
content. `aligned` also gives a sibling's thumbnail in a reference's frame for the scan-time check
(matcher.siblings)."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C
from matcher.hamming_index import HammingIndex
from matcher.hashing import phash_batch


def colour_thumb(bgr: np.ndarray) -> np.ndarray:
    """The reference (transparency already flattened) as a SIB_SIDE square colour thumbnail (BGR)."""
    return cv2.resize(bgr, (C.SIB_SIDE, C.SIB_SIDE), interpolation=cv2.INTER_AREA)


def sharp_thumb(bgr: np.ndarray) -> np.ndarray:
    """The reference (transparency already flattened) as a SIB_SHARP_SIDE square colour thumbnail (BGR): what a
    sibling group's member keeps for the detail check's second, sharper look (matcher.detail_check)."""
    return cv2.resize(bgr, (C.SIB_SHARP_SIDE, C.SIB_SHARP_SIDE), interpolation=cv2.INTER_AREA)


def _same_share(a: np.ndarray, b: np.ndarray) -> float:
    """Share of thumbnail pixels where two references agree (every channel within SIB_PIXEL_TOL)."""
    d = np.abs(smooth(a) - smooth(b)).max(axis=2)
    return float((d <= C.SIB_PIXEL_TOL).mean())


def smooth(t: np.ndarray) -> np.ndarray:
    """Gaussian-smoothed (SIB_SMOOTH) float copy: alignment is never exact."""
    return cv2.GaussianBlur(t.astype(np.float32), (0, 0), C.SIB_SMOOTH)


def _pixel_scale(sizes: np.ndarray, refs: list[int]) -> float:
    """Thumbnail pixels per reference pixel shared by REFS: the longest side among them is SIB_SIDE."""
    return C.SIB_SIDE / max(1, int(max(max(sizes[r]) for r in refs)))


def _true_aspect(thumb: np.ndarray, size, s: float) -> np.ndarray:
    """A square thumbnail back at its reference's shape, at S thumbnail pixels per reference pixel."""
    w, h = max(2, round(float(size[0]) * s)), max(2, round(float(size[1]) * s))
    return cv2.resize(thumb, (w, h), interpolation=cv2.INTER_AREA)


def _fill(t: np.ndarray) -> np.ndarray:
    """The colour round a thumbnail's edge (a sprite's flattened background): what lies beyond it."""
    edge = np.concatenate([t[0], t[-1], t[:, 0], t[:, -1]]).reshape(-1, 3)
    return np.median(edge, axis=0)


def _placed(b: np.ndarray, shape: tuple[int, int], dx: int, dy: int, fill: np.ndarray) -> np.ndarray:
    out = np.empty((shape[0], shape[1], 3), np.float32)
    out[:] = fill
    ys, xs = slice(max(0, dy), min(shape[0], dy + b.shape[0])), slice(max(0, dx), min(shape[1], dx + b.shape[1]))
    out[ys, xs] = b[ys.start - dy:ys.stop - dy, xs.start - dx:xs.stop - dx]
    return out


def aligned(thumbs: np.ndarray, sizes: np.ndarray, a: int, b: int) -> tuple[np.ndarray, float]:
    """Reference B's thumbnail in reference A's thumbnail frame, and the share of pixels where the two agree.
    Same shape (within SIB_ASPECT): B's thumbnail as it is. Other widths or heights (sprite frames trimmed to
    their opaque box: a stride is wider than a stance): both at one pixel scale, B shifted over A to where
    their content agrees best (every offset within the size difference, SIB_ALIGN_STEP thumbnail px apart),
    then squeezed into A's square frame; what B does not cover is its background colour."""
    if same_shape(sizes, a, b):
        return thumbs[b], _same_share(thumbs[a], thumbs[b])
    s = _pixel_scale(sizes, [a, b])
    ta, tb = _true_aspect(thumbs[a], sizes[a], s), _true_aspect(thumbs[b], sizes[b], s)
    sa, sb, fill = smooth(ta), smooth(tb), _fill(tb).astype(np.float32)
    # agreement counted where either shows content (not its background): two figures on one plain background
    # agree on the background whatever they are
    content_a = np.abs(sa - _fill(ta).astype(np.float32)).max(axis=2) > C.SIB_PIXEL_TOL
    best = (-1.0, 0, 0)
    rx = abs(ta.shape[1] - tb.shape[1]) // 2 + C.SIB_ALIGN_SLACK
    ry = abs(ta.shape[0] - tb.shape[0]) // 2 + C.SIB_ALIGN_SLACK
    cx, cy = (ta.shape[1] - tb.shape[1]) // 2, (ta.shape[0] - tb.shape[0]) // 2
    for dy in range(cy - ry, cy + ry + 1, C.SIB_ALIGN_STEP):
        for dx in range(cx - rx, cx + rx + 1, C.SIB_ALIGN_STEP):
            pb = _placed(sb, ta.shape[:2], dx, dy, fill)
            content_b = np.abs(pb - fill).max(axis=2) > C.SIB_PIXEL_TOL
            content = content_a | content_b
            share = float((np.abs(sa - pb).max(axis=2) <= C.SIB_PIXEL_TOL)[content].mean()) if content.any() else 0.0
            # and as much content on either side (a figure against a full-bleed card is no sibling)
            share *= float(min(1.0, min(content_a.sum(), content_b.sum()) / max(1, max(content_a.sum(), content_b.sum()))
                               / C.SIB_CONTENT_RATIO))
            if share > best[0]:
                best = (share, dx, dy)
    share, dx, dy = best
    placed = _placed(tb.astype(np.float32), ta.shape[:2], dx, dy, fill)
    sq = cv2.resize(placed, (C.SIB_SIDE, C.SIB_SIDE), interpolation=cv2.INTER_LINEAR)
    return np.clip(np.round(sq), 0, 255).astype(np.uint8), share


def _centred_share(thumbs: np.ndarray, sizes: np.ndarray, a: int, b: int) -> float:
    """`aligned`'s agreement with B centred on A, no search."""
    s = _pixel_scale(sizes, [a, b])
    ta, tb = _true_aspect(thumbs[a], sizes[a], s), _true_aspect(thumbs[b], sizes[b], s)
    pb = _placed(smooth(tb), ta.shape[:2], (ta.shape[1] - tb.shape[1]) // 2, (ta.shape[0] - tb.shape[0]) // 2,
                 _fill(tb).astype(np.float32))
    sa = smooth(ta)
    content = (np.abs(sa - _fill(ta).astype(np.float32)).max(axis=2) > C.SIB_PIXEL_TOL) | \
              (np.abs(pb - _fill(tb).astype(np.float32)).max(axis=2) > C.SIB_PIXEL_TOL)
    return float((np.abs(sa - pb).max(axis=2) <= C.SIB_PIXEL_TOL)[content].mean()) if content.any() else 0.0


def _aspect(size) -> float:
    return float(size[0]) / max(1.0, float(size[1]))


def same_shape(sizes, a: int, b: int) -> bool:
    """References A and B have one shape (aspects within SIB_ASPECT): their thumbnails' pixels map one to one."""
    return abs(np.log(_aspect(sizes[a]) / _aspect(sizes[b]))) <= C.SIB_ASPECT


def content_phash(thumbs: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """pHash of each thumbnail at its reference's shape, centred on a square of its edge colour: two frames of
    one sprite whose widths differ hash alike although their squashed full-image hashes do not."""
    grey32 = np.empty((len(thumbs), 32, 32), np.float32)
    for i in range(len(thumbs)):
        t = _true_aspect(thumbs[i], sizes[i], _pixel_scale(sizes, [i]))
        sq = _placed(t.astype(np.float32), (C.SIB_SIDE, C.SIB_SIDE), (C.SIB_SIDE - t.shape[1]) // 2,
                     (C.SIB_SIDE - t.shape[0]) // 2, _fill(t).astype(np.float32))
        grey32[i] = cv2.resize(cv2.cvtColor(sq, cv2.COLOR_BGR2GRAY), (32, 32), interpolation=cv2.INTER_AREA)
    return phash_batch(grey32) if len(thumbs) else np.zeros(0, np.uint64)


def palette(thumb: np.ndarray, mask: np.ndarray | None) -> np.ndarray | None:
    """The colours of a figure cut out of its background (a sprite, a transparent cut-out: MASK, its opaque
    pixels, 0-255 at any side) as a histogram of SIB_PALETTE_BINS levels a channel summing to 1; None for an
    opaque reference (MASK None or all opaque) or one with almost no figure."""
    if mask is None or np.min(mask) >= 128:
        return None
    figure = cv2.resize(np.asarray(mask, np.uint8), thumb.shape[1::-1], interpolation=cv2.INTER_AREA) >= 128
    if figure.mean() < C.SIB_MIN_DIFF:
        return None
    b = C.SIB_PALETTE_BINS
    q = thumb[figure].astype(np.int64) * b // 256
    h = np.bincount((q[:, 0] * b + q[:, 1]) * b + q[:, 2], minlength=b ** 3).astype(np.float32)
    return h / h.sum()


def same_palette(pa: np.ndarray | None, pb: np.ndarray | None) -> bool:
    """Two cut-out figures drawn in one palette (histogram intersection of at least SIB_PALETTE):
    the frames of one character's animation, whose poses differ (a stride, a turn, a raised arm) while its
    colours stay."""
    return pa is not None and pb is not None and float(np.minimum(pa, pb).sum()) >= C.SIB_PALETTE


def find_groups(colour_thumbs: np.ndarray, sizes: np.ndarray, full_phash: np.ndarray,
                masks: np.ndarray | None = None) -> np.ndarray:
    """Sibling group of each reference (-1: none). Pairs come from the full-image pHash (within
    SIB_PHASH bits) and the pHash at each thumbnail's own shape (`content_phash`), so the cost follows the
    near-duplicates rather than the square of the references; a pair is kept when the aspects are within
    SIB_ASPECT_MAX and either the thumbnails, aligned by content when the shapes differ (`aligned`), agree on
    SIB_SAME of their pixels, or both are cut-out figures (MASKS: each reference's opaque pixels, None for
    none) drawn in one palette (`same_palette`: the frames of one character's animation, whose poses put its
    limbs on other pixels)."""
    n = len(colour_thumbs)
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return int(i)

    # candidates: the full-image pHash (a squashed image: same-shaped near-duplicates) and the pHash of each
    # thumbnail at its own shape centred on a square of its background (frames of other widths)
    shaped = content_phash(colour_thumbs, sizes)
    same_shape_near = HammingIndex(full_phash).query(full_phash, C.SIB_PHASH, top=C.SIB_TOP)
    other_shape = HammingIndex(shaped).query(shaped, C.SIB_PHASH_SHAPE, top=C.SIB_TOP)
    palettes: dict[int, np.ndarray | None] = {}

    def pal(i: int) -> np.ndarray | None:
        if i not in palettes:
            palettes[i] = None if masks is None else palette(colour_thumbs[i], masks[i])
        return palettes[i]

    for i in range(n):
        for j in sorted(set(same_shape_near[i][0].tolist()) | set(other_shape[i][0].tolist())):
            if j <= i:
                continue
            da = abs(np.log(_aspect(sizes[i]) / _aspect(sizes[j])))
            if da > C.SIB_ASPECT_MAX:
                continue
            if same_palette(pal(i), pal(j)):
                parent[root(j)] = root(i)
                continue
            if da <= C.SIB_ASPECT and j not in set(same_shape_near[i][0].tolist()):
                continue
            if da > C.SIB_ASPECT and _centred_share(colour_thumbs, sizes, i, j) < C.SIB_SAME - C.SIB_ALIGN_GAIN:
                continue   # cheap look first: aligning cannot gain that much
            if aligned(colour_thumbs, sizes, i, j)[1] >= C.SIB_SAME:
                parent[root(j)] = root(i)
    roots = np.array([root(i) for i in range(n)])
    counts = np.bincount(roots, minlength=n)
    return np.where(counts[roots] > 1, roots, -1).astype(np.int32)


def members(groups: np.ndarray, ref: int) -> list[int]:
    g = int(groups[ref])
    return [] if g < 0 else [int(r) for r in np.flatnonzero(groups == g) if r != ref]
