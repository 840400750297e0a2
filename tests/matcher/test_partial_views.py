"""Partial views (issue 12): a landscape picture reuploaded as a vertical clip shows 30-60 % of its width,
zoomed, on a blurred fill of itself, sometimes half covered by a coloured box and mirrored half way through.

The clips are generated here from scikit-image's sample pictures (the references of conftest.py) at the
size the matcher analyses (540x960), so the crop shows the picture's detail 2-3 times larger than the
index holds it: the case the frame's own keypoint search missed."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import matcher
from bench import synth
from tests.matcher.conftest import read

W, H = 540, 960


def reupload_frame(img: np.ndarray, share: float, zoom: float = 1.0, cover: str | None = None,
                   mirror: bool = False) -> np.ndarray:
    """A centre crop `share` of the picture's width, fitted to a 9:16 frame's width over a blurred, darkened
    fill of itself, zoomed by `zoom`; `cover` 'top' or 'bottom' puts a coloured box with text over that half."""
    ih, iw = img.shape[:2]
    cw = round(iw * share)
    crop = img[:, (iw - cw) // 2:(iw - cw) // 2 + cw]
    s = max(W / cw, H / ih)
    bg = cv2.resize(crop, (round(cw * s), round(ih * s)), interpolation=cv2.INTER_AREA)
    y0, x0 = (bg.shape[0] - H) // 2, (bg.shape[1] - W) // 2
    bg = cv2.GaussianBlur(bg[y0:y0 + H, x0:x0 + W], (0, 0), 18)
    frame = (bg.astype(np.float32) * 0.85).astype(np.uint8)
    fh = round(ih * W / cw)
    fg = cv2.resize(crop, (W, fh), interpolation=cv2.INTER_CUBIC)
    if fh > H:
        fg = fg[(fh - H) // 2:(fh - H) // 2 + H]
        fh = H
    y = (H - fh) // 2
    frame[y:y + fh] = fg
    if zoom != 1.0:
        big = cv2.resize(frame, (round(W * zoom), round(H * zoom)), interpolation=cv2.INTER_LINEAR)
        yy, xx = (big.shape[0] - H) // 2, (big.shape[1] - W) // 2
        frame = big[yy:yy + H, xx:xx + W].copy()
    if cover is not None:
        top = 0 if cover == "top" else H // 2
        frame[top:top + H // 2] = (60, 170, 90)
        cv2.putText(frame, "watch till the end", (40, top + H // 4), cv2.FONT_HERSHEY_SIMPLEX, 1.1,
                    (255, 255, 255), 3, cv2.LINE_AA)
    return frame[:, ::-1].copy() if mirror else frame


def _clip(clip_dir, name: str, frames) -> str:
    path = clip_dir / f"partial_{name}.mp4"
    if not path.exists():
        synth.write_clip(path, frames, seconds=3.0, fps=6, w=W, h=H)
    return str(path)


def _scores(res: matcher.ScanResult) -> dict[str, float]:
    return {m.reference: m.score for m in res.matches}


@pytest.mark.parametrize("name,share", [("coffee.png", 0.4), ("chelsea.png", 0.4)])
def test_a_centre_crop_of_a_landscape_picture_on_blurred_fill_is_found(index, clip_dir, name, share):
    img = read(name)
    path = _clip(clip_dir, f"crop_{name[:-4]}", lambda i: reupload_frame(img, share, zoom=1.0 + 0.1 * i / 18))
    res = matcher.scan_video(path, index)
    stem = name.rsplit(".", 1)[0]
    assert _scores(res).get(stem, 0.0) >= matcher.DEFAULT_THRESHOLD, _scores(res)
    assert set(_scores(res)) == {stem}, "no other reference is named"


def test_half_covered_and_mirrored_half_way_is_found(index, clip_dir):
    img = read("chelsea.png")
    frames = lambda i: reupload_frame(img, 0.4, zoom=1.0 + 0.1 * i / 18, cover="top", mirror=i >= 9)
    res = matcher.scan_video(_clip(clip_dir, "covered_mirrored", frames), index)
    assert _scores(res).get("chelsea", 0.0) >= matcher.DEFAULT_THRESHOLD, _scores(res)
    m = next(m for m in res.matches if m.reference == "chelsea")
    # both halves of the clip count: the plain one and the mirrored one
    assert m.spans and m.spans[0][0] <= 0.5 and m.spans[-1][1] >= 2.5, m.spans


def test_an_unrelated_landscape_in_the_same_edit_is_not_matched(index, clip_dir):
    img = read("motorcycle_left.png")
    frames = lambda i: reupload_frame(img, 0.4, zoom=1.0 + 0.1 * i / 18, cover="bottom" if i < 9 else None,
                                      mirror=i >= 9)
    res = matcher.scan_video(_clip(clip_dir, "unrelated", frames), index)
    assert not res.matches, _scores(res)
    # and nothing comes near the threshold either
    res0 = matcher.scan_video(_clip(clip_dir, "unrelated", frames), index, threshold=0)
    assert max(_scores(res0).values(), default=0.0) < 0.3, _scores(res0)
