"""The detail check of a reference with no indexed sibling (issue 12 item 3): at the geometry a hit was found
on, the clip's pixels where the reference is shown are compared with the reference after what an edit can
explain (a global colour grade, fitted robustly as a low-order colour transform; blur, recompression and the
hit's geometry error, by smoothing and a one-pixel slack). What is left are blobs where the clip is not the
reference. Each is judged:

- recoloured: its colour differs while its structure agrees (a garment in another colour: an edit cannot
  recolour one region of a picture and leave the rest);
- laid over: colours foreign to the reference, or a straight-edged box or a band across the picture (a caption,
  a sticker, a box of footage): the reference's detail there is hidden, evidence neither way;
- changed: the rest, drawn in the reference's own colours inside its intact outline (another expression, a
  card's other picture, a title's other letters, another town under the same hills).

The recoloured and changed shares of the shown picture (what is not laid over) lower the hit's score (`factor`); the sibling check
(matcher.siblings) does the same for references whose siblings are indexed."""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C
from matcher.sibling_groups import smooth
from matcher.siblings import _art, _patch, group_thumbs, placement   # the sibling check's warp into the thumbnail frame, opaque mask, group


def _design(x: np.ndarray, c: int) -> np.ndarray:
    """Colour-transform terms of output channel C from pixels X (N, 3, 0-255): the three channels, channel C's
    square, and 1 (a linear colour mix: saturation, a hue turn, white balance; bent by a curve of its own channel:
    a grade's gamma). Each output channel bends by its own channel only: no region's hue can be remapped alone."""
    x = x / 255.0
    return np.concatenate([x, x[:, c:c + 1] ** 2, np.ones((len(x), 1), x.dtype)], axis=1)


def _solve(D: np.ndarray, y: np.ndarray, c: int) -> np.ndarray:
    """Least squares of output channel C on its design D, the other channels' terms drawn toward 0 with a weight of
    LONE_FIT_RIDGE per pixel: a picture of few colours (a logo half under a caption) leaves a mix across channels
    free to swing, a per-channel grade does not."""
    lam = np.sqrt(C.LONE_FIT_RIDGE * len(y))
    rows = np.zeros((2, D.shape[1]), D.dtype)
    for i, j in enumerate(k for k in range(3) if k != c):
        rows[i, j] = lam
    return np.linalg.lstsq(np.vstack([D, rows]), np.concatenate([y, np.zeros(2, y.dtype)]), rcond=None)[0]


def _fit_from(Ds: list, Y: np.ndarray, keep: np.ndarray, consensus: bool = False) -> tuple[list, np.ndarray]:
    """The transform (DS: each output channel's `_design` of the pixels) refitted LONE_FIT_ROUNDS times from the
    pixels KEEP on those it explains best (the share LONE_FIT_KEEP, or every pixel within LONE_FIT_TOL; with
    CONSENSUS only those within LONE_FIT_TOL: the part of the picture one grade explains, however small a share of
    it) -> its coefficients per channel and its residuals."""
    for _ in range(C.LONE_FIT_ROUNDS):
        if keep.sum() < C.LONE_FIT_MIN_PX:
            keep = np.ones(len(Y), bool)
        betas = [_solve(Ds[c][keep], Y[keep, c], c) for c in range(3)]
        res = np.abs(np.stack([Ds[c] @ betas[c] for c in range(3)], axis=1) - Y).max(axis=1)
        keep = res <= (C.LONE_FIT_TOL if consensus else max(C.LONE_FIT_TOL, float(np.quantile(res, C.LONE_FIT_KEEP))))
    return betas, res


def _monotone(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted isotonic (non-decreasing) regression of Y by pooling adjacent violators."""
    vals, wts, sizes = [], [], []
    for v, u in zip(y.tolist(), w.tolist()):
        vals.append(v), wts.append(u), sizes.append(1)
        while len(vals) > 1 and vals[-2] > vals[-1]:
            u2 = wts[-2] + wts[-1]
            v2 = (vals[-2] * wts[-2] + vals[-1] * wts[-1]) / max(u2, 1e-9)
            n2 = sizes[-2] + sizes[-1]
            del vals[-1], wts[-1], sizes[-1]
            vals[-1], wts[-1], sizes[-1] = v2, u2, n2
    return np.repeat(vals, sizes)


def _curve(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A rising curve through pixels (x -> y, one channel): the median of Y in each of LONE_CURVE_BINS bins of X,
    made non-decreasing (a grade's curve, a clip at white); knots (xs, ys) for np.interp."""
    edges = np.linspace(min(0.0, float(x.min())), max(255.0, float(x.max())) + 1e-3, C.LONE_CURVE_BINS + 1)
    b = np.clip(np.digitize(x, edges) - 1, 0, C.LONE_CURVE_BINS - 1)
    counts = np.bincount(b, minlength=C.LONE_CURVE_BINS)
    used = np.flatnonzero(counts >= C.LONE_CURVE_MIN_PX)
    if len(used) < 2:
        return np.array([0.0, 255.0]), np.array([0.0, 255.0])
    xs = np.array([float(np.median(x[b == k])) for k in used])
    ys = _monotone(np.array([float(np.median(y[b == k])) for k in used]), counts[used].astype(float))
    return xs, ys


def _fit_mixed(ref: np.ndarray, clip: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """REF's pixels (all, flat) through the mix fitted robustly to CLIP over ON (`_fit_from`, from two starts, every
    pixel and the pixels the untouched reference already explains; the one explaining its best LONE_FIT_KEEP better
    kept: a recoloured region or a sticker does not bend it), then each channel through a rising curve fitted on the
    LONE_CURVE_KEEP of pixels it explains best (what the mix leaves of a grade's curve) -> the mapped pixels, which
    sampled pixels the curves were fitted on, and which sampled pixels the fit is to be judged on.

    When that mix explains under LONE_FIT_KEEP of the pixels within LONE_FIT_TOL, no grade holds for most of the shown
    picture: part of it is laid over or drawn otherwise, and a half of it under a see-through panel (a reupload's
    tinted half) pulls a fit that must explain most pixels toward the panel's colour. Then, when the untouched
    reference explains LONE_FIT_CONSENSUS of the pixels at least, the mix is the one fitted on the part of the picture
    it explains (the consensus grown from there, `_fit_from` CONSENSUS), curved and judged on that part only: what is
    laid over is left to the blobs, wherever it lies and however large."""
    X, Y = ref[on][::C.LONE_FIT_STRIDE].astype(np.float32), clip[on][::C.LONE_FIT_STRIDE].astype(np.float32)
    Ds = [_design(X, c) for c in range(3)]
    untouched = np.abs(X - Y).max(axis=1) <= C.LONE_FIT_TOL
    fits = [_fit_from(Ds, Y, np.ones(len(X), bool)), _fit_from(Ds, Y, untouched)]
    betas, res = min(fits, key=lambda f: float(np.quantile(f[1], C.LONE_FIT_KEEP)))
    keep = res <= float(np.quantile(res, C.LONE_CURVE_KEEP))
    judged = np.ones(len(X), bool)
    if (res <= C.LONE_FIT_TOL).mean() < C.LONE_FIT_KEEP and untouched.mean() >= C.LONE_FIT_CONSENSUS:
        betas, res = _fit_from(Ds, Y, untouched, consensus=True)
        keep = judged = res <= C.LONE_FIT_TOL
    flat = ref.reshape(-1, 3).astype(np.float32)
    mixed = np.stack([_design(flat, c) @ betas[c] for c in range(3)], axis=1)
    inside = np.stack([Ds[c] @ betas[c] for c in range(3)], axis=1)[keep]
    return np.stack([np.interp(mixed[:, c], *_curve(inside[:, c], Y[keep, c])) for c in range(3)], axis=1), keep, judged


def _hue_turned(ref: np.ndarray, clip: np.ndarray, on: np.ndarray) -> np.ndarray | None:
    """REF with every hue turned by the turn most of its saturated pixels take in CLIP over ON (the mode of the hue
    differences, LONE_HUE_BIN degrees a bin, of pixels saturated LONE_HUE_SAT in both), None when under
    LONE_FIT_MIN_PX such pixels: a hue rotation is one turn for every colour; a recoloured garment turns alone."""
    hr = cv2.cvtColor(np.clip(ref, 0, 255).astype(np.uint8), cv2.COLOR_BGR2HSV_FULL)
    hc = cv2.cvtColor(np.clip(clip, 0, 255).astype(np.uint8), cv2.COLOR_BGR2HSV_FULL)
    sat = on & (hr[..., 1] >= C.LONE_HUE_SAT) & (hc[..., 1] >= C.LONE_HUE_SAT)
    if sat.sum() < C.LONE_FIT_MIN_PX:
        return None
    dh = (hc[..., 0][sat].astype(np.int32) - hr[..., 0][sat].astype(np.int32)) % 256
    turn = int(np.argmax(np.bincount(dh // C.LONE_HUE_BIN, minlength=256 // C.LONE_HUE_BIN))) * C.LONE_HUE_BIN
    if turn == 0:
        return None
    hr[..., 0] = ((hr[..., 0].astype(np.int32) + turn + C.LONE_HUE_BIN // 2) % 256).astype(np.uint8)
    return cv2.cvtColor(hr, cv2.COLOR_HSV2BGR_FULL).astype(np.float32)


def fit_colour(ref: np.ndarray, clip: np.ndarray, on: np.ndarray) -> np.ndarray:
    """REF's pixels mapped by the colour transform that best explains CLIP over ON: of a robust mix with curves
    (`_fit_mixed`: a grade, white balance, saturation), each channel through a rising curve of its own alone (a grade
    that clips a channel at white bends more than the mix's square follows; fitted on the pixels the mix explains: a
    caption across a gradient covers every pixel of some of its levels), and the mix after one hue turn
    (`_hue_turned`: a hue rotation mixes the channels more than the mix may; tried only when the others leave
    LONE_FIT_TOL of error on the best LONE_CURVE_KEEP of pixels), the one explaining those pixels best."""
    mixed, keep, judged = _fit_mixed(ref, clip, on)
    X, Y = ref[on][::C.LONE_FIT_STRIDE].astype(np.float32), clip[on][::C.LONE_FIT_STRIDE].astype(np.float32)
    flat = ref.reshape(-1, 3).astype(np.float32)
    candidates = [mixed, np.stack([np.interp(flat[:, c], *_curve(X[keep, c], Y[keep, c])) for c in range(3)], axis=1)]
    # judged on the pixels the fit speaks for (all, or the part of a half-covered picture one grade explains)
    sample = np.flatnonzero(on.reshape(-1))[::C.LONE_FIT_STRIDE][judged]
    spread = lambda m: float(np.quantile(np.abs(m[sample] - Y[judged]).max(axis=1), C.LONE_CURVE_KEEP))  # noqa: E731
    best = min(candidates, key=spread)
    if spread(best) > C.LONE_FIT_TOL:
        # a clip turned grey (every channel the same mix of the reference's, which the mix is drawn away from), or
        # one hue turn
        grey = np.repeat(cv2.cvtColor(np.clip(ref, 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY)[..., None], 3, axis=2)
        best = min((best, _fit_mixed(grey.astype(np.float32), clip, on)[0]), key=spread)
        turned = _hue_turned(ref, clip, on) if spread(best) > C.LONE_FIT_TOL else None
        if turned is not None:
            best = min((best, _fit_mixed(turned, clip, on)[0]), key=spread)
    # the reference as it is, when it explains the clip about as well: a fit leaves a picture's rare colours (a few
    # trees, a roof) to extrapolation
    if spread(flat) <= spread(best) + C.LONE_FIT_PREFER:
        best = flat
    return np.clip(best, 0, 255).reshape(ref.shape).astype(np.float32)


def _aligned(clip: np.ndarray, ref: np.ndarray, on: np.ndarray) -> np.ndarray:
    """CLIP moved onto REF by the warp that best aligns their grey levels over ON (enhanced correlation,
    LONE_ALIGN_ITERS steps; a homography, else an affine warp: a picture seen in perspective): a hit's geometry found round a caption or a sticker is a
    few pixels off, which leaves a patch of error along every stroke. A warp that fails, moves a corner further
    than LONE_ALIGN_MAX thumbnail px (flat art gives the correlation little to hold) or correlates no better than the
    clip as it is is not used (fitted over a small part of the thumbnail, a see-through logo's disc, a homography can
    settle half a pixel off across it, and a thin stroke of high contrast half a pixel off reads as changed)."""
    side = clip.shape[0]
    corners = np.float32([[0, 0, 1], [side, 0, 1], [side, side, 1], [0, side, 1]])
    g_ref, g_clip, mask = _grey(ref), _grey(clip), on.astype(np.uint8)
    try:
        as_is = cv2.computeECC(g_ref, g_clip, mask)
    except cv2.error:
        as_is = -1.0
    for motion in C.LONE_ALIGN_MOTIONS:
        w = np.eye(3 if motion == cv2.MOTION_HOMOGRAPHY else 2, 3, dtype=np.float32)
        try:
            cc, w = cv2.findTransformECC(g_ref, g_clip, w, motion,
                                         (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, C.LONE_ALIGN_ITERS, 1e-4),
                                         mask, 3)
        except cv2.error:
            continue
        moved = corners @ w.T
        if motion == cv2.MOTION_HOMOGRAPHY:
            if np.any(moved[:, 2] <= 1e-6):
                continue
            moved = moved[:, :2] / moved[:, 2:]
        if np.abs(moved[:, :2] - corners[:, :2]).max() <= C.LONE_ALIGN_MAX and cc > as_is:
            warp = cv2.warpPerspective if motion == cv2.MOTION_HOMOGRAPHY else cv2.warpAffine
            return warp(clip, w, clip.shape[1::-1], flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                        borderMode=cv2.BORDER_REPLICATE)
    return clip


def _residual(clip: np.ndarray, model: np.ndarray) -> np.ndarray:
    """Per pixel, the clip's colour error to the modelled reference (max over channels), the least within one
    thumbnail pixel each way (the hit's geometry is never exact)."""
    pad = cv2.copyMakeBorder(np.float32(model), 1, 1, 1, 1, cv2.BORDER_REPLICATE)
    clip = np.float32(clip)
    h, w = clip.shape[:2]
    best = None
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            e = cv2.absdiff(pad[dy:dy + h, dx:dx + w], clip).max(axis=2)
            best = e if best is None else np.minimum(best, e, out=best)
    return best


def _edges(g: np.ndarray) -> np.ndarray:
    """Gradient magnitude of a grey thumbnail (float)."""
    return cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3))


def _grey(t: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.clip(t, 0, 255).astype(np.float32), cv2.COLOR_BGR2GRAY)


def _fine(t: np.ndarray) -> np.ndarray:
    """The fine structure of a thumbnail: its grey less its blur at LONE_FINE_SIGMA (what no colour transform makes)."""
    g = _grey(t)
    return g - cv2.GaussianBlur(g, (0, 0), C.LONE_FINE_SIGMA)


def _edge_agreement(ec: np.ndarray, em: np.ndarray, m: np.ndarray) -> float:
    """Correlation of the clip's and the modelled reference's gradient magnitudes over M (1 when both are flat
    there: a flat region in another colour)."""
    a, b = ec[m], em[m]
    if a.std() < C.LONE_FLAT_EDGE and b.std() < C.LONE_FLAT_EDGE:
        return 1.0
    if a.std() < 1e-6 or b.std() < 1e-6:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def _foreign(clip_px: np.ndarray, palette: np.ndarray) -> float:
    """Share of the clip's pixels (N, 3) further than LONE_FOREIGN_TOL from every colour of the modelled
    reference's PALETTE (M, 3)."""
    if not len(clip_px) or not len(palette):
        return 0.0
    d = np.abs(clip_px[:, None, :] - palette[None, :, :]).max(axis=2).min(axis=1)
    return float((d > C.LONE_FOREIGN_TOL).mean())


def _palette(model: np.ndarray, on: np.ndarray) -> np.ndarray:
    """The modelled reference's colours over ON, quantised to LONE_PALETTE_STEP, each covering LONE_PALETTE_MIN
    of ON at least."""
    n = 256 // C.LONE_PALETTE_STEP + 1
    q = np.clip(model[on] // C.LONE_PALETTE_STEP, 0, n - 1).astype(np.int32)
    counts = np.bincount((q[:, 0] * n + q[:, 1]) * n + q[:, 2], minlength=n ** 3)
    keys = np.flatnonzero(counts >= C.LONE_PALETTE_MIN * max(1, int(on.sum())))
    cells = np.stack([keys // (n * n), keys // n % n, keys % n], axis=1)
    return (cells.astype(np.float32) + 0.5) * C.LONE_PALETTE_STEP


def _outlined(blob: np.ndarray, em: np.ndarray, on: np.ndarray) -> bool:
    """Does the reference outline the blob (its gradient EM over LONE_OUTLINE_EDGE on LONE_OUTLINE of the blob's
    rim)? A recoloured region is one of the reference's own regions; a flat sticker over a flat part of it is not."""
    k = np.ones((3, 3), np.uint8)
    b = blob.astype(np.uint8)
    rim = ((cv2.dilate(b, k) - cv2.erode(b, k)) > 0) & on
    return bool(rim.any()) and float((em[rim] > C.LONE_OUTLINE_EDGE).mean()) >= C.LONE_OUTLINE


def _outlined_regions(mask: np.ndarray, em: np.ndarray, on: np.ndarray, area: float) -> np.ndarray:
    """The connected regions of MASK (each LONE_BLOB_MIN of AREA at least, not `_boxed`) that the reference
    outlines (`_outlined`)."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    out = np.zeros_like(mask)
    for k in range(1, n):
        if stats[k, cv2.CC_STAT_AREA] >= C.LONE_BLOB_MIN * area:
            blob = lab == k
            if not _boxed(blob, on, band=False) and _outlined(blob, em, on):
                out |= blob
    return out


def _laid_over(blob: np.ndarray, foreign: float, on_px: float, surely: bool = False) -> bool:
    """A blob laid over the picture by its colours or its shape: FOREIGN (the share of its pixels in no colour of
    the reference) at least LONE_FOREIGN_SHARE; or a solid blob (its area LONE_SOLID of its convex hull's: a sticker
    in any colour; other letters or strokes leave a ragged one); or, unless SURELY, LONE_FOREIGN_SOME foreign and
    LONE_SOLID_SOME solid (a star-shaped sticker; or a garment in a colour the reference lacks, which is why it is
    asked after the recoloured test); by shape only when it covers LONE_SOLID_MIN of the shown picture (ON_PX
    pixels: a speck's shape says nothing)."""
    if foreign >= C.LONE_FOREIGN_SHARE:
        return True
    if blob.sum() < C.LONE_SOLID_MIN * on_px:
        return False
    hull = cv2.convexHull(np.argwhere(blob)[:, ::-1].astype(np.int32))
    solid = float(blob.sum()) / max(1.0, float(cv2.contourArea(hull)))
    return solid >= C.LONE_SOLID or (not surely and foreign >= C.LONE_FOREIGN_SOME and solid >= C.LONE_SOLID_SOME)


def _entering(blob: np.ndarray, on: np.ndarray, foreign: float, on_px: float) -> bool:
    """A blob laid over the picture from beyond its edge (a presenter keyed in front, a hand, footage pushed in):
    it covers LONE_SOLID_MIN of the shown picture at least, reaches the shown picture's rim (LONE_RIM_TOUCH of its
    rim's pixels) and brings colours of its own (LONE_ENTER_FOREIGN of its pixels foreign to the reference): a
    sibling drawn in the reference's style and palette changes what lies inside the picture in its own colours."""
    if blob.sum() < C.LONE_SOLID_MIN * on_px or foreign < C.LONE_ENTER_FOREIGN:
        return False
    return int((blob & _rim(on)).sum()) >= C.LONE_RIM_TOUCH


def _boxed(blob: np.ndarray, on: np.ndarray, band: bool = True) -> bool:
    """A blob laid over the picture by its shape: a box with straight sides (it fills LONE_BOX_FILL of its bounding
    box: a caption's box, even a see-through one, a box of footage) or, with BAND, a band across the shown picture (a
    caption bar). Judged before its colours: a see-through caption box darkens the picture and keeps its edges."""
    ys, xs = np.nonzero(blob)
    bw, bh = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    if blob.sum() >= C.LONE_BOX_FILL * bw * bh:
        return True
    if not band:
        return False
    oy, ox = np.nonzero(on)
    return bw >= C.LONE_BAND * (ox.max() - ox.min() + 1) or bh >= C.LONE_BAND * (oy.max() - oy.min() + 1)


def _noise(err: np.ndarray) -> float:
    """The clip's noise (blur, recompression) left after the fit: the median of ERR over the pixels that show the
    reference (within LONE_DIFF_TOL): over every shown pixel, a picture half under a panel has the panel's error as
    its median, and its tolerance would hide the panel itself."""
    shows = err[err <= C.LONE_DIFF_TOL]
    return float(np.median(shows if len(shows) >= C.LONE_FIT_MIN_PX else err))


def _blobs(sp: np.ndarray, model: np.ndarray, res: np.ndarray, on: np.ndarray,
           known: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The blobs where the clip differs from the modelled reference (error over LONE_DIFF_TOL, or LONE_DIFF_NOISE
    times the median), judged (module doc): the recoloured ones and the ones laid over (grown by LONE_HIDDEN_GROW).
    KNOWN: what is already found laid over, left out (a garment recoloured under a caption is two things, not one
    band). A region the reference outlines and whose edges the clip keeps is recoloured even when it spans the picture
    (a bust's shoulders) or reaches its rim (a caption bar's straight rim or a presenter's is outlined by nothing);
    failing that, a solid or mostly foreign blob is laid over (an emoji over a busy card: its face breaks the edges);
    failing that, a region whose edges the clip keeps but for fine detail laid on it (a caption's letters over a
    garment) is recoloured."""
    tol = max(C.LONE_DIFF_TOL, C.LONE_DIFF_NOISE * float(np.median(res[on])))
    free = on if known is None else on & ~known
    diff = cv2.morphologyEx(((res > tol) & free).astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(diff, connectivity=8)
    ec, em = _edges(_grey(sp)), _edges(_grey(model))
    # fine detail the clip has where the reference has none (a caption's letters over a garment): its edges are no
    # evidence that the region's own edges moved
    added = cv2.dilate(((np.abs(_fine(sp)) > C.LONE_INK) & (np.abs(_fine(model)) <= C.LONE_INK)).astype(np.uint8),
                       np.ones((3, 3), np.uint8)) > 0
    pal = _palette(model, on)
    area = float(on.sum())
    recoloured, hidden = np.zeros_like(on), np.zeros_like(on)
    grow = np.ones((2 * C.LONE_EDGE_GROW + 1,) * 2, np.uint8)
    for k in range(1, n):
        if stats[k, cv2.CC_STAT_AREA] < C.LONE_BLOB_MIN * area:
            continue
        blob = lab == k
        near = (cv2.dilate(blob.astype(np.uint8), grow) > 0) & free
        foreign, outlined = _foreign(sp[blob], pal), _outlined(blob, em, free)
        if _boxed(blob, on, band=False):
            hidden |= blob
        elif outlined and _edge_agreement(ec, em, near) >= C.LONE_EDGE_AGREE:
            recoloured |= blob
        elif _laid_over(blob, foreign, area, surely=True):
            hidden |= blob
        elif outlined and _edge_agreement(ec, em, near & ~added) >= C.LONE_EDGE_AGREE:
            recoloured |= blob
        elif _boxed(blob, on) or _entering(blob, on, foreign, area) or _laid_over(blob, foreign, area):
            hidden |= blob
    g = 2 * C.LONE_HIDDEN_GROW + 1
    hidden = (cv2.dilate(hidden.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (g, g))) > 0) & on
    return recoloured & ~hidden, hidden


def _thick(mask: np.ndarray, width: float) -> np.ndarray:
    """MASK less its connected regions whose mean width (area over the longer side of their box) is under WIDTH px."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA]
            >= width * max(stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT])]
    return np.isin(lab, keep) & mask


def _local(err: np.ndarray, clear: np.ndarray) -> np.ndarray:
    """ERR averaged over a LONE_DENSE_SIGMA neighbourhood of the pixels CLEAR (normalised convolution)."""
    return cv2.GaussianBlur(err * clear, (0, 0), C.LONE_DENSE_SIGMA) / np.maximum(
        cv2.GaussianBlur(clear, (0, 0), C.LONE_DENSE_SIGMA), 1e-3)


def _sizeable(mask: np.ndarray, area: float) -> np.ndarray:
    """MASK less its connected regions under LONE_BLOB_MIN of AREA (a lamp's glint, a key's green fringe)."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    big = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= C.LONE_BLOB_MIN * area]
    return np.isin(lab, big) & mask


def _apart(regions: np.ndarray, hidden: np.ndarray, larger_kept: bool = False) -> np.ndarray:
    """REGIONS less the connected ones that touch what is laid over (HIDDEN, grown): a sticker over art of nearly its
    colour splits into a part found laid over and a part that only looks recoloured or drawn otherwise. LARGER_KEPT:
    not those larger than the part of it they touch (a garment in another colour under a caption)."""
    if not hidden.any() or not regions.any():
        return regions & ~hidden
    n, lab = cv2.connectedComponents(regions.astype(np.uint8), connectivity=8)
    nh, hlab = cv2.connectedComponents(hidden.astype(np.uint8), connectivity=8)
    hsize = np.bincount(hlab.ravel(), minlength=nh)
    near = cv2.dilate(hlab.astype(np.uint16), np.ones((3, 3), np.uint8))
    drop = []
    for k in np.unique(lab[(near > 0) & regions]):
        if k == 0:
            continue
        touched = np.unique(near[(lab == k) & (near > 0)])
        if not larger_kept or (lab == k).sum() < hsize[touched].sum():
            drop.append(k)
    return regions & ~np.isin(lab, drop) & ~hidden


def _compare(sp: np.ndarray, sr: np.ndarray, on: np.ndarray, clear: np.ndarray, chroma: bool = False):
    """The clip aligned onto the reference and the reference's colours fitted to it, both over CLEAR (the shown
    pixels not laid over) -> the aligned clip, the modelled reference, the per-pixel error and the fitted reference
    before any blur. CHROMA: its colour may also be blurred as the encoding keeps it (`_blurred`)."""
    sp = _aligned(sp, sr, clear)
    model = fit_colour(sr, sp, clear)
    m, res = _blurred(sp, model, clear, chroma)
    return sp, m, res, model


def _blurred(sp: np.ndarray, model: np.ndarray, clear: np.ndarray, chroma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The fitted reference MODEL blurred as the clip SP is (a picture scaled down and up, a soft encode): the blur of
    LONE_BLUR_SIGMAS that leaves the least mean error over CLEAR; with CHROMA, its colour (not its grey) blurred too by
    one of LONE_CHROMA_SIGMAS where that leaves less (H.264's 4:2:0 keeps colour at half resolution: a thin stroke of
    one hue on another keeps its grey and loses its colour). CHROMA is asked over pixels not laid over only (`_judge`):
    a caption's box would choose it and hide itself. -> (modelled reference, per-pixel error)."""
    best = None
    for sigma in C.LONE_BLUR_SIGMAS:
        blurred = cv2.GaussianBlur(model, (0, 0), sigma) if sigma > 0 else model
        for cs in (0.0,) + (tuple(C.LONE_CHROMA_SIGMAS) if chroma else ()):
            m = _chroma_blurred(blurred, cs) if cs > 0 else blurred
            res = _residual(sp, m)
            err = float(res[clear].mean())
            if best is None or err < best[0]:
                best = (err, m, res)
    return best[1], best[2]


def _chroma_blurred(t: np.ndarray, sigma: float) -> np.ndarray:
    """A BGR thumbnail (float) with its colour (YCrCb's Cr and Cb) blurred by SIGMA thumbnail px and its grey kept."""
    y = cv2.cvtColor(np.clip(t, 0, 255).astype(np.float32), cv2.COLOR_BGR2YCrCb)
    y[..., 1:] = cv2.GaussianBlur(y[..., 1:], (0, 0), sigma)
    return cv2.cvtColor(y, cv2.COLOR_YCrCb2BGR)


def _no_verdict(hidden: float = 0.0, residual: float = 0.0) -> dict[str, float]:
    """The figures of a check that gives no verdict (factor 1): too little of the picture shown clear, or an edit the
    fit does not explain."""
    return {"recoloured": 0.0, "changed": 0.0, "changed_ink": 0.0, "hidden": hidden, "residual": residual,
            "abstained": 1.0}


def _global_recolour(recoloured: np.ndarray, sr: np.ndarray, sp: np.ndarray, clear: np.ndarray) -> bool:
    """Is what reads as recoloured one colour edit of the whole picture? Of the reference's saturated pixels
    (LONE_HUE_SAT) shown clear: in a clip turned grey (their mean saturation in the clip under SIB_GREY_SAT) no
    region's colour can speak; and when LONE_RECOLOUR_ALL of them are recoloured the picture kept none of its
    colours (a hue turn of pixel art in a few flat colours), while a garment in another colour leaves the skin, the
    hair and the badge as they were."""
    hsv = lambda t: cv2.cvtColor(np.clip(t, 0, 255).astype(np.uint8), cv2.COLOR_BGR2HSV_FULL)[..., 1]  # noqa: E731
    sat = (hsv(sr) >= C.LONE_HUE_SAT) & clear
    if sat.sum() < C.LONE_BLOB_MIN * clear.sum():
        return False
    return (float(hsv(sp)[sat].mean()) < C.SIB_GREY_SAT
            or float((recoloured & sat).sum()) >= C.LONE_RECOLOUR_ALL * float(sat.sum()))


def _rim(on: np.ndarray) -> np.ndarray:
    """The shown picture's outermost pixels (the thumbnail's border counts)."""
    return on & ~cv2.erode(on.astype(np.uint8), np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT,
                           borderValue=0).astype(bool)


def _added(dense: np.ndarray, sp_fine: np.ndarray, model_fine: np.ndarray) -> np.ndarray:
    """The connected regions of DENSE shaped as a line of text or a sticker (at most LONE_ADDED_HEIGHT of the
    thumbnail tall, and as wide as tall at least) where the reference's fine detail covers under LONE_ADDED_INK of
    what the clip's covers: detail laid on a plain part of the picture (a caption's letters, an emoji's face). A
    sibling draws its own detail where the reference has some (another mouth, other letters, another picture), or
    stands it up from the picture's ground (another town's buildings rising over the hills: taller than wide)."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(dense.astype(np.uint8), connectivity=8)
    out = np.zeros_like(dense)
    ink_c, ink_m = np.abs(sp_fine) > C.LONE_INK, np.abs(model_fine) > C.LONE_INK
    for k in range(1, n):
        w, h = stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]
        if h > C.LONE_ADDED_HEIGHT * dense.shape[0] or w < h:
            continue
        blob = lab == k
        if float((ink_m & blob).sum()) < C.LONE_ADDED_INK * float((ink_c & blob).sum()):
            out |= blob
    return out


def _foreshortened(H: np.ndarray, ref_size: tuple[int, int]) -> bool:
    """Is the picture seen in strong perspective under H (reference px -> frame)? The area one reference pixel takes in
    the frame (the Jacobian's determinant) differs more than LONE_PERSPECTIVE_MAX times between its corners: its far
    side resampled from a few pixels, and the hit's geometry off there by more than the alignment may move."""
    w, h = ref_size
    areas = []
    for x, y in ((0, 0), (w, 0), (w, h), (0, h)):
        p = H @ np.array([x, y, 1.0])
        if abs(p[2]) < 1e-9:
            return True
        J = (H[:2, :2] * p[2] - np.outer(p[:2], H[2, :2])) / p[2] ** 2
        areas.append(abs(float(np.linalg.det(J))))
    return min(areas) <= 0 or max(areas) > C.LONE_PERSPECTIVE_MAX * min(areas)


def figures(bgr: np.ndarray, H: np.ndarray, mirrored: bool, thumb: np.ndarray, ref_size: tuple[int, int],
            art: np.ndarray | None = None, visible=None, within: np.ndarray | None = None,
            part_only: bool = False) -> dict[str, float]:
    """The clip (frame BGR, the hit's H: reference px -> frame) against the reference's thumbnail THUMB on the
    part of it the frame shows (VISIBLE: the region that shows the picture; ART: a transparent reference's
    opaque pixels; WITHIN: the part of the reference to judge, in its own frame: where the members of its sibling
    group agree). Figures: "recoloured", "changed" (shares of the shown reference not laid over), "changed_ink"
    (the changed share of its fine detail, LONE_INK), "hidden"
    (share of the shown reference laid over), "residual" (the median colour error after the fitted transform
    where the picture is clear, grey levels), "abstained" (1: no verdict, `_no_verdict`). Two passes: what the first
    finds laid over is left out of the second's alignment and colour fit (a caption across the picture pulls both).
    With WITHIN, judged both on that part alone and on the whole picture (`_group_figures`) unless PART_ONLY."""
    if within is not None and not part_only:
        return _group_figures(bgr, H, mirrored, thumb, ref_size, art, visible, within)
    if _foreshortened(H, ref_size):
        return _no_verdict()
    # (THUMB's side sets the frame: SIB_SIDE, or SIB_SHARP_SIDE for a member's sharper look)
    p, seen = _patch(bgr, H, ref_size, visible, thumb.shape[0])
    flip = (lambda m: m[:, ::-1]) if mirrored else (lambda m: m)  # noqa: E731
    ref = flip(thumb)
    on = seen if art is None else seen & flip(art)
    # the blobs' least size is a share of the whole shown picture, not of the part judged (what a sibling changes is
    # as large in either; rotation or resampling leaves specks along a card's lines)
    shown_px = float(on.sum())
    if within is not None:
        on = on & flip(within)
    # less its rim: smoothing and the one-pixel slack bleed what lies beyond it (a bar, the frame's edge) into it
    k = 2 * _rim_px(p.shape[0]) + 1
    on = cv2.erode(on.astype(np.uint8), np.ones((k, k), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=1) > 0
    whole = (1.0 if art is None else float(art.mean())) * (1.0 if within is None else float(within.mean()))
    if on.mean() < C.SIB_MIN_SEEN * whole:
        return _no_verdict()
    return _judge(smooth(p), smooth(ref), on, on, lambda sp, model, res, known=None: _blobs(sp, model, res, on, known),
                  shown_px)


def _rim_px(side: int) -> int:
    """LONE_RIM (SIB_SIDE thumbnail px) in px of a SIDE square: the rim a hit's geometry error bleeds into is a share of
    the picture, whatever side it is judged at."""
    return int(round(C.LONE_RIM * side / C.SIB_SIDE))


def _judge(p0: np.ndarray, sr: np.ndarray, on: np.ndarray, judged: np.ndarray, blobs, shown_px: float,
           shown: np.ndarray | None = None) -> dict[str, float]:
    """The figures of a check (`figures`, `_whole_view`): P0 (the clip, smoothed) against SR (the reference's thumbnail,
    smoothed), the colour fitted on ON (what of the picture is shown, less its rim), what is recoloured, laid over or
    changed counted on JUDGED (ON itself for a lone reference; where the group agrees for a member of a sibling group).
    BLOBS(sp, model, res, known=None): the recoloured blobs and those laid over (`_blobs`, `_group_blobs`). SHOWN_PX:
    the whole shown picture's pixels (the blobs' least size). SHOWN: the shown picture, when changed regions shaped as a
    caption's line or a sticker that reach its edge are laid across it (`_across_rim`: a member's whole view)."""
    sp, model, res, fitted = _compare(p0, sr, on, on)
    recoloured, hidden = blobs(sp, model, res)
    if hidden.any() and (on & ~hidden).sum() >= C.LONE_FIT_MIN_PX:
        sp, model, res, _ = _compare(p0, sr, on, on & ~hidden, chroma=True)
        recoloured, again = blobs(sp, model, res, hidden)
        hidden |= again
    elif not hidden.any() and C.LONE_CHROMA_SIGMAS:
        # nothing laid over: the colour as the encoding keeps it, asked of the whole picture shown
        chroma_model, chroma_res = _blurred(sp, fitted, on, chroma=True)
        if float(chroma_res[on].mean()) < float(res[on].mean()):
            model, res = chroma_model, chroma_res
            recoloured, hidden = blobs(sp, model, res)
    recoloured = _apart(recoloured, hidden, larger_kept=True)
    clear_b = judged & ~hidden
    hidden_share = float((judged & hidden).sum()) / float(judged.sum())
    # the fit's error where the picture is neither laid over nor recoloured (a garment in another colour bends it)
    fitted = clear_b & ~recoloured
    residual = float(np.median(res[fitted])) if fitted.any() else 0.0
    if clear_b.sum() < C.LONE_CLEAR_MIN * judged.sum() or residual > C.LONE_FIT_ABSTAIN:
        return _no_verdict(hidden_share, residual)
    # what is left: detail drawn otherwise (strokes moved, letters, a picture), where the colour error AND the error
    # of the fine structure (grey less its blur: what no colour transform makes) stay high over a neighbourhood (an
    # edge off by a pixel leaves a thin line of error, not a patch; a grade the transform fits badly leaves colour
    # error on smooth shading, not structure), each averaged over what is not laid over (an occluder's own error
    # does not spill round it)
    clear = clear_b.astype(np.float32)
    fp, fm = (np.repeat(_fine(t)[..., None], 3, axis=2) for t in (sp, model))
    coloured = (_local(res, clear) > C.LONE_DENSE_TOL) & judged & ~hidden & ~recoloured
    structured = _local(_residual(fp, fm), clear) > C.LONE_FINE_TOL
    dense = _apart(_sizeable(coloured & structured, max(float(clear.sum()), shown_px)), hidden)
    if p0.shape[0] > C.SIB_SIDE:
        # judged sharper than SIB_SIDE (`_sharp_figures`): a thin coloured line softened by the encoder (its chroma
        # subsampled) is a thin line of error there, where SIB_SIDE's averaging left none
        dense = _thick(dense, C.SIB_SHARP_MIN_WIDTH)
    # detail the clip adds on a plain part of the reference is laid over (a caption, an emoji)
    added = _added(dense, fp[..., 0], fm[..., 0])
    if shown is not None:
        added |= _across_rim(dense, shown)
    dense &= ~added
    hidden_share = float(((hidden | added) & judged).sum()) / float(judged.sum())
    # a region whose colour alone differs (its structure agrees) is recoloured when the reference outlines it (a
    # garment under a grade whose error stays under the blobs' tolerance; a grade fitted badly on smooth shading is
    # outlined by nothing)
    recoloured |= _apart(_outlined_regions(coloured & ~structured & (_local(res, clear) > C.LONE_RECOLOUR_TOL),
                                           _edges(_grey(model)), judged, clear.sum()), hidden)
    recoloured &= clear_b
    if recoloured.any() and _global_recolour(recoloured, sr, sp, clear_b):
        recoloured[:] = False
    left = max(1.0, float(clear.sum()))
    # ... and of the reference's own fine detail (its strokes: an expression is a small share of the picture, a
    # large one of what tells the character's faces apart)
    ink = (np.abs(fm[..., 0]) > C.LONE_INK) & clear_b
    return {"recoloured": float(recoloured.sum()) / left, "changed": float(dense.sum()) / left,
            "changed_ink": float((dense & ink).sum()) / float(ink.sum()) if ink.sum() >= C.LONE_INK_MIN * left else 0.0,
            "hidden": hidden_share, "residual": residual, "abstained": 0.0}


def _across_rim(dense: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """The connected regions of DENSE shaped as a caption's line or a sticker (at most LONE_ADDED_HEIGHT of the
    thumbnail tall, as wide as tall) that reach the edge of the shown picture SHOWN (within LONE_RIM_REACH thumbnail
    px of it): laid across the picture's edge from the frame (a caption placed at a height of the frame that crosses
    a card's top or bottom frame; a see-through caption box darkens the card's dark frame lines too little to be
    found laid over by its colour). A sibling draws its own detail inside the picture's frame."""
    edge = cv2.distanceTransform(np.pad(shown.astype(np.uint8), 1), cv2.DIST_L2, 3)[1:-1, 1:-1] <= C.LONE_RIM_REACH
    n, lab, stats, _ = cv2.connectedComponentsWithStats(dense.astype(np.uint8), connectivity=8)
    out = np.zeros_like(dense)
    for k in range(1, n):
        w, h = stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]
        if h > C.LONE_ADDED_HEIGHT * dense.shape[0] or w < h:
            continue
        blob = lab == k
        if (blob & edge).any():
            out |= blob
    return out


def _group_blobs(sp: np.ndarray, model: np.ndarray, res: np.ndarray, on: np.ndarray, judged: np.ndarray,
                 known: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`_blobs` of a group member: the recoloured blobs of the whole shown picture ON, and what is laid over there or
    in the part judged (JUDGED: where the group agrees), which may cut a blob's shape either way: a caption box cut by
    the holes where a card's picture and text lie keeps its shape only in the whole picture; a presenter in the
    reference's own colours, keyed in over a bust's garment and chin, reaches the rim of the part judged (the
    garment's edge) and not the picture's own."""
    recoloured, hidden = _blobs(sp, model, res, on, known)
    hidden |= _blobs(sp, model, res, judged, None if known is None else known & judged)[1]
    return recoloured & ~hidden, hidden


def _whole_view(p: np.ndarray, ref: np.ndarray, on: np.ndarray, within: np.ndarray, opaque: float) -> dict[str, float]:
    """`figures` of a member of a sibling group (P: the clip warped into the reference's thumbnail frame, REF: its
    thumbnail, both as shown; ON: the shown picture, WITHIN: where the group agrees, both in that frame; OPAQUE: the
    share of the thumbnail the art covers). What is laid over, recoloured or changed is judged as for any reference,
    on the whole shown picture: a caption's box, a sticker, a saturation grade are things of the clip, and cut to the
    agreeing pixels (a card's frame and layout round holes where its picture, name and text lie; a bust's face and
    hair without its garment) they lose their shape and their colours (a caption box reaching over a card's edge is
    a thin strip there; a bust's rare saturated eyes bend a colour fit made without its garment). Only what is
    counted is restricted to WITHIN: what the indexed members tell apart is the sibling check's."""
    shown_px, shown = float(on.sum()), on
    k = np.ones((2 * _rim_px(p.shape[0]) + 1,) * 2, np.uint8)
    # what is judged keeps off the thumbnail's own border too: a card's border, where every member of its deck agrees,
    # lies there, and a hit's geometry a pixel off brings what lies beyond the card into it (a card turned a few
    # degrees, its rim's column read as changed the height of the card); blobs are still found up to that border
    judged = cv2.erode((on & within).astype(np.uint8), k, borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0
    on = cv2.erode(on.astype(np.uint8), k, borderType=cv2.BORDER_CONSTANT, borderValue=1) > 0
    if judged.mean() < C.SIB_MIN_SEEN * opaque * float(within.mean()):
        return _no_verdict()
    return _judge(smooth(p), smooth(ref), on, judged,
                  lambda sp, model, res, known=None: _group_blobs(sp, model, res, on, judged, known), shown_px, shown)


def _group_figures(bgr: np.ndarray, H: np.ndarray, mirrored: bool, thumb: np.ndarray, ref_size: tuple[int, int],
                   art: np.ndarray | None, visible, within: np.ndarray) -> dict[str, float]:
    """`figures` of a member of a sibling group, judged two ways: on the part where its group agrees alone (what is
    laid over found there: a presenter keyed in over a bust's garment and chin reaches that part's rim, the garment's
    edge; a box of footage over a third of a bust spans its height), and, when that finds changed detail, on the whole
    shown picture with only what is counted kept to that part (`_whole_view`: a caption's box reaching over a card's
    edge, cut by the holes where the card's picture and text lie, keeps its shape only there; a bust's rare saturated
    eyes bend a colour fit made without its garment). The view that finds the less changed speaks: a sibling's own
    detail (another expression) is changed both ways, what an edit lays over is found laid over one way at least
    ("whole_view": 1 when the whole picture spoke)."""
    part = figures(bgr, H, mirrored, thumb, ref_size, art, visible, within, part_only=True)
    if factor(part) >= 1.0 or _foreshortened(H, ref_size):
        return part
    p, seen = _patch(bgr, H, ref_size, visible, thumb.shape[0])
    flip = (lambda m: m[:, ::-1]) if mirrored else (lambda m: m)  # noqa: E731
    on = seen if art is None else seen & flip(art)
    whole = _whole_view(p, flip(thumb), on, flip(within), 1.0 if art is None else float(art.mean()))
    return {**whole, "whole_view": 1.0} if factor(whole) > factor(part) else part


def factor(fig: dict[str, float]) -> float:
    """Score factor: 1 while the recoloured share of the picture not laid over plus its changed share (of the
    picture, or of its fine detail, the higher) is at most LONE_DIFF_FULL, LONE_FLOOR from LONE_DIFF_LOW."""
    off = fig["recoloured"] + max(fig["changed"], fig.get("changed_ink", 0.0))
    credit = float(np.clip((C.LONE_DIFF_LOW - off) / (C.LONE_DIFF_LOW - C.LONE_DIFF_FULL), 0.0, 1.0))
    return C.LONE_FLOOR + (1.0 - C.LONE_FLOOR) * credit


_AGREE: dict[tuple[str, int], np.ndarray] = {}


def agreeing(idx, ref: int, sibs: list[int]) -> np.ndarray:
    """The pixels of REF's thumbnail frame where every member of its sibling group agrees with it (each member
    aligned into its frame, within SIB_PIXEL_TOL; kept SIB_DISCRIM_GROW px away from where any differs): what no
    indexed member tells apart, so the sibling check never looks there (another expression of a character indexed
    in two outfits, a card's name or mark that no indexed card changes). Cached per index version and reference."""
    key = (str(getattr(idx, "version", id(idx))), ref)
    if key not in _AGREE:
        if len(_AGREE) > C.SIB_ALIGN_CACHE:
            _AGREE.clear()
        soft = {r: smooth(t) for r, t in group_thumbs(idx, ref, sibs).items()}
        differ = np.logical_or.reduce([np.abs(soft[ref] - soft[s]).max(axis=2) > C.SIB_PIXEL_TOL for s in sibs])
        k = 2 * C.SIB_DISCRIM_GROW + 1
        grown = cv2.dilate(differ.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
        _AGREE[key] = ~grown
    return _AGREE[key]


def _shown_scale(H: np.ndarray, ref_size: tuple[int, int], side: int) -> float:
    """Frame px per thumbnail px (of a SIDE square) where H (reference px -> frame) puts the reference's centre: the
    geometric mean over the two axes."""
    w, h = ref_size
    p = H @ np.array([w / 2.0, h / 2.0, 1.0])
    if abs(p[2]) < 1e-9:
        return 0.0
    J = (H[:2, :2] * p[2] - np.outer(p[:2], H[2, :2])) / p[2] ** 2
    return float(np.sqrt(abs(np.linalg.det(J)) * w * h)) / side


def _sharp_figures(bgr: np.ndarray, idx, ref: int, H: np.ndarray, mirrored: bool, ref_size: tuple[int, int], visible,
                   within: np.ndarray) -> dict[str, float] | None:
    """`figures` of a sibling group's member on its sharper thumbnail (SIB_SHARP_SIDE, kept in the index for members
    only), where its group agrees (WITHIN, at SIB_SIDE, scaled up): another expression of a character indexed in two
    outfits (a mouth turned down, tears) leaves blobs at SIB_SIDE within a true copy's noise, plain at this side. None
    when the index keeps no sharp thumbnail of REF (it keeps none of a transparent reference: its opaque mask is kept at
    THUMB_SIDE, whose edge scaled up to this side would let the footage round a sprite be judged) or the clip shows the
    picture at under SIB_SHARP_MIN_SCALE frame px per sharp thumbnail px (its detail is not in the clip). Its pixel
    constants (LONE_RIM, LONE_DENSE_SIGMA, ...) count the sharp thumbnail's pixels."""
    rows = getattr(idx, "sharp_row", None)
    if rows is None or len(rows) <= ref or rows[ref] < 0:
        return None
    side = C.SIB_SHARP_SIDE
    if _shown_scale(H, ref_size, side) < C.SIB_SHARP_MIN_SCALE:
        return None
    big = cv2.resize(within.astype(np.uint8), (side, side), interpolation=cv2.INTER_NEAREST) > 0
    return figures(bgr, H, mirrored, np.asarray(idx.sharp_thumbs[rows[ref]]), ref_size, None, visible, big)


def check_hits(bgr: np.ndarray, hits: list, idx, visible=None, memo: dict | None = None) -> list:
    """Each hit (scored LONE_MIN_SCORE or more, after the sibling check): its detail checked, its score scaled by
    `factor`, the figures under evidence["detail_check"]. A reference with indexed siblings is checked on the pixels
    where its group agrees (`agreeing`: where they differ is the sibling check's, matcher.siblings), when they are
    LONE_GROUP_AGREE_MIN of its picture at least, and only with LONE_GROUP_MEMBERS on. MEMO (one per scan: reference -> score and figures of a hit whose
    check found nothing an edit cannot explain): a later hit on it scored no higher is not checked again (cost): the
    clip's score rests on its best frame, which that hit already verified at least as high."""
    for h in hits:
        if h.score < C.LONE_MIN_SCORE:
            continue
        sibs = idx.siblings_of(h.reference)
        if sibs and not C.LONE_GROUP_MEMBERS:
            continue
        within = agreeing(idx, h.reference, sibs) if sibs else None
        if within is not None and within.mean() < C.LONE_GROUP_AGREE_MIN:
            continue
        last = None if memo is None else memo.get(h.reference)
        if last is not None and h.score <= last[0]:
            h.evidence["detail_check"] = dict(last[1])
            continue
        rw, rh = (int(v) for v in idx.sizes[h.reference])
        H, mirrored = placement(h, idx)
        fig = figures(bgr, H, mirrored, idx.colour_thumbs[h.reference], (rw, rh), _art(idx, h.reference), visible,
                      within)
        f = factor(fig)
        if within is not None and f > C.LONE_FLOOR and fig["hidden"] <= C.SIB_SHARP_MAX_HIDDEN:
            # not already floored at SIB_SIDE, and nothing found laid over there: a member's fine detail read again on its
            # sharper thumbnail (`_sharp_figures`; the lower factor of the two speaks)
            sharp = _sharp_figures(bgr, idx, h.reference, H, mirrored, (rw, rh), visible, within)
            if sharp is not None and factor(sharp) < f:
                fig, f = {**sharp, "sharp": 1.0}, factor(sharp)
        h.score *= f
        h.evidence["detail_check"] = {**{k: round(v, 4) for k, v in fig.items()}, "factor": round(f, 4)}
        if memo is not None and f >= 1.0:
            memo[h.reference] = (h.score, h.evidence["detail_check"])
    return hits
