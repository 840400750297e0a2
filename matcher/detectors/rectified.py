"""Rectified and deskewed variants: a frame turned by a few degrees is turned upright, a picture shown in
perspective inside solid bars is warped back to a rectangle; hashes and silhouettes run again there
(neither is rotation- or perspective-invariant) and each hit's box is mapped back to the frame."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C
from matcher import deskew
from matcher.detectors import hashes, silhouettes
from matcher.detectors.base import FrameContext
from matcher.hashing import grey
from matcher.regions import _iou, content_boxes, content_quad, rectangle_proposals
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
    return _warped_hits(ctx, g, boxes, np.vstack([M, [0.0, 0.0, 1.0]]), "-upright", {"angle": round(float(angle), 2)})


def _rectified(ctx: FrameContext, quad: np.ndarray) -> dict[int, FrameHit]:
    q = quad.astype(np.float32)
    w = max(8, round(float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2))
    h = max(8, round(float(np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2))
    M = cv2.getPerspectiveTransform(q, np.float32([[0, 0], [w, 0], [w, h], [0, h]]))
    g = grey(cv2.warpPerspective(ctx.bgr, M, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    return _warped_hits(ctx, g, [(0, 0, w, h)], M, "-rectified", {"perspective": 1.0})


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
        keep(h.model, h.score, sh.box, h.method, h.evidence["silhouettes"])
    return out


class RectifiedDetector:
    name = "rectified"

    def detect(self, ctx: FrameContext) -> list[FrameHit]:
        found: dict[int, FrameHit] = {}
        angle = deskew.skew_angle(ctx.g)
        if angle is not None:
            found.update(_upright(ctx, angle))
        quad = content_quad(ctx.bgr)
        if quad is not None:
            for ref, h in _rectified(ctx, quad).items():
                if ref not in found or h.score > found[ref].score:
                    found[ref] = h
        return list(found.values())
