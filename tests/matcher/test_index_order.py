"""Scores independent of the order of the reference index (issue 12, items 3 and 6): the cards of one generated
deck share their corners and frame, so a keypoint there has identical twins in several references. Which of them
the index search named used to depend on which card was indexed first (the lowest row wins a tie), and a card
covered by footage scored differently, or not at all, in another order. The same deck indexed in three orders
must give the same frame search pairs and the same hits."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import matcher
from bench import synth
from bench.accuracy import artgen
from matcher.scan import analyse_frame
from matcher.verify import features
from tests.matcher.conftest import saved

CARDS = ["7H", "AS", "KC", "3D", "10S", "QH"]


def _card(name: str) -> np.ndarray:
    return cv2.cvtColor(np.array(artgen.playing_card(name[:-1], name[-1], 0)), cv2.COLOR_RGB2BGR)


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    d = tmp_path_factory.mktemp("deck_order")
    paths = saved(d, {f"card_{c}": _card(c) for c in CARDS})
    orders = {"listed": paths, "reversed": paths[::-1], "rotated": paths[3:] + paths[:3]}
    return {k: matcher.ReferenceIndex.build(v) for k, v in orders.items()}


def _covered(card: str, bottom: bool, share: float) -> np.ndarray:
    """The card letterboxed on blurred fill, a band of other footage (a reaction cam) over SHARE of it."""
    f = synth.letterbox(_card(card), fill="blur")
    h = f.shape[0]
    top, band = (h - int(h * 0.55)) // 2, int(h * 0.55 * share)
    y = h - top - band if bottom else top
    f[y:y + band] = synth.gradient(f.shape[1], h, seed=1)[y:y + band]
    return f


def test_the_deck_is_one_sibling_group(indexes):
    for idx in indexes.values():
        assert len(set(idx.sibling_group.tolist())) == 1 and idx.sibling_group[0] >= 0


@pytest.mark.parametrize("card, bottom, share", [("10S", True, 0.4), ("3D", False, 0.5), ("QH", False, 0.5),
                                                 ("AS", True, 0.5)])
def test_the_frame_search_pairs_each_card_alike_in_every_order(indexes, card, bottom, share):
    """Every card gets the same (frame keypoint, its own keypoint) pairs whatever the order."""
    g = cv2.cvtColor(_covered(card, bottom, share), cv2.COLOR_BGR2GRAY)
    _, desc = features(g, matcher.constants.FRAME_FEATURES)
    seen = []
    for idx in indexes.values():
        q, rows, models = idx.match_frame(desc)
        pairs = {(idx.names[m >> 1], int(m & 1), int(f), int(r - idx.kp_offsets[m])) for f, r, m in zip(q, rows, models)}
        seen.append(pairs)
    assert seen[0] and all(s == seen[0] for s in seen[1:])


@pytest.mark.parametrize("card, bottom, share", [("10S", True, 0.4), ("3D", False, 0.5), ("QH", False, 0.5),
                                                 ("AS", True, 0.5)])
def test_a_covered_card_scores_alike_in_every_order(indexes, card, bottom, share):
    frame = _covered(card, bottom, share)
    scores = []
    for idx in indexes.values():
        scores.append({idx.names[h.reference]: round(h.score, 6) for h in analyse_frame(frame, 0.0, idx)})
    assert scores[0] and all(s == scores[0] for s in scores[1:]), scores
    # and the card shown is the one named
    assert max(scores[0], key=scores[0].get) == f"card_{card}", scores[0]


WEAK = pytest.mark.xfail(strict=True, reason="still weak, on main too: an 8H shown plainly passes for the indexed 7H "
                         "(0.92-0.94; one pip and the rank glyph differ, under SIB_MISMATCH_FULL of the deck's discriminating "
                         "ink; the pip lies where the deck differs, so the check of a group member does not judge it: "
                         "lone5's catch of it was the card's right rim read as changed, group6), an AC for the AS at 0.37")


@pytest.mark.parametrize("card", [pytest.param("8H", marks=WEAK), "7C", "7D", pytest.param("AC", marks=WEAK), "KS"])
def test_a_card_of_the_deck_not_indexed_stays_clearly_under_in_every_order(indexes, card):
    """The keypoints a card shares with the deck count for every member now: a card of the deck that is not
    indexed (the 8H and 7C against the indexed 7H: other rank, other suit and colour) must still be named
    by no member, plainly shown or under a band of footage."""
    for frame in (synth.letterbox(_card(card), fill="blur"), _covered(card, True, 0.3)):
        for idx in indexes.values():
            hits = analyse_frame(frame, 0.0, idx)
            assert all(h.score < matcher.DEFAULT_THRESHOLD - 0.25 for h in hits), \
                [(idx.names[h.reference], round(h.score, 3)) for h in hits]
