"""A sprite with a black outline and dark clothes on a black or near-black screen (a retro game's background):
its outline has no edge against the background there, so its silhouette is the edges inside it. Found, and its
walk cycle's other frames (k + 4: other lean, the other leg shaded) are not taken for it."""

from __future__ import annotations

import numpy as np
import pytest

import matcher
from bench import synth

from .conftest import SMALL_H, SMALL_W, sprite_on, walk_cycle_index

# characters of bench.accuracy.artgen that no benchmark set draws (main: 0, dev2: 1, sprite dev set: 2-5, holdout: 12)
CHAR, INDEXED, OTHER_CHAR = 6, (2, 7), 7


@pytest.fixture(scope="module")
def sprite_index(tmp_path_factory):
    return walk_cycle_index(tmp_path_factory.mktemp("dark_sprites"), CHAR, INDEXED, OTHER_CHAR)


def _on_screen(k: int, colour: tuple[int, int, int]) -> np.ndarray:
    return synth.letterbox(sprite_on(k, CHAR, colour, (300, 360)), SMALL_W, SMALL_H)


@pytest.mark.parametrize("k", INDEXED)
@pytest.mark.parametrize("colour", [(0, 0, 0), (15, 12, 25)])
def test_dark_sprite_on_a_dark_screen_is_found(k, colour, sprite_index, make_clip):
    res = matcher.scan_video(make_clip(f"dark_sprite_f{k}_on_{colour[1]}", _on_screen(k, colour)), sprite_index)
    assert [m.reference for m in res.matches] == [f"char{CHAR}_f{k}"]


@pytest.mark.parametrize("k", [(i + 4) % 8 for i in INDEXED])
def test_other_frame_of_the_cycle_on_a_dark_screen_is_not_taken_for_one(k, sprite_index, make_clip):
    res = matcher.scan_video(make_clip(f"dark_sprite_nearmiss_f{k}", _on_screen(k, (0, 0, 0))), sprite_index, threshold=0)
    assert all(m.score < 0.5 for m in res.matches), [(m.reference, m.score) for m in res.matches]
