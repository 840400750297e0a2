"""Placements shared by the members of a sibling group found on one picture: each is judged where its own detail is
best shown among the placements any member's hit gives, whichever member's keypoints found which hit.

The cards of one deck share frame and corners, a court card reads the same turned half round, and the keypoint
vote verifies several members on one picture, each with a geometry (and a region of the frame that shows it) of its
own. Judged each on its own, the verdict on a member depended on which member's hit happened to carry the good
placement: a change of the index that moves keypoints of unrelated references (see-through art) moved a card's
verdict from 0.93 to 0.10. Here every member hit on one picture is judged at
each placement the group's hits on it give (scaled to the member's size), and keeps the one where its own detail is
best shown: the verdict is a function of the frame and of the set of placements found for the picture only.

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


def _placements(h, hits, idx) -> list:
    """The hits placing the same picture as h (h first): hits on h's sibling group, of h's shape, with geometry, whose
    boxes overlap h's by SIB_SAME_PICTURE_IOU."""
    group = idx.sibling_group[h.reference]
    return [h] + [o for o in hits if o is not h and o.H is not None and group >= 0
                  and idx.sibling_group[o.reference] == group and same_shape(idx.sizes, h.reference, o.reference)
                  and iou(h.box, o.box) >= C.SIB_SAME_PICTURE_IOU]


def _placed(h, idx):
    """h with a geometry: its own, or (a hit without one) its reference laid on its box, as the sibling check places it."""
    if h.H is not None:
        return h
    rw, rh = (float(v) for v in idx.sizes[h.reference])
    x, y, w, hh = h.box
    return replace(h, H=np.array([[w / rw, 0, x], [0, hh / rh, y], [0, 0, 1]], np.float64))


def _at(h, o, idx):
    """h placed where hit O places its picture: O's geometry scaled to h's reference's size, O's mirroring and region."""
    if o is h:
        return _placed(h, idx)
    ow, oh = (float(v) for v in idx.sizes[o.reference])
    w, hh = (float(v) for v in idx.sizes[h.reference])
    H = o.H @ np.array([[ow / w, 0, 0], [0, oh / hh, 0], [0, 0, 1]], np.float64)
    mirrored = o.model >= 0 and bool(o.model & 1)
    return replace(h, H=H, model=2 * h.reference + int(mirrored), shows=o.shows)


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
    band = shown is not None and inside(h.box, shown) >= C.BAND_HIT_INSIDE
    _, whole = _judge(bgr, idx, h.reference, h.H, mirrored, shown if band else visible)
    _, cut = _judge(bgr, idx, h.reference, h.H, mirrored, h.shows, visible)
    return replace(h, shows=None) if whole <= C.SIB_FLOOR or whole >= cut else h


def shared(bgr: np.ndarray, hits: list, idx, shown=None, visible=None) -> list:
    """HITS with each member hit of a sibling group placed where, of the placements the group's hits give its picture
    (`_placements`), its own detail is best shown (the sibling check's factor; its own placement on a tie): the set of
    placements does not depend on which member's keypoints found which, and a card of a deck whose corners read the
    same half turned is judged upright when any hit placed it so. Regions kept inside the picture band (`in_band`)
    and checked by `region_of`. IDX None: the regions only."""
    hits = [in_band(h, shown, visible) for h in hits]
    if idx is None:
        return hits
    hits = [region_of(bgr, h, idx, shown, visible) if idx.siblings_of(h.reference) else h for h in hits]
    out = []
    for h in hits:
        places = _placements(h, hits, idx) if idx.siblings_of(h.reference) else [h]
        if len(places) == 1:
            out.append(h)
            continue
        best, best_f = h, -1.0
        for o in places:
            cand = _at(h, o, idx)
            region = cand.shows if cand.shows is not None else (
                shown if shown is not None and inside(cand.box, shown) >= C.BAND_HIT_INSIDE else visible)
            _, f = _judge(bgr, idx, h.reference, cand.H, cand.model >= 0 and bool(cand.model & 1), region,
                          visible if cand.shows is not None and region != visible else None)
            if f > best_f + 1e-9:
                best, best_f = (h if o is h else cand), f
        out.append(best)
    return out
