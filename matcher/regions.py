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


def at_side(image: np.ndarray, side: int) -> np.ndarray:
    """The frame (or any image) shrunk to a long side of SIDE px (INTER_AREA), where outlines and layouts are searched;
    at least 8 px each way. One owner: the frame's context keeps it for every search at that side
    (detectors.base.FrameContext.at_side)."""
    h0, w0 = image.shape[:2]
    s = side / max(h0, w0)
    return cv2.resize(image, (max(8, round(w0 * s)), max(8, round(h0 * s))), interpolation=cv2.INTER_AREA)


def content_boxes(bgr: np.ndarray) -> list[Box]:
    """Where the picture is, inside bars: [inside solid bars (black, white, any flat colour)] and, when
    the rows or columns around it are blurred fill, [inside the fill too]. Each (x, y, w, h)."""
    g8 = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
    if g8.dtype != np.uint8:
        g8 = np.clip(np.round(g8), 0, 255).astype(np.uint8)
    h, w = g8.shape
    # row and column statistics by cv2.reduce: exact sums of the grey levels (`_line_means`) and of their squares (float32
    # holds each square exactly; summed in float64): numpy's std and diff over the float frame took 7-9 ms a 540x960 frame
    sq = cv2.multiply(g8, g8, dtype=cv2.CV_32F)

    def spread(axis: int) -> np.ndarray:          # axis 0: each row's grey std; 1: each column's
        m = _line_means(g8, axis).astype(np.float64)
        squares = cv2.reduce(sq, 1 - axis, cv2.REDUCE_SUM, dtype=cv2.CV_64F).ravel() / g8.shape[1 - axis]
        return np.sqrt(np.maximum(0.0, squares - m * m))

    row_std, col_std = spread(0), spread(1)

    def flat_span(std: np.ndarray) -> tuple[int, int]:
        idx = np.flatnonzero(std > C.CONTENT_MIN_STD)
        return (0, len(std)) if len(idx) == 0 else (int(idx[0]), int(idx[-1]) + 1)

    y0, y1 = flat_span(row_std)
    x0, x1 = flat_span(col_std)
    if (y1 - y0) < 16 or (x1 - x0) < 16 or (y1 - y0) * (x1 - x0) < 0.05 * h * w:
        y0, y1, x0, x1 = 0, h, 0, w
    out: list[Box] = [(x0, y0, x1 - x0, y1 - y0)]
    inner = g8[y0:y1, x0:x1]
    dx = cv2.absdiff(inner[:, 1:], inner[:, :-1])
    dy = cv2.absdiff(inner[1:], inner[:-1])
    row = _line_means(dx, 0)
    row[:-1] += _line_means(dy, 0)
    col = _line_means(dy, 1)
    col[:-1] += _line_means(dx, 1)

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


def content_quad(bgr: np.ndarray, small: np.ndarray | None = None) -> np.ndarray | None:
    """The picture's outline when it is a quadrilateral inside solid bars but not an upright rectangle
    (a picture shown in perspective: a screen filmed at an angle, an edit's 3D tilt) -> its corners
    (4, 2) float32, clockwise from top-left, in frame pixels; None otherwise. Hashes and silhouettes
    compare upright pictures: the caller warps the quadrilateral back to a rectangle. SMALL: `at_side(bgr,
    QUAD_SIDE)`, when the caller has it."""
    s = C.QUAD_SIDE / max(bgr.shape[:2])
    small = at_side(bgr, C.QUAD_SIDE) if small is None else small
    if small.ndim == 2:
        small = small[:, :, None]
    h, w = small.shape[:2]
    ring = np.concatenate([small[:2].reshape(-1, small.shape[2]), small[-2:].reshape(-1, small.shape[2]),
                           small[:, :2].reshape(-1, small.shape[2]), small[:, -2:].reshape(-1, small.shape[2])])
    bar = np.median(ring, axis=0)
    # solid bars all round (black, white, any flat colour); blurred fill or a full-bleed picture has none
    if (np.abs(ring.astype(np.int16) - bar).max(axis=1) <= C.QUAD_BAR_TOL).mean() < C.QUAD_BAR_SHARE:
        return None
    mask = (np.abs(small.astype(np.int16) - bar).max(axis=2) > C.QUAD_BAR_TOL).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    # the hull of every sizeable blob: a picture's dark parts may touch dark bars and split it up
    blobs = [c for c in contours if cv2.contourArea(c) >= C.QUAD_BLOB * w * h]
    if not blobs:
        return None
    hull = cv2.convexHull(np.vstack(blobs))
    hull_area = cv2.contourArea(hull)
    if hull_area < C.QUAD_MIN_AREA * w * h:
        return None
    fit = hull_quad(hull, hull_area)
    if fit is None:
        return None
    quad, area = fit
    if quad.min() < -0.05 * max(w, h) or (quad[:, 0] > 1.05 * w).any() or (quad[:, 1] > 1.05 * h).any():
        return None
    # the picture fills its outline (not text lines, not a dark picture's few bright spots on dark bars)
    inside = np.zeros_like(mask)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
    if float(mask[inside > 0].mean()) < C.QUAD_FILL:
        return None
    # each side an edge: picture just inside it, bar just outside (not a hull's chord over a gap)
    weak = 0
    for i in range(4):
        pts, nrm = side_samples(quad, i, 16)
        on = []
        for off in (C.QUAD_EDGE_OFF, -C.QUAD_EDGE_OFF):
            xy = np.round(pts + off * nrm).astype(int)
            ok = (xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)
            v = np.zeros(len(xy))
            v[ok] = mask[xy[ok, 1], xy[ok, 0]]
            on.append(v.mean())
        if on[1] > 1.0 - C.QUAD_EDGE_OUT or on[0] < C.QUAD_EDGE_IN_WEAK:
            return None
        if on[0] < C.QUAD_EDGE_IN:
            # a dark picture's dark edge against dark bars: one side of the four may fade into them
            weak += 1
            if weak > 1:
                return None
    quad = ordered_corners(quad)
    # an upright or turned rectangle is the content box's and the deskew's job
    angles = []
    for i in range(4):
        a, b = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        cosv = float(np.dot(a, b) / max(1e-6, np.linalg.norm(a) * np.linalg.norm(b)))
        angles.append(np.degrees(np.arccos(np.clip(cosv, -1, 1))))
    if max(abs(a - 90.0) for a in angles) < C.QUAD_MIN_SKEW:
        return None
    return quad / np.float32(s)


def hull_quad(hull: np.ndarray, hull_area: float) -> tuple[np.ndarray, float] | None:
    """The convex quadrilateral of a hull's four straight sides and its area, or None when the four sides' lines do not
    explain the hull (QUAD_FIT): its corners may be cut (dark corners against dark bars), not its sides bent."""
    quad = _four_sides(hull.reshape(-1, 2).astype(np.float64))
    if quad is None or not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        return None
    area = cv2.contourArea(quad)
    if not hull_area * C.QUAD_FIT <= area <= hull_area / C.QUAD_FIT ** 2:
        return None
    return quad, area


def ordered_corners(quad: np.ndarray) -> np.ndarray:
    """A quadrilateral's corners clockwise (on screen: y down) from the top-left one (smallest x + y)."""
    c = quad.mean(axis=0)
    quad = quad[np.argsort(np.arctan2(quad[:, 1] - c[1], quad[:, 0] - c[0]))]
    return np.roll(quad, -int(np.argmin(quad.sum(axis=1))), axis=0)


def side_samples(quad: np.ndarray, i: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """N points along side I of a quadrilateral (from 10 % to 90 % of its length) and the side's unit normal pointing
    into the quadrilateral: where a side is sampled just inside and just outside."""
    p, q = quad[i], quad[(i + 1) % 4]
    pts = p + np.linspace(0.1, 0.9, n)[:, None] * (q - p)
    nrm = np.float32([-(q - p)[1], (q - p)[0]]) / max(1e-6, float(np.linalg.norm(q - p)))
    if np.dot(nrm, quad.mean(axis=0) - (p + q) / 2) < 0:
        nrm = -nrm
    return pts, nrm


def _four_sides(hull: np.ndarray) -> np.ndarray | None:
    """The quadrilateral of a convex hull's four longest straight runs (consecutive hull edges of one
    direction merged), corners where their lines meet -> (4, 2) float32 or None."""
    n = len(hull)
    if n < 4:
        return None
    d = np.roll(hull, -1, axis=0) - hull
    length = np.hypot(d[:, 0], d[:, 1])
    ang = np.degrees(np.arctan2(d[:, 1], d[:, 0]))
    # start after the sharpest turn so that no run wraps around the list's end
    turn = np.abs((ang - np.roll(ang, 1) + 180.0) % 360.0 - 180.0)
    k = int(np.argmax(turn))
    order = [(k + i) % n for i in range(n)]
    runs: list[list[int]] = []
    for i in order:
        if length[i] < 1e-6:
            continue
        if runs:
            j = runs[-1][-1]
            if abs((ang[i] - ang[j] + 180.0) % 360.0 - 180.0) <= C.QUAD_RUN_TURN:
                runs[-1].append(i)
                continue
        runs.append([i])
    if len(runs) < 4:
        return None
    run_len = [float(length[r].sum()) for r in runs]
    keep = sorted(sorted(range(len(runs)), key=lambda r: -run_len[r])[:4])
    # straight sides make most of the outline (a disc or a blob has no four sides)
    if sum(run_len[r] for r in keep) < C.QUAD_STRAIGHT * float(length.sum()):
        return None
    lines = []
    for r in keep:
        p0 = hull[runs[r][0]]
        p1 = hull[(runs[r][-1] + 1) % n]
        lines.append((p0, p1 - p0))
    corners = []
    for a in range(4):
        (p, u), (q, v) = lines[a - 1], lines[a]
        den = u[0] * v[1] - u[1] * v[0]
        if abs(den) < 1e-6 * np.hypot(*u) * np.hypot(*v) + 1e-9:
            return None
        t = ((q[0] - p[0]) * v[1] - (q[1] - p[1]) * v[0]) / den
        corners.append(p + t * u)
    return np.float32(corners)


def picture_band(g: np.ndarray, rows: np.ndarray | None = None, colour: np.ndarray | None = None) -> Box | None:
    """The band of sharp picture between two straight seams across the frame (a crop of a picture laid in a
    vertical frame over blurred fill, or its edge against the frame's): rows (or columns) where at least
    BAND_SEAM_SHARE of the frame's width steps by BAND_SEAM_STEP grey levels, the outermost pair around the
    middle, the band between them sharper (median row Laplacian) than the rows outside by BAND_SHARPER. A
    caption bar is narrower than the frame, so it is no seam. None when no such band is found. ROWS: the seam
    rows (seams(g, 0)) when already found; COLOUR: the frame in colour, whose seams are looked for (else g's).
    Integer arithmetic on the uint8 image; the Laplacian only when a pair of seams spans enough of the frame."""
    h, w = g.shape
    lap = None
    best = None
    for axis in (0, 1):
        found = rows if axis == 0 and rows is not None else seams(g if colour is None else colour, axis)
        n = g.shape[axis]
        before, after = found[found < n // 2], found[found > n // 2]
        # the innermost pair round the middle; failing that, the outermost (a picture with straight lines of its own
        # across the frame, a mosaic's grid, has seams inside the band)
        pairs = [(int(before.max()) if before.size else 0, int(after.min()) + 1 if after.size else n)]
        if before.size > 1 or after.size > 1:
            pairs.append((int(before.min()) if before.size else 0, int(after.max()) + 1 if after.size else n))
        for a, b in pairs:
            if (a, b) == (0, n) or b - a < C.BAND_MIN_SHARE * n:
                continue
            if lap is None:
                lap = np.abs(cv2.Laplacian(g, cv2.CV_16S, ksize=1))
            sharp = _line_means(lap, axis)
            outside = np.concatenate([sharp[:max(0, a - 2)], sharp[b + 2:]])
            if outside.size < C.BAND_MIN_OUTSIDE * n or np.median(sharp[a:b]) < C.BAND_SHARPER * np.median(outside):
                continue
            box = (0, a, w, b - a) if axis == 0 else (a, 0, b - a, h)
            if best is None or box[2] * box[3] < best[2] * best[3]:
                best = box
            break
    return best


def _line_means(lap: np.ndarray, axis: int) -> np.ndarray:
    """The mean of each row (axis 0) or column (1) of an integer image (uint8 grey or steps, an int16 |Laplacian|) as
    float32: its sum (whole numbers, exact in float32 below 2**24 whatever the order of adding) over the line's
    length, the same float32 a mean of the float image gives, in a tenth of numpy's time."""
    sums = cv2.reduce(lap, 1 - axis, cv2.REDUCE_SUM, dtype=cv2.CV_32F).ravel()
    return sums / np.float32(lap.shape[1 - axis])


def seams(img: np.ndarray, axis: int) -> np.ndarray:
    """Rows (axis 0) or columns (1) of the uint8 image (grey, or colour: the largest step of any channel, so that a
    layer's edge between two colours of one brightness, a grey box over pink fill, still steps) where the picture
    steps by more than BAND_SEAM_STEP levels over 2 px: a straight edge across the whole frame. A row steps across at
    least BAND_SEAM_SHARE of the frame's width (height); or across BAND_SEAM_LOOSE of it and BAND_SEAM_SPIKE times as
    much as the median row around it (BAND_SEAM_AROUND px each way), in every part of it (BAND_SEAM_PARTS, at least
    BAND_SEAM_PART each): a box of textured footage over fill of the same tone, whose edge steps in part of the
    columns only but in one row all across, where texture steps at random rows and a caption box's edge in the middle."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    step = cv2.absdiff(img[2:], img[:-2]) if axis == 0 else cv2.absdiff(img[:, 2:], img[:, :-2])
    step = np.ascontiguousarray(_channel_max(step))
    _, stepped = cv2.threshold(step, C.BAND_SEAM_STEP, 1, cv2.THRESH_BINARY)
    count = cv2.reduce(stepped, 1 - axis, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    share = count / step.shape[1 - axis]
    seam = share >= C.BAND_SEAM_SHARE
    maybe = np.flatnonzero(~seam & (share >= C.BAND_SEAM_LOOSE))
    if maybe.size:
        k = C.BAND_SEAM_AROUND
        padded = np.pad(share, k, mode="edge")
        around = np.median(np.lib.stride_tricks.sliding_window_view(padded, 2 * k + 1)[maybe], axis=1)
        lines = stepped[maybe] if axis == 0 else stepped[:, maybe].T
        # stepped all across: in every one of BAND_SEAM_PARTS parts of the line (a caption box's edge is not)
        cuts = np.linspace(0, lines.shape[1], C.BAND_SEAM_PARTS + 1).astype(int)
        part = np.add.reduceat(lines.astype(np.int32), cuts[:-1], axis=1) / np.diff(cuts)
        seam[maybe] = (share[maybe] >= C.BAND_SEAM_SPIKE * around) & (part.min(axis=1) >= C.BAND_SEAM_PART)
    return np.flatnonzero(seam) + 1


def picture_strips(g: np.ndarray, rows: np.ndarray | None = None) -> list[Box]:
    """The strips between consecutive seams across the frame (regions.picture_band's seams, rows only: a vertical
    frame stacks its layers), each at least STRIP_MIN_SHARE of the frame's height, when there are at least two
    seams: a box of footage laid across a picture (a cover) leaves the picture's visible part as one strip.
    ROWS: the seam rows (seams(g, 0)) when already found."""
    h, w = g.shape
    found = seams(g, 0) if rows is None else rows
    if found.size < 2:
        return []
    edges = [0, *found.tolist(), h]
    return [(0, a, w, b - a) for a, b in zip(edges[:-1], edges[1:]) if b - a >= C.STRIP_MIN_SHARE * h]


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
    H0, W0 = bgr.shape[:2]
    f = max(1, int(max(H0, W0) // C.PROPOSAL_SIDE))
    if f > 1:
        small = cv2.resize(bgr, (W0 // f, H0 // f), interpolation=cv2.INTER_AREA)
        out = []
        for x, y, w, h in rectangle_proposals(small, limit):
            x1, y1 = min(W0, (x + w) * f), min(H0, (y + h) * f)
            out.append((x * f, y * f, x1 - x * f, y1 - y * f))
        return out
    h, w = bgr.shape[:2]
    # steps over two pixels (a resized border is soft), kept only where they run straight for a while
    gx = np.zeros((h, w), np.uint8)
    gy = np.zeros((h, w), np.uint8)
    gx[:, 1:-1] = _channel_max(cv2.absdiff(bgr[:, 2:], bgr[:, :-2])) > C.EDGE_STEP
    gy[1:-1, :] = _channel_max(cv2.absdiff(bgr[2:, :], bgr[:-2, :])) > C.EDGE_STEP
    # both sides against the frame's short side: a landscape picture pasted small into a vertical
    # frame is short, and a share of the frame's height would miss it
    min_v = min_h = max(12, int(C.PROPOSAL_MIN_SIDE * min(h, w)))
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
    X = np.array(xs)
    Y = np.array(ys)
    # edge support of every candidate side at once: V[x, a, b] = share of rows a..b on an edge at x
    cv_ = np.vstack([np.zeros((1, w), np.int32), np.cumsum(ev, axis=0, dtype=np.int32)])
    ch_ = np.hstack([np.zeros((h, 1), np.int32), np.cumsum(eh, axis=1, dtype=np.int32)])
    xcols = np.clip(X[:, None] + np.array([-1, 0, 1])[None, :], 0, w - 1)          # (nx, 3)
    runs_v = cv_[Y][:, xcols]                                                        # (ny, nx, 3)
    V = (runs_v[None, :, :, :] - runs_v[:, None, :, :]).max(axis=3)                  # (ny a, ny b, nx)
    V = V / np.maximum(1, (Y[None, :] - Y[:, None]))[:, :, None]
    V[:, :, (X <= 0) | (X >= w)] = 1.0   # the frame border counts as an edge (a picture flush with it)
    yrows = np.clip(Y[:, None] + np.array([-1, 0, 1])[None, :], 0, h - 1)
    runs_h = ch_[yrows][:, :, X]                                                     # (ny, 3, nx)
    Hs = (runs_h[:, :, None, :] - runs_h[:, :, :, None]).max(axis=1)                 # (ny, nx a, nx b)
    Hs = Hs / np.maximum(1, (X[None, :] - X[:, None]))[None, :, :]
    Hs[(Y <= 0) | (Y >= h)] = 1.0
    ia, ib = np.triu_indices(len(X), 1)
    ja, jb = np.triu_indices(len(Y), 1)
    wx = X[ib] - X[ia]
    hy = Y[jb] - Y[ja]
    okx = wx >= min_h
    oky = hy >= min_v
    ia, ib, wx = ia[okx], ib[okx], wx[okx]
    ja, jb, hy = ja[oky], jb[oky], hy[oky]
    if not len(ia) or not len(ja):
        return []
    left = V[ja[:, None], jb[:, None], ia[None, :]]                                 # (nyp, nxp)
    right = V[ja[:, None], jb[:, None], ib[None, :]]
    top = Hs[ja[:, None], ia[None, :], ib[None, :]]
    bottom = Hs[jb[:, None], ia[None, :], ib[None, :]]
    sides = np.stack([left, right, top, bottom])
    area = (hy[:, None] * wx[None, :]) / (w * h)
    ok = (sides.min(axis=0) >= C.PROPOSAL_SIDE_SUPPORT) & (area <= C.PROPOSAL_MAX_AREA)
    score = sides.mean(axis=0) + 0.1 * area
    # a side on the frame's border is support for free: pictures framed by four edges of their own
    # (picture-in-picture) take turns with the others (split screens, strips) so neither crowds out the other
    n_border = ((X[ia] <= 0)[None, :].astype(int) + (X[ib] >= w)[None, :] + (Y[ja] <= 0)[:, None] + (Y[jb] >= h)[:, None])
    found = [(float(score[r, c]), bool(n_border[r, c] == 0), int(r), int(c)) for r, c in zip(*np.nonzero(ok))]
    found.sort(key=lambda f: -f[0])

    def box_of(r: int, c: int) -> Box:
        return int(X[ia[c]]), int(Y[ja[r]]), int(wx[c]), int(hy[r])

    # a straight edge right across a box, parallel to two of its sides: two stacked regions (a picture
    # and a caption bar or fill above it), not one picture; such boxes come after all the others.
    # (the edge must be as well supported as the box's own sides: a card's inner frame lines stop
    # short of its edge; and it must lie inside the box, not on a doubled side)
    rr, cc = np.nonzero(ok)
    mxs = np.maximum(4, (C.PROPOSAL_CROSS_MARGIN * wx[cc]).astype(int))
    mys = np.maximum(4, (C.PROPOSAL_CROSS_MARGIN * hy[rr]).astype(int))
    inner_x = (X[None, :] > (X[ia[cc]] + mxs)[:, None]) & (X[None, :] < (X[ib[cc]] - mxs)[:, None])   # (n, nx)
    inner_y = (Y[None, :] > (Y[ja[rr]] + mys)[:, None]) & (Y[None, :] < (Y[jb[rr]] - mys)[:, None])   # (n, ny)
    v_in = np.where(inner_x, V[ja[rr], jb[rr], :], 0.0).max(axis=1, initial=0.0)
    h_in = np.where(inner_y, Hs[:, ia[cc], ib[cc]].T, 0.0).max(axis=1, initial=0.0)
    cross_v = np.maximum(C.PROPOSAL_CROSS_MIN, np.minimum(C.PROPOSAL_CROSS, np.minimum(left[rr, cc], right[rr, cc])))
    cross_h = np.maximum(C.PROPOSAL_CROSS_MIN, np.minimum(C.PROPOSAL_CROSS, np.minimum(top[rr, cc], bottom[rr, cc])))
    crossed = np.zeros(ok.shape, bool)
    crossed[rr, cc] = (inner_x.any(axis=1) & (v_in >= cross_v)) | (inner_y.any(axis=1) & (h_in >= cross_h))

    sums = None

    def flat(b: Box) -> bool:
        """A flat box (a bar, the fill between edges) is no picture: it would take a slot for nothing
        (its inside: the box's sides lie on edges, so its rim is never flat)."""
        nonlocal sums
        if sums is None:
            sums = cv2.integral2(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr)
        mx, my = b[2] // 8, b[3] // 8
        x0, y0, x1, y1 = b[0] + mx, b[1] + my, b[0] + b[2] - mx, b[1] + b[3] - my
        n = max(1, (x1 - x0) * (y1 - y0))
        s1 = sums[0][y1, x1] - sums[0][y0, x1] - sums[0][y1, x0] + sums[0][y0, x0]
        s2 = sums[1][y1, x1] - sums[1][y0, x1] - sums[1][y1, x0] + sums[1][y0, x0]
        return float(np.sqrt(max(0.0, s2 / n - (s1 / n) ** 2))) < C.REGION_MIN_STD

    # boxes framed by four edges of their own and boxes on the frame's border take turns; boxes that
    # an edge crosses come after all the others
    queues = [[f for f in found if f[1]], [f for f in found if not f[1]]]
    later: list[list] = [[], []]
    out: list[Box] = []
    turn = 0
    for qs in (queues, later):
        while len(out) < limit and (qs[0] or qs[1]):
            k = turn if qs[turn] else 1 - turn
            f = qs[k].pop(0)
            b = box_of(f[2], f[3])
            if any(_iou(b, o) >= 0.9 for o in out):
                continue
            if qs is queues and crossed[f[2], f[3]]:
                later[k].append(f)
                continue
            if flat(b):
                continue
            out.append(b)
            turn = 1 - turn
    return out


def _channel_max(d: np.ndarray) -> np.ndarray:
    """Per-pixel maximum over the colour channels (NumPy's max over a 3-long last axis is slow)."""
    if d.ndim == 2:
        return d
    out = d[..., 0]
    for k in range(1, d.shape[2]):
        out = np.maximum(out, d[..., k])
    return out


def _iou(a: Box, b: Box) -> float:
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0, min(ax1, bx1) - max(a[0], b[0]))
    ih = max(0, min(ay1, by1) - max(a[1], b[1]))
    inter = iw * ih
    return inter / max(1, a[2] * a[3] + b[2] * b[3] - inter)


def montage_cells(bgr: np.ndarray, small: np.ndarray | None = None) -> list[Box]:
    """The pictures of a montage (a split screen of 2-4 pictures: 2x1, 1x2, 2x2, three strips) -> their
    boxes in frame pixels, largest first; [] when the frame is not one (fewer than two cells).

    Two cues, both cheap: pictures fitted into their cells leave solid padding between them (each picture
    is then a near-rectangular blob that differs from the padding's colour), and pictures cropped to fill
    their cells meet on a straight gutter running right across (an edge over nearly the whole width or
    height). Blobs are found first, then each is split on its gutters. SMALL: `at_side(bgr, MONTAGE_SIDE)`, when
    the caller has it."""
    h0, w0 = bgr.shape[:2]
    s = C.MONTAGE_SIDE / max(h0, w0)
    small = at_side(bgr, C.MONTAGE_SIDE) if small is None else small
    if small.ndim == 2:
        small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    h, w = small.shape[:2]
    blobs = _padded_pictures(small)
    cells: list[Box] = []
    for b in blobs or [(0, 0, w, h)]:
        cells.extend(_split_on_gutters(small, b, C.MONTAGE_MAX_CELLS, (h, w)))
    cells = [c for c in cells if c[2] * c[3] >= C.MONTAGE_MIN_CELL * w * h]
    if len(cells) < 2:
        return []
    cells.sort(key=lambda c: -c[2] * c[3])
    out = []
    for x, y, bw, bh in cells[: C.MONTAGE_MAX_CELLS]:
        x0, y0 = int(np.floor(x / s)), int(np.floor(y / s))
        x1, y1 = min(w0, int(np.ceil((x + bw) / s))), min(h0, int(np.ceil((y + bh) / s)))
        out.append((x0, y0, x1 - x0, y1 - y0))
    return out


def _padded_pictures(small: np.ndarray) -> list[Box]:
    """Near-rectangular blobs that differ from the frame's padding colour (the commonest colour of its
    outer ring) -> their boxes; [] when fewer than two (one picture in bars is the content box's job)."""
    h, w = small.shape[:2]
    ring = np.concatenate([small[:2].reshape(-1, 3), small[-2:].reshape(-1, 3),
                           small[:, :2].reshape(-1, 3), small[:, -2:].reshape(-1, 3)]).astype(np.int16)
    bar = np.median(ring, axis=0)
    if (np.abs(ring - bar).max(axis=1) <= C.QUAD_BAR_TOL).mean() < C.MONTAGE_BAR_SHARE:
        return []
    mask = (np.abs(small.astype(np.int16) - bar).max(axis=2) > C.QUAD_BAR_TOL).astype(np.uint8)
    # a picture's own dark patches touching the padding must not split or notch it: close small gaps
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    big = [tuple(int(v) for v in stats[i][:4]) for i in range(1, n)
           if stats[i][2] * stats[i][3] >= C.MONTAGE_MIN_CELL * w * h]
    out = []
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if bw * bh >= C.MONTAGE_MIN_CELL * w * h and area >= C.MONTAGE_BLOB_FILL * bw * bh \
                and min(bw, bh) >= 0.1 * min(w, h) \
                and not any(o != (x, y, bw, bh) and o[2] * o[3] > bw * bh and inside((x, y, bw, bh), o) >= 0.9 for o in big):
            # (a blob inside another one is no picture of its own: the inside of a dark ring in an icon)
            out.append((x, y, bw, bh))
    return out if len(out) >= 2 else []


def inside(a: Box, b: Box) -> float:
    """Share of box a that lies inside box b."""
    iw = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return iw * ih / max(1, a[2] * a[3])


def _split_on_gutters(small: np.ndarray, box: Box, limit: int, frame: tuple[int, int]) -> list[Box]:
    """`box` cut on straight gutters that run right across it (the seam of two pictures cropped to fill
    their cells), recursively, into at most `limit` boxes. A cut leaves at least MONTAGE_MIN_STRIP of the
    frame's side (`frame`: its height, width) on both sides: the edges of a caption bar run right across
    a frame too, and the strips they cut off are no pictures of a montage."""
    x, y, bw, bh = box
    if limit < 2:
        return [box]
    roi = small[y:y + bh, x:x + bw]
    best = None
    for axis in (0, 1):                      # 0: a horizontal gutter (rows), 1: a vertical one (columns)
        n = bh if axis == 0 else bw
        if n < 24:
            continue
        if axis == 0:
            step = _channel_max(cv2.absdiff(roi[2:], roi[:-2])) > C.EDGE_STEP       # (bh - 2, bw)
            support = step.mean(axis=1)
        else:
            step = _channel_max(cv2.absdiff(roi[:, 2:], roi[:, :-2])) > C.EDGE_STEP  # (bh, bw - 2)
            support = step.mean(axis=0)
        # a one-pixel-wide seam shows on two neighbouring lines at most
        lo, hi = int(C.MONTAGE_GUTTER_MARGIN * n), int((1 - C.MONTAGE_GUTTER_MARGIN) * n)
        if hi - 1 <= lo:
            continue
        strip = C.MONTAGE_MIN_STRIP * frame[axis]
        for k in np.argsort(-support[lo - 1:hi - 1])[:3] + lo - 1:
            if support[k] < C.MONTAGE_GUTTER:
                break
            if min(k + 1, n - k - 1) < strip:
                continue
            # a picture's edge against its own padding is no gutter: both sides must be picture
            # (a few lines off the seam: the seam's own blur is no picture)
            sides = (roi[:max(1, k - 2)], roi[k + 4:]) if axis == 0 else (roi[:, :max(1, k - 2)], roi[:, k + 4:])
            if min(float(cv2.cvtColor(p, cv2.COLOR_BGR2GRAY).std()) if p.size else 0.0 for p in sides) < C.REGION_MIN_STD:
                continue
            if best is None or support[k] > best[0]:
                best = (float(support[k]), axis, int(k) + 1)
            break
    if best is None:
        return [box]
    _, axis, k = best
    a, b = ((x, y, bw, k), (x, y + k, bw, bh - k)) if axis == 0 else ((x, y, k, bh), (x + k, y, bw - k, bh))
    first = _split_on_gutters(small, a, limit - 1, frame)
    return first + _split_on_gutters(small, b, limit - len(first), frame)
