"""Local features on a view of the frame: a perspective quadrilateral warped back to a rectangle, a
montage cell cut out and rescaled. ORB is neither perspective- nor much scale-invariant: a picture
tilted by 60 degrees or shown at a quarter of the frame keeps too few matching keypoints on the frame
itself, while its view looks like the reference. Candidates come from the index search of the view's
keypoints (and from hints); each is verified by RANSAC on the view, then its placement is mapped back
to the frame and its appearance checked on the frame's own pixels."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C
from matcher.detectors.base import FrameContext
from matcher.verdict import FrameHit
from matcher.verify import appearance, evidence_factor, features, overlay_rows, spread_excluding, verify


def view_hits(ctx: FrameContext, view: np.ndarray, M: np.ndarray, tag: str, how: dict,
              hints: set[int] = frozenset()) -> dict[int, FrameHit]:
    """Feature hits on `view` (grey), the frame warped by the homography M (frame -> view), as hits on
    the frame: reference -> its best hit. hints: models worth verifying whatever their votes."""
    idx = ctx.index
    xy, desc = features(view, C.VIEW_FEATURES)
    if len(desc) < C.MIN_INLIERS:
        return {}
    matched = idx.match_frame(desc)
    votes = idx.votes(matched)
    models = set(idx.top_models(votes)) | set(hints)
    inv = np.linalg.inv(M)
    vh, vw = view.shape[:2]
    fh, fw = ctx.g.shape[:2]
    bands = None
    out: dict[int, FrameHit] = {}
    for model in sorted(models):
        ref = model >> 1
        r_xy, r_desc = idx.model_features(model)
        sel = matched[2] == model
        extra = (matched[0][sel], matched[1][sel] - idx.kp_offsets[model]) if sel.any() else None
        size = tuple(int(v) for v in idx.sizes[ref])
        v = verify(xy, desc, model, r_xy, r_desc, size, (vw, vh), idx._bf, None, None, extra,
                   idx.coverage_full_of(model))
        if v is None or v.score <= 0:
            continue
        H = inv @ v.H                                     # reference -> frame
        if bands is None:
            bands = overlay_rows(ctx.g)
        th, tm = idx.thumb(model)
        covered = np.zeros((C.APPEAR_GRID, C.APPEAR_GRID), bool)
        v.appearance = appearance(ctx.g, H, size, th, tm, covered_out=covered, overlay_rows=bands, visible=ctx.visible)
        v.spread = spread_excluding(v, covered)
        score = v.score * evidence_factor(v.appearance, v.spread)
        if score <= 0 or (ref in out and out[ref].score >= score):
            continue
        quad = cv2.perspectiveTransform(np.float32([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]])
                                        .reshape(-1, 1, 2), H).reshape(4, 2)
        x0, y0 = np.clip(quad.min(axis=0), 0, (fw, fh)).astype(int)
        x1, y1 = np.clip(np.ceil(quad.max(axis=0)), 0, (fw, fh)).astype(int)
        out[ref] = FrameHit(ctx.t, ref, float(score), (int(x0), int(y0), int(max(1, x1 - x0)), int(max(1, y1 - y0))),
                            "orb-ransac" + tag + ("-mirror" if model & 1 else ""), v.reference_share, quad, v.inliers,
                            evidence={"rectified": {"score": round(float(score), 4), "inliers": int(v.inliers),
                                                    "coverage": round(float(v.coverage), 4),
                                                    "appearance": round(float(v.appearance), 4),
                                                    "spread": round(float(v.spread), 4), **how}},
                            model=model, H=H)
    return out


def cell_view(g: np.ndarray, box: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A box of the frame cut out and rescaled to VIEW_SIDE long side -> (view, M frame -> view)."""
    x, y, w, h = box
    s = C.VIEW_SIDE / max(w, h)
    view = cv2.resize(g[y:y + h, x:x + w], (max(8, round(w * s)), max(8, round(h * s))),
                      interpolation=cv2.INTER_CUBIC if s > 1 else cv2.INTER_AREA)
    M = np.array([[s, 0, -x * s], [0, s, -y * s], [0, 0, 1]], np.float64)
    return view, M
