"""Local features (ORB) and geometric verification (RANSAC homography) of candidate references.

Verification decides partial, scaled, rotated, perspective and picture-in-picture copies, and rejects
near-misses: a copy matches densely over the part of the reference that is visible, while another
pose of the same character shares only a few details (low coverage) or no consistent geometry.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

import cv2
import numpy as np

from matcher import constants as C
from matcher.references import laid_over

_ORB_CACHE: dict[int, cv2.ORB] = {}
_RESPONSE = attrgetter("response")


def _responses(kps) -> np.ndarray:
    """The keypoints' responses (no Python frame per keypoint)."""
    return np.fromiter(map(_RESPONSE, kps), np.float32, len(kps))


def orb(n: int) -> cv2.ORB:
    if n not in _ORB_CACHE:
        _ORB_CACHE[n] = cv2.ORB_create(nfeatures=n, scaleFactor=1.2, nlevels=8, edgeThreshold=15,
                                       patchSize=31, fastThreshold=10)
    return _ORB_CACHE[n]


def features(grey_img: np.ndarray, n: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """ORB keypoints spread over a grid -> (xy float32 (N, 2), descriptors uint8 (N, 32)).

    Plain ORB keeps the strongest corners of the whole image, so captions, text and busy
    backgrounds take every keypoint; a per-cell quota leaves some for the art.
    """
    h, w = grey_img.shape[:2]
    kps = orb(n * C.FEATURE_OVERSAMPLE).detect(grey_img, mask)
    if not kps:
        return np.empty((0, 2), np.float32), np.empty((0, 32), np.uint8)
    spread_order = len(kps) > n
    if spread_order:
        gx = max(1, round((C.FEATURE_CELLS * w / h) ** 0.5))
        gy = max(1, round(C.FEATURE_CELLS / gx))
        pts = cv2.KeyPoint_convert(kps)
        resp = _responses(kps)
        cell = (np.minimum(gy - 1, (pts[:, 1] * gy / h).astype(int)) * gx
                + np.minimum(gx - 1, (pts[:, 0] * gx / w).astype(int)))
        order = np.lexsort((-resp, cell))          # by cell, strongest first inside each cell
        rank = np.empty(len(kps), np.int64)
        cs = cell[order]
        starts = np.r_[0, np.flatnonzero(np.diff(cs)) + 1]
        counts = np.diff(np.r_[starts, len(cs)])
        rank[order] = np.arange(len(cs)) - np.repeat(starts, counts)
        quota = max(4, int(1.5 * n / (gx * gy)))
        keep = np.flatnonzero(rank < quota)
        # round-robin over the cells (each cell's strongest first): any head of the list is spread out
        keep = keep[np.lexsort((-resp[keep], rank[keep]))][:n]
        kps = [kps[i] for i in keep]
    kps, desc = orb(n * C.FEATURE_OVERSAMPLE).compute(grey_img, kps)
    if desc is None or not kps:
        return np.empty((0, 2), np.float32), np.empty((0, 32), np.uint8)
    # keep the spread order (compute may drop a few keypoints near borders, never reorders them);
    # an index keeps the head of each reference's list for its coarse search
    order = np.arange(len(kps)) if spread_order else np.argsort(-_responses(kps), kind="stable")
    return cv2.KeyPoint_convert(kps)[order].reshape(-1, 2).astype(np.float32), desc[order]


@dataclass
class Verification:
    model: int              # reference * 2 + mirrored
    inliers: int
    matches: int
    coverage: float         # inliers / reference keypoints that land inside the frame
    reference_share: float  # share of the reference's area visible inside the frame
    quad: np.ndarray        # the reference's corners on the frame (4, 2)
    box: tuple[int, int, int, int]
    score: float
    H: np.ndarray | None = None       # reference (feature scale) -> frame
    appearance: float = 1.0
    spread: float = 1.0               # share of keypoint-rich reference cells that hold an inlier
    cells_all: np.ndarray | None = None
    cells_in: np.ndarray | None = None
    rich: np.ndarray | None = None
    inlier_xy: np.ndarray | None = None   # the inliers on the reference (feature scale)
    window: float = 1.0               # share of the reference the inliers' box spans (a partial view: under 1)


def feature_score(inliers: int, coverage: float, coverage_full: float = C.COVERAGE_FULL) -> float:
    """Map inliers and coverage to [0, 1]; 0.5 is the calibrated decision point (DEFAULT_THRESHOLD).
    coverage_full: the reference's (what a clean copy of it reaches, at most COVERAGE_FULL)."""
    if inliers < C.MIN_INLIERS:
        return 0.0
    s_n = 1.0 - np.exp(-(inliers - C.MIN_INLIERS + 4) / 10.0)   # 10 -> 0.33, 20 -> 0.75, 30 -> 0.91
    s_c = min(1.0, coverage / coverage_full)
    return float(np.clip(s_n * (0.35 + 0.65 * s_c), 0.0, 1.0))


def _good_quad(quad: np.ndarray, frame_w: int, frame_h: int) -> bool:
    q = quad.astype(np.float32)
    if not np.all(np.isfinite(q)):
        return False
    if not cv2.isContourConvex(q.reshape(-1, 1, 2)):
        return False
    area = cv2.contourArea(q)
    if area < C.MIN_BOX_SIDE ** 2:
        return False
    sides = np.linalg.norm(q - np.roll(q, 1, axis=0), axis=1)
    if sides.min() < 1 or sides.max() / sides.min() > 12:
        return False
    # opposite sides of a (mildly) perspective copy stay within a factor of each other
    if max(sides[0], sides[2]) / max(1e-6, min(sides[0], sides[2])) > 3.0:
        return False
    if max(sides[1], sides[3]) / max(1e-6, min(sides[1], sides[3])) > 3.0:
        return False
    return True


def verify(frame_xy: np.ndarray, frame_desc: np.ndarray, model: int, ref_xy: np.ndarray,
           ref_desc: np.ndarray, ref_size: tuple[int, int], frame_size: tuple[int, int],
           matcher: cv2.BFMatcher | None = None, pairs: tuple[np.ndarray, np.ndarray] | None = None,
           visible: tuple[int, int, int, int] | None = None,
           extra: tuple[np.ndarray, np.ndarray] | None = None, coverage_full: float = C.COVERAGE_FULL,
           flat: bool = False) -> Verification | None:
    """Match a frame against one reference model and fit a homography; None when it does not hold.

    pairs: (frame rows, reference rows) already matched by the index search; else matched here.
    visible: the part of the frame that shows picture (inside solid bars): reference keypoints that
    land on the bars are not visible, so they do not count against coverage.
    extra: (frame rows, reference rows) added to the matches found here (the index search's pairs).
    flat: the copy is laid flat on the frame (a sticker): a similarity only, no homography (one fitted on the inliers
    of an enlarged small sticker bends its far side a few px: the detail check then reads its wordmark as changed)."""
    if len(frame_desc) < C.MIN_INLIERS or len(ref_desc) < C.MIN_INLIERS:
        return None
    if pairs is not None:
        src_a = np.float32(ref_xy[pairs[1]]).reshape(-1, 2)
        dst_a = np.float32(frame_xy[pairs[0]]).reshape(-1, 2)
    elif hasattr(matcher, "knn2"):
        # the nearest two as arrays: the ratio test without a Python object per match
        i1, d1, i2, d2 = matcher.knn2(ref_desc, frame_desc)
        ok = (i2 < 0) | (d1 < C.RATIO * d2)
        src_a = np.float32(ref_xy[ok]).reshape(-1, 2)
        dst_a = np.float32(frame_xy[i1[ok]]).reshape(-1, 2)
    else:
        src, dst = [], []
        bf = matcher or cv2.BFMatcher(cv2.NORM_HAMMING)
        for pair in bf.knnMatch(ref_desc, frame_desc, k=2):
            if (len(pair) == 2 and pair[0].distance < C.RATIO * pair[1].distance) or len(pair) == 1:
                src.append(ref_xy[pair[0].queryIdx])
                dst.append(frame_xy[pair[0].trainIdx])
        src_a = np.float32(src).reshape(-1, 2)
        dst_a = np.float32(dst).reshape(-1, 2)
    if extra is not None and pairs is None and len(extra[0]):
        both = np.unique(np.vstack([np.hstack([src_a, dst_a]),
                                    np.hstack([ref_xy[extra[1]], frame_xy[extra[0]]]).astype(np.float32)]), axis=0)
        src_a, dst_a = np.ascontiguousarray(both[:, :2]), np.ascontiguousarray(both[:, 2:])
    if len(src_a) < C.MIN_INLIERS:
        return None
    # a similarity (scale, rotation, shift) first: robust with few inliers; then a homography for
    # perspective copies, kept only when it is a sane quadrilateral that explains at least as much
    A, inl = cv2.estimateAffinePartial2D(src_a, dst_a, method=cv2.RANSAC, ransacReprojThreshold=C.RANSAC_PX,
                                         maxIters=2000, confidence=0.995)
    if A is None or inl is None or int(inl.sum()) < C.MIN_INLIERS:
        return None
    H = np.vstack([A, [0.0, 0.0, 1.0]])
    # the homography is fitted on the similarity's inliers only (few outliers left: cheap), then
    # judged on every match
    ai = inl.ravel().astype(bool)
    Hp = None if flat else cv2.findHomography(src_a[ai], dst_a[ai], cv2.RANSAC, C.RANSAC_PX, maxIters=200, confidence=0.99)[0]
    if Hp is not None:
        proj = cv2.perspectiveTransform(src_a.reshape(-1, 1, 2), Hp).reshape(-1, 2)
        inl_p = (np.linalg.norm(proj - dst_a, axis=1) <= C.RANSAC_PX).astype(np.uint8)
        if int(inl_p.sum()) > int(inl.sum()):
            corners_p = cv2.perspectiveTransform(np.float32([[0, 0], [ref_size[0], 0], [ref_size[0], ref_size[1]],
                                                             [0, ref_size[1]]]).reshape(-1, 1, 2), Hp).reshape(4, 2)
            if _good_quad(corners_p, *frame_size):
                H, inl = Hp, inl_p
    inl = inl.ravel().astype(bool)
    # one frame point used by many reference points is a degenerate cluster, count it once
    n_in = len(np.unique(np.round(dst_a[inl]).astype(np.int32), axis=0))
    if n_in < C.MIN_INLIERS:
        return None
    rw, rh = ref_size
    fw, fh = frame_size
    corners = np.float32([[0, 0], [rw, 0], [rw, rh], [0, rh]]).reshape(-1, 1, 2)
    quad = cv2.perspectiveTransform(corners, H).reshape(4, 2)
    if not _good_quad(quad, fw, fh):
        return None
    # inliers must be spread over the reference, not bunched in one corner
    sp = src_a[inl]
    spread = (np.ptp(sp[:, 0]) / rw) * (np.ptp(sp[:, 1]) / rh)
    if spread < C.MIN_SPREAD:
        return None
    proj = cv2.perspectiveTransform(ref_xy.reshape(-1, 1, 2).astype(np.float32), H).reshape(-1, 2)
    inside = _inside(proj, (0, 0, fw, fh) if visible is None else visible)
    coverage = n_in / max(1, int(inside.sum()))
    # where on the reference the inliers are: a near-miss that shares a template (a card frame, a
    # logo) matches only there, while a copy matches wherever the reference has keypoints
    gs = C.SPREAD_GRID
    cx = np.minimum(gs - 1, (ref_xy[:, 0] * gs / rw).astype(int))
    cy = np.minimum(gs - 1, (ref_xy[:, 1] * gs / rh).astype(int))
    cells_all = np.bincount((cy * gs + cx)[inside], minlength=gs * gs)
    icx = np.minimum(gs - 1, (sp[:, 0] * gs / rw).astype(int))
    icy = np.minimum(gs - 1, (sp[:, 1] * gs / rh).astype(int))
    cells_in = np.bincount(icy * gs + icx, minlength=gs * gs)
    rich = cells_all >= max(4, 0.5 * cells_all[cells_all > 0].mean()) if (cells_all > 0).any() else cells_all > 0
    cell_spread = float((cells_in[rich] > 0).mean()) if rich.any() else 0.0
    frame_poly = np.float32([[0, 0], [fw, 0], [fw, fh], [0, fh]])
    clipped, _ = cv2.intersectConvexConvex(quad.astype(np.float32), frame_poly)
    quad_area = max(1e-6, cv2.contourArea(quad.astype(np.float32)))
    ref_share = float(np.clip(clipped / quad_area, 0.0, 1.0))
    x0, y0 = np.floor(np.clip(quad.min(axis=0), 0, [fw, fh])).astype(int)
    x1, y1 = np.ceil(np.clip(quad.max(axis=0), 0, [fw, fh])).astype(int)
    box = (int(x0), int(y0), int(max(1, x1 - x0)), int(max(1, y1 - y0)))
    if box[2] < C.MIN_BOX_SIDE or box[3] < C.MIN_BOX_SIDE:
        return None
    return Verification(model=model, inliers=n_in, matches=len(src_a), coverage=float(coverage),
                        reference_share=ref_share, quad=quad, box=box, score=feature_score(n_in, coverage, coverage_full), H=H, spread=cell_spread,
                        cells_all=cells_all, cells_in=cells_in, rich=rich, inlier_xy=sp)


def _inside(pts: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x, y, w, h = box
    return (pts[:, 0] >= x) & (pts[:, 0] < x + w) & (pts[:, 1] >= y) & (pts[:, 1] < y + h)


def on_whole_frame(v: Verification, ref_xy: np.ndarray, ref_size: tuple[int, int], frame_size: tuple[int, int],
                   visible: tuple[int, int, int, int] | None = None, coverage_full: float = C.COVERAGE_FULL) -> None:
    """Coverage and spread again once v.H maps to the whole frame (v was verified on a region's features):
    reference keypoints that land on the frame outside the region are visible too, and unmatched. A region
    cut around the part two cards share (the text box of a deck) otherwise covers that part only."""
    rw, rh = ref_size
    fw, fh = frame_size
    proj = cv2.perspectiveTransform(ref_xy.reshape(-1, 1, 2).astype(np.float32), v.H).reshape(-1, 2)
    inside = _inside(proj, (0, 0, fw, fh) if visible is None else visible)
    v.coverage = v.inliers / max(1, int(inside.sum()))
    gs = C.SPREAD_GRID
    cx = np.minimum(gs - 1, (ref_xy[:, 0] * gs / rw).astype(int))
    cy = np.minimum(gs - 1, (ref_xy[:, 1] * gs / rh).astype(int))
    cells_all = np.bincount((cy * gs + cx)[inside], minlength=gs * gs)
    rich = cells_all >= max(4, 0.5 * cells_all[cells_all > 0].mean()) if (cells_all > 0).any() else cells_all > 0
    v.cells_all, v.rich = cells_all, rich
    if v.cells_in is not None:
        v.spread = float((v.cells_in[rich] > 0).mean()) if rich.any() else 0.0
    frame_poly = np.float32([[0, 0], [fw, 0], [fw, fh], [0, fh]])
    clipped, _ = cv2.intersectConvexConvex(v.quad.astype(np.float32), frame_poly)
    v.reference_share = float(np.clip(clipped / max(1e-6, cv2.contourArea(v.quad.astype(np.float32))), 0.0, 1.0))
    v.score = feature_score(v.inliers, v.coverage, coverage_full)


def window_box(v: Verification, ref_size: tuple[int, int]) -> tuple[float, float, float, float]:
    """The part of the reference a partial view shows, as the inliers say: their box (reference feature
    scale) grown by PARTIAL_WINDOW_PAD of the reference's side each way -> (x0, y0, x1, y1)."""
    rw, rh = ref_size
    (x0, y0), (x1, y1) = v.inlier_xy.min(axis=0), v.inlier_xy.max(axis=0)
    px, py = C.PARTIAL_WINDOW_PAD * rw, C.PARTIAL_WINDOW_PAD * rh
    return (max(0.0, x0 - px), max(0.0, y0 - py), min(float(rw), x1 + px), min(float(rh), y1 + py))


def window_coverage(v: Verification, ref_xy: np.ndarray, ref_size: tuple[int, int], frame_size: tuple[int, int],
                    visible: tuple[int, int, int, int] | None, win: tuple[float, float, float, float]) -> float:
    """Inliers / the reference keypoints inside the window that land on the visible frame: the coverage of
    a copy whose other part is covered by footage or cropped away (outside the window nothing is asked)."""
    fw, fh = frame_size
    proj = cv2.perspectiveTransform(ref_xy.reshape(-1, 1, 2).astype(np.float32), v.H).reshape(-1, 2)
    x0, y0, x1, y1 = win
    inside = (_inside(proj, (0, 0, fw, fh) if visible is None else visible)
              & (ref_xy[:, 0] >= x0) & (ref_xy[:, 0] <= x1) & (ref_xy[:, 1] >= y0) & (ref_xy[:, 1] <= y1))
    return v.inliers / max(1, int(inside.sum()))


def window_cells(win: tuple[float, float, float, float], ref_size: tuple[int, int], grid: int) -> np.ndarray:
    """(grid, grid) bool: reference cells whose centre lies inside the window."""
    rw, rh = ref_size
    c = (np.arange(grid) + 0.5) / grid
    xs, ys = c * rw, c * rh
    return ((ys[:, None] >= win[1]) & (ys[:, None] <= win[3])) & ((xs[None, :] >= win[0]) & (xs[None, :] <= win[2]))


def window_factor(share: float) -> float:
    """Score factor of a match on part of the reference only: PARTIAL_WINDOW_FLOOR at PARTIAL_WINDOW_MIN
    of its area, 1 for the whole of it (less of the reference seen is less sure)."""
    t = (share - C.PARTIAL_WINDOW_MIN) / max(1e-6, 1.0 - C.PARTIAL_WINDOW_MIN)
    return float(C.PARTIAL_WINDOW_FLOOR + (1.0 - C.PARTIAL_WINDOW_FLOOR) * np.clip(t, 0.0, 1.0))


def thumbnail_of(grey_ref: np.ndarray, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The reference as a THUMB_SIDE square grey thumbnail and its opacity mask (aspect is not kept)."""
    t = C.THUMB_SIDE
    th = cv2.resize(grey_ref, (t, t), interpolation=cv2.INTER_AREA)
    m = np.full((t, t), 255, np.uint8) if mask is None else cv2.resize(mask, (t, t), interpolation=cv2.INTER_AREA)
    return th, m


def appearance(frame_grey: np.ndarray, H: np.ndarray, ref_size: tuple[int, int], thumb: np.ndarray,
               thumb_mask: np.ndarray, min_cells: int = 3, covered_out: np.ndarray | None = None,
               overlay_rows: np.ndarray | None = None, visible: tuple[int, int, int, int] | None = None,
               cells_in_view: np.ndarray | None = None) -> float:
    """Share of the reference's textured, visible cells whose pixels agree with the frame under H.

    Geometry alone accepts a near-miss that shares a template (the frame of a card, a logo, the text
    box); comparing the pixels cell by cell rejects it, because the art inside does not agree.
    visible: the part of the frame that shows picture (inside solid bars); where a crop of the
    reference reaches past it, the bars are not its pixels.
    cells_in_view: (APPEAR_GRID, APPEAR_GRID) bool, the cells to compare (a partial view's window); all if None.
    """
    t = C.THUMB_SIDE
    rw, rh = ref_size
    S = np.array([[rw / t, 0, 0], [0, rh / t, 0], [0, 0, 1]], np.float64)
    Ht = H @ S                                        # thumbnail -> frame
    Ht0 = Ht
    # shrink the frame first when the copy is much larger than the thumbnail (no aliasing)
    corners = cv2.perspectiveTransform(np.float32([[0, 0], [t, 0], [t, t], [0, t]]).reshape(-1, 1, 2), Ht)
    side = float(np.sqrt(max(1.0, cv2.contourArea(corners.reshape(4, 2)))))
    f = side / t
    img = frame_grey
    k = 1.0
    if f > 2.0:
        k = 1.0 / (f / 1.5)
        img = cv2.resize(frame_grey, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        Ht = np.diag([k, k, 1.0]) @ Ht
    if visible is not None:
        vx, vy, vw, vh = visible
        x0, y0 = int(vx * k), int(vy * k)
        img = img[y0:max(y0 + 1, int(np.ceil((vy + vh) * k))), x0:max(x0 + 1, int(np.ceil((vx + vw) * k)))]
        Ht = np.array([[1.0, 0, -x0], [0, 1.0, -y0], [0, 0, 1]]) @ Ht
    # past the picture's edge the frame is continued (replicated), not black: a cell the edge cuts
    # through is compared on its picture part instead of on a false edge
    warped = cv2.warpPerspective(img, Ht, (t, t), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                 borderMode=cv2.BORDER_REPLICATE)
    valid = cv2.warpPerspective(np.full(img.shape[:2], 255, np.uint8), Ht, (t, t),
                                flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0)
    if thumb_mask.min() < 255:
        # see-through art (a title logo, a sticker; flattened on FLATTEN_BACKGROUND when indexed): a copy shows
        # footage through its gaps, which on the white the thumbnail has there turns a gap's edges inside out. The
        # reference laid over what the frame shows there is what a copy looks like; its own pixels are unchanged
        thumb = laid_over(thumb, warped, thumb_mask.astype(np.float32) / 255.0)
    # compare detail, not shading: a smooth gradient agrees with anything on raw pixels
    # (slightly smoothed first: point-like detail such as stars must survive a pixel of misalignment)
    th_s = cv2.GaussianBlur(thumb.astype(np.float32), (0, 0), C.APPEAR_SMOOTH)
    wa_s = cv2.GaussianBlur(warped.astype(np.float32), (0, 0), C.APPEAR_SMOOTH)
    th_hp = th_s - cv2.blur(th_s, (7, 7))
    wa_hp = wa_s - cv2.blur(wa_s, (7, 7))
    g = C.APPEAR_GRID
    c = t // g
    band = np.zeros((g, g), bool)
    if overlay_rows is not None and overlay_rows.any():
        centres = np.float32([[(j + 0.5) * c, (i + 0.5) * c] for i in range(g) for j in range(g)]).reshape(-1, 1, 2)
        fy = cv2.perspectiveTransform(centres, Ht0).reshape(g, g, 2)[..., 1]
        fy = np.clip(np.round(fy).astype(int), 0, len(overlay_rows) - 1)
        band = overlay_rows[fy]

    def cells(a: np.ndarray) -> np.ndarray:        # (t, t) -> (g, g, c * c): one row of pixels per cell
        return a.reshape(g, c, g, c).swapaxes(1, 2).reshape(g, g, c * c)

    a, b = cells(th_hp), cells(wa_hp)
    raw, th_raw = cells(warped).astype(np.int16), cells(thumb).astype(np.int16)
    seen = (cells(valid).mean(axis=2) >= 200) & (cells(thumb_mask).mean(axis=2) >= 200)
    if cells_in_view is not None:
        seen &= cells_in_view      # a partial view: only its window of the reference is compared
    sa, sb = a.std(axis=2), b.std(axis=2)
    med, th_med = _cell_median(raw), _cell_median(th_raw)
    uniform = (np.abs(raw - med[..., None]) <= C.OVERLAY_TOL).mean(axis=2)
    th_uniform = (np.abs(th_raw - th_med[..., None]) <= C.OVERLAY_TOL).mean(axis=2)
    # a caption-like row that is the reference's own plain area (the white of a card, a graph or an
    # icon filling the frame's width: both mostly one tone, the same tone) is compared as usual
    same_tone = (th_uniform >= C.OVERLAY_UNIFORM) & (np.abs(med - th_med) <= 2 * C.OVERLAY_TOL)
    in_band = band & ~same_tone
    # blank in the reference: blank on the frame agrees, drawn-on disagrees
    blank = seen & (sa < C.APPEAR_MIN_STD) & ~in_band
    # flat on the frame, or mostly one tone (a caption bar with its text, a sticker) where the
    # reference is not: covered, says little
    cov = seen & ~blank & (in_band | (sb < C.APPEAR_FLAT) | ((uniform >= C.OVERLAY_UNIFORM) & (th_uniform < C.OVERLAY_UNIFORM)))
    comp = seen & ~blank & ~cov
    with np.errstate(divide="ignore", invalid="ignore"):
        ncc = ((a - a.mean(axis=2, keepdims=True)) * (b - b.mean(axis=2, keepdims=True))).mean(axis=2) / (sa * sb)
    if covered_out is not None:
        # (inlier spread leaves out caption bands only: a flat or one-tone cell elsewhere may be a
        # sticker, or the flat art of a look-alike that shares the rest)
        covered_out |= cov & in_band
    compared = int(comp.sum())
    compared_agree = int((comp & (ncc >= C.APPEAR_NCC)).sum())
    covered = int(cov.sum())
    total = int(blank.sum()) + compared
    agree = int((blank & (sb < 2 * C.APPEAR_MIN_STD)).sum()) + compared_agree
    if min_cells > 3 and (compared < min_cells or compared_agree < min_cells // 2):
        return 0.0   # too little detail compared to call it a match on appearance alone
    if total < min_cells:
        return 1.0 if total == 0 and covered == 0 else (agree / total if total else 0.0)
    # a copy may be partly covered, but not mostly: covered cells count against it beyond 40 %
    return agree / max(total, 0.6 * (total + covered))


def overlay_rows(grey_frame: np.ndarray) -> np.ndarray:
    """Rows of the frame that are mostly one tone across its width: caption bars (and letterbox bars)."""
    g = grey_frame[:, ::2]
    # caption bars are white or black (a mid-tone uniform row is more likely a gradient or a sky): a
    # row can only qualify when OVERLAY_ROW of it lies within OVERLAY_TOL of a bright or dark median,
    # so medians are taken only of rows with that many pixels that bright or that dark
    lo, hi = C.OVERLAY_BRIGHT - C.OVERLAY_TOL, C.OVERLAY_DARK + C.OVERLAY_TOL
    maybe = np.flatnonzero(((g >= lo).mean(axis=1) >= C.OVERLAY_ROW) | ((g <= hi).mean(axis=1) >= C.OVERLAY_ROW))
    rows = np.zeros(len(g), bool)
    if len(maybe):
        gm = g[maybe].astype(np.int16)
        med = np.median(gm, axis=1, keepdims=True)
        rows[maybe] = (((np.abs(gm - med) <= C.OVERLAY_TOL).mean(axis=1) >= C.OVERLAY_ROW)
                       & ((med[:, 0] >= C.OVERLAY_BRIGHT) | (med[:, 0] <= C.OVERLAY_DARK)))
    # only bands, not single uniform lines inside a picture
    k = max(3, grey_frame.shape[0] // 100)
    return np.convolve(rows.astype(np.float32), np.ones(k) / k, mode="same") >= 0.99


def _cell_median(x: np.ndarray) -> np.ndarray:
    """Median of each cell's pixels, truncated to an integer grey level."""
    return np.trunc(np.median(x, axis=2)).astype(np.int16)


def spread_excluding(v: "Verification", covered: np.ndarray, within: np.ndarray | None = None) -> float:
    """Inlier spread over the reference cells that are not covered on the frame (and lie `within`, a
    (SPREAD_GRID, SPREAD_GRID) bool mask, when given: a partial view's window)."""
    if v.cells_all is None:
        return v.spread
    gs = C.SPREAD_GRID
    k = covered.shape[0] // gs
    cov = covered.reshape(gs, k, gs, k).mean(axis=(1, 3)).ravel() >= 0.5
    rich = v.rich & ~cov
    if within is not None:
        rich &= within.ravel()
    return float((v.cells_in[rich] > 0).mean()) if rich.any() else v.spread


def evidence_factor(appearance_share: float, spread: float) -> float:
    """How far pixels (appearance) and inlier placement (spread) back a geometric match, in [0, 1].

    Either alone overlaps between degraded copies and template near-misses; their sum separates them.
    """
    e = appearance_share + spread
    return float(np.clip((e - C.EVIDENCE_LOW) / (C.EVIDENCE_FULL - C.EVIDENCE_LOW), 0.0, 1.0))


def refine_alignment(frame_grey: np.ndarray, H: np.ndarray, ref_size: tuple[int, int], thumb: np.ndarray
                     ) -> np.ndarray | None:
    """A hashed region gives the reference's place only roughly (its crop variant, the region's
    edges); thin detail (pixel art, line drawings) then disagrees cell by cell for a few pixels of
    misalignment. Align the thumbnail to the frame by ECC (affine, from H; blind to brightness and
    contrast) -> the refined H, or None when it does not converge near H."""
    t = C.THUMB_SIDE
    m = C.REFINE_MARGIN
    rw, rh = ref_size
    S = np.array([[rw / t, 0, 0], [0, rh / t, 0], [0, 0, 1]], np.float64)
    Hm = H @ S @ np.array([[1, 0, -m], [0, 1, -m], [0, 0, 1]], np.float64)   # padded thumb -> frame
    img = frame_grey
    corners = cv2.perspectiveTransform(np.float32([[0, 0], [t, 0], [t, t], [0, t]]).reshape(-1, 1, 2), H @ S)
    f = float(np.sqrt(max(1.0, cv2.contourArea(corners.reshape(4, 2))))) / t
    if f > 2.0:
        k = 1.0 / (f / 1.5)
        img = cv2.resize(frame_grey, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        Hm = np.diag([k, k, 1.0]) @ Hm
    warped = cv2.warpPerspective(img, Hm, (t + 2 * m, t + 2 * m), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                 borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    A = np.array([[1, 0, m], [0, 1, m]], np.float32)
    try:
        _, A = cv2.findTransformECC(thumb.astype(np.float32), warped, A, cv2.MOTION_AFFINE,
                                    (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, C.REFINE_ITERS, 1e-4), None, 5)
    except cv2.error:
        return None
    L = A[:, :2].astype(np.float64)
    sv = np.linalg.svd(L, compute_uv=False)
    if not (1 / C.REFINE_MAX_SCALE <= sv.min() and sv.max() <= C.REFINE_MAX_SCALE) or abs(A[0, 1] - A[1, 0]) > 0.3 \
            or np.abs(A[:, 2] - m).max() > m:
        return None
    A3 = np.vstack([A.astype(np.float64), [0, 0, 1]])
    if f > 2.0:
        Hm = np.diag([1 / k, 1 / k, 1.0]) @ Hm
    return Hm @ A3 @ np.linalg.inv(S)
