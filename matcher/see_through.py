"""Keypoints of see-through art (a title logo, a sticker: references with transparency) that do not depend on
what shows through it.

A reference with transparency is flattened on white, but a copy shows it over footage: a keypoint whose patch
reaches into the transparent part (the outer edge of an outline, a gap between glyphs) describes the white as
much as the art, and neither matches on the copy nor, missing, lets the copies' coverage reach what the index
expects. Keypoints found at the same place with nearly the same descriptor when the art is flattened on black
instead are the art's own; when a reference has enough of them, they are its features.
"""

from __future__ import annotations

import cv2
import numpy as np

from matcher import constants as C
from matcher.verify import features


def art_features(grey_img: np.ndarray, mask: np.ndarray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The reference's keypoints (xy, descriptors) as `verify.features` gives them, but for see-through art
    (MASK with transparent pixels) only those stable under another background, when it has SEE_THROUGH_MIN
    of them (a small sprite's keypoints are its silhouette's: it keeps them all)."""
    if mask is None or mask.min() > 0:
        return features(grey_img, n)
    grown = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    many = n * C.SEE_THROUGH_OVERSAMPLE
    w_xy, w_desc = features(grey_img, many, grown)
    b_xy, b_desc = features(np.where(mask > 0, grey_img, 0).astype(np.uint8), many, grown)
    keep = np.flatnonzero(stable_keypoints(w_xy, w_desc, b_xy, b_desc))
    if len(keep) < C.SEE_THROUGH_MIN:
        return features(grey_img, n, grown)
    keep = keep[:n]        # features' spread order: any head of the list is spread over the art
    return w_xy[keep], w_desc[keep]


def stable_keypoints(a_xy: np.ndarray, a_desc: np.ndarray, b_xy: np.ndarray, b_desc: np.ndarray) -> np.ndarray:
    """bool per keypoint of A: a keypoint of B lies within SEE_THROUGH_PX with a descriptor within SEE_THROUGH_BITS."""
    ok = np.zeros(len(a_xy), bool)
    if not len(a_xy) or not len(b_xy):
        return ok
    for s in range(0, len(a_xy), 256):
        d = np.linalg.norm(a_xy[s:s + 256, None] - b_xy[None], axis=2)
        i, j = np.nonzero(d <= C.SEE_THROUGH_PX)
        if not len(i):
            continue
        bits = np.unpackbits(a_desc[s + i] ^ b_desc[j], axis=1).sum(axis=1)
        ok[s + i[bits <= C.SEE_THROUGH_BITS]] = True
    return ok
