"""A phone filming a screen that shows the reference (issue 12: the blind set's "photo of a monitor" family scores
0.62): perspective, the bezel and the room round it, moire, an LCD's light through a camera's tone curve, glare,
rolling bands, blur and noise, drawn by bench.accuracy.screen_photo (the ffmpeg pipeline's `screenphoto` family) over
deck 3's cards (tests draw decks 0 and 3).

What holds: a card of the deck that is not indexed (9D beside the indexed 9H), under the same edit, is never taken for
the indexed one. What does not, yet (strict xfail): the indexed card itself in a harsher light. On main 079d39f the
sibling check floored it (its error budget a clean copy's: the tone curve, the glare's gradient and the moire left an
error over the whole card, 0.55-0.66 normalised units against 0.3 for full credit, though its detail was clearly the
card's). Branch screen7 undoes a smooth light field over the patch (tests/matcher/test_filmed_screen_light.py); with the
blurred re-judgement of a grainy or soft patch (off on main 20c7fc7: it passed a near-miss card; on again in branch
screen9, its texture ratio taken tile by tile) the monitor's card kept its sibling credit (factor 0.33 -> 0.99, score
0.46), the TV's was found weakly (0.19), the phone's stayed floored."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

import matcher
from bench.accuracy import artgen, screen_photo
from matcher.scan import analyse_frame

from .conftest import SMALL_H, SMALL_W, read

DECK = 3
INDEXED = ["5S", "9H", "JC", "2D"]
WEAK = pytest.mark.xfail(strict=True, reason="still weak: a card filmed off a screen in a harsher light (the detectors' score "
                                             "of one frame under 0.5; the phone's still floored by the sibling check)")


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    d = tmp_path_factory.mktemp("screen_deck")
    for c in INDEXED:
        artgen.playing_card(c[:-1], c[-1], DECK).save(d / f"card_{c}.png")
    return matcher.ReferenceIndex.build([d])


def _filmed(card: str, kind: str, seed: int) -> np.ndarray:
    art = artgen.playing_card(card[:-1], card[-1], DECK).convert("RGB")
    room = Image.fromarray(cv2.cvtColor(read("brick.png"), cv2.COLOR_BGR2RGB))
    rgb = next(screen_photo.render_frames(art, room, np.random.default_rng(seed), kind, SMALL_W, SMALL_H, 15, 0.1))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _score(idx, bgr: np.ndarray, name: str) -> float:
    return max((h.score for h in analyse_frame(bgr, 0.0, idx) if idx.names[h.reference] == name), default=0.0)


@pytest.mark.parametrize("kind,seed", [("monitor", 1), ("phone", 0), ("phone", 2)])
def test_a_card_filmed_off_a_screen_is_found(deck, kind, seed):
    assert _score(deck, _filmed("9H", kind, seed), "card_9H") >= 0.5


@pytest.mark.parametrize("kind,seed", [pytest.param("monitor", 0, marks=WEAK), pytest.param("tv", 0, marks=WEAK),
                                       pytest.param("phone", 1, marks=WEAK)])
def test_a_card_filmed_off_a_screen_in_a_harsher_light_is_found(deck, kind, seed):
    assert _score(deck, _filmed("9H", kind, seed), "card_9H") >= 0.5


@pytest.mark.parametrize("kind,seed", [("monitor", 1), ("tv", 1), ("phone", 2)])
def test_a_card_of_the_deck_that_is_not_indexed_filmed_off_a_screen_is_not_taken_for_its_sibling(deck, kind, seed):
    """9D, where the indexed 9H has hearts, under the edits that let 9H itself be found (or nearly)."""
    assert _score(deck, _filmed("9D", kind, seed), "card_9H") < 0.5
