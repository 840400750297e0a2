"""A frame turned by a few degrees (an edit's tilt, a phone held crooked): find the angle from its
long straight edges (the picture's border against bars or fill, a caption bar) and turn it back, so
that the hashed regions and the silhouette search, which are not rotation-invariant, see the
picture upright. Local features need none of this."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C


def skew_angle(grey_frame: np.ndarray) -> float | None:
    """Degrees to turn the frame by (cv2.getRotationMatrix2D convention) to put its long edges upright;
    None when no long edge runs a few degrees off the axes."""
    h, w = grey_frame.shape
    s = C.SKEW_SIDE / min(h, w)
    small = cv2.resize(grey_frame, (max(8, round(w * s)), max(8, round(h * s))), interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(small, 40, 120)
    sh, sw = small.shape
    # only normals within SKEW_MAX of the axes are voted on (a quarter of the full sweep's cost); a
    # texture's edges vote for every line through it, in proportion to their density: a line must
    # beat that several times over
    thr = int(C.SKEW_LINE * min(sh, sw))
    density = float(np.count_nonzero(edges)) / edges.size
    step = np.pi / 360
    span = np.radians(C.SKEW_MAX + 0.5)
    votes = []
    for lo, hi, length in ((0.0, span, sh), (np.pi / 2 - span, np.pi / 2 + span, sw), (np.pi - span, np.pi, sh)):
        lines = cv2.HoughLinesWithAccumulator(edges, 1, step, max(thr, int(C.SKEW_DENSE * density * length)),
                                              min_theta=lo, max_theta=hi)
        if lines is not None:
            votes.extend((float(v), float(t)) for _, t, v in lines.reshape(-1, 3))
    if not votes:
        return None
    votes.sort(reverse=True)
    found = []
    for _, theta in votes[: C.SKEW_LINES]:
        a = np.degrees(theta) % 90.0
        if a > 45.0:
            a -= 90.0
        found.append(a)
    found = np.array(found)
    # the strongest lines decide: straight (axis-aligned) strongest means an upright frame
    tilted = found[(np.abs(found) >= C.SKEW_MIN) & (np.abs(found) <= C.SKEW_MAX)]
    if len(tilted) < 2:
        return None
    straight = int((np.abs(found) < C.SKEW_MIN * 0.5).sum())
    best = None
    for a in tilted:
        agree = tilted[np.abs(tilted - a) <= 0.75]
        if best is None or len(agree) > len(best):
            best = agree
    if len(best) < 2 or len(best) < straight:
        return None
    return float(np.median(best))


def rotation(size: tuple[int, int], angle: float) -> tuple[np.ndarray, np.ndarray]:
    """(forward 2x3, inverse 2x3) affine about the frame's centre."""
    w, h = size
    M = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return M, cv2.invertAffineTransform(M)


def box_back(box: tuple[int, int, int, int], inv: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A box on the turned (or otherwise warped) frame -> its quadrilateral and bounding box on the
    original frame. inv: the inverse map, 2x3 affine or 3x3 homography."""
    x, y, w, h = box
    pts = np.float32([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
    if inv.shape[0] == 3:
        q = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), inv.astype(np.float64)).reshape(4, 2)
    else:
        q = pts @ inv[:, :2].T + inv[:, 2]
    fw, fh = size
    x0, y0 = np.clip(q.min(axis=0), 0, [fw, fh]).astype(int)
    x1, y1 = np.clip(np.ceil(q.max(axis=0)), 0, [fw, fh]).astype(int)
    return q.astype(np.float32), (int(x0), int(y0), int(max(1, x1 - x0)), int(max(1, y1 - y0)))
