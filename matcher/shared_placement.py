"""One placement per picture for the sibling check: the members of a sibling group found on one picture are
judged where the best-supported of their hits places it, whichever member's keypoints found which hit.

The cards of one deck share frame and corners, a court card reads the same turned half round, and the keypoint
vote verifies several members on one picture, each with a geometry (and a region of the frame that shows it) of its
own. Judged each on its own, the verdict on a member depended on which member's hit happened to carry the good
placement: a change of the index that moves keypoints of unrelated references (see-through art) moved a card's
verdict from 0.93 to 0.10. Here every member hit on one picture takes the placement of the hit with most inliers,
so the verdict is a function of the frame and of the picture's best placement only.

The region a hit was found cut by (`shows`: the rest of the content region taken as laid over, its detail hidden) is
checked too: kept inside the frame's picture band (blurred fill is never the picture: a rectangle proposal reaching
into it made the sibling check compare the fill with the members' detail), and dropped for see-through art whose
"laid over" rest shows the art's own colours (another title of the same style, its other glyphs read as laid over,
scored 0.63 as an indexed title of the style).
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from matcher import constants as C
from matcher.regions import _iou as iou
from matcher.regions import inside
from matcher.sibling_groups import same_shape
from matcher.siblings import _art, _judge, _patch, _seen


def in_band(h, shown, visible):
    """h's region that shows it (`shows`) cut to the picture band SHOWN when the frame has one (SHOWN != VISIBLE)
    and BAND_HIT_INSIDE of h's box lies in it; none (the band shows it, as for a hit found in it) when what is left
    covers SIB_BAND_SHOWS of the band; h unchanged otherwise."""
    if h.shows is None or shown is None or shown == visible or inside(h.box, shown) < C.BAND_HIT_INSIDE:
        return h
    x, y, w, hh = h.shows
    bx, by, bw, bh = shown
    x0, y0, x1, y1 = max(x, bx), max(y, by), min(x + w, bx + bw), min(y + hh, by + bh)
    if x1 <= x0 or y1 <= y0:
        return h
    if (x1 - x0) * (y1 - y0) >= C.SIB_BAND_SHOWS * bw * bh:
        return replace(h, shows=None)
    return replace(h, shows=(x0, y0, x1 - x0, y1 - y0))


def _lab(bgr: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.clip(bgr, 0, 255).astype(np.uint8).reshape(-1, 1, 3), cv2.COLOR_BGR2LAB).reshape(-1, 3).astype(np.float32)


def art_beyond(bgr: np.ndarray, h, idx, visible) -> float:
    """For a hit on see-through art found cut by a region (`shows`: the rest of the content region VISIBLE taken as
    laid over), how much the rest looks like the art: of the reference's opaque pixels there, the share the frame shows
    in one of the reference's own colours (within SIB_STYLE_LAB in Lab of one of SIB_STYLE_COLOURS of them), over the
    same share inside the region (the edits' colour change). A box of footage laid over a title shows footage (0.3-0.4
    on sibdev's covered titles); another title of the same style shows the same gradient and outline where the
    reference's other glyphs are (0.85), and so does a copy the keypoints did not reach across (1.0). NaN when
    it cannot say (an opaque reference, no geometry, too little of either part)."""
    art = _art(idx, h.reference)
    if h.shows is None or h.H is None or art is None:
        return float("nan")
    rw, rh = (int(v) for v in idx.sizes[h.reference])
    p, seen = _patch(bgr, h.H, (rw, rh), h.shows)
    beyond = _seen(bgr.shape, h.H, (rw, rh), visible) & ~seen
    thumb = idx.colour_thumbs[h.reference]
    if h.model >= 0 and h.model & 1:
        thumb, art = thumb[:, ::-1], art[:, ::-1]
    colours = _lab(thumb[art])
    if len(colours) > C.SIB_STYLE_COLOURS:
        colours = colours[np.linspace(0, len(colours) - 1, C.SIB_STYLE_COLOURS).astype(int)]
    shares = []
    for part in (seen & art, beyond & art):
        if part.sum() < C.SIB_STYLE_MIN_PX:
            return float("nan")
        c = _lab(p[part])
        d = np.sqrt(((c[:, None] - colours[None]) ** 2).sum(axis=2)).min(axis=1)
        shares.append(float((d < C.SIB_STYLE_LAB).mean()))
    return shares[1] / max(shares[0], 1e-6)


def _leader(h, hits, idx):
    """The best-supported hit (most inliers, then score) placing the same picture as h: a hit on h's sibling group,
    of h's shape, with geometry, whose box overlaps h's by SIB_SAME_PICTURE_IOU; h itself when none beats it."""
    group = idx.sibling_group[h.reference]
    best = h
    for o in hits:
        if (o is h or o.H is None or group < 0 or idx.sibling_group[o.reference] != group
                or not same_shape(idx.sizes, h.reference, o.reference)
                or iou(h.box, o.box) < C.SIB_SAME_PICTURE_IOU):
            continue
        if (o.inliers, o.score) > (best.inliers, best.score) or best.H is None:
            best = o
    return best


def region_of(bgr: np.ndarray, h, idx, shown, visible):
    """h with the region it was found cut by dropped when the rest of the
    content region shows see-through art's own colours as much as the region does (`art_beyond` >= SIB_STYLE_SHARE)
    and the sibling check, judging the whole picture, either finds none of the reference's detail there (another title
    of the style: its factor at SIB_FLOOR) or finds it better than on the region alone (a copy the keypoints did not
    reach across). In between (a small sticker over busy footage, placed by the region's keypoints only, whose rest
    the geometry reaches less well) the region stands."""
    if h.shows is None or h.H is None or not art_beyond(bgr, h, idx, visible) >= C.SIB_STYLE_SHARE:
        return h
    mirrored = h.model >= 0 and bool(h.model & 1)
    _, whole = _judge(bgr, idx, h.reference, h.H, mirrored, shown if inside(h.box, shown) >= C.BAND_HIT_INSIDE else visible)
    _, cut = _judge(bgr, idx, h.reference, h.H, mirrored, h.shows, visible)
    return replace(h, shows=None) if whole <= C.SIB_FLOOR or whole >= cut else h


def shared(bgr: np.ndarray, hits: list, idx, shown=None, visible=None) -> list:
    """HITS with each member hit of a sibling group judged at its picture's best-supported placement (`_leader`):
    its geometry H (scaled to the member's size), mirroring and region; regions kept inside the picture band (`in_band`)
    and checked by `region_of`. IDX None: the regions only."""
    hits = [in_band(h, shown, visible) for h in hits]
    if idx is None:
        return hits
    hits = [region_of(bgr, h, idx, shown, visible) if idx.siblings_of(h.reference) else h for h in hits]
    out = []
    for h in hits:
        lead = _leader(h, hits, idx) if idx.siblings_of(h.reference) else h
        if lead is h:
            out.append(h)
            continue
        lw, lh = (float(v) for v in idx.sizes[lead.reference])
        w, hh = (float(v) for v in idx.sizes[h.reference])
        H = lead.H @ np.array([[lw / w, 0, 0], [0, lh / hh, 0], [0, 0, 1]], np.float64)
        mirrored = lead.model >= 0 and bool(lead.model & 1)
        out.append(replace(h, H=H, model=2 * h.reference + int(mirrored), shows=lead.shows))
    return out
