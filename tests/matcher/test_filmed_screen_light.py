"""A picture filmed off a screen reaches the sibling check with what the screen and the camera did to it all over: a
soft reflection on the glass and an uneven backlight (a smooth light field the tone curve does not explain), the
panel's sub-pixels beating with the camera's (moire: fine texture the reference does not have), a lens softer than
the reference's small print. Each was read as the reference's detail missing, and the true member floored like a
sibling (branch screen7: the `screenphoto` family of bench/accuracy recalled at 0.50-0.62).

The clips are drawn by bench.accuracy.screen_photo over sibart's bust (character 1, outfits 0 and 1 indexed, a sibling
group; outfit 2 is the near-miss that is not indexed) and over deck 3's cards, as tests/matcher/test_screen_photos.py
does. Over 18 bust clips (monitor, TV, phone x seeds 0-5, one frame each) main 079d39f scores the true outfit >= 0.5 on
none, this branch on 2 (TV 1: 0.42 -> 0.53, phone 3: 0.08 -> 0.52, the seeds tested below, picked so that these tests
fail on main), raises 8 and lowers none; most of the rest are not found at all (the detectors' part, not the sibling
check's). What must hold whatever the seeds: the outfit that is not indexed, filmed the same way, stays below 0.5
against both indexed outfits (0.13 at most on those 18, on main as here)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

import matcher
from bench.accuracy import artgen, screen_photo, sibart
from matcher import siblings, tone
from matcher.scan import analyse_frame

from .conftest import SMALL_H, SMALL_W, read

CHAR = 1
# the blurred re-judgement (SIB_MOIRE_SIGMAS, SIB_SOFT_SIGMAS) was switched off on main 20c7fc7 (its ratio over the
# whole patch read main's sibling near-miss ff_nearmiss_card0_8H, a pip more, as moire: 0.62 for card0_7H); branch
# screen9 takes the ratio tile by tile (`siblings._fine_ratio`) and switches it on: the TV's bust and the card under glare
# below fail on main 20c7fc7 (strict xfail there) and pass here


@pytest.fixture(scope="module")
def busts(tmp_path_factory):
    d = tmp_path_factory.mktemp("screen_busts")
    for o in (0, 1):
        sibart.bust(CHAR, o).convert("RGB").save(d / f"bust_o{o}.png")
    idx = matcher.ReferenceIndex.build([d])
    assert idx.siblings_of(idx.names.index("bust_o0")) == [idx.names.index("bust_o1")]
    return idx


def _filmed(art: Image.Image, kind: str, seed: int) -> np.ndarray:
    room = Image.fromarray(cv2.cvtColor(read("brick.png"), cv2.COLOR_BGR2RGB))
    rgb = next(screen_photo.render_frames(art.convert("RGB"), room, np.random.default_rng(seed), kind, SMALL_W, SMALL_H,
                                          15, 0.1))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _hits(idx, bgr: np.ndarray, name: str) -> list:
    return [h for h in analyse_frame(bgr, 0.0, idx) if idx.names[h.reference] == name]


def _score(idx, bgr: np.ndarray, name: str) -> float:
    return max((h.score for h in _hits(idx, bgr, name)), default=0.0)


@pytest.mark.parametrize("kind,seed", [("phone", 3), ("tv", 1)])
def test_a_bust_filmed_off_a_screen_is_told_from_its_sibling(busts, kind, seed):
    assert _score(busts, _filmed(sibart.bust(CHAR, 0), kind, seed), "bust_o0") >= 0.5


@pytest.mark.parametrize("kind,seed", [("tv", 5), ("phone", 3), ("tv", 1), ("tv", 4), ("phone", 4), ("monitor", 1)])
def test_the_outfit_that_is_not_indexed_filmed_the_same_way_is_not_taken_for_either(busts, kind, seed):
    bgr = _filmed(sibart.bust(CHAR, 2), kind, seed)
    assert _score(busts, bgr, "bust_o0") < 0.5
    assert _score(busts, bgr, "bust_o1") < 0.5


def test_a_card_filmed_off_a_monitor_under_glare_keeps_its_sibling_credit(tmp_path):
    """9H of deck 3 filmed off a monitor with a strong reflection (seed 0): found by its keypoints, its detail clearly
    9H's; main 079d39f's sibling factor was 0.33 (the glare's gradient read as detail missing)."""
    for c in ("5S", "9H", "JC", "2D"):
        artgen.playing_card(c[:-1], c[-1], 3).save(tmp_path / f"card_{c}.png")
    idx = matcher.ReferenceIndex.build([tmp_path])
    hits = _hits(idx, _filmed(artgen.playing_card("9", "H", 3), "monitor", 0), "card_9H")
    assert hits
    assert max(h.evidence["siblings"]["factor"] for h in hits if "siblings" in h.evidence) >= 0.8


def _glared(img: np.ndarray) -> np.ndarray:
    """IMG (uint8 BGR) under a soft bright reflection and a backlight dimmer to the right."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    glare = 70.0 * np.exp(-(((xx - 0.3 * w) / (0.3 * w)) ** 2 + ((yy - 0.4 * h) / (0.25 * h)) ** 2))
    gain = 1.0 - 0.35 * xx / w
    return np.clip(img.astype(np.float32) * gain[..., None] + glare[..., None], 0, 255).astype(np.uint8)


def _picture(pip: bool) -> np.ndarray:
    img = np.full((96, 96, 3), 200, np.uint8)
    cv2.rectangle(img, (10, 10), (40, 86), (40, 60, 160), -1)
    cv2.rectangle(img, (50, 10), (86, 40), (30, 140, 60), -1)
    if pip:
        cv2.circle(img, (68, 66), 12, (20, 20, 20), -1)
    return img


def test_a_smooth_light_field_is_undone():
    ref = _picture(pip=True)
    clip = _glared(ref)
    on = np.ones(ref.shape[:2], bool)
    out = tone.fit_shading(clip.astype(np.float32), ref.astype(np.float32), on)
    before = float(np.abs(clip.astype(np.float32) - ref).mean())
    after = float(np.abs(out - ref).mean())
    assert after < 0.4 * before          # a quadratic field takes most of a Gaussian glare (measured: 28.8 -> 9.3)


def test_a_light_field_fitted_where_the_members_agree_cannot_draw_a_pip_that_is_not_there():
    """The sibling has a pip the clip's picture lacks; the field is fitted off the pip (where the two agree) and
    applied everywhere: the pip stays missing."""
    ref, sib = _picture(pip=True), _picture(pip=False)
    clip = _glared(sib)
    agree = np.abs(ref.astype(int) - sib.astype(int)).max(axis=2) == 0
    out = tone.fit_shading(clip.astype(np.float32), ref.astype(np.float32), agree)
    pip = ~agree
    assert float(np.abs(out[pip] - ref[pip]).mean()) > 100.0


def test_moire_makes_a_patch_grainier_than_its_reference_and_a_lens_softer():
    ref = cv2.GaussianBlur(_picture(pip=True), (0, 0), 1.0)
    on = np.ones(ref.shape[:2], bool)
    assert siblings._fine(ref, on) / siblings._fine(ref, on) == 1.0
    yy, xx = np.mgrid[0:96, 0:96]
    beat = (25 * np.sin(2 * np.pi * (xx * 0.43 + yy * 0.11))).astype(np.float32)[..., None]
    grainy = np.clip(ref.astype(np.float32) + beat, 0, 255).astype(np.uint8)
    assert siblings._fine(grainy, on) >= matcher.constants.SIB_MOIRE_RATIO * siblings._fine(ref, on)
    assert siblings._fine(cv2.GaussianBlur(ref, (0, 0), 2.0), on) <= matcher.constants.SIB_SOFT_RATIO * siblings._fine(ref, on)


def _marked(img: np.ndarray) -> np.ndarray:
    """IMG with a patch of small print in its lower right corner (two tiles of sixteen): a card that is not indexed
    with a pip or an index more where every indexed member shows the card's plain face."""
    out = img.copy()
    for x in range(50, 95, 4):
        for y in range(81, 95, 4):
            cv2.circle(out, (x, y), 1, (20, 20, 230), -1)
    return out


def test_detail_in_one_corner_is_not_moire():
    """Moire and a lens's softness change the whole picture; a card's extra pip or index changes a tile or two. Over
    the whole patch the small print in one corner is as much more texture as moire (1.83 times: main 20c7fc7 would
    blur it away and judge the detail again, as it lifted main's near-miss 8H to 0.62); tile by tile it is none."""
    ref = _picture(pip=True)
    on = np.ones(ref.shape[:2], bool)
    marked = _marked(ref)
    assert siblings._fine(marked, on) >= matcher.constants.SIB_MOIRE_RATIO * siblings._fine(ref, on)
    assert siblings._blurs(marked, ref, on) == ()
    yy, xx = np.mgrid[0:96, 0:96]
    beat = (25 * np.sin(2 * np.pi * (xx * 0.43 + yy * 0.11))).astype(np.float32)[..., None]
    grainy = np.clip(ref.astype(np.float32) + beat, 0, 255).astype(np.uint8)
    assert siblings._blurs(grainy, ref, on) == matcher.constants.SIB_MOIRE_SIGMAS != ()
    assert siblings._blurs(cv2.GaussianBlur(ref, (0, 0), 2.0), ref, on) == matcher.constants.SIB_SOFT_SIGMAS != ()
