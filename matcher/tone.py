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


def fit_curve(clip: np.ndarray, ref: np.ndarray, on: np.ndarray) -> np.ndarray | None:
    """The monotone curve (a 256-entry lookup table, grey levels) taking the clip's levels to the reference's on the
    pixels ON, pooled over the channels; None when too few pixels or levels to fit it."""
    x = clip[on].reshape(-1).astype(np.float64)
    y = ref[on].reshape(-1).astype(np.float64)
    if x.size < C.TONE_MIN_PIXELS:
        return None
    bins = np.clip((x * C.TONE_BINS / 256.0).astype(int), 0, C.TONE_BINS - 1)
    n = np.bincount(bins, minlength=C.TONE_BINS).astype(np.float64)
    used = n >= C.TONE_MIN_BIN
    if used.sum() < C.TONE_MIN_LEVELS:
        return None
    sx = np.bincount(bins, x, C.TONE_BINS)[used] / n[used]
    sy = np.bincount(bins, y, C.TONE_BINS)[used] / n[used]
    fy = _monotone(sy, n[used])
    return np.clip(np.interp(np.arange(256, dtype=np.float64), sx, fy), 0, 255).astype(np.float32)


def apply_curve(img: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """IMG (uint8, any channels) through the curve LUT, the same for every channel -> uint8."""
    return np.clip(np.round(lut[img]), 0, 255).astype(np.uint8)

