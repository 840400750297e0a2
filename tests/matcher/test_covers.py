"""A box of footage laid over part of the picture (the benchmark's `cover` family, issue 12 items 5-6): its edge is a
seam even where its tone is the fill's (a grey picture over grey fill, a grey box over pink fill of one brightness),
and the sibling check judges the part of the reference the frame shows, not the footage over the rest of it (which
used to read as the reference's own detail missing and floored a card or a sprite that was found). What the box
hides counts as hidden: a card of the deck that is not indexed, or another frame of the walk cycle, under the same
box is still not taken for the indexed one."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import matcher
from bench.accuracy import artgen
from matcher import regions
from matcher.detectors import FrameContext
from matcher.scan import analyse_frame

from .conftest import SMALL_H, SMALL_W, read, sprite_on, walk_cycle_index

CARDS = ["7H", "AS", "KC", "3D", "10S", "QH"]          # deck 0 (the main set's; tests draw decks 0 and 3)
CHAR, INDEXED, OTHER_CHAR = 8, (1, 3), 9               # characters no benchmark set draws
PLATE = (60, 160, 40)                                  # BGR


def _card(name: str) -> np.ndarray:
    return cv2.cvtColor(np.array(artgen.playing_card(name[:-1], name[-1], 0)), cv2.COLOR_RGB2BGR)


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    d = tmp_path_factory.mktemp("cover_deck")
    for c in CARDS:
        cv2.imwrite(str(d / f"card_{c}.png"), _card(c))
    return matcher.ReferenceIndex.build([d])


@pytest.fixture(scope="module")
def sprites(tmp_path_factory):
    return walk_cycle_index(tmp_path_factory.mktemp("cover_sprites"), CHAR, INDEXED, OTHER_CHAR)


def _covered(pic: np.ndarray, side: str, share: float, footage: str) -> np.ndarray:
    """PIC fitted to 55 % of the frame's height over its own blurred, darkened fill, a box of FOOTAGE over SHARE of it
    from one SIDE (left and right: the picture's height; top and bottom: the frame's width)."""
    ph = round(0.55 * SMALL_H)
    pw = min(SMALL_W, round(ph * pic.shape[1] / pic.shape[0]))
    ph = round(pw * pic.shape[0] / pic.shape[1])
    frame = (cv2.GaussianBlur(cv2.resize(pic, (SMALL_W, SMALL_H)), (0, 0), 25) * 0.7).astype(np.uint8)
    y0, x0 = (SMALL_H - ph) // 2, (SMALL_W - pw) // 2
    frame[y0:y0 + ph, x0:x0 + pw] = cv2.resize(pic, (pw, ph), interpolation=cv2.INTER_AREA)
    foot = read(footage)
    if side in ("top", "bottom"):
        ch = round(ph * share)
        y = y0 if side == "top" else y0 + ph - ch
        frame[y:y + ch] = cv2.resize(foot, (SMALL_W, ch))
    else:
        cw = round(pw * share)
        x = x0 if side == "left" else x0 + pw - cw
        frame[y0:y0 + ph, x:x + cw] = cv2.resize(foot, (cw, ph))
    return frame


def _scores(frame: np.ndarray, idx) -> dict[str, float]:
    return {idx.names[h.reference]: h.score for h in analyse_frame(frame, 0.0, idx)}


def test_a_box_over_fill_of_its_brightness_in_another_colour_is_a_seam():
    """A grey box over pink fill of the same brightness: no step in grey, a step in colour."""
    frame = np.zeros((200, 120, 3), np.uint8)
    frame[:] = (200, 60, 200)                           # BGR pink, grey level about 111
    grey = int(cv2.cvtColor(frame[:1, :1], cv2.COLOR_BGR2GRAY)[0, 0])
    frame[120:] = grey
    assert regions.seams(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), 0).size == 0
    assert regions.seams(frame, 0).tolist() == [119, 120]
    assert FrameContext.of(frame, 0.0, None).seam_rows.tolist() == [119, 120]


def test_a_textured_box_over_fill_of_its_tone_is_a_seam_a_caption_box_is_not():
    """A grey picture over blurred grey fill steps in part of the columns only, but all across and in one row; a
    caption box's edge steps in the middle of the frame only."""
    fill = cv2.GaussianBlur(cv2.resize(read("gravel.png"), (SMALL_W, SMALL_H)), (0, 0), 6)
    box = cv2.resize(read("moon.png"), (SMALL_W, 200))
    box = np.clip(box.astype(np.float32) - box.mean() + fill[400:].mean(), 0, 255).astype(np.uint8)
    frame = fill.copy()
    frame[400:600] = box
    cv2.rectangle(frame, (90, 100), (270, 140), (30, 30, 30), -1)
    rows = regions.seams(frame, 0).tolist()
    assert any(abs(r - 400) <= 1 for r in rows), rows
    assert not any(95 <= r <= 145 for r in rows), rows


@pytest.mark.parametrize("card, side, footage", [("10S", "right", "moon.png"), ("10S", "left", "camera.png"),
                                                 ("KC", "right", "camera.png"), ("3D", "left", "moon.png")])
def test_a_card_under_a_box_of_footage_is_named(deck, card, side, footage):
    scores = _scores(_covered(_card(card), side, 0.45, footage), deck)
    assert max(scores, key=scores.get) == f"card_{card}" and scores[f"card_{card}"] >= 0.5, scores


@pytest.mark.parametrize("card", ["7C", "KS", "2S", "9H"])
@pytest.mark.parametrize("side", ["right", "left", "bottom"])
def test_a_card_of_the_deck_not_indexed_under_the_box_is_not_taken(deck, card, side):
    scores = _scores(_covered(_card(card), side, 0.45 if side != "bottom" else 0.35, "moon.png"), deck)
    assert all(s < 0.5 for s in scores.values()), scores


@pytest.mark.parametrize("side", ["top", "bottom"])
def test_a_sprite_under_a_grey_box_over_grey_fill_is_named(sprites, side):
    """The sprite's plate narrower than the frame, a grey picture laid across the frame over its head or legs."""
    k = INDEXED[0]
    scores = _scores(_covered(sprite_on(k, CHAR, PLATE[::-1]), side, 0.4, "moon.png"), sprites)
    assert max(scores, key=scores.get) == f"char{CHAR}_f{k}" and scores[f"char{CHAR}_f{k}"] >= 0.5, scores


@pytest.mark.parametrize("side", ["top", "bottom"])
@pytest.mark.parametrize("k", [(i + 4) % 8 for i in INDEXED])
def test_another_frame_of_the_cycle_under_the_same_box_is_not_taken(sprites, side, k):
    scores = _scores(_covered(sprite_on(k, CHAR, PLATE[::-1]), side, 0.4, "moon.png"), sprites)
    assert all(s < 0.5 for s in scores.values()), scores
