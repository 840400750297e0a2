"""Cost that follows content: a frame that only pans or zooms into what was already analysed shows
nothing new, so the last analysis is carried over to it (its regions moved by the camera motion)
instead of being redone. The motion is tracked cheaply (corners followed by optical flow on a small
grey frame, one similarity fitted by RANSAC) and accepted only when the moved frame explains the new
one almost everywhere."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C


def small_grey(image: np.ndarray) -> np.ndarray:
    """The frame (BGR, or already grey) in grey at MOTION_SIDE, where camera motion is tracked."""
    h, w = image.shape[:2]
    s = C.MOTION_SIDE / max(h, w)
    g = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return cv2.resize(g, (max(8, round(w * s)), max(8, round(h * s))), interpolation=cv2.INTER_AREA)


def similarity(prev: np.ndarray, cur: np.ndarray) -> np.ndarray | None:
    """The 3x3 similarity (prev -> cur, small-frame pixels) when cur is prev moved by the camera
    (pan, zoom, a small turn) and nothing else changed where both show the scene; else None."""
    pts = cv2.goodFeaturesToTrack(prev, maxCorners=C.MOTION_POINTS, qualityLevel=0.01, minDistance=5)
    if pts is None or len(pts) < C.MOTION_MIN_POINTS:
        return None
    nxt, st, _ = cv2.calcOpticalFlowPyrLK(prev, cur, pts, None, winSize=(21, 21), maxLevel=3)
    ok = st.ravel() == 1
    if ok.sum() < C.MOTION_MIN_POINTS:
        return None
    A, inl = cv2.estimateAffinePartial2D(pts[ok], nxt[ok], method=cv2.RANSAC, ransacReprojThreshold=C.MOTION_PX)
    if A is None or inl is None or inl.mean() < C.MOTION_INLIER_SHARE:
        return None
    h, w = cur.shape
    warped = cv2.warpAffine(prev, A, (w, h), flags=cv2.INTER_LINEAR)
    seen = cv2.warpAffine(np.full(prev.shape, 255, np.uint8), A, (w, h), flags=cv2.INTER_NEAREST) > 0
    if not seen.any():
        return None
    changed = np.abs(warped.astype(np.int16) - cur.astype(np.int16)) > C.MOTION_PIXEL_TOL
    if (changed & seen).sum() > C.MOTION_CHANGED * seen.sum():
        return None
    return np.vstack([A, [0.0, 0.0, 1.0]])


def covers(M: np.ndarray, shape: tuple[int, int]) -> bool:
    """The analysed frame moved by M (analysed -> current) covers the current frame (nothing new came
    into view) and is not zoomed in so far that detail too small before could be found now."""
    h, w = shape
    scale = float(np.sqrt(abs(np.linalg.det(M[:2, :2]))))
    if scale > C.MOTION_MAX_ZOOM:
        return False
    return _inside_share(M, shape) >= C.MOTION_COVER


def _inside_share(M: np.ndarray, shape: tuple[int, int]) -> float:
    h, w = shape
    seen = cv2.warpPerspective(np.full((h, w), 255, np.uint8), M, (w, h), flags=cv2.INTER_NEAREST)
    return float((seen > 0).mean())


def _fit(p0: np.ndarray, p1: np.ndarray, min_points: int, px: float) -> np.ndarray | None:
    """One similarity (3x3) through corner pairs by RANSAC, or None when too few agree."""
    if len(p0) < min_points:
        return None
    A, inl = cv2.estimateAffinePartial2D(p0, p1, method=cv2.RANSAC, ransacReprojThreshold=px)
    if A is None or inl is None or inl.mean() < C.MOTION_INLIER_SHARE:
        return None
    return np.vstack([A, [0.0, 0.0, 1.0]])


def _box_motion(prev: np.ndarray, cur: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """A found region's own shift (its pixels found again nearby by normalised correlation: a moving
    picture-in-picture travels further in a second than corners are reliably followed), or None."""
    x, y, w, h = box
    fh, fw = prev.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(fw, x + w), min(fh, y + h)
    if x1 - x0 < 8 or y1 - y0 < 8 or (x1 - x0) * (y1 - y0) > 0.9 * fw * fh:
        return None                      # too small to say, or the frame itself: it moves with the camera
    r = C.MOTION_BOX_SEARCH
    sx0, sy0, sx1, sy1 = max(0, x0 - r), max(0, y0 - r), min(fw, x1 + r), min(fh, y1 + r)
    res = cv2.matchTemplate(cur[sy0:sy1, sx0:sx1], prev[y0:y1, x0:x1], cv2.TM_CCOEFF_NORMED)
    _, best, _, (bx, by) = cv2.minMaxLoc(res)
    if best < C.MOTION_BOX_NCC:
        return None
    M = np.eye(3)
    M[:2, 2] = (sx0 + bx - x0, sy0 + by - y0)
    return M


def _box_mask(box: tuple[int, int, int, int], M: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The pixels of a box moved by M (a filled quadrilateral on a frame of this shape)."""
    x, y, w, h = box
    q = cv2.perspectiveTransform(np.float32([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]]), M)[0]
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(q).astype(np.int32), 1)
    return mask.astype(bool)


def changed_share(prev: np.ndarray, cur: np.ndarray) -> float:
    """Share of the pixels of two small grey frames of one view that differ (softened, by more than
    MOTION_PIXEL_TOL): 0 for a still picture re-encoded, a few % for a sticker bobbing over it."""
    a = cv2.GaussianBlur(prev, (0, 0), C.MOTION_SOFTEN).astype(np.int16)
    b = cv2.GaussianBlur(cur, (0, 0), C.MOTION_SOFTEN).astype(np.int16)
    return float((np.abs(a - b) > C.MOTION_PIXEL_TOL).mean())


def follow(prev: np.ndarray, cur: np.ndarray, boxes: list[tuple[int, int, int, int]],
           changed: float = C.MOTION_CHANGED) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """Layered motion, prev -> cur (small-frame pixels): the camera's similarity, plus one per box (a region
    found on the last analysed frame, e.g. a picture-in-picture moving over a panning shot: its own
    similarity when enough corners inside it agree on one, else the camera's). None when cur shows
    something the layers do not explain: a pixel is explained by the camera's motion, by staying where
    it was (a caption or a text bar over the moving shot), or inside a box by that box's motion; the
    background a moving box uncovers is new view (MOTION_REVEAL of the frame at most a step). CHANGED: the share of
    the view that may show something unexplained (new detail, or what a moving sticker uncovered)."""
    h, w = cur.shape
    mask = np.full((h, w), 255, np.uint8)
    for x, y, bw, bh in boxes:
        mask[y:y + bh, x:x + bw] = 0
    pts = cv2.goodFeaturesToTrack(prev, maxCorners=C.MOTION_POINTS, qualityLevel=0.01, minDistance=5, mask=mask)
    if pts is None or len(pts) < C.MOTION_MIN_POINTS:
        return None
    nxt, st, _ = cv2.calcOpticalFlowPyrLK(prev, cur, pts, None, winSize=(21, 21), maxLevel=4)
    ok = st.ravel() == 1
    cam = _fit(pts[ok].reshape(-1, 2), nxt[ok].reshape(-1, 2), C.MOTION_MIN_POINTS, C.MOTION_LAYER_PX)
    if cam is None:
        return None
    moves = [_box_motion(prev, cur, b) for b in boxes]
    moves = [cam if M is None else M for M in moves]
    # compared softened: fine texture (grass, gravel) resampled at another zoom differs pixel by pixel
    prev = cv2.GaussianBlur(prev, (0, 0), C.MOTION_SOFTEN)
    ci = cv2.GaussianBlur(cur, (0, 0), C.MOTION_SOFTEN).astype(np.int16)
    explained = np.abs(cv2.warpAffine(prev, cam[:2], (w, h), flags=cv2.INTER_LINEAR).astype(np.int16) - ci) <= C.MOTION_PIXEL_TOL
    explained |= np.abs(prev.astype(np.int16) - ci) <= C.MOTION_PIXEL_TOL
    seen = cv2.warpAffine(np.full(prev.shape, 255, np.uint8), cam[:2], (w, h), flags=cv2.INTER_NEAREST) > 0
    revealed = np.zeros((h, w), bool)
    for box, M in zip(boxes, moves):
        now = _box_mask(box, M, (h, w))
        warped = cv2.warpAffine(prev, M[:2], (w, h), flags=cv2.INTER_LINEAR).astype(np.int16)
        explained |= now & (np.abs(warped - ci) <= C.MOTION_PIXEL_TOL)
        if M is not cam:
            revealed |= _box_mask(box, cam, (h, w)) & ~now
    if not seen.any() or revealed.mean() > C.MOTION_REVEAL:
        return None
    if (~explained & seen & ~revealed).sum() > changed * seen.sum():
        return None
    return cam, moves
