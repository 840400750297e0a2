"""Screens filmed in a room: a phone filming a monitor, a TV or another phone shows the picture inside a screen turned
in 3D, the room round it. Neither the upright rectangle proposals nor `regions.content_quad` (a picture inside solid
bars all round the frame) hold it. What does: a screen's picture is shown on the panel's black (the player's bars, the
bezel), so the picture is a bright blob that dark surrounds, and the screen (its black page and bezel) a dark blob
against a brighter room; either outline is a convex quadrilateral whose sides are straight and which it fills. Edges
alone are not enough (a room's brick and grass have straight edges that meet in quadrilaterals): here a quadrilateral
counts only when one tone region fills it and the region's outline runs along its four sides.

`screen_quads` finds those quadrilaterals; the rectified detector warps each back to a rectangle and searches it as it
searches a picture in perspective inside bars."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C
from matcher.regions import at_side, hull_quad, ordered_corners, side_samples


def _upright(quad: np.ndarray) -> bool:
    """Is a quadrilateral an upright rectangle (every corner within QUAD_MIN_SKEW of 90 degrees, a side level)?"""
    for i in range(4):
        a, b = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        cosv = float(np.dot(a, b) / max(1e-6, np.linalg.norm(a) * np.linalg.norm(b)))
        if abs(90.0 - np.degrees(np.arccos(np.clip(cosv, -1, 1)))) > C.QUAD_MIN_SKEW:
            return False
    d = quad[1] - quad[0]
    return abs(np.degrees(np.arctan2(d[1], d[0]))) <= C.QUAD_MIN_SKEW


def _quad_of(contour: np.ndarray, w: int, h: int) -> np.ndarray | None:
    """The convex quadrilateral a blob's outline fills (its hull's four straight sides), or None: the blob must fill
    SCREEN_FILL of it and the quadrilateral explain the hull (QUAD_FIT), its corners near the frame."""
    hull = cv2.convexHull(contour)
    hull_area = cv2.contourArea(hull)
    # the quadrilateral is QUAD_FIT of the hull at least, so a blob filling less of its hull fails below anyway: the
    # ragged tone regions of a room (most of a frame's) leave before the four sides are fitted
    if cv2.contourArea(contour) < C.SCREEN_FILL * C.QUAD_FIT * hull_area:
        return None
    fit = hull_quad(hull, hull_area)
    if fit is None:
        return None
    quad, area = fit
    if cv2.contourArea(contour) < C.SCREEN_FILL * area:
        return None
    m = C.SCREEN_CORNER_OUT * max(w, h)
    if quad.min() < -m or (quad[:, 0] > w + m).any() or (quad[:, 1] > h + m).any():
        return None
    return quad


def _on_border(quad: np.ndarray, i: int, w: int, h: int) -> bool:
    """Does side I of a quadrilateral lie along the frame's border (both its ends within SCREEN_BORDER_PX of one edge, or
    beyond it): the frame's edge cuts the screen there (a TV wider than the frame, a phone filmed close)."""
    p, q = quad[i], quad[(i + 1) % 4]
    m = C.SCREEN_BORDER_PX
    return bool((p[0] <= m and q[0] <= m) or (p[0] >= w - 1 - m and q[0] >= w - 1 - m)
                or (p[1] <= m and q[1] <= m) or (p[1] >= h - 1 - m and q[1] >= h - 1 - m))


def _sides_step(g: np.ndarray, quad: np.ndarray) -> int:
    """How many of a quadrilateral's four sides are a tone step along their length: the median grey difference between
    just inside and just outside (SCREEN_EDGE_OFF px) at least SCREEN_EDGE_STEP (a side out of the frame is no step)."""
    return len(_stepped(g, quad))


def _stepped(g: np.ndarray, quad: np.ndarray) -> list[int]:
    """The sides (indices) of a quadrilateral that are a tone step, as `_sides_step` counts them."""
    h, w = g.shape
    n = []
    for i in range(4):
        pts, nrm = side_samples(quad, i, 24)
        a = np.round(pts + C.SCREEN_EDGE_OFF * nrm).astype(int)
        b = np.round(pts - C.SCREEN_EDGE_OFF * nrm).astype(int)
        ok = ((a[:, 0] >= 0) & (a[:, 0] < w) & (a[:, 1] >= 0) & (a[:, 1] < h)
              & (b[:, 0] >= 0) & (b[:, 0] < w) & (b[:, 1] >= 0) & (b[:, 1] < h))
        if ok.mean() < 0.5:
            continue
        d = g[a[ok, 1], a[ok, 0]].astype(np.int16) - g[b[ok, 1], b[ok, 0]].astype(np.int16)
        if abs(float(np.median(d))) >= C.SCREEN_EDGE_STEP:
            n.append(i)
    return n


def _edges_hold(g: np.ndarray, quad: np.ndarray) -> bool:
    """Are a quadrilateral's sides a screen's outline: SCREEN_EDGE_SIDES of the four a step in tone, or, for a screen the
    frame's edges cut (wider than the frame, filmed close), every side not on the frame's border a step, and at least
    SCREEN_CUT_STEPS of them."""
    h, w = g.shape
    stepped = _stepped(g, quad)
    if len(stepped) >= C.SCREEN_EDGE_SIDES:
        return True
    cut = [i for i in range(4) if _on_border(quad, i, w, h)]
    return len(stepped) >= C.SCREEN_CUT_STEPS and len(set(stepped) | set(cut)) == 4


def screen_quads(bgr: np.ndarray, small: np.ndarray | None = None) -> list[np.ndarray]:
    """Quadrilaterals (not upright rectangles) of one tone region each, dark (a screen's black page and bezel against a
    brighter room) or not dark (a picture on a screen's black), at SCREEN_DARK levels of grey -> each (4, 2) float32,
    clockwise from top-left, in frame pixels; the largest SCREEN_MAX_QUADS, none repeated. SMALL: `at_side(bgr,
    QUAD_SIDE)`, when the caller has it."""
    s = C.QUAD_SIDE / max(bgr.shape[:2])
    small = at_side(bgr, C.QUAD_SIDE) if small is None else small
    g = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    # a room's texture (gravel, brick, foliage) averaged out: its shadows would join the screen's black
    g = cv2.medianBlur(g, C.SCREEN_MEDIAN)
    h, w = g.shape
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    found: list[tuple[float, np.ndarray]] = []
    # a screen's black against a brighter room, a lit screen against a darker one: cut at fixed dark levels and at the
    # frame's own tone percentiles (the room may be any tone)
    levels: list[float] = []
    for level in list(C.SCREEN_DARK) + [float(v) for v in np.percentile(g, C.SCREEN_PERCENTILES)]:
        if all(abs(level - o) >= C.SCREEN_LEVEL_STEP for o in levels):
            levels.append(level)
    for level in levels:
        dark = (g < level).astype(np.uint8)
        for mask, k in ((dark, k) for dark in (dark, 1 - dark) for k in C.SCREEN_OPEN):
            mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
            contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            for c in contours:
                a = cv2.contourArea(c)
                if not C.SCREEN_MIN_AREA * w * h <= a <= C.SCREEN_MAX_AREA * w * h:
                    continue
                quad = _quad_of(c, w, h)
                if quad is None:
                    continue
                quad = ordered_corners(quad)
                # the room round a screen is cut by the frame's edges: its outline has the frame's corners
                if _upright(quad) or (np.linalg.norm(quad[:, None] - corners[None], axis=2).min()
                                      <= C.SCREEN_FRAME_CORNER * max(w, h)):
                    continue
                # each side (but one: a screen's side out of the frame, or faded into the room) a step in tone
                if not _edges_hold(g, quad):
                    continue
                found.append((cv2.contourArea(quad), quad))
    out: list[np.ndarray] = []
    for _, q in sorted(found, key=lambda f: -f[0]):
        if all(np.abs(q - o).max() > C.SCREEN_SAME_PX for o in out):
            out.append(q)
        if len(out) >= C.SCREEN_MAX_QUADS:
            break
    return [q / s for q in out]


def edge_bars(clip: np.ndarray, ref: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Rows at the top or bottom edge of a clip's patch (the reference's frame, the clip warped onto it) where a bar is
    laid over the picture: a player's controls over its foot, a browser's tab bar over its top, a caption strip. Each
    row flat in the clip (grey spread over its seen pixels under SIB_BAR_FLAT) where the reference's is not (over
    SIB_BAR_DETAIL) and of another tone (medians SIB_BAR_TONE apart), at least SIB_BAR_MIN_ROWS of them from the edge in -> a mask of those rows' pixels (nothing laid
    over: all False). What a bar hides speaks for no member of a sibling group (a dark bar over a green robe is no
    evidence of the navy one)."""
    out = np.zeros(seen.shape, bool)
    gc = clip.astype(np.float32).mean(axis=2) if clip.ndim == 3 else clip.astype(np.float32)
    gr = ref.astype(np.float32).mean(axis=2) if ref.ndim == 3 else ref.astype(np.float32)

    def flat(r: int) -> bool:
        on = seen[r]
        if on.mean() < C.SIB_BAR_SEEN:
            return False
        c, f = gc[r][on], gr[r][on]
        # flat where the reference has detail, and of another tone than the reference's there (a highlight blown to
        # the white of a card's face is no bar)
        return (float(c.std()) < C.SIB_BAR_FLAT and float(f.std()) > C.SIB_BAR_DETAIL
                and abs(float(np.median(c)) - float(np.median(f))) > C.SIB_BAR_TONE)

    n = seen.shape[0]
    for rows in (range(n), range(n - 1, -1, -1)):
        run, flat_rows, gap = [], 0, 0
        for r in rows:
            if not seen[r].any():
                continue          # rows off the frame: not yet the picture's edge
            if flat(r):
                run.append(r)
                flat_rows += 1
                gap = 0
            else:
                # a bar's own marks (a progress line, a play button) break its flat rows for a few rows
                gap += 1
                if gap > C.SIB_BAR_GAP:
                    break
                run.append(r)
        while run and not flat(run[-1]):
            run.pop()
        if flat_rows >= C.SIB_BAR_MIN_ROWS:
            out[run] = True
    return out & seen
