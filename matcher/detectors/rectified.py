"""Rectified and deskewed variants: a frame turned by a few degrees is turned upright, a picture shown in
perspective inside solid bars is warped back to a rectangle, the pictures of a montage are cut out one by
one; hashes and silhouettes run again there (neither is rotation- or perspective-invariant), local
features too on the rectified picture and on each montage cell (matcher.detectors.views), and each hit's
box is mapped back to the frame."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C
from matcher import deskew, screens
from matcher.detectors import hashes, silhouettes
from matcher.detectors.base import FrameContext
from matcher.detectors.views import cell_view, view_hits
from matcher.hashing import grey
from matcher.regions import _iou, content_boxes, content_quad, inside, montage_cells, rectangle_proposals
from matcher.verdict import FrameHit


def _upright(ctx: FrameContext, angle: float) -> dict[int, FrameHit]:
    bgr = ctx.bgr
    fh, fw = bgr.shape[:2]
    M, _ = deskew.rotation((fw, fh), angle)
    rot = cv2.warpAffine(bgr, M, (fw, fh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)  # no new edges
    g = grey(rot)
    boxes = []
    for b in content_boxes(rot) + rectangle_proposals(rot):
        if all(_iou(b, o) < 0.9 for o in boxes) and g[b[1]:b[1] + b[3], b[0]:b[0] + b[2]].std() >= C.REGION_MIN_STD:
            boxes.append(b)
    M3 = np.vstack([M, [0.0, 0.0, 1.0]])
    found = _warped_hits(ctx, g, boxes, M3, "-upright", {"angle": round(float(angle), 2)})
    # ORB's steered descriptors lose most matches of a picture turned by 5-15 degrees (measured: a card
    # at 9.5 degrees, 0 inliers on the frame, 115 turned upright); the upright frame gets a search of its own
    _better(found, view_hits(ctx, g, M3, "-upright", {"angle": round(float(angle), 2)}))
    return found


def _rectified(ctx: FrameContext, quad: np.ndarray, inner: bool = False) -> dict[int, FrameHit]:
    """Hashes, silhouettes and features on the quadrilateral QUAD warped back to a rectangle; INNER: on the picture
    inside its bars too (a screen's quadrilateral: the player's black round the picture)."""
    q = quad.astype(np.float32)
    # the near side keeps its length, the far one is shortened: the longer of two opposite sides is the
    # picture's own (the mean squeezes a tilted picture, and silhouettes, unlike hashes, need its aspect)
    w = max(8, round(float(max(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3])))))
    h = max(8, round(float(max(np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1])))))
    M = cv2.getPerspectiveTransform(q, np.float32([[0, 0], [w, 0], [w, h], [0, h]]))
    view = cv2.warpPerspective(ctx.bgr, M, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    g = grey(view)
    boxes = [(0, 0, w, h)]
    if inner:
        boxes += [b for b in content_boxes(view) if all(_iou(b, o) < 0.9 for o in boxes)]
    found = _warped_hits(ctx, g, boxes, M, "-rectified", {"perspective": 1.0})
    # ORB loses most of a steeply tilted picture's keypoints; on the rectified picture (not too small) they come back
    k = max(1.0, C.VIEW_SIDE / max(w, h))
    if k > 1.0:
        M = np.diag([k, k, 1.0]) @ M
        g = grey(cv2.warpPerspective(ctx.bgr, M, (round(w * k), round(h * k)), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_REPLICATE))
    _better(found, view_hits(ctx, g, M, "-rectified", {"perspective": 1.0}))
    return _one_picture(found)


def _screens(ctx: FrameContext) -> dict[int, FrameHit]:
    """Each screen filmed in the room (matcher.screens: a screen's black page, or the picture on it, as a quadrilateral)
    rectified and searched, the picture inside the player's bars too; one that a reference found surely on the frame
    already covers gets no search."""
    sure = [h.box for hs in ctx.found.values() for h in hs if h.score >= C.VIEW_SKIP_SCORE]
    found: dict[int, FrameHit] = {}
    for q in screens.screen_quads(ctx.bgr, ctx.at_side(C.QUAD_SIDE)):
        x0, y0 = q.min(axis=0)
        x1, y1 = q.max(axis=0)
        box = (int(x0), int(y0), int(x1 - x0), int(y1 - y0))
        if any(inside(box, b) >= C.REGION_INSIDE or inside(b, box) >= C.REGION_INSIDE for b in sure):
            continue
        _better(found, _rectified(ctx, q, inner=True))
    return found


def _cells(ctx: FrameContext) -> dict[int, FrameHit]:
    """Each picture of a montage on its own: hashes on the cell (and inside its bars), features on the cell
    rescaled. A cell that a reference found surely on the frame already covers gets no search."""
    sure = [h.box for hs in ctx.found.values() for h in hs if h.score >= C.VIEW_SKIP_SCORE]
    found: dict[int, FrameHit] = {}
    for i, (x, y, w, h) in enumerate(montage_cells(ctx.bgr, ctx.at_side(C.MONTAGE_SIDE))):
        if any(_iou((x, y, w, h), b) >= C.REGION_INSIDE or inside(b, (x, y, w, h)) >= C.REGION_INSIDE for b in sure):
            continue
        crop = ctx.bgr[y:y + h, x:x + w]
        boxes = [(0, 0, w, h)]
        for b in content_boxes(crop):
            if all(_iou(b, o) < 0.9 for o in boxes):
                boxes.append(b)
        T = np.array([[1.0, 0, -x], [0, 1.0, -y], [0, 0, 1]])
        cell = _warped_hits(ctx, grey(crop), boxes, T, "-cell", {"cell": i})
        view, M = cell_view(ctx.g, (x, y, w, h))
        _better(cell, view_hits(ctx, view, M, "-cell", {"cell": i}))
        _better(found, _one_picture(cell))
    return found


def _one_picture(found: dict[int, FrameHit]) -> dict[int, FrameHit]:
    """A rectified picture or a montage cell shows one picture: a reference scoring far below the best one
    there (under EXPLAIN_RATIO_HASH of it) is its look-alike (another frame of a walk cycle, another card),
    dropped here, before the sibling check may lower the best one and leave the look-alike standing."""
    if not found:
        return found
    top = max(h.score for h in found.values())
    return {r: h for r, h in found.items() if h.score >= C.EXPLAIN_RATIO_HASH * top}


def _better(found: dict[int, FrameHit], new: dict[int, FrameHit]) -> None:
    """Keep each reference's stronger hit of the two."""
    for ref, h in new.items():
        if ref not in found or h.score > found[ref].score:
            found[ref] = h


def _warped_hits(ctx: FrameContext, g: np.ndarray, boxes: list, M: np.ndarray, tag: str, how: dict) -> dict[int, FrameHit]:
    """Hash and silhouette hits on `g`, the frame warped by the homography M (frame -> g), on `boxes`
    of g; each hit's box is mapped back to the frame (and its placement H to frame coordinates)."""
    idx = ctx.index
    frame_size = (ctx.bgr.shape[1], ctx.bgr.shape[0])
    inv = np.linalg.inv(M)
    out: dict[int, FrameHit] = {}

    def keep(model: int, score: float, box, method: str, ev: dict, H=None) -> None:
        ref = model >> 1
        if score <= 0 or (ref in out and out[ref].score >= score):
            return
        quad, fbox = deskew.box_back(box, inv, frame_size)
        out[ref] = FrameHit(ctx.t, ref, score, fbox, method, 1.0, quad, 0,
                            evidence={"rectified": {**ev, **how}}, model=model, H=None if H is None else inv @ H)

    for _, box, model, variant, dp, dd in hashes.search(g, boxes, idx):
        s, share = hashes.match_score(g, idx, model, box, variant, dp, dd)
        keep(model, s, box, "phash" + tag + ("-mirror" if model & 1 else ""), hashes.evidence(s, dp, dd, share),
             hashes.placement(idx, model, box, variant))
    for h, sh in silhouettes.hits_on(g, boxes, idx, ctx.t, tag):
        # the sprite's whole box on g places it: mapped back, the sibling check sees it where it is (tilted)
        rw, rh = (int(v) for v in idx.sizes[h.model >> 1])
        bx, by, bw, bh = sh.box
        keep(h.model, h.score, sh.box, h.method, h.evidence["silhouettes"],
             np.array([[bw / rw, 0, bx], [0, bh / rh, by], [0, 0, 1]], np.float64))
    return out


class RectifiedDetector:
    name = "rectified"

    def detect(self, ctx: FrameContext) -> list[FrameHit]:
        found: dict[int, FrameHit] = {}
        angle = deskew.skew_angle(ctx.g)
        if angle is not None:
            found.update(_upright(ctx, angle))
        quad = content_quad(ctx.bgr, ctx.at_side(C.QUAD_SIDE))
        if quad is not None:
            _better(found, _rectified(ctx, quad))
        else:
            # no picture in perspective inside solid bars: a screen filmed in a room may hold one
            _better(found, _screens(ctx))
        _better(found, _cells(ctx))
        return list(found.values())
