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


def _fit(p0: np.ndarray, p1: np.ndarray, min_points: int, px: float, share: float) -> np.ndarray | None:
    """One similarity (3x3) through corner pairs by RANSAC, or None when too few agree (fewer than MIN_POINTS pairs,
    or its inliers less than SHARE of them)."""
    if len(p0) < min_points:
        return None
    A, inl = cv2.estimateAffinePartial2D(p0, p1, method=cv2.RANSAC, ransacReprojThreshold=px)
    if A is None or inl is None or inl.mean() < share:
        return None
    return np.vstack([A, [0.0, 0.0, 1.0]])


def _corner_pairs(prev: np.ndarray, cur: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Corners of PREV (where MASK is set) and where optical flow finds them in CUR: (n, 2) and (n, 2)."""
    pts = cv2.goodFeaturesToTrack(prev, maxCorners=C.MOTION_POINTS, qualityLevel=0.01, minDistance=5, mask=mask)
    if pts is None:
        return np.empty((0, 2), np.float32), np.empty((0, 2), np.float32)
    nxt, st, _ = cv2.calcOpticalFlowPyrLK(prev, cur, pts, None, winSize=(21, 21), maxLevel=4)
    ok = st.ravel() == 1
    return pts[ok].reshape(-1, 2), nxt[ok].reshape(-1, 2)


def _cameras(prev: np.ndarray, cur: np.ndarray, mask: np.ndarray):
    """Candidate camera similarities prev -> cur, best first, for the pixel check to accept or refuse, each with
    whether it is a fallback (fewer corners agree on it: it may be the motion of one part of a layout):
    - the similarity most followed corners agree on;
    - one that fewer agree on (MOTION_LOOSE_SHARE): corners the flow loses on fine or repeated texture (gravel, a
      starfield) and corners of a caption that stays put outvote the camera's;
    - one fitted to corners found away from the corners that stayed put: a caption bar's letters, the strongest
      corners of the frame, can take every corner the detector keeps (qualityLevel is relative to the strongest)
      while a smooth picture pans and zooms under them."""
    p0, p1 = _corner_pairs(prev, cur, mask)
    strict = _fit(p0, p1, C.MOTION_MIN_POINTS, C.MOTION_LAYER_PX, C.MOTION_INLIER_SHARE)
    if strict is not None:
        yield strict, False
    loose = _fit(p0, p1, C.MOTION_MIN_POINTS, C.MOTION_LAYER_PX, C.MOTION_LOOSE_SHARE)
    if loose is not None and strict is None:
        yield loose, True
    still = np.linalg.norm(p1 - p0, axis=1) < C.MOTION_STILL_PX
    if still.any():
        # what did not change (a caption bar, and the pixels around it) is left out
        changed = cv2.dilate((cv2.absdiff(prev, cur) > C.MOTION_STILL_GREY).astype(np.uint8), np.ones((5, 5), np.uint8))
        q0, q1 = _corner_pairs(prev, cur, mask & (changed * 255))
        moving = _fit(q0, q1, C.MOTION_MIN_POINTS, C.MOTION_LAYER_PX, C.MOTION_LOOSE_SHARE)
        if moving is not None:
            yield moving, True


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
           changed: float = C.MOTION_CHANGED, fallbacks: bool = True) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """Layered motion, prev -> cur (small-frame pixels): the camera's similarity, plus one per box (a region
    found on the last analysed frame, e.g. a picture-in-picture moving over a panning shot: its own
    similarity when enough corners inside it agree on one, else the camera's). None when cur shows
    something the layers do not explain: a pixel is explained by the camera's motion, by staying where
    it was (a caption or a text bar over the moving shot), or inside a box by that box's motion; the
    background a moving box uncovers is new view (MOTION_REVEAL of the frame at most a step). CHANGED: the share of
    the view that may show something unexplained (new detail, or what a moving sticker uncovered). The camera's
    candidates (`_cameras`) are tried in turn, the fallbacks only with FALLBACKS; the pixel check decides."""
    h, w = cur.shape
    mask = np.full((h, w), 255, np.uint8)
    for x, y, bw, bh in boxes:
        mask[y:y + bh, x:x + bw] = 0
    moves = None
    # compared softened: fine texture (grass, gravel) resampled at another zoom differs pixel by pixel
    soft_prev = cv2.GaussianBlur(prev, (0, 0), C.MOTION_SOFTEN)
    ci = cv2.GaussianBlur(cur, (0, 0), C.MOTION_SOFTEN).astype(np.int16)
    stayed = np.abs(soft_prev.astype(np.int16) - ci) <= C.MOTION_PIXEL_TOL
    for cam, fallback in _cameras(prev, cur, mask):
        if fallback and not fallbacks:
            break
        if moves is None:
            moves = [_box_motion(prev, cur, b) for b in boxes]
        layers = [cam if M is None else M for M in moves]
        if _explains(soft_prev, ci, stayed, cam, boxes, layers, changed, C.MOTION_FALLBACK_STILL if fallback else 1.0):
            return cam, layers
    return None


def _explains(prev: np.ndarray, ci: np.ndarray, stayed: np.ndarray, cam: np.ndarray,
              boxes: list[tuple[int, int, int, int]], moves: list[np.ndarray], changed: float,
              still_max: float = 1.0) -> bool:
    """The pixel check of `follow`: the camera's motion, staying put, and each box's own motion explain all of CI
    (the current frame, softened) but CHANGED of the view and what the boxes uncovered; and what only staying put
    explains is at most STILL_MAX of the view."""
    h, w = ci.shape
    moved = np.abs(cv2.warpAffine(prev, cam[:2], (w, h), flags=cv2.INTER_LINEAR).astype(np.int16) - ci) <= C.MOTION_PIXEL_TOL
    explained = stayed | moved
    seen = cv2.warpAffine(np.full(prev.shape, 255, np.uint8), cam[:2], (w, h), flags=cv2.INTER_NEAREST) > 0
    revealed = np.zeros((h, w), bool)
    for box, M in zip(boxes, moves):
        now = _box_mask(box, M, (h, w))
        warped = cv2.warpAffine(prev, M[:2], (w, h), flags=cv2.INTER_LINEAR).astype(np.int16)
        explained |= now & (np.abs(warped - ci) <= C.MOTION_PIXEL_TOL)
        if M is not cam:
            revealed |= _box_mask(box, cam, (h, w)) & ~now
    if not seen.any() or revealed.mean() > C.MOTION_REVEAL:
        return False
    if still_max < 1.0:
        in_boxes = np.zeros((h, w), bool)
        for box, M in zip(boxes, moves):
            in_boxes |= _box_mask(box, M, (h, w))
        if (stayed & ~moved & seen & ~in_boxes).sum() > still_max * seen.sum():
            return False
    return (~explained & seen & ~revealed).sum() <= changed * seen.sum()
