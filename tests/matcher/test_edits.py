"""Edits stacked the way uploaders stack them: white art filling the frame's width above a caption."""

from __future__ import annotations

import cv2
import numpy as np

from bench import synth
from matcher.hashing import grey
from matcher.verify import appearance, overlay_rows, thumbnail_of


def _graph(w: int = 300, h: int = 420, seed: int = 5) -> np.ndarray:
    """A card-like drawing: thin lines and dots on white (the kind whose rows look like a caption bar)."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), 255, np.uint8)
    pts = rng.integers([20, 20], [w - 20, h - 20], (9, 2))
    for a, b in zip(pts[:-1], pts[1:]):
        cv2.line(img, tuple(int(v) for v in a), tuple(int(v) for v in b), (90, 90, 200), 2, cv2.LINE_AA)
    for p in pts:
        cv2.circle(img, tuple(int(v) for v in p), 6, (160, 60, 20), -1, cv2.LINE_AA)
    return img


def test_white_rows_of_the_art_are_compared_not_written_off_as_a_caption():
    ref = _graph()
    rh, rw = ref.shape[:2]
    s = 540 / rw
    frame = np.zeros((960, 540, 3), np.uint8)
    frame[:round(rh * s)] = cv2.resize(ref, (540, round(rh * s)), interpolation=cv2.INTER_AREA)
    frame = synth.caption(frame, "part 2", y_share=0.82, height_share=0.08)
    g = grey(frame)
    rows = overlay_rows(g)
    assert rows[: round(rh * s)].any(), "the art's white rows look like a caption bar: the case under test"
    th, tm = thumbnail_of(grey(ref), None)
    H = np.diag([s, s, 1.0])
    assert appearance(g, H, (rw, rh), th, tm, overlay_rows=rows) >= 0.8
    # and a different drawing in the same place does not agree
    other = thumbnail_of(grey(_graph(seed=9)), None)
    assert appearance(g, H, (rw, rh), *other, overlay_rows=rows) < 0.5
