"""Reference art drawn with Pillow for the ffmpeg pipeline: a deck of playing cards, the frames of one
animated sprite, logos, and stills of generated landscape films. Siblings are the point: the cards of a
deck share their layout, the frames of a walk cycle their character, the shots of a film their palette.

Nothing here imports the matcher (or `bench.synth`, which the matcher's own tests are built on).
Every drawing is seeded; a style seed picks a deck's colours, a character's look, a film's palette.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"   # DejaVu, shipped with Matplotlib
BOLD = FONTS / "DejaVuSans-Bold.ttf"
SERIF = FONTS / "DejaVuSerif-Bold.ttf"

RANKS = ["A", "2", "3", "4", "5", "6", "7", "8", "9", "10", "J", "Q", "K"]
SUITS = {"S": "spade", "H": "heart", "D": "diamond", "C": "club"}
PIPS = {  # pip centres (x, y) as shares of the card's inner area
    "A": [(0.5, 0.5)], "2": [(0.5, 0.15), (0.5, 0.85)], "3": [(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)],
    "4": [(0.3, 0.15), (0.7, 0.15), (0.3, 0.85), (0.7, 0.85)],
}
PIPS["5"] = PIPS["4"] + [(0.5, 0.5)]
PIPS["6"] = PIPS["4"] + [(0.3, 0.5), (0.7, 0.5)]
PIPS["7"] = PIPS["6"] + [(0.5, 0.32)]
PIPS["8"] = PIPS["6"] + [(0.5, 0.32), (0.5, 0.68)]
PIPS["9"] = [(x, y) for x in (0.3, 0.7) for y in (0.15, 0.38, 0.62, 0.85)] + [(0.5, 0.5)]
PIPS["10"] = [(x, y) for x in (0.3, 0.7) for y in (0.15, 0.38, 0.62, 0.85)] + [(0.5, 0.27), (0.5, 0.73)]


@lru_cache(maxsize=16)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def suit_shape(d: ImageDraw.ImageDraw, suit: str, cx: float, cy: float, s: float, fill, flip: bool = False) -> None:
    """A suit sign of height ~s centred at (cx, cy); flip turns it upside down (lower half of a card)."""
    k = -1 if flip else 1

    def P(x, y):
        return (cx + x * s, cy + k * y * s)

    if suit == "D":
        d.polygon([P(0, -0.5), P(0.38, 0), P(0, 0.5), P(-0.38, 0)], fill=fill)
    elif suit == "H":
        r = 0.24 * s
        for x in (-0.22, 0.22):
            c = P(x, -0.18)
            d.ellipse([c[0] - r, c[1] - r, c[0] + r, c[1] + r], fill=fill)
        d.polygon([P(-0.46, -0.12), P(0.46, -0.12), P(0, 0.5)], fill=fill)
    elif suit == "S":
        r = 0.24 * s
        for x in (-0.22, 0.22):
            c = P(x, 0.1)
            d.ellipse([c[0] - r, c[1] - r, c[0] + r, c[1] + r], fill=fill)
        d.polygon([P(-0.46, 0.05), P(0.46, 0.05), P(0, -0.5)], fill=fill)
        d.polygon([P(0, 0.15), P(0.16, 0.5), P(-0.16, 0.5)], fill=fill)
    else:  # club
        r = 0.2 * s
        for x, y in ((0, -0.26), (-0.24, 0.08), (0.24, 0.08)):
            c = P(x, y)
            d.ellipse([c[0] - r, c[1] - r, c[0] + r, c[1] + r], fill=fill)
        d.polygon([P(0, 0.0), P(0.16, 0.5), P(-0.16, 0.5)], fill=fill)


def _face_figure(d: ImageDraw.ImageDraw, box, rank: str, colour, style: np.random.Generator) -> None:
    """A court card's figure: a crowned or capped bust, mirrored top and bottom like a real card."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    robe = tuple(int(v) for v in style.integers(40, 220, 3))
    for flip in (False, True):
        def Y(v):
            return y0 + (h - v if flip else v)
        cx = x0 + w / 2
        d.ellipse([cx - w * 0.14, Y(h * 0.12) - w * 0.14, cx + w * 0.14, Y(h * 0.12) + w * 0.14],
                  fill=(240, 205, 170), outline=(0, 0, 0))
        d.polygon([(cx - w * 0.35, Y(h * 0.5)), (cx + w * 0.35, Y(h * 0.5)), (cx + w * 0.16, Y(h * 0.22)),
                   (cx - w * 0.16, Y(h * 0.22))], fill=robe, outline=(0, 0, 0))
        if rank == "K":
            pts = [(cx - w * 0.14, Y(h * 0.04)), (cx - w * 0.1, Y(-h * 0.02)), (cx, Y(h * 0.03)),
                   (cx + w * 0.1, Y(-h * 0.02)), (cx + w * 0.14, Y(h * 0.04))]
            d.line(pts, fill=(230, 180, 20), width=4)
        elif rank == "Q":
            d.arc([cx - w * 0.18, Y(h * 0.12) - w * 0.2, cx + w * 0.18, Y(h * 0.12) + w * 0.2], 180, 360,
                  fill=(200, 120, 40), width=4)
        else:
            d.rectangle([cx - w * 0.15, Y(h * 0.02) - 3, cx + w * 0.15, Y(h * 0.02) + 3], fill=colour)
    d.rectangle(box, outline=colour, width=3)


def playing_card(rank: str, suit: str, deck_seed: int = 0, four_colour: bool = False) -> Image.Image:
    """One card of a deck (250 x 350, RGB). Cards of one deck_seed share frame, fonts and colours."""
    style = np.random.default_rng(10_000 + deck_seed)
    cw, ch = 250, 350
    paper = tuple(int(v) for v in 240 + style.integers(0, 15, 3))
    border = tuple(int(v) for v in style.integers(0, 160, 3))
    red, black = (200, 20, 30), (15, 15, 15)
    colour = red if suit in "HD" else black
    if four_colour:
        colour = {"S": black, "H": red, "D": (20, 60, 200), "C": (20, 140, 40)}[suit]
    im = Image.new("RGB", (cw, ch), (30, 30, 30))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle([2, 2, cw - 3, ch - 3], radius=18, fill=paper, outline=border, width=3)
    d.rounded_rectangle([10, 10, cw - 11, ch - 11], radius=12, outline=border, width=1)
    f = font(SERIF if deck_seed % 2 else BOLD, 34)
    corner = Image.new("RGBA", (44, 80), (0, 0, 0, 0))
    cd = ImageDraw.Draw(corner)
    cd.text((22, 18), rank, font=f, fill=colour, anchor="mm")
    suit_shape(cd, suit, 22, 56, 26, colour)
    im.paste(corner, (8, 10), corner)
    im.paste(corner.rotate(180), (cw - 52, ch - 90), corner.rotate(180))
    inner = (52, 36, cw - 52, ch - 36)
    iw, ih = inner[2] - inner[0], inner[3] - inner[1]
    if rank in PIPS:
        size = 110 if rank == "A" else 40
        for px, py in PIPS[rank]:
            suit_shape(d, suit, inner[0] + px * iw, inner[1] + py * ih, size, colour, flip=py > 0.55)
    else:
        _face_figure(d, (inner[0] - 6, inner[1], inner[2] + 6, inner[3]), rank, colour,
                     np.random.default_rng(1000 * deck_seed + 10 * RANKS.index(rank) + "SHDC".index(suit)))
        suit_shape(d, suit, inner[0] + 18, inner[1] + 20, 24, colour)
        suit_shape(d, suit, inner[2] - 18, inner[3] - 20, 24, colour, flip=True)
    return im


def sprite_frame(k: int, n: int = 8, char_seed: int = 0) -> Image.Image:
    """Frame k of an n-frame walk cycle of one character (200 x 240, RGBA with transparency)."""
    style = np.random.default_rng(20_000 + char_seed)
    skin = tuple(int(v) for v in style.integers(150, 250, 3))
    shirt = tuple(int(v) for v in style.integers(20, 230, 3))
    trousers = tuple(int(v) for v in style.integers(10, 120, 3))
    hat = tuple(int(v) for v in style.integers(0, 255, 3))
    im = Image.new("RGBA", (200, 240), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    ph = 2 * math.pi * k / n
    hip, shoulder = (100, 140), (100, 82)
    out = (0, 0, 0, 255)

    def limb(origin, length, angle, colour, width):
        x = origin[0] + length * math.sin(angle)
        y = origin[1] + length * math.cos(angle)
        d.line([origin, (x, y)], fill=out, width=width + 4)
        d.line([origin, (x, y)], fill=colour + (255,), width=width)
        return x, y

    far = tuple(int(v * 0.6) for v in trousers)     # the far leg and arm are shaded, as sprites do
    lean = 0.18 * math.cos(ph)                        # the stride is not symmetric: frame k and k + n/2 differ
    for sgn in (-1, 1):
        a = 0.55 * sgn * math.sin(ph) + lean
        knee = limb(hip, 45, a, far if sgn < 0 else trousers, 16)
        limb(knee, 45, a - 0.35 * max(0.0, sgn * math.cos(ph)), far if sgn < 0 else trousers, 14)
    d.rounded_rectangle([74, 76, 126, 146], radius=12, fill=shirt + (255,), outline=out, width=3)
    for sgn in (-1, 1):
        a = -0.7 * sgn * math.sin(ph) - 1.5 * lean
        elbow = limb(shoulder, 34, a, tuple(int(v * 0.6) for v in shirt) if sgn < 0 else shirt, 12)
        limb(elbow, 30, a + 0.5, skin, 10)
    bob = 3 * abs(math.sin(ph))
    d.ellipse([76, 26 - bob, 124, 74 - bob], fill=skin + (255,), outline=out, width=3)
    d.ellipse([104, 42 - bob, 112, 50 - bob], fill=out)
    d.polygon([(70, 34 - bob), (130, 34 - bob), (112, 8 - bob), (88, 8 - bob)], fill=hat + (255,), outline=out)
    return im


def logo(seed: int) -> Image.Image:
    """A logo (400 x 200, RGBA): a badge shape with initials and a word mark beside it."""
    r = np.random.default_rng(30_000 + seed)
    c1 = tuple(int(v) for v in r.integers(0, 200, 3)) + (255,)
    c2 = tuple(int(v) for v in r.integers(100, 256, 3)) + (255,)
    im = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    kind = seed % 3
    if kind == 0:
        d.ellipse([10, 20, 170, 180], fill=c1)
        d.ellipse([30, 40, 150, 160], outline=c2, width=8)
    elif kind == 1:
        d.polygon([(90, 10), (175, 185), (5, 185)], fill=c1)
    else:
        d.regular_polygon((90, 100, 85), 6, rotation=int(r.integers(0, 60)), fill=c1)
    letters = "".join(chr(65 + int(v)) for v in r.integers(0, 26, 2))
    d.text((90, 108), letters, font=font(BOLD, 64), fill=c2, anchor="mm")
    word = "".join(chr(97 + int(v)) for v in r.integers(0, 26, 5)).capitalize()
    d.text((190, 70), word, font=font(SERIF, 56), fill=c1, anchor="lm")
    d.rectangle([190, 120, 190 + 30 * int(r.integers(3, 7)), 130], fill=c2)
    return im


def _ridge(rng: np.random.Generator, w: int, base: float, rough: float) -> np.ndarray:
    steps = rng.normal(0, rough, w // 8 + 2).cumsum()
    steps -= np.linspace(steps[0], steps[-1], len(steps))
    return base + np.interp(np.arange(w), np.arange(len(steps)) * 8, steps)


def film_still(film: int, shot: int, w: int = 1280, h: int = 720) -> Image.Image:
    """A 16:9 still of a generated landscape film: the film fixes the palette and sky, the shot the
    layout (ridges, trees, a house, a figure). Textured so that it has detail at every scale."""
    pal = np.random.default_rng(40_000 + film)
    r = np.random.default_rng(50_000 + 97 * film + shot)
    sky_top, sky_bottom = pal.integers(20, 200, 3), pal.integers(120, 256, 3)
    t = np.linspace(0, 1, h)[:, None, None]
    img = (sky_top * (1 - t) + sky_bottom * t) * np.ones((1, w, 1))
    yy, xx = np.mgrid[0:h, 0:w]
    sx, sy = r.uniform(0.1, 0.9) * w, r.uniform(0.08, 0.3) * h
    img[(xx - sx) ** 2 + (yy - sy) ** 2 < (0.06 * h) ** 2] = pal.integers(200, 256, 3)
    ground = pal.integers(20, 140, 3)
    for layer in range(3):
        ridge = _ridge(r, w, h * (0.35 + 0.15 * layer + r.uniform(-0.05, 0.05)), 6 + 4 * layer)
        shade = ground * (0.6 + 0.25 * layer) + (2 - layer) * 25
        img[yy > ridge[None, :]] = np.clip(shade, 0, 255)
    tex = r.normal(0, 14, (h // 4, w // 4))
    tex = np.kron(tex, np.ones((4, 4)))[:h, :w]
    img = np.clip(img + (yy > 0.4 * h)[..., None] * tex[..., None], 0, 255).astype(np.uint8)
    im = Image.fromarray(img).filter(ImageFilter.SMOOTH)
    d = ImageDraw.Draw(im)
    for _ in range(int(r.integers(3, 7))):   # clouds
        cx, cy = r.uniform(0, w), r.uniform(0.05, 0.3) * h
        for j in range(4):
            rr = r.uniform(20, 45)
            d.ellipse([cx + j * 30 - rr, cy - rr * 0.6, cx + j * 30 + rr, cy + rr * 0.6], fill=(245, 245, 250))
    for _ in range(int(r.integers(8, 18))):   # trees
        x, y = r.uniform(0, w), r.uniform(0.6, 0.95) * h
        s = r.uniform(30, 90) * (y / h)
        green = tuple(int(v) for v in (pal.integers(10, 60), r.integers(70, 150), pal.integers(10, 60)))
        d.rectangle([x - s * 0.08, y - s * 0.2, x + s * 0.08, y + s * 0.3], fill=(90, 60, 30))
        d.polygon([(x, y - s * 1.3), (x + s * 0.45, y), (x - s * 0.45, y)], fill=green, outline=(0, 30, 0))
    hx, hy = r.uniform(0.15, 0.85) * w, r.uniform(0.62, 0.8) * h
    d.rectangle([hx - 60, hy - 50, hx + 60, hy + 40], fill=tuple(int(v) for v in pal.integers(120, 240, 3)),
                outline=(30, 20, 10), width=3)
    d.polygon([(hx - 75, hy - 50), (hx + 75, hy - 50), (hx, hy - 110)], fill=(150, 40, 30), outline=(30, 20, 10))
    d.rectangle([hx - 15, hy - 5, hx + 15, hy + 40], fill=(60, 40, 20))
    for wx in (-42, 22):
        d.rectangle([hx + wx, hy - 35, hx + wx + 20, hy - 15], fill=(250, 230, 120), outline=(30, 20, 10))
    fx, fy = r.uniform(0.1, 0.9) * w, r.uniform(0.75, 0.92) * h
    d.ellipse([fx - 10, fy - 70, fx + 10, fy - 50], fill=(40, 30, 30))
    d.line([(fx, fy - 50), (fx, fy - 15), (fx - 12, fy), (fx, fy - 15), (fx + 12, fy)], fill=(40, 30, 30), width=6)
    return im


def sticker(kind: int, size: int = 160) -> Image.Image:
    """A sticker with transparency: a smiley, a star or a heart with a white outline, as editors offer."""
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    s = size
    if kind % 3 == 0:
        d.ellipse([4, 4, s - 4, s - 4], fill=(255, 210, 30, 255), outline=(255, 255, 255, 255), width=6)
        d.ellipse([s * 0.3, s * 0.3, s * 0.4, s * 0.45], fill=(40, 20, 0, 255))
        d.ellipse([s * 0.6, s * 0.3, s * 0.7, s * 0.45], fill=(40, 20, 0, 255))
        d.arc([s * 0.25, s * 0.35, s * 0.75, s * 0.75], 20, 160, fill=(40, 20, 0, 255), width=6)
    elif kind % 3 == 1:
        pts = [(s / 2 + (s * 0.48 if i % 2 == 0 else s * 0.2) * math.sin(i * math.pi / 5),
                s / 2 - (s * 0.48 if i % 2 == 0 else s * 0.2) * math.cos(i * math.pi / 5)) for i in range(10)]
        d.polygon(pts, fill=(255, 90, 200, 255), outline=(255, 255, 255, 255), width=5)
    else:
        suit_shape(d, "H", s / 2, s / 2, s * 0.9, (240, 30, 60, 255))
    return im


def presenter(w: int = 720, h: int = 1280, seed: int = 0) -> Image.Image:
    """A green-screen plate: a person (head, shoulders, arms) in front of pure green, lower part of the frame."""
    r = np.random.default_rng(60_000 + seed)
    im = Image.new("RGB", (w, h), (0, 255, 0))
    d = ImageDraw.Draw(im)
    cx = w * r.uniform(0.35, 0.65)
    shirt = tuple(int(v) for v in r.integers(0, 200, 3))
    d.ellipse([cx - 230, h * 0.78, cx + 230, h * 1.2], fill=shirt)
    d.rectangle([cx - 40, h * 0.7, cx + 40, h * 0.82], fill=(210, 160, 130))
    d.ellipse([cx - 85, h * 0.56, cx + 85, h * 0.74], fill=(220, 170, 140))
    d.ellipse([cx - 90, h * 0.545, cx + 90, h * 0.62], fill=(50, 30, 20))
    for ex in (-35, 25):
        d.ellipse([cx + ex, h * 0.64, cx + ex + 12, h * 0.652], fill=(20, 20, 20))
    return im
