"""Where on a frame a reference may sit: the content region and rectangle proposals (picture-in-picture).

The content region is the picture inside black bars, solid borders or blurred fill. Rectangle
proposals come from long straight edges: a pasted image has four, a grassy or busy background has
none, so a few proposals cover most picture-in-picture layouts without thousands of windows.
"""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C

Box = tuple[int, int, int, int]


def content_boxes(bgr: np.ndarray) -> list[Box]:
    """Where the picture is, inside bars: [inside solid bars (black, white, any flat colour)] and, when
    the rows or columns around it are blurred fill, [inside the fill too]. Each (x, y, w, h)."""
    g = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32) if bgr.ndim == 3 else bgr.astype(np.float32)
    h, w = g.shape
    row_std, col_std = g.std(axis=1), g.std(axis=0)

    def flat_span(std: np.ndarray) -> tuple[int, int]:
        idx = np.flatnonzero(std > C.CONTENT_MIN_STD)
        return (0, len(std)) if len(idx) == 0 else (int(idx[0]), int(idx[-1]) + 1)

    y0, y1 = flat_span(row_std)
    x0, x1 = flat_span(col_std)
    if (y1 - y0) < 16 or (x1 - x0) < 16 or (y1 - y0) * (x1 - x0) < 0.05 * h * w:
        y0, y1, x0, x1 = 0, h, 0, w
    out: list[Box] = [(x0, y0, x1 - x0, y1 - y0)]
    inner = g[y0:y1, x0:x1]
    dx = np.abs(np.diff(inner, axis=1))
    dy = np.abs(np.diff(inner, axis=0))
    row = dx.mean(axis=1)
    row[:-1] += dy.mean(axis=1)
    col = dy.mean(axis=0)
    col[:-1] += dx.mean(axis=0)

    def busy_span(energy: np.ndarray) -> tuple[int, int]:
        n = len(energy)
        k = max(1, n // 100)
        e = np.convolve(energy, np.ones(k) / k, mode="same")
        thr = max(C.CONTENT_MIN_ENERGY, C.CONTENT_REL_ENERGY * float(np.percentile(e, 90)))
        idx = np.flatnonzero(e > thr)
        return (0, n) if len(idx) == 0 else (int(idx[0]), int(idx[-1]) + 1)

    by0, by1 = busy_span(row)
    bx0, bx1 = busy_span(col)
    ih, iw = inner.shape
    if (by1 - by0) * (bx1 - bx0) >= 0.2 * ih * iw and (by1 - by0, bx1 - bx0) != (ih, iw):
        out.append((x0 + bx0, y0 + by0, bx1 - bx0, by1 - by0))
    return out


def content_box(bgr: np.ndarray) -> Box:
    """The innermost content region (see content_boxes)."""
    return content_boxes(bgr)[-1]


def _positions(mask_sum: np.ndarray, min_len: int) -> list[int]:
    """Coordinates where a long straight edge runs (peaks of the projected edge mask)."""
    idx = np.flatnonzero(mask_sum >= min_len)
    out: list[int] = []
    for i in idx.tolist():
        if out and i - out[-1] <= 2:
            if mask_sum[i] > mask_sum[out[-1]]:
                out[-1] = i
            continue
        out.append(i)
    return out


def rectangle_proposals(bgr: np.ndarray, limit: int = C.MAX_PROPOSALS) -> list[Box]:
    """Axis-aligned rectangles whose four sides are mostly on straight edges, best supported first."""
    h, w = bgr.shape[:2]
    g = bgr.astype(np.int16) if bgr.ndim == 3 else bgr.astype(np.int16)[:, :, None]
    # steps over two pixels (a resized border is soft), kept only where they run straight for a while
    gx = np.zeros((h, w), np.uint8)
    gy = np.zeros((h, w), np.uint8)
    gx[:, 1:-1] = np.abs(g[:, 2:] - g[:, :-2]).max(axis=2) > C.EDGE_STEP
    gy[1:-1, :] = np.abs(g[2:, :] - g[:-2, :]).max(axis=2) > C.EDGE_STEP
    min_v = max(12, int(C.PROPOSAL_MIN_SIDE * h))
    min_h = max(12, int(C.PROPOSAL_MIN_SIDE * w))
    run = max(8, min(min_v, min_h) // 2)
    ev = cv2.morphologyEx(gx, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))
    eh = cv2.morphologyEx(gy, cv2.MORPH_OPEN, np.ones((1, run), np.uint8))
    # thin double responses: a column counts if it or a neighbour is on
    ev = cv2.dilate(ev, np.ones((1, 3), np.uint8))
    eh = cv2.dilate(eh, np.ones((3, 1), np.uint8))
    sv, sh = ev.sum(axis=0).astype(np.int64), eh.sum(axis=1).astype(np.int64)
    xs = sorted(_positions(sv, run), key=lambda x: -sv[x])[: C.MAX_LINES]
    ys = sorted(_positions(sh, run), key=lambda y: -sh[y])[: C.MAX_LINES]
    xs = sorted(set([0, w] + xs))
    ys = sorted(set([0, h] + ys))
    if len(xs) < 2 or len(ys) < 2:
        return []
    cv_ = np.vstack([np.zeros((1, w), np.int32), np.cumsum(ev, axis=0, dtype=np.int32)])  # along y
    ch_ = np.hstack([np.zeros((h, 1), np.int32), np.cumsum(eh, axis=1, dtype=np.int32)])  # along x

    def vsupport(x: int, y0: int, y1: int) -> float:
        if x <= 0 or x >= w:
            return 1.0  # the frame border counts as an edge (a picture flush with the frame)
        best = max(cv_[y1, j] - cv_[y0, j] for j in range(max(0, x - 1), min(w, x + 2)))
        return best / max(1, y1 - y0)

    def hsupport(y: int, x0: int, x1: int) -> float:
        if y <= 0 or y >= h:
            return 1.0
        best = max(ch_[i, x1] - ch_[i, x0] for i in range(max(0, y - 1), min(h, y + 2)))
        return best / max(1, x1 - x0)

    found: list[tuple[float, Box]] = []
    for i, x0 in enumerate(xs):
        for x1 in xs[i + 1:]:
            if x1 - x0 < min_h:
                continue
            for j, y0 in enumerate(ys):
                for y1 in ys[j + 1:]:
                    if y1 - y0 < min_v:
                        continue
                    area = (x1 - x0) * (y1 - y0) / (w * h)
                    if area > C.PROPOSAL_MAX_AREA:
                        continue
                    sides = (vsupport(x0, y0, y1), vsupport(x1, y0, y1), hsupport(y0, x0, x1), hsupport(y1, x0, x1))
                    if min(sides) < C.PROPOSAL_SIDE_SUPPORT:
                        continue
                    found.append((sum(sides) / 4 + 0.1 * area, (x0, y0, x1 - x0, y1 - y0)))
    found.sort(key=lambda f: -f[0])
    out: list[Box] = []
    for _, b in found:
        if all(_iou(b, o) < 0.8 for o in out):
            out.append(b)
        if len(out) >= limit:
            break
    return out


def _iou(a: Box, b: Box) -> float:
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0, min(ax1, bx1) - max(a[0], b[0]))
    ih = max(0, min(ay1, by1) - max(a[1], b[1]))
    inter = iw * ih
    return inter / max(1, a[2] * a[3] + b[2] * b[3] - inter)
