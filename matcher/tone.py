"""A camera's tone curve explained: a picture filmed off a screen (or shot through any camera) passes through the
panel's gamma and the camera's exposure, shoulder and black point, one monotone curve the same for every channel. The
sibling check compares a clip with its reference's members after a per-channel gain and offset only, which leaves such
a curve's bend as error over the whole picture (a card on a monitor, its detail clearly the card's, read as detail
missing). `fit_curve` learns that curve from the pixels where the group's members agree (so that it speaks for no
member), pooled over the channels: being monotone and one for all channels, it cannot turn one colour into another
(a green outfit into a navy one needs one channel raised and another lowered), only undo what a tone curve did."""

from __future__ import annotations

import numpy as np

from matcher import constants as C


def _monotone(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The non-decreasing sequence closest to Y in weighted least squares (pool adjacent violators)."""
    vals, wts, sizes = [], [], []
    for v, k in zip(y.tolist(), w.tolist()):
        vals.append(v)
        wts.append(k)
        sizes.append(1)
        while len(vals) > 1 and vals[-2] > vals[-1]:
            k2 = wts[-2] + wts[-1]
            v2 = (vals[-2] * wts[-2] + vals[-1] * wts[-1]) / max(k2, 1e-9)
            n2 = sizes[-2] + sizes[-1]
            vals[-2:], wts[-2:], sizes[-2:] = [v2], [k2], [n2]
    return np.repeat(vals, sizes)


def fit_curve(clip: np.ndarray, ref: np.ndarray, on: np.ndarray, judged: np.ndarray | None = None) -> np.ndarray | None:
    """The monotone curve (a 256-entry lookup table, grey levels) taking the clip's levels to the reference's on the
    pixels ON, pooled over the channels; None when too few pixels or levels to fit it, or when the clip's levels on the
    pixels JUDGED (all by default) fall outside the levels it was learnt on (TONE_MIN_COVER): a curve says nothing of
    levels it never saw (the ink of a card printed black or blue, where only its white face agrees)."""
    x = clip[on].reshape(-1).astype(np.float64)
    y = ref[on].reshape(-1).astype(np.float64)
    if x.size < C.TONE_MIN_PIXELS:
        return None
    bins = np.clip((x * C.TONE_BINS / 256.0).astype(int), 0, C.TONE_BINS - 1)
    n = np.bincount(bins, minlength=C.TONE_BINS).astype(np.float64)
    used = n >= C.TONE_MIN_BIN
    if used.sum() < C.TONE_MIN_LEVELS:
        return None
    every = clip[judged if judged is not None else np.ones(on.shape, bool)].reshape(-1)
    every_bins = np.clip((every * C.TONE_BINS / 256.0).astype(int), 0, C.TONE_BINS - 1)
    if every.size == 0 or float(used[every_bins].mean()) < C.TONE_MIN_COVER:
        return None
    sx = np.bincount(bins, x, C.TONE_BINS)[used] / n[used]
    sy = np.bincount(bins, y, C.TONE_BINS)[used] / n[used]
    # a curve that is straight (a gain and an offset) is what the sibling check's normalisation already undoes: only a
    # bent one (a gamma, a shoulder, a crushed black) is a tone curve to explain
    a, b = np.polyfit(sx, sy, 1, w=np.sqrt(n[used]))
    if float(np.average(np.abs(sy - (a * sx + b)), weights=n[used])) < C.TONE_MIN_BEND:
        return None
    fy = _monotone(sy, n[used])
    return np.clip(np.interp(np.arange(256, dtype=np.float64), sx, fy), 0, 255).astype(np.float32)


def apply_curve(img: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """IMG (uint8, any channels) through the curve LUT, the same for every channel -> uint8."""
    return np.clip(np.round(lut[img]), 0, 255).astype(np.uint8)



def fit_shading(clip: np.ndarray, ref: np.ndarray, on: np.ndarray, apply: np.ndarray | None = None) -> np.ndarray | None:
    """The clip with a smooth light field over the picture undone: a screen filmed in a room is lit unevenly (a
    lamp's or a window's soft reflection on the glass, a backlight brighter at the panel's centre, a camera's
    vignetting), a field of low order over the picture that neither a tone curve (one for every pixel) nor the sibling
    check's normalisation (one gain and offset for the picture) explains. Per channel, the reference's level is fitted
    as the clip's level times a gain and plus an offset, each a polynomial of degree SHADE_DEGREE in the pixel's
    position, on the pixels ON only (where the group's members agree: the field speaks for no member, and being smooth
    it cannot draw a pip or a limb that is not there) -> APPLY (the clip unsmoothed, say; CLIP by default) with the
    field undone (float32, 0-255), or None when too few pixels to fit it (SHADE_MIN_PIXELS)."""
    if int(on.sum()) < C.SHADE_MIN_PIXELS:
        return None
    h, w = on.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    xx, yy = xx / max(1, w - 1) - 0.5, yy / max(1, h - 1) - 0.5
    terms = [np.ones_like(xx)]
    for d in range(1, C.SHADE_DEGREE + 1):
        terms += [xx ** (d - k) * yy ** k for k in range(d + 1)]
    basis = np.stack(terms, -1)                                   # h x w x T
    apply = clip if apply is None else apply
    out = np.empty(apply.shape, np.float32)
    for c in range(clip.shape[2]):
        x = clip[..., c].astype(np.float64)
        feats = np.concatenate([basis * x[..., None], basis], -1)  # gain field * level + offset field
        A, y = feats[on], ref[..., c][on].astype(np.float64)
        # a little ridge towards the identity (gain 1, offset 0): a field the pixels leave unsettled stays flat
        lam = C.SHADE_RIDGE * len(y)
        prior = np.zeros(feats.shape[-1])
        prior[0] = 1.0
        coef = np.linalg.solve(A.T @ A + lam * np.eye(len(prior)), A.T @ y + lam * prior)
        xa = apply[..., c].astype(np.float64)
        out[..., c] = np.clip(np.concatenate([basis * xa[..., None], basis], -1) @ coef, 0, 255)
    return out
