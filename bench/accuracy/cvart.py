"""References of the blind pipeline (`bench.accuracy.cv_set`), drawn with OpenCV primitives and NumPy (and Pillow
for the Noto Sans CJK text): cel-shaded character busts, game item cards of one layout, Japanese title logos,
landscape key visuals, and collages of skimage's lfw_subset non-face crops. Every drawing is a pure function of
its arguments (seeded), so a reference and its siblings can be drawn again anywhere. The second blind set
(2026-12-07) draws from entries added after the first's (characters from CAST2, items 16-29, titles 10-19 in styles
5-9, palettes 8-15); the first set's drawings are as they were (tests/bench/test_blind_set.py pins them).

Written without reading the matcher, the other pipelines' generators or their art (see cv_set's docstring)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
NOTO_BOLD = NOTO_DIR / "NotoSansCJK-Bold.ttc"
NOTO_REGULAR = NOTO_DIR / "NotoSansCJK-Regular.ttc"

BLACK = (24, 20, 28)


@lru_cache(maxsize=64)
def font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    """Noto Sans CJK JP (face 0 of the collection)."""
    return ImageFont.truetype(str(NOTO_BOLD if bold else NOTO_REGULAR), size, index=0)


def text_layer(text: str, size: int, fill=(255, 255, 255), stroke: int = 0, stroke_fill=(0, 0, 0),
               bold: bool = True) -> np.ndarray:
    """The text as a tight BGRA image (colours as BGR)."""
    f = font(size, bold)
    x0, y0, x1, y1 = f.getbbox(text, stroke_width=stroke)
    im = Image.new("RGBA", (x1 - x0 + 4, y1 - y0 + 4), (0, 0, 0, 0))
    ImageDraw.Draw(im).text((2 - x0, 2 - y0), text, font=f, fill=tuple(fill[::-1]) + (255,), stroke_width=stroke,
                            stroke_fill=tuple(stroke_fill[::-1]) + (255,))
    return cv2.cvtColor(np.asarray(im), cv2.COLOR_RGBA2BGRA)


def blend(dst: np.ndarray, layer: np.ndarray, x: int, y: int, opacity: float = 1.0) -> np.ndarray:
    """Alpha-blend a BGRA layer onto a BGR image in place at (x, y), clipped to the image."""
    h, w = layer.shape[:2]
    H, W = dst.shape[:2]
    ax0, ay0, ax1, ay1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if ax0 >= ax1 or ay0 >= ay1:
        return dst
    sub = layer[ay0 - y:ay1 - y, ax0 - x:ax1 - x]
    a = sub[..., 3:4].astype(np.float32) * (opacity / 255.0)
    roi = dst[ay0:ay1, ax0:ax1]
    roi[:] = (roi * (1 - a) + sub[..., :3] * a).astype(np.uint8)
    return dst


def put_text(img: np.ndarray, text: str, x: int, y: int, size: int, fill, stroke: int = 0, stroke_fill=BLACK,
             bold: bool = True, centre: bool = False) -> np.ndarray:
    lay = text_layer(text, size, fill, stroke, stroke_fill, bold)
    if centre:
        x -= lay.shape[1] // 2
    return blend(img, lay, x, y)


def _shade(c, k: float):
    return tuple(int(max(0, min(255, v * k))) for v in c)


def cel(img: np.ndarray, mask: np.ndarray, base, shift=(14, 10), outline: int = 4, k: float = 0.72) -> None:
    """Fill a mask with a flat colour and a hard-edged shadow on its lower right (cel shading), then ink it."""
    m = mask > 0
    img[m] = base
    lit = np.zeros_like(mask)
    M = np.float32([[1, 0, -shift[0]], [0, 1, -shift[1]]])
    lit = cv2.warpAffine(mask, M, (mask.shape[1], mask.shape[0]))
    img[m & (lit == 0)] = _shade(base, k)
    if outline:
        cnts, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        cv2.drawContours(img, cnts, -1, BLACK, outline, cv2.LINE_AA)


def _mask(shape, draw) -> np.ndarray:
    m = np.zeros(shape[:2], np.uint8)
    draw(m)
    return m


# ---------------------------------------------------------------------------------------------- character busts

SKINS = [(196, 222, 250), (170, 200, 240), (150, 185, 228), (120, 160, 205)]
HAIRS = [(60, 50, 200), (200, 120, 40), (40, 200, 240), (180, 80, 160), (70, 60, 60), (230, 230, 240),
         (90, 170, 60), (40, 110, 230), (200, 60, 90), (150, 150, 40)]
EYES = [(200, 120, 30), (40, 160, 60), (160, 50, 150), (30, 80, 200), (180, 160, 40), (90, 60, 40)]
OUTFITS = [(180, 60, 40), (50, 50, 190), (60, 150, 50), (40, 170, 230), (140, 60, 140), (200, 200, 200),
           (40, 40, 50), (200, 130, 60), (90, 190, 200), (120, 90, 230)]
BG = [(235, 220, 245), (205, 240, 250), (240, 230, 200), (210, 250, 215), (250, 215, 215), (230, 230, 230)]

BUST_SIZE = (720, 900)   # width, height
# Characters from CAST2 on (the second blind set's, 2026-12-07) take their hair and clothes colours from their own
# seed rather than from HAIRS and OUTFITS, whose cycle would dress character c + 10 in character c's colours.
# Characters below it are drawn as they were.
CAST2 = 20


def _cast2_colour(char: int, part: int) -> tuple[int, int, int]:
    """A saturated BGR colour for a second-cast character's hair (part 0) or outfit k (part 1 + k)."""
    import colorsys

    r = np.random.default_rng([7900, char, part])
    red, green, blue = colorsys.hsv_to_rgb(r.uniform(0, 1), r.uniform(0.45, 0.9), r.uniform(0.35, 0.95))
    return int(blue * 255), int(green * 255), int(red * 255)


def character_traits(char: int) -> dict:
    r = np.random.default_rng(7100 + char)
    hair = HAIRS[char % len(HAIRS)] if char < CAST2 else _cast2_colour(char, 0)
    return {"skin": SKINS[r.integers(len(SKINS))], "hair": hair,
            "eye": EYES[r.integers(len(EYES))], "style": int(r.integers(4)), "accessory": int(r.integers(4)),
            "bg": BG[r.integers(len(BG))], "pattern": int(r.integers(3)), "face_w": int(r.integers(150, 180)),
            "eye_gap": int(r.integers(66, 84)), "collar": int(r.integers(2))}


def bust(char: int, outfit: int = 0, expression: int = 0) -> np.ndarray:
    """A cel-shaded character bust (BGR, 720 x 900). outfit picks the clothes' colour; expression 0 smile,
    1 surprised (open mouth, raised brows), 2 wink, 3 cross."""
    t = character_traits(char)
    W, H = BUST_SIZE
    img = np.zeros((H, W, 3), np.uint8)
    img[:] = t["bg"]
    pat = _shade(t["bg"], 0.9)
    if t["pattern"] == 0:
        for y in range(0, H, 60):
            for x in range((y // 60) % 2 * 30, W, 60):
                cv2.circle(img, (x, y), 9, pat, -1, cv2.LINE_AA)
    elif t["pattern"] == 1:
        for x in range(-H, W, 70):
            cv2.line(img, (x, H), (x + H, 0), pat, 22, cv2.LINE_AA)
    else:
        for a in range(0, 360, 20):
            e = (int(360 + 1200 * np.cos(np.radians(a))), int(420 + 1200 * np.sin(np.radians(a))))
            e2 = (int(360 + 1200 * np.cos(np.radians(a + 8))), int(420 + 1200 * np.sin(np.radians(a + 8))))
            cv2.fillPoly(img, [np.array([(360, 420), e, e2], np.int32)], pat, cv2.LINE_AA)
    cx, cy, fw = W // 2, 430, t["face_w"]
    fh = int(fw * 1.1)
    hair, skin = t["hair"], t["skin"]
    cloth = OUTFITS[(char * 3 + outfit * 7) % len(OUTFITS)] if char < CAST2 else _cast2_colour(char, 1 + outfit)
    # hair behind the head
    back = _mask(img.shape, lambda m: (
        cv2.ellipse(m, (cx, cy - 20), (fw + 45, fh + 40), 0, 0, 360, 255, -1),
        t["style"] == 3 and cv2.rectangle(m, (cx - fw - 45, cy), (cx + fw + 45, cy + 330), 255, -1),
        t["style"] == 2 and [cv2.ellipse(m, (cx + s * (fw + 70), cy + 120), (55, 200), s * 10, 0, 360, 255, -1)
                             for s in (-1, 1)]))
    cel(img, back, _shade(hair, 0.85))
    # body and neck
    body = _mask(img.shape, lambda m: cv2.fillPoly(m, [np.array(
        [(cx - 300, H), (cx - 250, 740), (cx - 120, 670), (cx + 120, 670), (cx + 250, 740), (cx + 300, H)],
        np.int32)], 255, cv2.LINE_AA))
    cel(img, body, cloth, shift=(30, 0))
    neck = _mask(img.shape, lambda m: cv2.rectangle(m, (cx - 45, cy + fh - 60), (cx + 45, 700), 255, -1))
    cel(img, neck, skin, shift=(0, -40))
    if t["collar"] == 0:   # sailor collar and a ribbon
        collar = _mask(img.shape, lambda m: cv2.fillPoly(m, [np.array(
            [(cx - 150, 680), (cx, 800), (cx + 150, 680), (cx + 110, 670), (cx, 740), (cx - 110, 670)], np.int32)],
            255))
        cel(img, collar, (245, 245, 245), outline=3)
        rib = _mask(img.shape, lambda m: cv2.fillPoly(m, [np.array(
            [(cx, 790), (cx - 60, 760), (cx - 60, 830), (cx, 800), (cx + 60, 830), (cx + 60, 760)], np.int32)], 255))
        cel(img, rib, _shade(cloth, 0.5) if sum(cloth) > 300 else (60, 60, 220), outline=3)
    else:                  # hoodie strings and a zip
        cv2.line(img, (cx, 700), (cx, H), BLACK, 4, cv2.LINE_AA)
        for s in (-1, 1):
            cv2.line(img, (cx + s * 50, 690), (cx + s * 60, 820), (235, 235, 235), 8, cv2.LINE_AA)
    # face: an ellipse with a pointed chin
    face = _mask(img.shape, lambda m: (
        cv2.ellipse(m, (cx, cy), (fw, fh), 0, 180, 360, 255, -1),
        cv2.ellipse(m, (cx, cy), (fw, int(fh * 0.75)), 0, 0, 180, 255, -1),
        cv2.fillPoly(m, [np.array([(cx - fw + 8, cy + 20), (cx, cy + fh), (cx + fw - 8, cy + 20)], np.int32)], 255,
                     cv2.LINE_AA)))
    cel(img, face, skin, shift=(18, 0))
    # eyes
    ey = cy + 35
    for s in (-1, 1):
        ex = cx + s * t["eye_gap"]
        wink = expression == 2 and s == 1
        if wink:
            cv2.ellipse(img, (ex, ey + 10), (34, 18), 0, 200, 340, BLACK, 6, cv2.LINE_AA)
            continue
        if expression == 3:
            cv2.line(img, (ex - 30, ey - 20), (ex + 30, ey + 20), BLACK, 7, cv2.LINE_AA)
            cv2.line(img, (ex - 30, ey + 20), (ex + 30, ey - 20), BLACK, 7, cv2.LINE_AA)
            continue
        ah = 58 if expression == 1 else 50
        cv2.ellipse(img, (ex, ey), (36, ah), 0, 0, 360, (255, 255, 255), -1, cv2.LINE_AA)
        cv2.ellipse(img, (ex, ey + 6), (28, ah - 10), 0, 0, 360, t["eye"], -1, cv2.LINE_AA)
        cv2.ellipse(img, (ex, ey + 22), (26, ah - 30), 0, 0, 180, _shade(t["eye"], 1.5), -1, cv2.LINE_AA)
        cv2.ellipse(img, (ex, ey + 4), (13, 20), 0, 0, 360, BLACK, -1, cv2.LINE_AA)
        cv2.circle(img, (ex - 11, ey - 14), 10, (255, 255, 255), -1, cv2.LINE_AA)
        cv2.circle(img, (ex + 10, ey + 16), 5, (255, 255, 255), -1, cv2.LINE_AA)
        cv2.ellipse(img, (ex, ey), (40, ah + 2), 0, 195, 345, BLACK, 9, cv2.LINE_AA)
    # brows
    lift = 22 if expression == 1 else 0
    for s in (-1, 1):
        ex = cx + s * t["eye_gap"]
        tilt = 12 * s if expression == 3 else -4 * s
        cv2.line(img, (ex - 30, ey - 78 - lift + tilt), (ex + 30, ey - 78 - lift - tilt), _shade(hair, 0.5), 7,
                 cv2.LINE_AA)
    # nose, blush, mouth
    cv2.line(img, (cx + 4, cy + 95), (cx - 2, cy + 105), _shade(skin, 0.7), 4, cv2.LINE_AA)
    ov = img.copy()
    for s in (-1, 1):
        cv2.ellipse(ov, (cx + s * (t["eye_gap"] + 15), cy + 110), (32, 14), 0, 0, 360, (170, 150, 250), -1)
    img[:] = cv2.addWeighted(ov, 0.55, img, 0.45, 0)
    my = cy + 140
    if expression == 0 or expression == 2:
        cv2.ellipse(img, (cx, my - 10), (30, 20), 0, 20, 160, BLACK, 5, cv2.LINE_AA)
    elif expression == 1:
        cv2.ellipse(img, (cx, my), (18, 24), 0, 0, 360, (70, 40, 150), -1, cv2.LINE_AA)
        cv2.ellipse(img, (cx, my), (18, 24), 0, 0, 360, BLACK, 4, cv2.LINE_AA)
    else:
        pts = np.array([(cx - 30, my), (cx - 15, my - 10), (cx, my), (cx + 15, my - 10), (cx + 30, my)], np.int32)
        cv2.polylines(img, [pts], False, BLACK, 5, cv2.LINE_AA)
    # fringe: spikes over the forehead
    r = np.random.default_rng(7300 + char)
    n = 5 + t["style"]
    xs = np.linspace(cx - fw - 30, cx + fw + 30, n + 1)
    pts = [(cx - fw - 40, cy + 60)]
    top = cy - fh - 50
    for i in range(n):
        pts += [(int(xs[i]), top + 40), (int((xs[i] + xs[i + 1]) / 2 + r.integers(-15, 15)),
                                          cy - 40 + int(r.integers(-30, 40)))]
    pts += [(int(xs[-1]), top + 40), (cx + fw + 40, cy + 60), (cx + fw + 30, top + 30), (cx, top - 20),
            (cx - fw - 30, top + 30)]
    fringe = _mask(img.shape, lambda m: cv2.fillPoly(m, [np.array(pts, np.int32)], 255, cv2.LINE_AA))
    cel(img, fringe, hair, shift=(20, 12))
    cv2.ellipse(img, (cx - 60, top + 80), (60, 14), -15, 0, 360, _shade(hair, 1.35), -1, cv2.LINE_AA)
    if t["style"] == 0:    # an ahoge
        cv2.ellipse(img, (cx + 20, top - 40), (30, 50), 30, 90, 300, hair, 10, cv2.LINE_AA)
    # accessory
    acc = t["accessory"]
    if acc == 0:       # a bow on the side
        bow = _mask(img.shape, lambda m: [cv2.fillPoly(m, [np.array(
            [(cx + fw - 10, top + 60), (cx + fw + 70 * s2, top + 20), (cx + fw + 70 * s2, top + 100)], np.int32)],
            255) for s2 in (-1, 1)])
        cel(img, bow, (80, 80, 230), outline=3)
    elif acc == 1:     # headphones
        cv2.ellipse(img, (cx, cy - 30), (fw + 40, fh + 40), 0, 190, 350, (60, 60, 60), 22, cv2.LINE_AA)
        for s in (-1, 1):
            cup = _mask(img.shape, lambda m: cv2.ellipse(m, (cx + s * (fw + 30), cy + 10), (40, 65), 0, 0, 360,
                                                          255, -1))
            cel(img, cup, _shade(cloth, 1.2), outline=4)
    elif acc == 2:     # glasses
        for s in (-1, 1):
            cv2.rectangle(img, (cx + s * t["eye_gap"] - 48, ey - 40), (cx + s * t["eye_gap"] + 48, ey + 45), BLACK,
                          5, cv2.LINE_AA)
        cv2.line(img, (cx - t["eye_gap"] + 48, ey - 10), (cx + t["eye_gap"] - 48, ey - 10), BLACK, 5)
    else:              # a star hairpin
        star = [(int(cx - fw + 20 + 40 * np.cos(np.radians(a)) * (1 if k % 2 == 0 else 0.45)),
                 int(top + 90 + 40 * np.sin(np.radians(a)) * (1 if k % 2 == 0 else 0.45)))
                for k, a in enumerate(range(-90, 270, 36))]
        sm = _mask(img.shape, lambda m: cv2.fillPoly(m, [np.array(star, np.int32)], 255, cv2.LINE_AA))
        cel(img, sm, (40, 210, 250), outline=3)
    return img


# ---------------------------------------------------------------------------------------------- item cards

ITEMS = [("炎の剣", "sword"), ("氷の盾", "shield"), ("癒しの薬", "potion"), ("雷の弓", "bow"), ("星の杖", "staff"),
         ("影の短剣", "dagger"), ("月の指輪", "ring"), ("大地の斧", "axe"), ("光の冠", "crown"), ("海の宝珠", "orb"),
         ("夢の鍵", "key"), ("風の羽", "feather"), ("毒の薬", "potion"), ("鋼の盾", "shield"), ("闇の杖", "staff"),
         ("竜の剣", "sword"),
         # items 16-29: the second blind set's (2026-12-07)
         ("疾風の短剣", "dagger"), ("紅玉の指輪", "ring"), ("森の弓", "bow"), ("王者の冠", "crown"), ("水晶の杖", "staff"),
         ("太陽の盾", "shield"), ("翡翠の宝珠", "orb"), ("古城の鍵", "key"), ("鳳凰の羽", "feather"), ("巨人の斧", "axe"),
         ("蒼天の剣", "sword"), ("妖精の薬", "potion"), ("狩人の弓", "bow"), ("銀の指輪", "ring")]
ELEMENTS = [(40, 60, 220), (230, 180, 60), (80, 200, 80), (40, 200, 240), (200, 80, 170), (120, 120, 120)]
RARITY = [((60, 190, 240), 5), ((200, 200, 210), 4), ((200, 90, 160), 4), ((60, 120, 190), 3)]
CARD_SIZE = (600, 840)


def _item_shape(img: np.ndarray, kind: str, cx: int, cy: int, col, r: np.random.Generator) -> None:
    s = 1.0 + 0.15 * r.standard_normal()
    def P(pts):  # noqa: E306
        return np.array([(cx + int(x * s), cy + int(y * s)) for x, y in pts], np.int32)
    m = np.zeros(img.shape[:2], np.uint8)
    metal, wood = (215, 215, 225), (40, 90, 140)
    if kind in ("sword", "dagger"):
        L = 170 if kind == "sword" else 100
        cv2.fillPoly(m, [P([(-16, 40), (0, -L), (16, 40)])], 255)
        cel(img, m, metal)
        g = np.zeros_like(m)
        cv2.fillPoly(g, [P([(-60, 40), (60, 40), (60, 58), (-60, 58)])], 255)
        cel(img, g, col)
        h = np.zeros_like(m)
        cv2.fillPoly(h, [P([(-10, 58), (10, 58), (10, 130), (-10, 130)])], 255)
        cel(img, h, wood)
    elif kind == "shield":
        cv2.fillPoly(m, [P([(-100, -110), (100, -110), (100, 10), (0, 130), (-100, 10)])], 255)
        cel(img, m, col)
        e = np.zeros_like(m)
        cv2.fillPoly(e, [P([(0, -70), (40, 0), (0, 70), (-40, 0)])], 255)
        cel(img, e, metal)
    elif kind == "potion":
        cv2.circle(m, (cx, cy + int(40 * s)), int(85 * s), 255, -1)
        cv2.fillPoly(m, [P([(-25, -90), (25, -90), (25, -30), (-25, -30)])], 255)
        cel(img, m, (235, 230, 220))
        liq = np.zeros_like(m)
        cv2.circle(liq, (cx, cy + int(40 * s)), int(70 * s), 255, -1)
        liq[: cy + int(10 * s)] = 0
        cel(img, liq, col, outline=0)
        cv2.rectangle(img, tuple(P([(-30, -115)])[0]), tuple(P([(30, -88)])[0]), wood, -1)
    elif kind == "bow":
        cv2.ellipse(m, (cx - int(40 * s), cy), (int(90 * s), int(150 * s)), 0, -80, 80, 255, 22)
        cel(img, m, wood)
        cv2.line(img, tuple(P([(-25, -148)])[0]), tuple(P([(-25, 148)])[0]), (230, 230, 230), 3, cv2.LINE_AA)
        cv2.line(img, tuple(P([(-120, 0)])[0]), tuple(P([(110, 0)])[0]), col, 6, cv2.LINE_AA)
    elif kind == "staff":
        cv2.line(m, tuple(P([(30, 150)])[0]), tuple(P([(-20, -90)])[0]), 255, 22)
        cel(img, m, wood)
        o = np.zeros_like(m)
        cv2.circle(o, tuple(P([(-25, -115)])[0]), int(42 * s), 255, -1)
        cel(img, o, col)
    elif kind == "ring":
        cv2.circle(m, (cx, cy + 30), int(80 * s), 255, 24)
        cel(img, m, (60, 200, 240))
        o = np.zeros_like(m)
        cv2.fillPoly(o, [P([(0, -90), (35, -50), (0, -10), (-35, -50)])], 255)
        cel(img, o, col)
    elif kind == "axe":
        cv2.line(m, tuple(P([(0, 150)])[0]), tuple(P([(0, -140)])[0]), 255, 20)
        cel(img, m, wood)
        b = np.zeros_like(m)
        cv2.ellipse(b, tuple(P([(10, -80)])[0]), (int(90 * s), int(75 * s)), 0, -90, 90, 255, -1)
        cel(img, b, metal)
        cv2.line(img, tuple(P([(10, -150)])[0]), tuple(P([(10, -10)])[0]), col, 8)
    elif kind == "crown":
        cv2.fillPoly(m, [P([(-110, 60), (-110, -60), (-55, 0), (0, -90), (55, 0), (110, -60), (110, 60)])], 255)
        cel(img, m, (50, 200, 240))
        for x in (-55, 0, 55):
            cv2.circle(img, tuple(P([(x, 30)])[0]), 14, col, -1, cv2.LINE_AA)
    elif kind == "orb":
        cv2.circle(m, (cx, cy), int(100 * s), 255, -1)
        cel(img, m, col, shift=(30, 30))
        cv2.circle(img, (cx - 35, cy - 40), 22, (255, 255, 255), -1, cv2.LINE_AA)
    elif kind == "key":
        cv2.circle(m, tuple(P([(0, -80)])[0]), int(50 * s), 255, 22)
        cv2.line(m, tuple(P([(0, -30)])[0]), tuple(P([(0, 140)])[0]), 255, 20)
        cv2.rectangle(m, tuple(P([(0, 90)])[0]), tuple(P([(45, 110)])[0]), 255, -1)
        cel(img, m, col)
    else:  # feather
        cv2.ellipse(m, (cx, cy), (int(55 * s), int(150 * s)), 25, 0, 360, 255, -1)
        cel(img, m, col)
        cv2.line(img, tuple(P([(-70, 150)])[0]), tuple(P([(60, -130)])[0]), BLACK, 4, cv2.LINE_AA)


def item_card(item: int, rarity: int | None = None, element: int | None = None) -> np.ndarray:
    """A game item card (BGR, 600 x 840): all share one layout (frame, title bar, art window, stats, text)."""
    name, kind = ITEMS[item]
    r = np.random.default_rng(7500 + item)
    rarity = item % len(RARITY) if rarity is None else rarity
    element = item % len(ELEMENTS) if element is None else element
    frame, stars = RARITY[rarity]
    col = ELEMENTS[element]
    W, H = CARD_SIZE
    img = np.zeros((H, W, 3), np.uint8)
    yy = np.linspace(0, 1, H)[:, None, None]
    img[:] = (np.array([60, 40, 40]) * (1 - yy) + np.array([25, 20, 20]) * yy).astype(np.uint8)
    cv2.rectangle(img, (8, 8), (W - 9, H - 9), frame, 16, cv2.LINE_AA)
    cv2.rectangle(img, (24, 24), (W - 25, H - 25), _shade(frame, 0.6), 3, cv2.LINE_AA)
    # title bar
    cv2.rectangle(img, (40, 40), (W - 41, 110), _shade(frame, 0.45), -1)
    put_text(img, name, 60, 48, 44, (255, 255, 255), stroke=3, stroke_fill=(20, 20, 20))
    for k in range(stars):
        c = (W - 70 - k * 34, 75)
        pts = [(int(c[0] + 14 * np.cos(np.radians(a)) * (1 if j % 2 == 0 else 0.45)),
                int(c[1] + 14 * np.sin(np.radians(a)) * (1 if j % 2 == 0 else 0.45)))
               for j, a in enumerate(range(-90, 270, 36))]
        cv2.fillPoly(img, [np.array(pts, np.int32)], (60, 220, 255), cv2.LINE_AA)
    # art window: a radial glow in the element's colour and the item
    ax0, ay0, ax1, ay1 = 50, 130, W - 50, 530
    yy, xx = np.mgrid[ay0:ay1, ax0:ax1]
    d = np.hypot(xx - (ax0 + ax1) / 2, yy - (ay0 + ay1) / 2) / 260
    glow = np.clip(1 - d, 0, 1)[..., None]
    img[ay0:ay1, ax0:ax1] = (np.array(col) * glow * 0.9 + np.array([30, 25, 25]) * (1 - glow)).astype(np.uint8)
    for _ in range(25):
        p = (int(r.integers(ax0 + 10, ax1 - 10)), int(r.integers(ay0 + 10, ay1 - 10)))
        cv2.circle(img, p, int(r.integers(2, 6)), _shade(col, 1.6), -1, cv2.LINE_AA)
    _item_shape(img, kind, (ax0 + ax1) // 2, (ay0 + ay1) // 2, _shade(col, 1.1), r)
    cv2.rectangle(img, (ax0, ay0), (ax1, ay1), frame, 5)
    # stats and text
    cv2.rectangle(img, (50, 550), (W - 50, 620), (45, 40, 40), -1)
    atk, dfn = int(r.integers(10, 99)) * 10, int(r.integers(5, 90)) * 5
    put_text(img, f"攻撃力 {atk}", 70, 560, 34, (80, 160, 255))
    put_text(img, f"防御力 {dfn}", 320, 560, 34, (255, 200, 120))
    desc = ["古代の力を宿す逸品。", "勇者だけが扱える。", "伝説の工房で作られた。", "夜に淡く光るという。"]
    put_text(img, desc[int(r.integers(len(desc)))], 60, 640, 30, (230, 230, 230), bold=False)
    put_text(img, desc[int(r.integers(len(desc)))], 60, 690, 30, (230, 230, 230), bold=False)
    put_text(img, f"No.{item + 1:03d}", W - 170, H - 90, 30, _shade(frame, 1.0))
    return img


# ---------------------------------------------------------------------------------------------- title logos

TITLES = [("星の守護者", "STAR GUARDIAN"), ("夜明けのメロディ", "MELODY OF DAWN"), ("鋼鉄の翼", "STEEL WINGS"),
          ("魔法少女ルナ", "MAGICAL GIRL LUNA"), ("炎の剣士", "BLADE OF FLAME"), ("海辺の約束", "PROMISE BY THE SEA"),
          ("桜色の放課後", "SAKURA AFTER SCHOOL"), ("時空探偵", "TIME DETECTIVE"), ("銀河鉄道の夢", "GALAXY RAIL DREAM"),
          ("雲の上の王国", "KINGDOM ABOVE CLOUDS"),
          # titles 10-19: the second blind set's (2026-12-07), in styles 5-9
          ("紅の旅団", "THE CRIMSON BRIGADE"), ("星屑のワルツ", "STARDUST WALTZ"), ("硝子の王冠", "THE GLASS CROWN"),
          ("春風の便り", "LETTERS ON THE SPRING WIND"), ("黄昏の騎士団", "KNIGHTS OF DUSK"), ("深海の歌", "SONG OF THE DEEP SEA"),
          ("迷子の魔王", "THE LOST DEMON KING"), ("花火の夜に", "ON THE NIGHT OF FIREWORKS"),
          ("白夜の探検隊", "WHITE NIGHT EXPEDITION"), ("猫と魔法の街", "CITY OF CATS AND MAGIC")]
LOGO_FILLS = [((40, 200, 255), (20, 80, 230)), ((255, 220, 120), (200, 80, 40)), ((230, 230, 240), (120, 120, 150)),
              ((230, 150, 255), (150, 40, 200)), ((80, 160, 255), (30, 30, 200)),
              # styles 5-9 (the second blind set's)
              ((120, 255, 200), (40, 160, 60)), ((200, 200, 255), (60, 60, 220)), ((255, 240, 200), (200, 120, 20)),
              ((180, 240, 255), (0, 140, 255)), ((255, 200, 255), (180, 60, 120))]
LOGO_BACKDROPS = [(250, 245, 240), (40, 30, 30), (245, 235, 250), (60, 40, 30), (235, 250, 250),
                  (230, 245, 230), (30, 30, 50), (250, 240, 230), (50, 40, 60), (245, 235, 245)]
LIGHT_INK = {1, 3, 6, 8}       # styles on a dark backdrop: a light outline and subtitle
FIRST_STYLES = 5               # a title's default style is title % FIRST_STYLES (styles 5-9 are asked for by number)
LOGO_SIZE = (1000, 500)


def title_logo(title: int, style: int | None = None) -> np.ndarray:
    """A title logo (BGR, 1000 x 500): a gradient-filled Japanese title with a heavy outline over an emblem,
    a Latin subtitle, on a flat backdrop. style (default title % 5) picks colours and emblem."""
    jp, en = TITLES[title]
    style = title % FIRST_STYLES if style is None else style
    top, bottom = LOGO_FILLS[style]
    W, H = LOGO_SIZE
    img = np.zeros((H, W, 3), np.uint8)
    img[:] = LOGO_BACKDROPS[style]
    cx, cy = W // 2, H // 2 - 20
    emblem = style % 3
    ec = _shade(bottom, 0.8)
    if emblem == 0:
        cv2.circle(img, (cx, cy), 200, ec, 14, cv2.LINE_AA)
        cv2.circle(img, (cx, cy), 170, _shade(top, 0.9), 4, cv2.LINE_AA)
    elif emblem == 1:
        for s in (-1, 1):
            for k in range(4):
                pts = np.array([(cx + s * 120, cy + 40), (cx + s * (330 - k * 30), cy - 120 + k * 50),
                                (cx + s * (300 - k * 30), cy - 70 + k * 50)], np.int32)
                cv2.fillPoly(img, [pts], _shade(ec, 1 + 0.12 * k), cv2.LINE_AA)
    else:
        star = [(int(cx + 230 * np.cos(np.radians(a)) * (1 if j % 2 == 0 else 0.42)),
                 int(cy + 230 * np.sin(np.radians(a)) * (1 if j % 2 == 0 else 0.42)))
                for j, a in enumerate(range(-90, 270, 36))]
        cv2.fillPoly(img, [np.array(star, np.int32)], ec, cv2.LINE_AA)
    size = min(150, int(880 / max(1, len(jp))))
    lay = text_layer(jp, size, (255, 255, 255), stroke=0)
    h, w = lay.shape[:2]
    grad = np.linspace(0, 1, h)[:, None, None]
    fill = (np.array(top) * (1 - grad) + np.array(bottom) * grad).astype(np.uint8)
    fill = np.broadcast_to(fill, (h, w, 3))
    a = lay[..., 3]
    outline = cv2.dilate(a, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (21, 21)))
    x, y = cx - w // 2, cy - h // 2
    x0, y0 = x - 12, y - 12
    big = np.zeros((h + 24, w + 24, 4), np.uint8)
    big[12:12 + h, 12:12 + w, 3] = outline
    big[..., :3] = BLACK if style not in LIGHT_INK else (250, 250, 250)
    blend(img, big, x0 + 6, y0 + 8, 0.5)
    blend(img, big, x0, y0)
    blend(img, np.dstack([fill, a]), x, y)
    sub = text_layer(en, 40, _shade(bottom, 0.7) if style not in LIGHT_INK else (230, 230, 230), bold=False)
    blend(img, sub, cx - sub.shape[1] // 2, cy + h // 2 + 40)
    return img


# ---------------------------------------------------------------------------------------------- key visuals

PALETTES = [  # sky top, sky bottom, far hills, near hills, sun
    ((120, 50, 30), (190, 150, 250), (150, 110, 160), (70, 50, 80), (200, 230, 255)),
    ((180, 110, 40), (240, 220, 170), (170, 150, 110), (80, 110, 60), (230, 250, 255)),
    ((60, 20, 40), (90, 110, 230), (100, 70, 120), (40, 30, 60), (120, 200, 255)),
    ((90, 40, 10), (170, 90, 60), (110, 70, 60), (50, 40, 30), (230, 230, 250)),
    ((200, 160, 120), (250, 240, 220), (180, 190, 170), (90, 140, 100), (220, 240, 255)),
    ((130, 60, 110), (150, 170, 250), (160, 120, 170), (80, 60, 90), (210, 220, 255)),
    ((40, 30, 20), (120, 80, 60), (70, 60, 50), (30, 25, 20), (200, 220, 240)),
    ((160, 120, 60), (220, 200, 140), (130, 150, 120), (60, 90, 60), (180, 240, 255)),
    # palettes 8-15: the second blind set's (2026-12-07)
    ((140, 90, 20), (230, 200, 120), (150, 130, 90), (60, 90, 40), (210, 250, 255)),
    ((70, 30, 80), (160, 120, 240), (120, 80, 140), (60, 40, 70), (190, 220, 255)),
    ((30, 60, 90), (80, 160, 230), (80, 100, 120), (40, 50, 60), (150, 220, 255)),
    ((110, 100, 20), (200, 220, 160), (140, 160, 110), (70, 100, 50), (220, 255, 250)),
    ((100, 40, 60), (220, 150, 170), (150, 100, 130), (70, 50, 60), (240, 220, 255)),
    ((20, 20, 30), (70, 60, 110), (50, 40, 60), (20, 20, 25), (180, 200, 230)),
    ((150, 140, 100), (240, 230, 210), (170, 170, 150), (100, 120, 90), (230, 240, 255)),
    ((60, 90, 130), (120, 190, 250), (90, 120, 150), (40, 60, 80), (170, 230, 255)),
]
KV_SIZE = (1280, 720)


def _ridge(r: np.random.Generator, W: int, base: float, amp: float, rough: int) -> np.ndarray:
    x = np.arange(W)
    y = np.full(W, base, np.float64)
    for k in range(1, rough + 1):
        y += amp / k * np.sin(2 * np.pi * (k * x / W * r.uniform(0.6, 1.6) + r.uniform(0, 1)))
    return y


def key_visual(palette: int, layout: int = 0) -> np.ndarray:
    """A landscape key visual (BGR, 1280 x 720): sky gradient, sun or moon with a glow, clouds, mountain layers,
    a foreground (forest, town or shore) and a small figure on a hill. The same palette with another layout is
    a sibling (same colours, another place)."""
    sky0, sky1, far, near, sun = PALETTES[palette]
    r = np.random.default_rng(7700 + 31 * palette + layout)
    W, H = KV_SIZE
    yy = np.linspace(0, 1, H)[:, None, None] ** 0.8
    img = (np.array(sky0) * (1 - yy) + np.array(sky1) * yy).astype(np.float32) * np.ones((1, W, 1), np.float32)
    sx, sy = int(r.uniform(200, 1080)), int(r.uniform(120, 320))
    glow = np.zeros((H, W), np.float32)
    cv2.circle(glow, (sx, sy), 60, 1.0, -1, cv2.LINE_AA)
    glow = cv2.GaussianBlur(glow, (0, 0), 80) * 2.5
    img += glow[..., None] * (np.array(sun, np.float32) * 0.6)
    img = np.clip(img, 0, 255).astype(np.uint8)
    cv2.circle(img, (sx, sy), int(r.uniform(40, 70)), sun, -1, cv2.LINE_AA)
    clouds = np.zeros((H, W), np.float32)
    for _ in range(int(r.integers(4, 9))):
        x, y = int(r.uniform(0, W)), int(r.uniform(60, 380))
        for _ in range(6):
            cv2.ellipse(clouds, (x + int(r.normal(0, 60)), y + int(r.normal(0, 12))),
                        (int(r.uniform(40, 110)), int(r.uniform(15, 35))), 0, 0, 360, 1.0, -1)
    clouds = cv2.GaussianBlur(clouds, (0, 0), 6)[..., None] * 0.8
    img = (img * (1 - clouds) + np.array(_shade(sky1, 1.15)) * clouds).astype(np.uint8)
    for i, (col, base, amp, rough) in enumerate([(far, 380, 90, 5), (_shade(far, 0.8), 460, 60, 7),
                                                 (near, 560, 40, 9)]):
        y = _ridge(r, W, base + r.uniform(-30, 30), amp, rough)
        pts = np.array([(0, H)] + [(x, int(y[x])) for x in range(0, W, 8)] + [(W - 1, int(y[-1])), (W, H)], np.int32)
        cv2.fillPoly(img, [pts], col, cv2.LINE_AA)
        if i == 0:   # snow caps
            for x in range(0, W, 8):
                if y[x] < base - amp * 0.5:
                    cv2.line(img, (x, int(y[x]) + 2), (x, int(y[x]) + 12), _shade(sky1, 1.2), 6)
    fg = (palette + layout) % 3
    ground = _shade(near, 0.6)
    if fg == 0:     # a forest of pines
        for _ in range(40):
            x, b = int(r.uniform(0, W)), int(r.uniform(600, 720))
            h = int(r.uniform(60, 160))
            cv2.fillPoly(img, [np.array([(x - h // 4, b), (x, b - h), (x + h // 4, b)], np.int32)], ground,
                         cv2.LINE_AA)
    elif fg == 1:   # a town with lit windows
        x = 0
        while x < W:
            w, h = int(r.uniform(40, 110)), int(r.uniform(60, 220))
            cv2.rectangle(img, (x, H - h), (x + w, H), ground, -1)
            for wy in range(H - h + 12, H - 10, 22):
                for wx in range(x + 8, x + w - 10, 18):
                    if r.random() < 0.45:
                        cv2.rectangle(img, (wx, wy), (wx + 8, wy + 10), (120, 220, 255), -1)
            x += w + int(r.uniform(2, 12))
    else:           # a shore with the sun's reflection
        cv2.rectangle(img, (0, 600), (W, H), _shade(sky0, 1.3), -1)
        for y in range(605, H, 9):
            cv2.line(img, (sx - int(r.uniform(20, 90)), y), (sx + int(r.uniform(20, 90)), y), sun, 2)
    # a hill with a small figure looking at the view
    hx = int(r.uniform(150, 1130))
    cv2.ellipse(img, (hx, H + 40), (260, 120), 0, 180, 360, _shade(ground, 0.7), -1, cv2.LINE_AA)
    cv2.circle(img, (hx, H - 118), 12, BLACK, -1, cv2.LINE_AA)
    cv2.fillPoly(img, [np.array([(hx - 14, H - 80), (hx, H - 108), (hx + 14, H - 80)], np.int32)], BLACK)
    return img


# ---------------------------------------------------------------------------------------------- photos

def lfw_path() -> Path:
    import skimage.data

    return Path(skimage.data.__file__).parent / "lfw_subset.npy"


LFW_NONFACE = range(100, 200)   # the file's second half: 100 non-face crops (the first 100 are faces)


def lfw_collage(first: int, rows: int = 4, cols: int = 5, cell: int = 150) -> np.ndarray:
    """rows x cols of skimage's lfw_subset non-face crops (25 x 25 grey) from index `first`, each enlarged
    (bicubic) to cell x cell, with a white gutter: a contact sheet of real photographs."""
    crops = np.load(lfw_path())
    g = 8
    img = np.full((rows * (cell + g) + g, cols * (cell + g) + g), 250, np.uint8)
    for k in range(rows * cols):
        idx = first + k
        assert idx in LFW_NONFACE, idx
        c = cv2.resize((crops[idx] * 255).astype(np.uint8), (cell, cell), interpolation=cv2.INTER_CUBIC)
        y, x = g + (k // cols) * (cell + g), g + (k % cols) * (cell + g)
        img[y:y + cell, x:x + cell] = c
    return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)


# ---------------------------------------------------------------------------------------------- clip props

def presenter(h: int, shirt, seed: int) -> np.ndarray:
    """A presenter (head and shoulders) standing in front of a chroma-green wall (BGR, h tall, h * 0.75 wide):
    keyed by the green-screen edit."""
    r = np.random.default_rng(seed)
    w = int(h * 0.75)
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = (40, 190, 30)
    img[:] = np.clip(img.astype(np.int16) + r.integers(-8, 8, img.shape), 0, 255).astype(np.uint8)
    cx = w // 2
    skin = SKINS[int(r.integers(len(SKINS)))]
    cv2.ellipse(img, (cx, h), (int(w * 0.48), int(h * 0.42)), 0, 180, 360, shirt, -1, cv2.LINE_AA)
    cv2.rectangle(img, (cx - h // 18, int(h * 0.4)), (cx + h // 18, int(h * 0.62)), skin, -1)
    cv2.ellipse(img, (cx, int(h * 0.33)), (int(h * 0.13), int(h * 0.17)), 0, 0, 360, skin, -1, cv2.LINE_AA)
    cv2.ellipse(img, (cx, int(h * 0.26)), (int(h * 0.145), int(h * 0.12)), 0, 180, 360, (40, 50, 70), -1,
                cv2.LINE_AA)
    for s in (-1, 1):
        cv2.circle(img, (cx + s * h // 20, int(h * 0.33)), max(2, h // 80), BLACK, -1, cv2.LINE_AA)
    return img


def reaction_face(size: int, t: float, seed: int) -> np.ndarray:
    """A webcam-style reaction face (BGR, size x size): a drawn person in a room whose mouth and eyebrows move
    with t (seconds)."""
    r = np.random.default_rng(seed)
    img = np.zeros((size, size, 3), np.uint8)
    img[:] = _shade(BG[int(r.integers(len(BG)))], 0.75)
    cv2.rectangle(img, (0, int(size * 0.7)), (size, size), (60, 80, 110), -1)
    c = size // 2
    skin = SKINS[int(r.integers(len(SKINS)))]
    cv2.ellipse(img, (c, size), (int(size * 0.42), int(size * 0.3)), 0, 180, 360, OUTFITS[int(r.integers(10))], -1)
    cv2.ellipse(img, (c, int(size * 0.45)), (int(size * 0.22), int(size * 0.27)), 0, 0, 360, skin, -1, cv2.LINE_AA)
    cv2.ellipse(img, (c, int(size * 0.36)), (int(size * 0.24), int(size * 0.2)), 0, 180, 360,
                HAIRS[int(r.integers(10))], -1, cv2.LINE_AA)
    open_ = 0.5 + 0.5 * np.sin(t * 9 + seed)
    for s in (-1, 1):
        cv2.circle(img, (c + s * size // 10, int(size * 0.43)), max(2, size // 40), BLACK, -1, cv2.LINE_AA)
        y = int(size * (0.36 - 0.03 * open_))
        cv2.line(img, (c + s * size // 7, y), (c + s * size // 16, y - 3), BLACK, max(2, size // 80))
    cv2.ellipse(img, (c, int(size * 0.57)), (size // 14, max(2, int(size * 0.06 * open_))), 0, 0, 360, (40, 30, 90),
                -1, cv2.LINE_AA)
    return img
