"""Screens filmed in a room (issue 12: the blind set's "photo of a monitor" family; the ffmpeg pipeline's
`screenphoto`): the screen found as a quadrilateral of one tone region (matcher.screens.screen_quads) and searched
rectified; the camera's tone curve explained before the sibling check judges detail (matcher.tone); a player's bar laid
over the picture's edge hidden, not read as a sibling's detail (matcher.screens.edge_bars). References: scikit-image's
sample pictures, bench.accuracy.artgen's deck 3 and bench.accuracy.sibart's busts (character 0, two outfits)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import matcher
from bench.accuracy import artgen, sibart
from matcher.scan import analyse_frame
from matcher.screens import screen_quads

from .conftest import SMALL_H, SMALL_W, read


def _room(name: str) -> np.ndarray:
    return cv2.resize(read(name), (SMALL_W, SMALL_H), interpolation=cv2.INTER_AREA)


def _on_screen(room: np.ndarray, picture: np.ndarray, corners: np.ndarray, bezel: int = 24) -> np.ndarray:
    """ROOM with a screen turned in 3D whose panel's corners are CORNERS (clockwise from top-left): a dark bezel, the
    panel's black, the picture fitted in its middle (the player's bars beside it)."""
    pw, ph = 640, 360
    page = np.full((ph + 2 * bezel, pw + 2 * bezel, 3), 14, np.uint8)
    page[bezel:-bezel, bezel:-bezel] = 4
    k = min(pw / picture.shape[1], ph / picture.shape[0])
    a = cv2.resize(picture, (round(picture.shape[1] * k), round(picture.shape[0] * k)), interpolation=cv2.INTER_AREA)
    y, x = bezel + (ph - a.shape[0]) // 2, bezel + (pw - a.shape[1]) // 2
    page[y:y + a.shape[0], x:x + a.shape[1]] = a
    src = np.float32([[0, 0], [page.shape[1], 0], [page.shape[1], page.shape[0]], [0, page.shape[0]]])
    M = cv2.getPerspectiveTransform(src, np.float32(corners))
    warped = cv2.warpPerspective(page, M, (room.shape[1], room.shape[0]), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full(page.shape[:2], 255, np.uint8), M, (room.shape[1], room.shape[0]))
    out = room.copy()
    out[mask > 127] = warped[mask > 127]
    return out


# a monitor turned about 35 degrees, seen from below its centre (a phone's view of a desk)
SCREEN = np.float32([[20, 200], [345, 150], [350, 420], [12, 390]])


@pytest.mark.parametrize("room", ["brick.png", "grass.png", "gravel.png"])
def test_a_screen_turned_in_3d_in_a_room_is_found_as_a_quadrilateral(room):
    frame = _on_screen(_room(room), read("astronaut.png"), SCREEN)
    quads = screen_quads(frame)
    # the screen's outline, or the picture's inside it
    assert any(np.abs(q - SCREEN).max() <= 0.03 * SMALL_H or
               (q[:, 0].min() >= SCREEN[:, 0].min() - 4 and q[:, 0].max() <= SCREEN[:, 0].max() + 4) for q in quads)


@pytest.mark.parametrize("room", ["brick.png", "grass.png", "gravel.png", "moon.png"])
def test_a_room_alone_has_no_screen(room):
    """A room's edges (brick courses, grass blades, gravel) meet in quadrilaterals; no tone region fills one."""
    assert screen_quads(_room(room)) == []


# a TV across the room, wider than the frame: both its sides run off the frame (no third side to step in tone)
WIDE = np.float32([[-70, 230], [430, 190], [440, 470], [-60, 450]])


@pytest.mark.parametrize("room", ["brick.png", "grass.png", "gravel.png", "moon.png"])
def test_a_screen_wider_than_the_frame_is_found_cut_by_the_frame(room):
    frame = _on_screen(_room(room), read("chelsea.png"), WIDE)
    quads = screen_quads(frame)
    # its top and bottom sides stepped, its left and right the frame's edges
    assert any(q[:, 0].min() <= 2 and q[:, 0].max() >= SMALL_W - 3 and 170 <= q[:, 1].min() and q[:, 1].max() <= 490
               for q in quads)


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    from .conftest import DATA
    return matcher.ReferenceIndex.build([DATA / n for n in ("astronaut.png", "coffee.png", "chelsea.png")])


def test_a_picture_on_a_screen_turned_in_3d_in_a_room_is_found(pictures):
    """The coffee cup's keypoints do not survive the screen's turn on the frame itself; rectified they do."""
    frame = _on_screen(_room("gravel.png"), read("coffee.png"), SCREEN)
    hits = {pictures.names[h.reference]: h.score for h in analyse_frame(frame, 0.0, pictures)}
    assert hits.get("coffee", 0.0) >= 0.5


# ---- the camera's tone curve and the sibling check ------------------------------------------------------------

DECK = 3


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    d = tmp_path_factory.mktemp("tone_deck")
    for c in ["5S", "9H", "JC", "2D"]:
        artgen.playing_card(c[:-1], c[-1], DECK).save(d / f"card_{c}.png")
    return matcher.ReferenceIndex.build([d])


def _camera_curve(bgr: np.ndarray) -> np.ndarray:
    """A screen's gamma and a camera's exposure through a filmic shoulder, black crushed: one monotone curve for every
    channel."""
    x = bgr.astype(np.float32) / 255.0
    y = (1.0 - np.exp(-3.0 * x ** 2.0)) / (1.0 - np.exp(-3.0))
    y = np.clip((y - 0.08) / 0.92, 0, 1) ** 0.8
    return (y * 255).astype(np.uint8)


def _card_frame(card: str) -> np.ndarray:
    art = cv2.cvtColor(np.asarray(artgen.playing_card(card[:-1], card[-1], DECK).convert("RGB")), cv2.COLOR_RGB2BGR)
    frame = np.full((SMALL_H, SMALL_W, 3), 30, np.uint8)
    a = cv2.resize(art, (260, round(260 * art.shape[0] / art.shape[1])), interpolation=cv2.INTER_AREA)
    y, x = (SMALL_H - a.shape[0]) // 2, (SMALL_W - a.shape[1]) // 2
    frame[y:y + a.shape[0], x:x + a.shape[1]] = _camera_curve(a)
    return frame


def _score(idx, bgr: np.ndarray, name: str) -> float:
    return max((h.score for h in analyse_frame(bgr, 0.0, idx) if idx.names[h.reference] == name), default=0.0)


def test_a_cameras_tone_curve_is_learnt_one_for_every_channel():
    from matcher import tone
    ref = np.dstack([np.tile(np.linspace(0, 255, 64, dtype=np.float32), (64, 1))] * 3)
    ref[..., 1] *= 0.7
    clip = _camera_curve(ref.astype(np.uint8))
    lut = tone.fit_curve(clip.astype(np.float32), ref, np.ones((64, 64), bool))
    assert lut is not None and np.all(np.diff(lut) >= 0)
    assert np.abs(tone.apply_curve(clip, lut).astype(np.float32) - ref).mean() < 6.0


def test_a_tone_curve_cannot_turn_one_colour_into_another():
    """Fitted where a green robe and a navy one agree (everything but the robe), the curve undoes the camera's curve
    and leaves the robe navy: one monotone curve for every channel cannot raise green and lower blue."""
    from matcher import tone
    base = np.dstack([np.tile(np.linspace(20, 235, 64, dtype=np.float32), (64, 1))] * 3)
    green, navy = base.copy(), base.copy()
    green[40:, :] = (60, 170, 50)          # BGR
    navy[40:, :] = (120, 40, 30)
    clip = _camera_curve(navy.astype(np.uint8))
    agree = np.zeros((64, 64), bool)
    agree[:40] = True
    lut = tone.fit_curve(clip.astype(np.float32), green, agree)
    robe = tone.apply_curve(clip, lut)[40:].reshape(-1, 3).mean(axis=0)
    assert np.abs(robe - navy[40:].reshape(-1, 3).mean(axis=0)).max() < np.abs(robe - green[40:].reshape(-1, 3).mean(axis=0)).max()
    assert robe[0] > robe[1]               # still more blue than green


def test_a_card_of_the_deck_that_is_not_indexed_through_the_same_curve_is_not_taken_for_its_sibling(deck):
    assert _score(deck, _card_frame("9D"), "card_9H") < 0.5


# ---- a player's bar over the picture's foot, another outfit ----------------------------------------------------

def _player(img, bar: bool = True) -> np.ndarray:
    """The bust shown full height in a player whose controls (a dark bar, a progress line) lie over its foot."""
    art = cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)
    frame = np.zeros((SMALL_H, SMALL_W, 3), np.uint8)
    a = cv2.resize(art, (320, round(320 * art.shape[0] / art.shape[1])), interpolation=cv2.INTER_AREA)
    y, x = (SMALL_H - a.shape[0]) // 2, (SMALL_W - a.shape[1]) // 2
    frame[y:y + a.shape[0], x:x + a.shape[1]] = a
    if bar:
        y1 = y + a.shape[0]
        frame[y1 - round(0.12 * a.shape[0]):y1, :] = 14
        frame[y1 - round(0.06 * a.shape[0]):y1 - round(0.06 * a.shape[0]) + 3, 20:SMALL_W - 20] = (110, 110, 110)
        frame[y1 - round(0.06 * a.shape[0]):y1 - round(0.06 * a.shape[0]) + 3, 20:150] = (40, 30, 230)
    return frame


def test_a_players_bar_over_the_pictures_foot_is_found_on_the_patch():
    """The bust's thumbnail with a player's dark bar (and its progress line) over its foot: those rows are the bar's;
    the bust's own rows, the same bust with no bar, and a blown highlight (flat white over white) are not."""
    from matcher import constants as C
    from matcher.screens import edge_bars
    ref = cv2.resize(cv2.cvtColor(np.asarray(sibart.bust(0, 0, 0).convert("RGB")), cv2.COLOR_RGB2BGR),
                     (C.SIB_SIDE, C.SIB_SIDE), interpolation=cv2.INTER_AREA)
    seen = np.ones(ref.shape[:2], bool)
    clip = ref.copy()
    clip[-12:] = 40
    clip[-7:-5, 4:-4] = (110, 110, 110)
    bars = edge_bars(clip, ref, seen)
    assert bars[-12:].mean() >= 0.8 and not bars[:-13].any()
    assert not edge_bars(ref, ref, seen).any()
    white = np.full_like(ref, 235)
    white[30:60, 30:60] = (40, 40, 200)
    blown = white.copy()
    blown[-10:] = 255
    assert not edge_bars(blown, white, seen).any()


def test_the_other_outfit_under_a_players_bar_is_still_told_apart(tmp_path):
    """Outfit 1 not indexed: the bar hides the robe's foot, what is left of it is outfit 1's colour."""
    sibart.bust(0, 0, 0).convert("RGB").save(tmp_path / "bust0_o0.png")
    sibart.bust(0, 2, 0).convert("RGB").save(tmp_path / "bust0_o2.png")
    idx = matcher.ReferenceIndex.build([tmp_path])
    assert _score(idx, _player(sibart.bust(0, 1, 0)), "bust0_o0") < 0.5


@pytest.mark.parametrize("room", ["brick.png", "grass.png", "gravel.png"])
@pytest.mark.parametrize("picture", ["astronaut", "chelsea"])
def test_a_picture_on_a_screen_wider_than_the_frame_is_found(pictures, room, picture):
    """Main 20c7fc7 found neither on any of these rooms (no quadrilateral: two sides of four step; 0.0); rectified
    from the quadrilateral the frame cuts, both are found (1.0)."""
    frame = _on_screen(_room(room), read(f"{picture}.png"), WIDE)
    hits = {pictures.names[h.reference]: h.score for h in analyse_frame(frame, 0.0, pictures)}
    assert hits.get(picture, 0.0) >= 0.5
