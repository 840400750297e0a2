"""Issue 12 item 6, geometry: pictures turned by up to 15 degrees, tilted in perspective up to 60 degrees,
and shown as one cell of a montage of up to 4 pictures are found with `mamoru scan`'s defaults; an
unrelated picture shown the same way is not. Every frame is generated (bench.synth's cards, scikit-image's
sample pictures) and encoded as H.264 like a real clip."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import matcher
from bench import synth
from matcher.regions import montage_cells

from .conftest import SMALL_H, SMALL_W, read

CARDS = [("Q", "H"), ("K", "C"), ("7", "H"), ("A", "S")]


@pytest.fixture(scope="module")
def card_index(tmp_path_factory) -> matcher.ReferenceIndex:
    d = tmp_path_factory.mktemp("geometry_cards")
    paths = []
    for r, s in CARDS:
        p = d / f"card_{r}{s}.png"
        cv2.imwrite(str(p), synth.playing_card(r, s))
        paths.append(p)
    return matcher.ReferenceIndex.build(paths)


def _on_blurred_fill(img: np.ndarray, degrees: float) -> np.ndarray:
    """The picture turned by `degrees` over a blurred, darkened copy of itself (an editor's rotate)."""
    bg = cv2.GaussianBlur(cv2.resize(img, (SMALL_W, SMALL_H)), (0, 0), 12)
    bg = (bg * 0.8).astype(np.uint8)
    fg = synth.fit(img, int(SMALL_W * 0.85), int(SMALL_H * 0.6))
    h, w = fg.shape[:2]
    M = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    c, s = abs(M[0, 0]), abs(M[0, 1])
    ow, oh = int(h * s + w * c), int(h * c + w * s)
    M[0, 2] += ow / 2 - w / 2
    M[1, 2] += oh / 2 - h / 2
    turned = cv2.warpAffine(fg, M, (ow, oh), flags=cv2.INTER_LINEAR)
    alpha = cv2.warpAffine(np.full((h, w), 255, np.uint8), M, (ow, oh), flags=cv2.INTER_LINEAR)
    x, y = (SMALL_W - ow) // 2, (SMALL_H - oh) // 2
    roi = bg[max(0, y):y + oh, max(0, x):x + ow]
    ty, tx = max(0, -y), max(0, -x)
    a = (alpha[ty:ty + roi.shape[0], tx:tx + roi.shape[1]] / 255.0)[..., None]
    roi[:] = (turned[ty:ty + roi.shape[0], tx:tx + roi.shape[1]] * a + roi * (1 - a)).astype(np.uint8)
    return bg


def _tilted(img: np.ndarray, far: float, side: str = "right") -> np.ndarray:
    """The picture in perspective on black bars: its far side shortened to `far` of the near one (0.5 is
    about a 60 degree tilt of a card seen from a normal viewing distance)."""
    fg = synth.fit(img, int(SMALL_W * 0.9), int(SMALL_H * 0.6))
    h, w = fg.shape[:2]
    cut = (1 - far) / 2
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    if side == "right":
        dst = np.float32([[0, 0], [w, h * cut], [w, h * (1 - cut)], [0, h]])
    else:
        dst = np.float32([[w * cut, 0], [w * (1 - cut), 0], [w, h], [0, h]])
    warped = cv2.warpPerspective(fg, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=(0, 0, 0))
    return synth.letterbox(warped, SMALL_W, SMALL_H)


def _montage(pictures: list[np.ndarray]) -> np.ndarray:
    """2x2 (or 1x2 stacked) montage, each picture fitted into its cell on black padding."""
    frame = np.zeros((SMALL_H, SMALL_W, 3), np.uint8)
    if len(pictures) == 2:
        cells = [(0, 0, SMALL_W, SMALL_H // 2), (0, SMALL_H // 2, SMALL_W, SMALL_H // 2)]
    else:
        cw, ch = SMALL_W // 2, SMALL_H // 2
        cells = [(0, 0, cw, ch), (cw, 0, cw, ch), (0, ch, cw, ch), (cw, ch, cw, ch)]
    for img, (x, y, w, h) in zip(pictures, cells):
        frame[y:y + h, x:x + w] = synth.letterbox(img, w, h)
    return frame


def _found(res: matcher.ScanResult) -> dict[str, float]:
    return {m.reference: m.score for m in res.matches}


@pytest.mark.parametrize("degrees", [12.0, -15.0])
def test_a_card_turned_up_to_15_degrees_is_found(card_index, make_clip, degrees):
    frame = _on_blurred_fill(synth.playing_card("Q", "H"), degrees)
    res = matcher.scan_video(make_clip(f"geo_card_turned_{degrees:+.0f}", frame), card_index)
    assert res.matches and res.matches[0].reference == "card_QH", _found(res)
    assert res.matches[0].score >= matcher.DEFAULT_THRESHOLD


@pytest.mark.parametrize("side", ["right", "top"])
def test_a_picture_tilted_55_degrees_is_found(index, make_clip, side):
    frame = _tilted(read("coffee.png"), 0.5, side)
    res = matcher.scan_video(make_clip(f"geo_coffee_tilted_{side}", frame), index)
    assert "coffee" in _found(res), _found(res)


def test_a_card_tilted_55_degrees_is_found(card_index, make_clip):
    frame = _tilted(synth.playing_card("K", "C"), 0.5, "top")
    res = matcher.scan_video(make_clip("geo_card_tilted", frame), card_index)
    assert res.matches and res.matches[0].reference == "card_KC", _found(res)


def test_an_unrelated_picture_tilted_or_turned_the_same_is_not_found(index, card_index, make_clip):
    tilted = make_clip("geo_unrelated_tilted", _tilted(read("motorcycle_left.png"), 0.5, "right"))
    turned = make_clip("geo_unrelated_turned", _on_blurred_fill(read("motorcycle_left.png"), 12.0))
    for clip in (tilted, turned):
        assert matcher.scan_video(clip, index).matches == []
        assert matcher.scan_video(clip, card_index).matches == []


def test_the_reference_in_one_cell_of_a_2x2_montage_is_found(index, make_clip):
    others = [read("motorcycle_left.png"), read("hubble_deep_field.jpg"), read("ihc.png")]
    frame = _montage([others[0], read("astronaut.png"), others[1], others[2]])
    res = matcher.scan_video(make_clip("geo_montage_2x2", frame), index)
    assert set(_found(res)) == {"astronaut"}, _found(res)


def test_a_montage_of_unrelated_pictures_finds_nothing(index, make_clip):
    frame = _montage([read("motorcycle_left.png"), read("hubble_deep_field.jpg"), read("ihc.png"), read("horse.png")])
    assert matcher.scan_video(make_clip("geo_montage_unrelated", frame), index).matches == []


def test_montage_cells_of_padded_and_of_seamed_layouts():
    pics = [read("astronaut.png"), read("coffee.png"), read("chelsea.png"), read("rocket.jpg")]
    cells = montage_cells(_montage(pics))
    assert len(cells) == 4
    for x, y, w, h in cells:      # one picture a cell: none straddles the middle lines
        assert x + w <= SMALL_W // 2 + 4 or x >= SMALL_W // 2 - 4
        assert y + h <= SMALL_H // 2 + 4 or y >= SMALL_H // 2 - 4
    # pictures cropped to fill their cells: the seam across the frame splits them
    top = cv2.resize(pics[1], (SMALL_W, SMALL_H // 2))
    bottom = cv2.resize(pics[2], (SMALL_W, SMALL_H - SMALL_H // 2))
    seamed = montage_cells(np.vstack([top, bottom]))
    assert len(seamed) == 2 and sorted(c[1] for c in seamed)[1] in range(SMALL_H // 2 - 4, SMALL_H // 2 + 5)
    # one letterboxed picture is no montage
    assert montage_cells(synth.letterbox(pics[0], SMALL_W, SMALL_H)) == []

