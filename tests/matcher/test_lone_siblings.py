"""Siblings told apart when the sibling is NOT indexed (issue 12 item 3): one reference of each kind is indexed
alone (a cel-shaded character bust, an item card of a layout, a title logo, a key visual), so no sibling group
forms at index time. A clip of the reference under edits (a strong colour grade, a caption, a sticker) keeps its
score; a clip of its unindexed sibling (another outfit colour, another expression, another card of the layout,
other words in the logo's style, another place in the scene's palette) scores clearly below the threshold.

The art is drawn here (OpenCV on NumPy), none of it from the benchmark's generators."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import matcher
from bench import synth
from tests.matcher.conftest import saved

CLEARLY_BELOW = 0.25   # an unindexed sibling must score under threshold - this


def _outlined_poly(img, pts, fill, width=4, ink=(30, 25, 35)):
    pts = np.int32(pts).reshape(-1, 1, 2)
    cv2.fillPoly(img, [pts], fill, cv2.LINE_AA)
    cv2.polylines(img, [pts], True, ink, width, cv2.LINE_AA)


def _shade(c, k):
    return tuple(int(max(0, min(255, v * k))) for v in c)


def bust(outfit=(60, 60, 200), expression: str = "smile") -> np.ndarray:
    """A cel-shaded character bust (BGR, 420x520): hair, face, big eyes, a mouth, a jacket over a shirt with a
    badge, on a pale backdrop. OUTFIT: the jacket's colour; EXPRESSION: smile, frown or surprised."""
    w, h = 420, 520
    img = np.full((h, w, 3), (236, 226, 214), np.uint8)
    cv2.circle(img, (330, 90), 60, (220, 206, 240), -1, cv2.LINE_AA)     # a pale disc behind the figure
    cv2.rectangle(img, (20, 30), (90, 200), (214, 230, 226), -1)
    ink = (30, 25, 35)
    # jacket: body with a lit and a shaded side, lapels, a shirt and a badge
    _outlined_poly(img, [(40, 520), (70, 400), (150, 350), (270, 350), (350, 400), (380, 520)], outfit)
    _outlined_poly(img, [(210, 360), (270, 350), (350, 400), (380, 520), (250, 520)], _shade(outfit, 0.7), 3)
    _outlined_poly(img, [(175, 352), (245, 352), (228, 440), (210, 470), (192, 440)], (245, 245, 250), 3)
    _outlined_poly(img, [(150, 350), (195, 352), (205, 470), (160, 420)], _shade(outfit, 1.25), 3)
    _outlined_poly(img, [(270, 350), (225, 352), (215, 470), (262, 420)], _shade(outfit, 0.85), 3)
    cv2.circle(img, (300, 450), 16, (40, 200, 240), -1, cv2.LINE_AA)
    cv2.circle(img, (300, 450), 16, ink, 3, cv2.LINE_AA)
    # neck and face
    _outlined_poly(img, [(185, 300), (235, 300), (238, 358), (182, 358)], (170, 195, 235), 3)
    cv2.ellipse(img, (210, 220), (105, 125), 0, 0, 360, (190, 215, 250), -1, cv2.LINE_AA)
    cv2.ellipse(img, (210, 220), (105, 125), 0, 0, 360, ink, 4, cv2.LINE_AA)
    # hair: a fringe of spikes and side locks in two tones
    hair, dark = (70, 50, 110), (45, 30, 80)
    _outlined_poly(img, [(95, 230), (100, 120), (150, 80), (230, 70), (300, 95), (325, 160), (325, 240), (300, 170),
                         (270, 140), (250, 175), (225, 135), (195, 180), (170, 140), (140, 185), (120, 160)], hair)
    _outlined_poly(img, [(95, 230), (85, 320), (120, 300), (118, 200)], dark, 3)
    _outlined_poly(img, [(325, 240), (338, 320), (302, 300), (305, 200)], dark, 3)
    cv2.line(img, (190, 95), (175, 130), dark, 3, cv2.LINE_AA)
    cv2.line(img, (255, 95), (265, 125), dark, 3, cv2.LINE_AA)
    # eyes and brows by expression
    for cx in (165, 255):
        if expression == "frown":
            cv2.ellipse(img, (cx, 235), (24, 14), 0, 0, 360, (250, 250, 250), -1, cv2.LINE_AA)
            cv2.ellipse(img, (cx, 237), (11, 11), 0, 0, 360, (150, 90, 40), -1, cv2.LINE_AA)
            cv2.ellipse(img, (cx, 235), (24, 14), 0, 0, 360, ink, 3, cv2.LINE_AA)
            d = 1 if cx < 210 else -1
            cv2.line(img, (cx - 26 * d, 200), (cx + 22 * d, 215), ink, 6, cv2.LINE_AA)
        elif expression == "surprised":
            cv2.circle(img, (cx, 232), 22, (250, 250, 250), -1, cv2.LINE_AA)
            cv2.circle(img, (cx, 232), 8, (150, 90, 40), -1, cv2.LINE_AA)
            cv2.circle(img, (cx, 232), 22, ink, 3, cv2.LINE_AA)
            cv2.ellipse(img, (cx, 190), (26, 10), 0, 200, 340, ink, 5, cv2.LINE_AA)
        else:
            cv2.ellipse(img, (cx, 232), (20, 28), 0, 0, 360, (250, 250, 250), -1, cv2.LINE_AA)
            cv2.ellipse(img, (cx, 238), (14, 20), 0, 0, 360, (150, 90, 40), -1, cv2.LINE_AA)
            cv2.circle(img, (cx + 5, 228), 6, (255, 255, 255), -1, cv2.LINE_AA)
            cv2.ellipse(img, (cx, 232), (20, 28), 0, 0, 360, ink, 3, cv2.LINE_AA)
            cv2.ellipse(img, (cx, 198), (24, 8), 0, 200, 340, ink, 4, cv2.LINE_AA)
    if expression == "frown":
        cv2.ellipse(img, (210, 300), (26, 12), 0, 200, 340, ink, 4, cv2.LINE_AA)
    elif expression == "surprised":
        cv2.ellipse(img, (210, 298), (14, 18), 0, 0, 360, (60, 40, 120), -1, cv2.LINE_AA)
        cv2.ellipse(img, (210, 298), (14, 18), 0, 0, 360, ink, 3, cv2.LINE_AA)
    else:
        cv2.ellipse(img, (210, 285), (30, 16), 0, 20, 160, ink, 4, cv2.LINE_AA)
    cv2.ellipse(img, (150, 275), (16, 7), 0, 0, 360, (170, 175, 245), -1, cv2.LINE_AA)
    cv2.ellipse(img, (270, 275), (16, 7), 0, 0, 360, (170, 175, 245), -1, cv2.LINE_AA)
    return img


def card(name: str, art: int) -> np.ndarray:
    """An item card of one layout (BGR, 360x500): a patterned frame, a name bar, a framed central picture
    (ART picks it), a text box with stats. Cards of the layout differ in name, picture and stats."""
    w, h = 360, 500
    img = np.full((h, w, 3), (40, 110, 170), np.uint8)
    for k in range(0, w + h, 24):
        cv2.line(img, (k, 0), (k - h, h), (50, 130, 195), 6)
    cv2.rectangle(img, (14, 14), (w - 15, h - 15), (30, 30, 30), 3)
    cv2.rectangle(img, (24, 26), (w - 25, 70), (225, 235, 240), -1)
    cv2.rectangle(img, (24, 26), (w - 25, 70), (30, 30, 30), 2)
    cv2.putText(img, name, (34, 60), cv2.FONT_HERSHEY_DUPLEX, 1.0, (20, 20, 20), 2, cv2.LINE_AA)
    cv2.circle(img, (w - 48, 48), 15, (60, 60, 210), -1, cv2.LINE_AA)
    # the central picture
    x0, y0, x1, y1 = 30, 84, w - 31, 320
    rng = np.random.default_rng(art)
    sky = rng.integers(120, 250, 3)
    for yy in range(y0, y1):
        a = (yy - y0) / (y1 - y0)
        img[yy, x0:x1] = (sky * (1 - a) + np.array([40, 80, 60]) * a).astype(np.uint8)
    for _ in range(5):
        c = tuple(int(v) for v in rng.integers(20, 240, 3))
        cx, cy = int(rng.integers(x0 + 30, x1 - 30)), int(rng.integers(y0 + 30, y1 - 30))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            cv2.circle(img, (cx, cy), int(rng.integers(14, 40)), c, -1, cv2.LINE_AA)
            cv2.circle(img, (cx, cy), int(rng.integers(14, 40)), (20, 20, 20), 2, cv2.LINE_AA)
        elif kind == 1:
            pts = rng.integers(-45, 45, (5, 2)) + [cx, cy]
            _outlined_poly(img, pts, c, 2, (20, 20, 20))
        else:
            cv2.rectangle(img, (cx - 30, cy - 18), (cx + int(rng.integers(10, 40)), cy + 22), c, -1)
            cv2.rectangle(img, (cx - 30, cy - 18), (cx + 10, cy + 22), (20, 20, 20), 2)
    cv2.rectangle(img, (x0, y0), (x1, y1), (25, 25, 25), 3)
    # text box
    cv2.rectangle(img, (24, 334), (w - 25, h - 28), (230, 240, 244), -1)
    cv2.rectangle(img, (24, 334), (w - 25, h - 28), (30, 30, 30), 2)
    for i in range(3):
        cv2.putText(img, ["ATK", "DEF", "SPD"][i] + f" {int(rng.integers(100, 999))}", (38, 370 + 38 * i),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.8, (40, 40, 40), 2, cv2.LINE_AA)
    cv2.rectangle(img, (220, 350), (w - 40, 440), (200, 170, 120), -1)
    cv2.putText(img, str(int(rng.integers(1, 9))), (250, 420), cv2.FONT_HERSHEY_DUPLEX, 2.2, (30, 30, 30), 3, cv2.LINE_AA)
    return img


def title(words: str) -> np.ndarray:
    """A title logo (BGR, 900x340): heavy letters with a thick dark outline, a gold fill graded top to bottom
    and a drop shadow, over a banner on a dark ground. Titles of the style differ in their words."""
    w, h = 900, 340
    img = np.full((h, w, 3), (50, 30, 40), np.uint8)
    cv2.rectangle(img, (30, 60), (w - 30, h - 60), (120, 60, 90), -1)
    for k in range(8):
        cv2.circle(img, (60 + 110 * k, 40 + 20 * (k % 3)), 6, (200, 200, 255), -1, cv2.LINE_AA)
    font, scale, th = cv2.FONT_HERSHEY_TRIPLEX, 3.2, 9
    (tw, tht), _ = cv2.getTextSize(words, font, scale, th)
    x, y = (w - tw) // 2, (h + tht) // 2
    cv2.putText(img, words, (x + 8, y + 8), font, scale, (20, 10, 15), th + 14, cv2.LINE_AA)     # shadow
    cv2.putText(img, words, (x, y), font, scale, (30, 20, 25), th + 12, cv2.LINE_AA)             # outline
    mask = np.zeros((h, w), np.uint8)
    cv2.putText(mask, words, (x, y), font, scale, 255, th, cv2.LINE_AA)
    a = np.linspace(0, 1, h)[:, None, None]
    gold = (np.array([60, 220, 255]) * (1 - a) + np.array([20, 120, 230]) * a) * np.ones((1, w, 1))
    m = (mask.astype(np.float32) / 255)[..., None]
    return (img * (1 - m) + gold * m).astype(np.uint8)


def scene(place: int) -> np.ndarray:
    """A key visual (BGR, 640x360) in one dusk palette: a sky gradient, a sun, hills, buildings with lit windows;
    PLACE arranges the town (another place in the same palette and under the same hills)."""
    w, h = 640, 360
    rng = np.random.default_rng(100)
    a = np.linspace(0, 1, h)[:, None, None]
    img = (np.array([120, 60, 200]) * (1 - a) + np.array([60, 150, 250]) * a) * np.ones((1, w, 1))
    img = img.astype(np.uint8)
    cv2.circle(img, (int(rng.integers(80, 560)), int(rng.integers(60, 160))), int(rng.integers(30, 60)),
               (140, 220, 255), -1, cv2.LINE_AA)
    for k in range(3):
        pts = [(0, h)] + [(x, int(h * 0.55 + k * 30 + 40 * np.sin(x / rng.uniform(40, 120) + rng.uniform(0, 6))))
                          for x in range(0, w + 40, 40)] + [(w, h)]
        cv2.fillPoly(img, [np.int32(pts)], (int(90 - 25 * k), int(50 - 10 * k), int(110 - 30 * k)), cv2.LINE_AA)
    rng = np.random.default_rng(200 + place)
    for _ in range(7):
        bx, bw, bh = int(rng.integers(0, w - 60)), int(rng.integers(30, 70)), int(rng.integers(60, 180))
        cv2.rectangle(img, (bx, h - bh), (bx + bw, h), (50, 25, 45), -1)
        for wy in range(h - bh + 10, h - 10, 18):
            for wx in range(bx + 6, bx + bw - 8, 14):
                if rng.random() < 0.5:
                    cv2.rectangle(img, (wx, wy), (wx + 6, wy + 8), (120, 210, 250), -1)
    return img


REFERENCES = {
    "bust": lambda: bust((60, 60, 200), "smile"),
    "card": lambda: card("EMBER WOLF", 1),
    "title": lambda: title("STAR QUEST"),
    "scene": lambda: scene(0),
}

# the unindexed siblings and the reference each resembles
SIBLINGS = {
    "bust_outfit": ("bust", lambda: bust((190, 120, 40), "smile")),     # the jacket blue instead of red
    "bust_expression": ("bust", lambda: bust((60, 60, 200), "frown")),
    "card_other": ("card", lambda: card("FROST OWL", 2)),
    "title_other": ("title", lambda: title("SKY RIDER")),
    "scene_other": ("scene", lambda: scene(1)),
}


@pytest.fixture(scope="module")
def lone(tmp_path_factory):
    d = tmp_path_factory.mktemp("lone")
    idx = matcher.ReferenceIndex.build(saved(d, {name: draw() for name, draw in REFERENCES.items()}))
    assert all(not idx.siblings_of(r) for r in range(len(idx.names)))   # each one alone: no sibling group
    return d, idx


def _grade(img: np.ndarray) -> np.ndarray:
    """A strong teal-and-orange grade: a per-channel curve and a tint (what a LUT does)."""
    f = img.astype(np.float32) / 255.0
    b, g, r = f[..., 0], f[..., 1], f[..., 2]
    out = np.stack([0.15 + 0.8 * b ** 0.8, 0.05 + 0.9 * g ** 1.1, 0.95 * r ** 0.75], axis=2)
    return np.clip(out * 255, 0, 255).astype(np.uint8)


EDITS = {
    "blurfill": lambda img: synth.letterbox(img, fill="blur"),
    "grade": lambda img: synth.letterbox(_grade(img), fill="blur"),
    "warm_caption": lambda img: synth.caption(synth.letterbox(synth.recolour(img, "warm"), fill="blur"),
                                              y_share=0.42, height_share=0.08),
    "sticker": lambda img: _sticker(synth.letterbox(img, fill="blur")),
    "pip": lambda img: synth.pip(img, synth.gradient(seed=5), 0.6, (0.5, 0.4)),
    "hue": lambda img: synth.letterbox(synth.recolour(img, "hue"), fill="blur"),
    "rotate": lambda img: synth.letterbox(synth.rotate(img, 9, fill=(30, 30, 30)), fill="blur"),
    "perspective": lambda img: synth.letterbox(synth.perspective(img, 0.1, seed=2), fill="blur"),
    "crop": lambda img: synth.letterbox(synth.centre_crop(img, 0.75), fill="blur"),
}


def _sticker(frame: np.ndarray) -> np.ndarray:
    h, w = frame.shape[:2]
    return synth.emoji(frame.copy(), int(w * 0.7), int(h * 0.45), int(w * 0.12))


def _scores(d, idx, name: str, frame: np.ndarray) -> dict[str, float]:
    p = d / f"{name}.mp4"
    synth.write_clip(p, [frame], seconds=2.0, fps=6, w=360, h=640)
    return {m.reference: m.score for m in matcher.scan_video(p, idx, threshold=0).matches}


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("ref", list(REFERENCES))
def test_the_reference_under_edits_keeps_its_score(lone, ref, edit):
    d, idx = lone
    scores = _scores(d, idx, f"{ref}_{edit}", EDITS[edit](REFERENCES[ref]()))
    assert scores.get(ref, 0.0) >= matcher.DEFAULT_THRESHOLD, scores


@pytest.mark.parametrize("edit", ["blurfill", "grade"])
@pytest.mark.parametrize("sib", list(SIBLINGS))
def test_an_unindexed_sibling_falls_clearly_below(lone, sib, edit):
    d, idx = lone
    ref, draw = SIBLINGS[sib]
    scores = _scores(d, idx, f"near_{sib}_{edit}", EDITS[edit](draw()))
    assert scores.get(ref, 0.0) < matcher.DEFAULT_THRESHOLD - CLEARLY_BELOW, scores
