"""One placement per picture for the sibling check: the members of a sibling group found on one picture are
judged where the best-supported of their hits places it, whichever member's keypoints found which hit.

The cards of one deck share frame and corners, a court card reads the same turned half round, and the keypoint
vote verifies several members on one picture, each with a geometry (and a region of the frame that shows it) of its
own. Judged each on its own, the verdict on a member depended on which member's hit happened to carry the good
placement: a change of the index that moves keypoints of unrelated references (see-through art) moved a card's
verdict from 0.93 to 0.10. Here every member hit on one picture takes the placement of the hit with most inliers,
so the verdict is a function of the frame and of the picture's best placement only.

A region found laid over the picture (a hit's `shows`) in a frame with a picture band inside blurred fill is also
kept inside the band: the fill is never the picture, and a rectangle proposal reaching into it made the sibling
check compare the fill with the members' detail.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from matcher import constants as C
from matcher.regions import _iou as iou
from matcher.regions import inside
from matcher.sibling_groups import same_shape


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


def shared(hits: list, idx, shown=None, visible=None) -> list:
    """HITS with each member hit of a sibling group judged at its picture's best-supported placement (`_leader`):
    its geometry H (scaled to the member's size), mirroring and region; regions kept inside the picture band SHOWN
    (`in_band`). Hits on references without siblings are returned as they are."""
    hits = [in_band(h, shown, visible) if idx.siblings_of(h.reference) else h for h in hits]
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
