"""A see-through title logo as a small animated sticker over busy footage (issue 12's gifsticker family): a Japanese
title about a third of a 720 px frame's width, bobbing over a star field the camera pans across. On the frame its
strokes are narrower than ORB's patch and the stars take the frame's keypoints (7-10 ratio-test pairs on the
benchmark's clips); on the 64 px thumbnail the silhouette search reads, the title is a blur. Where a sprite's outline
proposes the sticker (matcher.silhouette.proposals), its region's features at the scale the index holds the
reference's keypoints find it (matcher.detectors.features._search_sticker). Another title in the same style, laid the
same way, is not taken for either. The logos are drawn by tests/matcher/test_title_logos.py (Noto CJK), the footage is
scikit-image's Hubble deep field; no benchmark generator is used."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

import matcher
from bench import synth

from .conftest import read
from .test_title_logos import CJK_FONT, TITLES, index_of_titles, title_logo

W, H, FPS = 720, 1280, 6

pytestmark = pytest.mark.skipif(not CJK_FONT.exists(), reason="fonts-noto-cjk is not installed")


@pytest.fixture(scope="module")
def titles_index(tmp_path_factory):
    return index_of_titles(tmp_path_factory.mktemp("title_stickers"))


def _sticker_clip(path, logo: Image.Image, width: int, at: tuple[int, int]):
    """A 2 s clip: LOGO (RGBA) scaled to WIDTH px, bobbing round AT over the Hubble deep field panned across."""
    foot = read("hubble_deep_field.jpg")
    s = 1.3 * max(W / foot.shape[1], H / foot.shape[0])
    foot = cv2.resize(foot, (round(foot.shape[1] * s), round(foot.shape[0] * s)), interpolation=cv2.INTER_CUBIC)
    small = np.asarray(logo.resize((width, round(logo.height * width / logo.width)), Image.LANCZOS)).astype(np.float32)
    colour, alpha = cv2.cvtColor(small[..., :3], cv2.COLOR_RGB2BGR), small[..., 3:] / 255.0
    sh, sw = small.shape[:2]
    fh, fw = foot.shape[:2]

    def frame(i: int) -> np.ndarray:
        t = i / FPS
        ox, oy = round((fw - W) * (0.5 + 0.4 * np.sin(0.6 * t))), round((fh - H) * (0.5 + 0.4 * np.cos(0.6 * t)))
        img = foot[oy:oy + H, ox:ox + W].astype(np.float32)
        x, y = int(at[0] + 20 * np.sin(2.0 * t)), int(at[1] + 15 * np.cos(1.5 * t))
        img[y:y + sh, x:x + sw] = img[y:y + sh, x:x + sw] * (1 - alpha) + colour * alpha
        return img.astype(np.uint8)
    return synth.write_clip(path, frame, seconds=2.0, fps=FPS, w=W, h=H)


@pytest.mark.parametrize("width, at", [(250, (40, 300)), (280, (380, 700))])
def test_a_small_title_sticker_over_a_starfield_is_found(width, at, titles_index, tmp_path):
    clip = _sticker_clip(tmp_path / "sticker.mp4", title_logo(*TITLES[0]), width, at)
    scores = {m.reference: m.score for m in matcher.scan_video(clip, titles_index, threshold=0).matches}
    assert scores.get("title0", 0.0) >= 0.5, scores
    assert scores.get("title1", 0.0) < 0.5, scores


def test_another_title_as_a_small_sticker_is_not_taken_for_one(titles_index, tmp_path):
    clip = _sticker_clip(tmp_path / "near.mp4", title_logo(*TITLES[2]), 250, (40, 300))
    res = matcher.scan_video(clip, titles_index, threshold=0)
    assert all(m.score < 0.5 for m in res.matches), [(m.reference, m.score) for m in res.matches]
