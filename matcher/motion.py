"""Cost that follows content: a frame that only pans or zooms into what was already analysed shows
nothing new, so the last analysis is carried over to it (its regions moved by the camera motion)
instead of being redone. The motion is tracked cheaply (corners followed by optical flow on a small
grey frame, one similarity fitted by RANSAC) and accepted only when the moved frame explains the new
one almost everywhere."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C


def small_grey(bgr: np.ndarray) -> np.ndarray:
    h, w = bgr.shape[:2]
    s = C.MOTION_SIDE / max(h, w)
    g = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
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
