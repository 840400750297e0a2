"""Flat sprites found by their silhouette, tilted frames turned upright, small pasted pictures proposed."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

import matcher
from bench import synth
from matcher.deskew import skew_angle
from matcher.hashing import grey
from matcher.regions import _iou, rectangle_proposals

from .conftest import SMALL_H, SMALL_W, read


def _icon(kind: str) -> np.ndarray:
    """A 48x48 black line icon with transparency (the flat kind local features miss)."""
    rgba = np.zeros((48, 48, 4), np.uint8)
    a = np.zeros((48, 48), np.uint8)
    if kind == "magnifier":
        cv2.circle(a, (19, 19), 13, 255, 5, cv2.LINE_AA)
        cv2.line(a, (29, 29), (43, 43), 255, 6, cv2.LINE_AA)
    elif kind == "house":
        cv2.polylines(a, [np.array([[6, 22], [24, 6], [42, 22]])], False, 255, 4, cv2.LINE_AA)
        cv2.rectangle(a, (11, 22), (37, 42), 255, 4, cv2.LINE_AA)
        cv2.rectangle(a, (20, 30), (28, 42), 255, -1)
    else:  # an arrow: another icon of the same set
        cv2.arrowedLine(a, (40, 24), (8, 24), 255, 5, cv2.LINE_AA, tipLength=0.45)
    rgba[..., 3] = a
    return rgba


def _texture(w: int, h: int, seed: int = 3) -> np.ndarray:
    """Brick-like background: pale lines on grey, the texture that defeats hashes of the whole region."""
    rng = np.random.default_rng(seed)
    bg = np.full((h, w, 3), 120, np.uint8)
    bg = np.clip(bg + rng.normal(0, 10, bg.shape), 0, 255).astype(np.uint8)
    for y in range(0, h, 22):
        cv2.line(bg, (0, y), (w, y), (200, 200, 200), 2)
        off = 0 if (y // 22) % 2 else 20
        for x in range(off, w, 40):
            cv2.line(bg, (x, y), (x, y + 22), (200, 200, 200), 2)
    return bg


@pytest.fixture(scope="module")
def icon_index(tmp_path_factory):
    d = tmp_path_factory.mktemp("icons")
    for kind in ("magnifier", "house"):
        Image.fromarray(_icon(kind), "RGBA").save(d / f"icon_{kind}.png")
    # plus two photos, so the index is not only icons
    for name in ("coffee.png", "chelsea.png"):
        cv2.imwrite(str(d / name), read(name))
    return matcher.ReferenceIndex.build([d])


def _icon_frame(kind: str) -> np.ndarray:
    rgba = cv2.resize(_icon(kind), (432, 432), interpolation=cv2.INTER_NEAREST)   # blown up as edits do
    bgr = cv2.cvtColor(rgba[..., :3], cv2.COLOR_RGB2BGR)
    canvas = synth.paste(_texture(432, 432), bgr, 0, 0, rgba[..., 3])
    return synth.letterbox(canvas, SMALL_W, SMALL_H)


@pytest.mark.parametrize("kind", ["magnifier", "house"])
def test_line_icon_on_texture_is_found(kind, icon_index, make_clip):
    res = matcher.scan_video(make_clip(f"icon_{kind}_on_texture", _icon_frame(kind)), icon_index)
    assert [m.reference for m in res.matches] == [f"icon_{kind}"]


def test_another_icon_of_the_set_is_not_matched(icon_index, make_clip):
    res = matcher.scan_video(make_clip("icon_arrow_on_texture", _icon_frame("arrow")), icon_index)
    assert res.matches == []


@pytest.mark.parametrize("angle", [-7.0, 4.0])
def test_skew_angle_of_a_tilted_letterboxed_frame(angle):
    frame = synth.rotate(synth.letterbox(read("coffee.png"), SMALL_W, SMALL_H), angle)
    got = skew_angle(grey(frame))
    assert got is not None and abs(got + angle) <= 1.0      # the turn that undoes it
    upright = synth.rotate(frame, got)
    assert skew_angle(grey(upright)) is None


def test_no_skew_on_an_upright_frame_or_a_texture():
    assert skew_angle(grey(synth.letterbox(read("coffee.png"), SMALL_W, SMALL_H))) is None
    grass = cv2.resize(read("grass.png"), (SMALL_W, SMALL_H))
    assert skew_angle(grey(grass)) is None


def test_small_landscape_picture_in_a_vertical_frame_is_proposed():
    # 25 % of the frame's width: shorter than 12 % of the frame's height
    frame = synth.pip(read("rocket.jpg"), read("moon.png"), 0.25, (0.5, 0.8), SMALL_W, SMALL_H)
    h = read("rocket.jpg").shape[0] * round(SMALL_W * 0.25) / read("rocket.jpg").shape[1]
    assert h < 0.12 * SMALL_H
    tw = round(SMALL_W * 0.25)
    th = round(h)
    truth = (round((SMALL_W - tw) * 0.5), round((SMALL_H - th) * 0.8), tw, th)
    assert max(_iou(b, truth) for b in rectangle_proposals(frame)) > 0.8


def test_hash_variants_are_pinned_with_the_algorithm_version():
    # stored indexes hold one hash per variant: changing the list must bump ALGORITHM_VERSION
    from matcher.references import hash_variants

    v = hash_variants(np.zeros((80, 100, 3), np.uint8))
    assert matcher.ALGORITHM_VERSION == "m7"
    assert [c for c, _, _ in v] == list(range(44))
    plain = [b for _, b, m in v if not m]
    assert plain[:6] == [(0, 0, 100, 80), (5, 4, 90, 72), (10, 8, 80, 64), (15, 12, 70, 56),
                         (20, 16, 60, 48), (25, 20, 50, 40)]
    # off-centre 65 % crops on a 4 x 4 grid, row by row
    assert plain[6:10] == [(0, 0, 65, 52), (12, 0, 65, 52), (23, 0, 65, 52), (35, 0, 65, 52)]
    assert plain[-1] == (35, 28, 65, 52)


def _small_icon_frame(kind: str, side: int = 120, at: tuple[int, int] = (200, 330)) -> np.ndarray:
    """The icon laid as it is (no plate, no rectangle round it) over a full frame of texture, at a third of
    the frame's width: an animated sticker over footage."""
    rgba = cv2.resize(_icon(kind), (side, side), interpolation=cv2.INTER_LINEAR)
    bgr = cv2.cvtColor(rgba[..., :3], cv2.COLOR_RGB2BGR)
    return synth.paste(_texture(SMALL_W, SMALL_H), bgr, at[0], at[1], rgba[..., 3])


def test_small_transparent_icon_over_texture_is_proposed_and_found(icon_index, make_clip):
    from matcher import silhouette

    frame = _small_icon_frame("magnifier")
    g = grey(cv2.resize(frame, (540, 960), interpolation=cv2.INTER_LINEAR))
    icon_box = (300, 495, 180, 180)                    # where the icon lies at the analysis scale
    assert any(_iou(b, icon_box) > 0.3 for b in silhouette.sprite_proposals(g, icon_index))
    res = matcher.scan_video(make_clip("small_magnifier_on_texture", frame), icon_index)
    assert [m.reference for m in res.matches] == ["icon_magnifier"]


def test_small_icon_of_another_kind_over_texture_is_not_matched(icon_index, make_clip):
    res = matcher.scan_video(make_clip("small_arrow_on_texture", _small_icon_frame("arrow")), icon_index)
    assert res.matches == []
