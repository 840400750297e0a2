"""Families of look-alike pictures for the sibling development set ("sibdev" in `bench.accuracy.ffmpeg_set`):
pictures that share everything but one detail, as a franchise's art does.

- `bust`: a flat, cel-shaded character bust (head, hair, eyes, mouth, outfit, dark outline) over a plain
  backdrop; one character in several outfit colours (only the garment recoloured) and expressions (only
  eyes, brows and mouth redrawn);
- `item_card`: game item cards of one layout (frame, title band with a Japanese item name, the item drawn in
  a window, stat icons and numbers, a text box); cards differ in name, item art and numbers;
- `title_logo`: title logos of one style (font, gradient fill, outline, emblem, subtitle ribbon), with
  other words (a Japanese title and a Latin subtitle);
- `scene`: key visuals of one palette (sky, sun, clouds, hills, a town, trees, a figure), other compositions.

Drawn with Pillow at twice the size and reduced (smooth edges, as exported art has). Every drawing is a
function of its arguments only: a style seed fixes what siblings share, a member seed what differs.
Nothing here imports the matcher or the other pipelines' art (`artgen`, `bench.synth`). Fonts: DejaVu
(shipped with Matplotlib, `artgen.FONTS`) and Noto Sans / Serif CJK JP (Debian fonts-noto-cjk).
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from bench.accuracy.artgen import FONTS

NOTO = Path("/usr/share/fonts/opentype/noto")
CJK_SANS = NOTO / "NotoSansCJK-Bold.ttc"     # face 0 of the collection is the JP one
CJK_SERIF = NOTO / "NotoSerifCJK-Bold.ttc"
LATIN = FONTS / "DejaVuSans-Bold.ttf"
LATIN_SERIF = FONTS / "DejaVuSerif-Bold.ttf"
SS = 2          # drawn at SS times the size, then reduced
OUTLINE = (34, 22, 30)

# one tag per picture family, mixed into every seed so that no family's seeds meet another's
_TAG = {"bust": 7_404_100, "card": 7_404_200, "item": 7_404_300, "title": 7_404_400, "palette": 7_404_500,
        "scene": 7_404_600}


def _rng(tag: str, *parts: int) -> np.random.Generator:
    return np.random.default_rng([_TAG[tag], *parts])


def _col(rng: np.random.Generator, lo: int = 0, hi: int = 256) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(lo, hi, 3))


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    import colorsys

    return tuple(int(round(c * 255)) for c in colorsys.hsv_to_rgb(h % 1.0, s, v))


def _shade(c, k: float) -> tuple[int, int, int]:
    return tuple(int(max(0, min(255, v * k))) for v in c[:3])


def _mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(int(round(x * (1 - t) + y * t)) for x, y in zip(a[:3], b[:3]))


@lru_cache(maxsize=32)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=0)


def _fit_font(path: Path, text: str, width: int, start: int, stroke: int = 0) -> ImageFont.FreeTypeFont:
    size = start
    while size > 8:
        f = _font(path, size)
        x0, _, x1, _ = f.getbbox(text, stroke_width=stroke)
        if x1 - x0 <= width:
            return f
        size = int(size * 0.93)
    return _font(path, size)


def _vgradient(w: int, h: int, top, bottom) -> Image.Image:
    t = np.linspace(0, 1, h)[:, None, None]
    arr = np.asarray(top, float) * (1 - t) + np.asarray(bottom, float) * t
    return Image.fromarray(np.repeat(arr, w, axis=1).round().astype(np.uint8))


def _reduce(im: Image.Image) -> Image.Image:
    return im.resize((im.width // SS, im.height // SS), Image.LANCZOS)


# ---- character busts ------------------------------------------------------------------------------

BUST_SIZE = (640, 800)
EXPRESSIONS = ("smile", "surprised", "wink", "angry", "sad")


def _bust_style(char: int) -> dict:
    """What every picture of one character shares (its outfits listed, one is picked per picture)."""
    r = _rng("bust", char)
    hue = r.uniform(0, 1)
    skin = _mix((255, 226, 204), (214, 160, 120), r.uniform(0, 0.7))
    hair = _hsv(r.uniform(0, 1), r.uniform(0.3, 0.9), r.uniform(0.25, 0.95))
    eye = _hsv(r.uniform(0, 1), r.uniform(0.5, 1.0), r.uniform(0.45, 0.9))
    # outfits: the garment's colours (the rest of the character stays); far apart in hue
    base = r.uniform(0, 1)
    outfits = [_hsv(base + k * 0.29 + r.uniform(-0.04, 0.04), r.uniform(0.45, 0.85), r.uniform(0.45, 0.9))
               for k in range(4)]
    return {
        "skin": skin, "hair": hair, "eye": eye, "outfits": outfits,
        "trim": _hsv(r.uniform(0, 1), r.uniform(0.1, 0.5), r.uniform(0.85, 1.0)),
        "accent": _hsv(r.uniform(0, 1), 0.8, 0.95),
        "bg": (_hsv(hue, r.uniform(0.1, 0.35), 0.97), _hsv(hue + 0.08, r.uniform(0.25, 0.5), r.uniform(0.7, 0.9))),
        "hair_style": int(r.integers(0, 3)),      # 0 short spiky, 1 bob, 2 long
        "bangs": [float(v) for v in r.uniform(-0.5, 0.5, 7)],
        "spikes": int(r.integers(5, 9)),
        "face_w": r.uniform(0.23, 0.27), "face_h": r.uniform(0.25, 0.29),
        "eye_gap": r.uniform(0.085, 0.11), "eye_h": r.uniform(0.05, 0.065),
        "collar": int(r.integers(0, 3)),           # 0 V-neck jacket, 1 sailor collar, 2 high collar
        "accessory": int(r.integers(0, 3)),        # 0 ribbon, 1 hair clip, 2 headband
        "bg_motif": int(r.integers(0, 3)),         # 0 rings, 1 stripes, 2 dots
        "tilt": r.uniform(-0.03, 0.03),
    }


def bust_regions(char: int) -> dict[str, tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1, in output pixels) that hold everything an outfit change or an expression change
    redraws: what tests check the siblings against."""
    s = _bust_style(char)
    w, h = BUST_SIZE
    cx, cy = w / 2, h * 0.42
    fw, fh = s["face_w"] * w, s["face_h"] * h
    return {"outfit": (0, int(cy + fh * 0.75 - h * 0.02), w, h),
            "face": (int(cx - fw), int(cy - fh * 0.45), int(cx + fw), int(cy + fh * 0.75))}


def bust(char: int, outfit: int = 0, expression: int = 0) -> Image.Image:
    """Character `char` in outfit `outfit` with expression `expression` (`EXPRESSIONS`); 640 x 800 RGB.
    Another outfit recolours the garment only; another expression redraws eyes, brows and mouth only."""
    s = _bust_style(char)
    w, h = BUST_SIZE[0] * SS, BUST_SIZE[1] * SS
    im = _vgradient(w, h, s["bg"][0], s["bg"][1])
    d = ImageDraw.Draw(im)
    lw = 5 * SS // 2 + 2
    light = _mix(s["bg"][0], (255, 255, 255), 0.5)
    if s["bg_motif"] == 0:
        for k in range(5):
            rr = w * (0.18 + 0.12 * k)
            d.ellipse([w * 0.5 - rr, h * 0.4 - rr, w * 0.5 + rr, h * 0.4 + rr], outline=light, width=6 * SS)
    elif s["bg_motif"] == 1:
        for k in range(-6, 12):
            x = k * w * 0.12
            d.polygon([(x, 0), (x + w * 0.05, 0), (x + w * 0.05 - h * 0.5, h), (x - h * 0.5, h)], fill=light)
    else:
        for yy in range(0, h, 60 * SS):
            for xx in range((yy // (60 * SS)) % 2 * 30 * SS, w, 60 * SS):
                d.ellipse([xx - 7 * SS, yy - 7 * SS, xx + 7 * SS, yy + 7 * SS], fill=light)
    cx, cy = w / 2, h * 0.42
    fw, fh = s["face_w"] * w, s["face_h"] * h
    hair, hair_dk, hair_lt = s["hair"], _shade(s["hair"], 0.68), _mix(s["hair"], (255, 255, 255), 0.45)
    skin, skin_dk = s["skin"], _shade(s["skin"], 0.85)
    # back hair, behind everything of the character
    if s["hair_style"] == 2:
        d.rounded_rectangle([cx - fw * 1.25, cy - fh * 1.05, cx + fw * 1.25, h * 0.86], radius=int(fw * 0.9),
                            fill=hair_dk, outline=OUTLINE, width=lw)
    elif s["hair_style"] == 1:
        d.rounded_rectangle([cx - fw * 1.2, cy - fh * 1.05, cx + fw * 1.2, cy + fh * 0.75], radius=int(fw * 0.7),
                            fill=hair_dk, outline=OUTLINE, width=lw)
    # outfit: shoulders and chest, cel shadow on the right, trim, buttons
    garment = s["outfits"][outfit % len(s["outfits"])]
    g_dk, g_lt = _shade(garment, 0.72), _mix(garment, (255, 255, 255), 0.3)
    top = cy + fh * 0.75
    body = [(cx - w * 0.46, h + 10), (cx - w * 0.43, top + h * 0.12), (cx - w * 0.3, top + h * 0.03),
            (cx + w * 0.3, top + h * 0.03), (cx + w * 0.43, top + h * 0.12), (cx + w * 0.46, h + 10)]
    d.polygon(body, fill=garment, outline=OUTLINE, width=lw)
    d.polygon([(cx + w * 0.12, top + h * 0.06), (cx + w * 0.3, top + h * 0.03), (cx + w * 0.43, top + h * 0.12),
               (cx + w * 0.46, h), (cx + w * 0.2, h)], fill=g_dk)
    d.line([(cx - w * 0.38, top + h * 0.1), (cx - w * 0.25, top + h * 0.07)], fill=g_lt, width=8 * SS)
    for sgn in (-1, 1):    # folds
        d.line([(cx + sgn * w * 0.2, h * 0.92), (cx + sgn * w * 0.25, h)], fill=OUTLINE, width=lw - 2)
    # neck
    d.rectangle([cx - fw * 0.32, cy + fh * 0.5, cx + fw * 0.32, top + h * 0.04], fill=skin, outline=OUTLINE, width=lw)
    d.polygon([(cx - fw * 0.32, cy + fh * 0.62), (cx + fw * 0.32, cy + fh * 0.62), (cx + fw * 0.32, cy + fh * 0.82),
               (cx - fw * 0.32, cy + fh * 0.72)], fill=skin_dk)
    trim = s["trim"]
    if s["collar"] == 0:
        d.polygon([(cx - fw * 0.55, top + h * 0.03), (cx, top + h * 0.16), (cx + fw * 0.55, top + h * 0.03),
                   (cx + fw * 0.3, top + h * 0.02), (cx, top + h * 0.1), (cx - fw * 0.3, top + h * 0.02)],
                  fill=trim, outline=OUTLINE, width=lw)
        for k in range(3):
            by = top + h * (0.2 + 0.07 * k)
            d.ellipse([cx - 9 * SS, by - 9 * SS, cx + 9 * SS, by + 9 * SS], fill=trim, outline=OUTLINE, width=lw - 2)
    elif s["collar"] == 1:
        d.polygon([(cx - w * 0.3, top + h * 0.03), (cx, top + h * 0.2), (cx + w * 0.3, top + h * 0.03),
                   (cx + w * 0.34, top + h * 0.1), (cx, top + h * 0.27), (cx - w * 0.34, top + h * 0.1)],
                  fill=trim, outline=OUTLINE, width=lw)
        d.polygon([(cx - 30 * SS, top + h * 0.2), (cx + 30 * SS, top + h * 0.2), (cx, top + h * 0.3)],
                  fill=s["accent"], outline=OUTLINE, width=lw - 2)
    else:
        d.rounded_rectangle([cx - fw * 0.55, top - h * 0.01, cx + fw * 0.55, top + h * 0.06], radius=8 * SS,
                            fill=trim, outline=OUTLINE, width=lw)
        d.line([(cx, top + h * 0.06), (cx, h)], fill=OUTLINE, width=lw)
    # head with the shadow the bangs cast, ears
    for sgn in (-1, 1):
        ex = cx + sgn * fw * 0.98
        d.ellipse([ex - fw * 0.12, cy - fh * 0.05, ex + fw * 0.12, cy + fh * 0.25], fill=skin, outline=OUTLINE, width=lw)
    d.chord([cx - fw, cy - fh * 0.95, cx + fw, cy + fh * 0.95], 0, 180, fill=skin, outline=OUTLINE, width=lw)
    d.rectangle([cx - fw, cy - fh * 0.95 * 0.6, cx + fw, cy], fill=skin)
    d.line([(cx - fw, cy - fh * 0.57), (cx - fw, cy)], fill=OUTLINE, width=lw)
    d.line([(cx + fw, cy - fh * 0.57), (cx + fw, cy)], fill=OUTLINE, width=lw)
    d.pieslice([cx - fw * 0.9, cy - fh * 0.55, cx + fw * 0.9, cy + fh * 0.1], 180, 360, fill=skin_dk)
    # blush and nose
    for sgn in (-1, 1):
        bx = cx + sgn * fw * 0.55
        d.ellipse([bx - fw * 0.17, cy + fh * 0.3, bx + fw * 0.17, cy + fh * 0.4], fill=_mix(skin, (240, 110, 120), 0.45))
    d.line([(cx + fw * 0.04, cy + fh * 0.28), (cx - fw * 0.02, cy + fh * 0.36)], fill=skin_dk, width=lw)
    _face(d, s, expression % len(EXPRESSIONS), cx, cy, fw, fh, lw)
    # front hair: a cap over the skull and bangs of pointed locks
    d.chord([cx - fw * 1.12, cy - fh * 1.12, cx + fw * 1.12, cy + fh * 0.4], 180, 360, fill=hair, outline=OUTLINE, width=lw)
    n = s["spikes"]
    for k in range(n):
        x0 = cx - fw * 1.08 + 2.16 * fw * k / n
        x1 = cx - fw * 1.08 + 2.16 * fw * (k + 1) / n
        tip = (x0 + x1) / 2 + s["bangs"][k % len(s["bangs"])] * fw * 0.3
        depth = cy - fh * (0.2 - 0.18 * abs(math.sin(k * 1.7)))
        d.polygon([(x0, cy - fh * 0.42), (tip, depth), (x1, cy - fh * 0.42)], fill=hair, outline=OUTLINE, width=lw)
    d.rectangle([cx - fw * 1.05, cy - fh * 0.5, cx + fw * 1.05, cy - fh * 0.42 + lw], fill=hair)
    if s["hair_style"] != 0:     # side locks
        for sgn in (-1, 1):
            sx = cx + sgn * fw * 1.0
            d.polygon([(sx, cy - fh * 0.5), (sx + sgn * fw * 0.18, cy + fh * 0.1),
                       (sx - sgn * fw * 0.05, cy + fh * (0.75 if s["hair_style"] == 2 else 0.5)),
                       (sx - sgn * fw * 0.2, cy - fh * 0.1)], fill=hair, outline=OUTLINE, width=lw)
    else:
        for k in range(5):
            a = math.pi * (1.1 + 0.2 * k)
            bx, by = cx + fw * 1.05 * math.cos(a), cy - fh * 0.25 + fh * 0.85 * math.sin(a)
            d.polygon([(bx - fw * 0.2, by + fh * 0.1), (bx + 1.6 * fw * 0.2 * math.cos(a), by + fh * 0.45 * math.sin(a)),
                       (bx + fw * 0.2, by + fh * 0.1)], fill=hair, outline=OUTLINE, width=lw)
    d.arc([cx - fw * 0.8, cy - fh * 1.0, cx + fw * 0.6, cy - fh * 0.2], 200, 250, fill=hair_lt, width=10 * SS)
    d.arc([cx - fw * 0.5, cy - fh * 0.98, cx + fw * 0.9, cy - fh * 0.25], 260, 300, fill=hair_lt, width=8 * SS)
    acc = s["accent"]
    if s["accessory"] == 0:
        rx, ry = cx + fw * 0.75, cy - fh * 0.85
        d.polygon([(rx, ry), (rx - 55 * SS, ry - 40 * SS), (rx - 55 * SS, ry + 40 * SS)], fill=acc, outline=OUTLINE, width=lw)
        d.polygon([(rx, ry), (rx + 55 * SS, ry - 40 * SS), (rx + 55 * SS, ry + 40 * SS)], fill=acc, outline=OUTLINE, width=lw)
        d.ellipse([rx - 16 * SS, ry - 16 * SS, rx + 16 * SS, ry + 16 * SS], fill=_shade(acc, 0.8), outline=OUTLINE, width=lw)
    elif s["accessory"] == 1:
        for k in range(2):
            rx, ry = cx - fw * (0.75 - 0.15 * k), cy - fh * (0.62 + 0.05 * k)
            d.rounded_rectangle([rx - 40 * SS, ry - 9 * SS, rx + 40 * SS, ry + 9 * SS], radius=6 * SS, fill=acc,
                                outline=OUTLINE, width=lw - 2)
    else:
        d.arc([cx - fw * 1.1, cy - fh * 1.1, cx + fw * 1.1, cy + fh * 0.3], 200, 340, fill=OUTLINE, width=22 * SS)
        d.arc([cx - fw * 1.1, cy - fh * 1.1, cx + fw * 1.1, cy + fh * 0.3], 201, 339, fill=acc, width=14 * SS)
    return _reduce(im)


def _face(d: ImageDraw.ImageDraw, s: dict, expr: int, cx: float, cy: float, fw: float, fh: float, lw: int) -> None:
    """Eyes, brows and mouth: all an expression changes."""
    name = EXPRESSIONS[expr]
    gap, eh, ew = s["eye_gap"] * BUST_SIZE[0] * SS, s["eye_h"] * BUST_SIZE[1] * SS, fw * 0.3
    ey = cy + fh * 0.02
    iris, iris_dk = s["eye"], _shade(s["eye"], 0.55)
    for sgn in (-1, 1):
        ex = cx + sgn * gap
        closed = name == "wink" and sgn > 0
        # brows
        tilt = {"angry": 0.5, "sad": -0.45, "surprised": -0.15}.get(name, 0.0) * sgn
        by = ey - eh * (1.55 if name == "surprised" else 1.25)
        d.line([(ex - ew * 0.9, by - tilt * eh * 0.5 * -1), (ex + ew * 0.9, by + tilt * eh * 0.5 * -1)],
               fill=_shade(s["hair"], 0.5), width=int(lw * 1.3))
        if closed:
            d.arc([ex - ew, ey - eh * 0.4, ex + ew, ey + eh * 0.9], 200, 340, fill=OUTLINE, width=int(lw * 1.5))
            continue
        open_h = {"surprised": 1.15, "angry": 0.7, "sad": 0.85}.get(name, 1.0) * eh
        d.ellipse([ex - ew, ey - open_h, ex + ew, ey + open_h], fill=(255, 255, 255), outline=OUTLINE, width=lw)
        ir = ew * (0.5 if name == "surprised" else 0.72)
        ih = open_h * (0.75 if name == "surprised" else 0.95)
        d.ellipse([ex - ir, ey - ih, ex + ir, ey + ih], fill=iris, outline=OUTLINE, width=lw - 2)
        d.ellipse([ex - ir * 0.55, ey - ih * 0.25, ex + ir * 0.55, ey + ih * 0.75], fill=iris_dk)
        d.ellipse([ex - ir * 0.3, ey - ih * 0.1, ex + ir * 0.3, ey + ih * 0.4], fill=(20, 12, 16))
        d.ellipse([ex - ir * 0.55, ey - ih * 0.75, ex - ir * 0.05, ey - ih * 0.2], fill=(255, 255, 255))
        d.ellipse([ex + ir * 0.2, ey + ih * 0.25, ex + ir * 0.5, ey + ih * 0.55], fill=(255, 255, 255))
        lid = ey - open_h * (0.35 if name == "angry" else 1.0)
        d.line([(ex - ew * 1.1, lid + eh * 0.25), (ex - ew * 0.5, lid - eh * 0.05), (ex + ew * 0.6, lid - eh * 0.05),
                (ex + ew * 1.15, lid + eh * 0.3)], fill=OUTLINE, width=int(lw * 2.2), joint="curve")
        if name == "angry":
            d.rectangle([ex - ew * 1.05, ey - open_h * 1.05, ex + ew * 1.05, lid], fill=s["skin"])
            d.line([(ex - ew * 1.1, lid), (ex + ew * 1.1, lid)], fill=OUTLINE, width=int(lw * 2))
        if name == "sad":
            d.ellipse([ex + sgn * ew * 0.6 - 8 * SS, ey + open_h * 1.1, ex + sgn * ew * 0.6 + 8 * SS, ey + open_h * 1.6],
                      fill=(150, 210, 255), outline=OUTLINE, width=2)
    my, mw = cy + fh * 0.5, fw * 0.22
    mouth_dk, tongue = (120, 40, 50), (235, 120, 130)
    if name == "smile":
        d.arc([cx - mw, my - mw * 0.7, cx + mw, my + mw * 0.5], 20, 160, fill=OUTLINE, width=lw)
    elif name == "surprised":
        d.ellipse([cx - mw * 0.45, my - mw * 0.35, cx + mw * 0.45, my + mw * 0.6], fill=mouth_dk, outline=OUTLINE, width=lw)
    elif name == "wink":
        d.chord([cx - mw * 1.1, my - mw * 0.6, cx + mw * 1.1, my + mw * 0.9], 0, 180, fill=mouth_dk, outline=OUTLINE, width=lw)
        d.chord([cx - mw * 0.6, my, cx + mw * 0.6, my + mw * 0.85], 0, 180, fill=tongue)
    elif name == "angry":
        d.line([(cx - mw, my + mw * 0.2), (cx - mw * 0.3, my - mw * 0.05), (cx + mw * 0.3, my - mw * 0.05),
                (cx + mw, my + mw * 0.2)], fill=OUTLINE, width=lw, joint="curve")
    else:
        d.arc([cx - mw * 0.7, my, cx + mw * 0.7, my + mw * 0.8], 200, 340, fill=OUTLINE, width=lw)


# ---- item cards of one layout ---------------------------------------------------------------------

CARD_SIZE = (600, 840)
ITEM_NAMES = ["紅蓮の剣", "氷晶の盾", "癒しの霊薬", "雷鳴の杖", "星屑の首飾り", "疾風の長弓", "古代の魔導書",
              "大地の戦斧", "月光の指輪", "深淵の宝玉", "聖なる兜", "黄金の鍵"]
ITEM_TEXT = ["炎の力を宿した剣。攻撃時にまれに追加ダメージを与える。", "凍てつく結晶で作られた盾。受けた魔法を弱める。",
             "飲むと体力を大きく回復する。旅人の必需品。", "雷の精霊が眠る杖。詠唱の速さが上がる。",
             "夜空の星を閉じ込めた首飾り。運がわずかに上がる。", "風を切る弓。遠くの敵にも矢が届く。",
             "失われた呪文が記された本。読むと知識が増える。", "岩をも砕く重い斧。防御を無視して打ち込む。",
             "月の光を受けて輝く指輪。夜の間だけ魔力が増す。", "底知れぬ闇を映す宝玉。持ち主の心を試す。",
             "神殿に伝わる兜。呪いから身を守る。", "古い宝物庫の扉を開ける鍵。"]
ITEM_KINDS = ("sword", "shield", "potion", "staff", "amulet", "bow", "book", "axe", "ring", "orb", "helmet", "key")
STAT_NAMES = ("攻撃", "防御", "速さ")


def _card_layout(layout: int) -> dict:
    r = _rng("card", layout)
    hue = r.uniform(0, 1)
    return {"frame": _hsv(hue, 0.55, 0.55), "frame_lt": _hsv(hue, 0.35, 0.85), "gold": _hsv(0.12, 0.7, 0.9),
            "band": _hsv(hue + 0.5, 0.6, 0.35), "window": (_hsv(hue + 0.15, 0.25, 0.95), _hsv(hue + 0.2, 0.45, 0.7)),
            "box": _hsv(hue, 0.08, 0.97), "ink": (40, 30, 30), "icons": [_hsv(hue + k * 0.33, 0.7, 0.85) for k in range(3)],
            "corner": int(r.integers(0, 2))}


def _item(item: int) -> dict:
    """What one card of the layout shows: name, text, the item drawn, numbers, rarity (item ids past the name
    list reuse a name's kind and art but not its name or numbers: a card's '+1' version)."""
    r = _rng("item", item)
    k = item % len(ITEM_NAMES)
    art = _rng("item", 1000 + k)
    name = ITEM_NAMES[k] + ("" if item < len(ITEM_NAMES) else f"+{item // len(ITEM_NAMES)}")
    return {"name": name, "text": ITEM_TEXT[k], "kind": ITEM_KINDS[k],
            "colour": _hsv(art.uniform(0, 1), art.uniform(0.5, 0.9), art.uniform(0.6, 0.95)),
            "colour2": _hsv(art.uniform(0, 1), art.uniform(0.3, 0.8), art.uniform(0.5, 0.9)),
            "glow": _hsv(art.uniform(0, 1), 0.5, 1.0),
            "stats": [int(v) for v in r.integers(5, 999, 3)], "stars": int(r.integers(1, 6)),
            "level": int(r.integers(1, 100)), "no": int(r.integers(1, 400))}


def _item_art(d: ImageDraw.ImageDraw, kind: str, c1, c2, cx: float, cy: float, s: float, lw: int) -> None:
    """The item in a window of half-size s, flat colours and a dark outline."""
    o = OUTLINE
    c1d, c1l = _shade(c1, 0.7), _mix(c1, (255, 255, 255), 0.5)
    if kind in ("sword", "axe", "staff", "key"):
        # a diagonal shaft from bottom left to top right
        a = math.radians(-45)
        ux, uy = math.cos(a), math.sin(a)
        px, py = -uy, ux
        hx, hy = cx - ux * s * 0.7, cy - uy * s * 0.7
        tx, ty = cx + ux * s * 0.8, cy + uy * s * 0.8
        if kind == "sword":
            wd = s * 0.12
            def along(x, y, t, side):     # t along the blade from (x, y), side across it
                return (x + ux * s * t + px * side, y + uy * s * t + py * side)

            d.polygon([along(hx, hy, 0.3, wd), along(tx, ty, -0.15, wd), (tx, ty), along(tx, ty, -0.15, -wd),
                       along(hx, hy, 0.3, -wd)], fill=(225, 232, 240), outline=o, width=lw)
            d.line([along(hx, hy, 0.35, 0), along(tx, ty, -0.2, 0)], fill=(170, 180, 195), width=lw)
            gx, gy = hx + ux * s * 0.3, hy + uy * s * 0.3
            d.polygon([(gx + px * s * 0.3, gy + py * s * 0.3), (gx + px * s * 0.3 + ux * 20, gy + py * s * 0.3 + uy * 20),
                       (gx - px * s * 0.3 + ux * 20, gy - py * s * 0.3 + uy * 20), (gx - px * s * 0.3, gy - py * s * 0.3)],
                      fill=c2, outline=o, width=lw)
            d.line([(hx, hy), (gx, gy)], fill=o, width=int(s * 0.13))
            d.line([(hx, hy), (gx, gy)], fill=c1, width=int(s * 0.09))
            d.ellipse([hx - s * 0.08, hy - s * 0.08, hx + s * 0.08, hy + s * 0.08], fill=c2, outline=o, width=lw)
        else:
            d.line([(hx, hy), (tx, ty)], fill=o, width=int(s * 0.1))
            d.line([(hx, hy), (tx, ty)], fill=(150, 100, 60) if kind != "key" else c1, width=int(s * 0.06))
            if kind == "axe":
                bx, by = tx - ux * s * 0.25, ty - uy * s * 0.25
                d.pieslice([bx - s * 0.45, by - s * 0.45, bx + s * 0.45, by + s * 0.45], -20, 110, fill=(205, 210, 220),
                           outline=o, width=lw)
                d.arc([bx - s * 0.4, by - s * 0.4, bx + s * 0.4, by + s * 0.4], -15, 105, fill=c1, width=lw * 2)
            elif kind == "staff":
                d.ellipse([tx - s * 0.22, ty - s * 0.22, tx + s * 0.22, ty + s * 0.22], fill=c1, outline=o, width=lw)
                d.ellipse([tx - s * 0.1, ty - s * 0.14, tx + s * 0.02, ty - s * 0.02], fill=c1l)
                for k in range(3):
                    aa = a + math.pi / 2 + (k - 1) * 0.6
                    d.line([(tx, ty), (tx + math.cos(aa) * s * 0.36, ty + math.sin(aa) * s * 0.36)], fill=c2, width=lw)
            else:
                d.ellipse([hx - s * 0.28, hy - s * 0.28, hx + s * 0.28, hy + s * 0.28], outline=o, width=int(s * 0.1))
                d.ellipse([hx - s * 0.26, hy - s * 0.26, hx + s * 0.26, hy + s * 0.26], outline=c1, width=int(s * 0.06))
                for k in range(2):
                    bx, by = tx - ux * s * (0.1 + 0.2 * k), ty - uy * s * (0.1 + 0.2 * k)
                    d.line([(bx, by), (bx + px * s * 0.2, by + py * s * 0.2)], fill=o, width=int(s * 0.1))
                    d.line([(bx, by), (bx + px * s * 0.2, by + py * s * 0.2)], fill=c1, width=int(s * 0.06))
    elif kind in ("shield", "helmet"):
        if kind == "shield":
            pts = [(cx - s * 0.6, cy - s * 0.7), (cx + s * 0.6, cy - s * 0.7), (cx + s * 0.55, cy + s * 0.1),
                   (cx, cy + s * 0.8), (cx - s * 0.55, cy + s * 0.1)]
            d.polygon(pts, fill=c1, outline=o, width=lw)
            d.polygon([(cx, cy - s * 0.7)] + pts[1:4], fill=c1d)
            d.line(pts + [pts[0]], fill=o, width=lw)
            d.regular_polygon((cx, cy - s * 0.05, s * 0.28), 4, fill=c2, outline=o, width=lw)
        else:
            d.chord([cx - s * 0.6, cy - s * 0.7, cx + s * 0.6, cy + s * 0.6], 180, 360, fill=c1, outline=o, width=lw)
            d.rectangle([cx - s * 0.6, cy - s * 0.05, cx + s * 0.6, cy + s * 0.45], fill=c1, outline=o, width=lw)
            d.rectangle([cx - s * 0.45, cy + s * 0.05, cx + s * 0.45, cy + s * 0.2], fill=(30, 30, 40))
            d.polygon([(cx - s * 0.08, cy - s * 0.75), (cx + s * 0.08, cy - s * 0.75), (cx, cy - s * 1.0)], fill=c2,
                      outline=o, width=lw)
    elif kind == "potion":
        d.ellipse([cx - s * 0.5, cy - s * 0.25, cx + s * 0.5, cy + s * 0.75], fill=(235, 240, 250), outline=o, width=lw)
        d.chord([cx - s * 0.47, cy - s * 0.22, cx + s * 0.47, cy + s * 0.72], 10, 170, fill=c1)
        d.rectangle([cx - s * 0.15, cy - s * 0.6, cx + s * 0.15, cy - s * 0.2], fill=(235, 240, 250), outline=o, width=lw)
        d.rectangle([cx - s * 0.2, cy - s * 0.75, cx + s * 0.2, cy - s * 0.58], fill=(150, 100, 60), outline=o, width=lw)
        d.ellipse([cx - s * 0.3, cy - s * 0.05, cx - s * 0.12, cy + s * 0.25], fill=(255, 255, 255))
    elif kind in ("amulet", "ring", "orb"):
        if kind == "amulet":
            d.arc([cx - s * 0.55, cy - s * 0.9, cx + s * 0.55, cy + s * 0.2], 180, 360, fill=c2, width=lw * 2)
            d.regular_polygon((cx, cy + s * 0.2, s * 0.4), 5, rotation=180, fill=c1, outline=o, width=lw)
            d.regular_polygon((cx, cy + s * 0.2, s * 0.18), 5, rotation=180, fill=c1l)
        elif kind == "ring":
            d.ellipse([cx - s * 0.55, cy - s * 0.3, cx + s * 0.55, cy + s * 0.7], outline=o, width=int(s * 0.2))
            d.ellipse([cx - s * 0.52, cy - s * 0.27, cx + s * 0.52, cy + s * 0.67], outline=c2, width=int(s * 0.13))
            d.regular_polygon((cx, cy - s * 0.35, s * 0.28), 6, fill=c1, outline=o, width=lw)
        else:
            d.ellipse([cx - s * 0.6, cy - s * 0.6, cx + s * 0.6, cy + s * 0.6], fill=c1, outline=o, width=lw)
            d.chord([cx - s * 0.6, cy - s * 0.6, cx + s * 0.6, cy + s * 0.6], 20, 160, fill=c1d)
            d.ellipse([cx - s * 0.35, cy - s * 0.4, cx - s * 0.05, cy - s * 0.15], fill=c1l)
            d.pieslice([cx - s * 0.45, cy + s * 0.45, cx + s * 0.45, cy + s * 0.95], 180, 360, fill=c2, outline=o, width=lw)
    elif kind == "bow":
        d.arc([cx - s * 0.9, cy - s * 0.8, cx + s * 0.4, cy + s * 0.8], 285, 75, fill=o, width=int(s * 0.14))
        d.arc([cx - s * 0.9, cy - s * 0.8, cx + s * 0.4, cy + s * 0.8], 286, 74, fill=c1, width=int(s * 0.08))
        d.line([(cx - s * 0.08, cy - s * 0.77), (cx - s * 0.08, cy + s * 0.77)], fill=(240, 240, 240), width=lw)
        d.line([(cx - s * 0.6, cy), (cx + s * 0.7, cy)], fill=o, width=lw + 2)
        d.polygon([(cx + s * 0.7, cy - s * 0.1), (cx + s * 0.9, cy), (cx + s * 0.7, cy + s * 0.1)], fill=c2, outline=o)
    else:   # book
        d.polygon([(cx - s * 0.65, cy - s * 0.5), (cx + s * 0.55, cy - s * 0.6), (cx + s * 0.65, cy + s * 0.55),
                   (cx - s * 0.55, cy + s * 0.65)], fill=c1, outline=o, width=lw)
        d.polygon([(cx - s * 0.55, cy + s * 0.65), (cx + s * 0.65, cy + s * 0.55), (cx + s * 0.66, cy + s * 0.7),
                   (cx - s * 0.54, cy + s * 0.8)], fill=(245, 240, 225), outline=o, width=lw)
        d.regular_polygon((cx, cy, s * 0.25), 3, fill=c2, outline=o, width=lw)


def _stat_icon(d: ImageDraw.ImageDraw, k: int, x: float, y: float, r: float, colour, lw: int) -> None:
    d.ellipse([x - r, y - r, x + r, y + r], fill=colour, outline=OUTLINE, width=lw)
    if k == 0:
        d.line([(x - r * 0.5, y + r * 0.5), (x + r * 0.5, y - r * 0.5)], fill=(255, 255, 255), width=lw * 2)
    elif k == 1:
        d.regular_polygon((x, y, r * 0.55), 4, fill=(255, 255, 255))
    else:
        d.polygon([(x - r * 0.5, y - r * 0.5), (x + r * 0.55, y), (x - r * 0.5, y + r * 0.5)], fill=(255, 255, 255))


def item_card(item: int, layout: int = 0) -> Image.Image:
    """Card `item` of card layout `layout` (600 x 840 RGB): frame, Japanese name in a band, the item drawn in
    a window, rarity stars, three stats with icons, a text box; cards of one layout differ in name, item and
    numbers only."""
    L, it = _card_layout(layout), _item(item)
    w, h = CARD_SIZE[0] * SS, CARD_SIZE[1] * SS
    lw = 3 * SS
    im = Image.new("RGB", (w, h), (24, 20, 26))
    d = ImageDraw.Draw(im)
    m = 10 * SS
    d.rounded_rectangle([m, m, w - m, h - m], radius=28 * SS, fill=L["frame"], outline=L["gold"], width=6 * SS)
    d.rounded_rectangle([m + 14 * SS, m + 14 * SS, w - m - 14 * SS, h - m - 14 * SS], radius=20 * SS,
                        fill=L["frame_lt"], outline=OUTLINE, width=lw)
    for cx_, cy_ in ((m + 24 * SS, m + 24 * SS), (w - m - 24 * SS, m + 24 * SS), (m + 24 * SS, h - m - 24 * SS),
                     (w - m - 24 * SS, h - m - 24 * SS)):
        if L["corner"]:
            d.regular_polygon((cx_, cy_, 18 * SS), 4, fill=L["gold"], outline=OUTLINE, width=lw)
        else:
            d.ellipse([cx_ - 14 * SS, cy_ - 14 * SS, cx_ + 14 * SS, cy_ + 14 * SS], fill=L["gold"], outline=OUTLINE, width=lw)
    # title band with the name and the card number
    band = [m + 40 * SS, m + 34 * SS, w - m - 40 * SS, m + 120 * SS]
    d.rounded_rectangle(band, radius=14 * SS, fill=L["band"], outline=L["gold"], width=4 * SS)
    f = _fit_font(CJK_SANS, it["name"], band[2] - band[0] - 140 * SS, 52 * SS)
    d.text((band[0] + 24 * SS, (band[1] + band[3]) / 2), it["name"], font=f, fill=(255, 255, 255), anchor="lm",
           stroke_width=2 * SS, stroke_fill=OUTLINE)
    d.text((band[2] - 20 * SS, (band[1] + band[3]) / 2), f"No.{it['no']:03d}", font=_font(LATIN, 22 * SS),
           fill=L["gold"], anchor="rm")
    # the window with the item over a glow and rays
    win = [m + 40 * SS, m + 140 * SS, w - m - 40 * SS, m + 500 * SS]
    ww, wh = int(win[2] - win[0]), int(win[3] - win[1])
    wim = _vgradient(ww, wh, L["window"][0], L["window"][1])
    wd = ImageDraw.Draw(wim)
    for k in range(12):       # rays from the window's centre, clipped to the window
        a0 = k * math.pi / 6
        wd.polygon([(ww / 2, wh / 2), (ww / 2 + math.cos(a0) * ww, wh / 2 + math.sin(a0) * ww),
                    (ww / 2 + math.cos(a0 + 0.2) * ww, wh / 2 + math.sin(a0 + 0.2) * ww)],
                   fill=_mix(L["window"][0], it["glow"], 0.35))
    im.paste(wim, (int(win[0]), int(win[1])))
    wcx, wcy = (win[0] + win[2]) / 2, (win[1] + win[3]) / 2
    glow = 150 * SS
    d.ellipse([wcx - glow, wcy - glow, wcx + glow, wcy + glow], fill=_mix(L["window"][0], it["glow"], 0.6))
    _item_art(d, it["kind"], it["colour"], it["colour2"], wcx, wcy, 140 * SS, lw)
    d.rectangle(win, outline=L["gold"], width=5 * SS)
    d.rectangle([win[0] - 3 * SS, win[1] - 3 * SS, win[2] + 3 * SS, win[3] + 3 * SS], outline=OUTLINE, width=lw)
    # rarity stars and level
    for k in range(5):
        sx = win[0] + 30 * SS + k * 44 * SS
        d.regular_polygon((sx, win[3] + 36 * SS, 18 * SS), 5, rotation=0,
                          fill=L["gold"] if k < it["stars"] else (120, 110, 100), outline=OUTLINE)
    d.text((win[2], win[3] + 36 * SS), f"Lv.{it['level']}", font=_font(LATIN, 30 * SS), fill=L["band"], anchor="rm")
    # stats
    sy = win[3] + 90 * SS
    for k, (label, val) in enumerate(zip(STAT_NAMES, it["stats"])):
        x = win[0] + 10 * SS + k * (win[2] - win[0]) / 3
        _stat_icon(d, k, x + 22 * SS, sy, 22 * SS, L["icons"][k], lw)
        d.text((x + 52 * SS, sy - 12 * SS), label, font=_font(CJK_SANS, 20 * SS), fill=L["ink"], anchor="lm")
        d.text((x + 52 * SS, sy + 14 * SS), str(val), font=_font(LATIN, 28 * SS), fill=L["ink"], anchor="lm")
    # text box
    box = [win[0], sy + 48 * SS, win[2], h - m - 40 * SS]
    d.rounded_rectangle(box, radius=10 * SS, fill=L["box"], outline=OUTLINE, width=lw)
    f = _font(CJK_SANS.with_name("NotoSansCJK-Regular.ttc"), 24 * SS)
    line, y, lines = "", box[1] + 18 * SS, []
    for ch in it["text"]:
        if f.getlength(line + ch) > box[2] - box[0] - 40 * SS:
            lines.append(line)
            line = ""
        line += ch
    lines.append(line)
    for ln in lines[:3]:
        d.text((box[0] + 20 * SS, y), ln, font=f, fill=L["ink"])
        y += 36 * SS
    return _reduce(im)


# ---- title logos of one style ---------------------------------------------------------------------

TITLE_SIZE = (1000, 500)
TITLES = [("星降る王国", "KINGDOM OF FALLING STARS"), ("蒼の剣士", "THE AZURE SWORDSMAN"),
          ("夢幻の旅路", "A JOURNEY THROUGH DREAMS"), ("紅蓮の魔女", "WITCH OF THE CRIMSON FLAME"),
          ("月影の約束", "PROMISE UNDER THE MOON"), ("風の詩", "SONG OF THE WIND"),
          ("時計塔の少女", "THE GIRL IN THE CLOCK TOWER"), ("白銀の翼", "SILVER WINGS")]


def _title_style(style: int) -> dict:
    r = _rng("title", style)
    hue = r.uniform(0, 1)
    return {"top": _hsv(hue, 0.25, 1.0), "bottom": _hsv(hue + 0.06, 0.85, 0.95), "outline": _hsv(hue + 0.55, 0.8, 0.3),
            "outer": (255, 255, 255), "emblem": _hsv(hue + 0.5, 0.6, 0.75), "ribbon": _hsv(hue + 0.5, 0.75, 0.45),
            "spark": _hsv(hue + 0.1, 0.3, 1.0), "rays": int(r.integers(8, 14))}


def title_logo(title: int, style: int = 0) -> Image.Image:
    """Title `title` (`TITLES`) in logo style `style` (1000 x 500 RGBA, transparent around it): an emblem, the
    Japanese title in a gradient fill with a dark and a white outline and a shadow, the Latin subtitle on a
    ribbon. Titles of one style differ in their words only."""
    S, (jp, latin) = _title_style(style), TITLES[title % len(TITLES)]
    w, h = TITLE_SIZE[0] * SS, TITLE_SIZE[1] * SS
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    cx, cy = w / 2, h * 0.42
    # emblem: a ring with rays behind the words
    R = h * 0.36
    for k in range(S["rays"]):
        a = 2 * math.pi * k / S["rays"]
        d.polygon([(cx + math.cos(a - 0.08) * R * 0.8, cy + math.sin(a - 0.08) * R * 0.8),
                   (cx + math.cos(a) * R * 1.25, cy + math.sin(a) * R * 1.25),
                   (cx + math.cos(a + 0.08) * R * 0.8, cy + math.sin(a + 0.08) * R * 0.8)],
                  fill=S["emblem"] + (255,), outline=S["outline"] + (255,), width=2 * SS)
    d.ellipse([cx - R, cy - R, cx + R, cy + R], outline=S["outline"] + (255,), width=16 * SS)
    d.ellipse([cx - R, cy - R, cx + R, cy + R], outline=S["emblem"] + (255,), width=10 * SS)
    # the title: shadow, white outer stroke, dark stroke, gradient fill
    f = _fit_font(CJK_SERIF, jp, int(w * 0.86), int(h * 0.34), stroke=14 * SS)
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).text((cx, cy), jp, font=f, fill=255, anchor="mm")
    shadow = Image.new("L", (w, h), 0)
    ImageDraw.Draw(shadow).text((cx + 10 * SS, cy + 12 * SS), jp, font=f, fill=170, anchor="mm", stroke_width=14 * SS,
                                stroke_fill=170)
    im.paste(Image.new("RGBA", (w, h), (0, 0, 0, 255)), (0, 0), shadow.filter(ImageFilter.GaussianBlur(4 * SS)))
    d.text((cx, cy), jp, font=f, fill=S["outer"] + (255,), anchor="mm", stroke_width=14 * SS, stroke_fill=S["outer"] + (255,))
    d.text((cx, cy), jp, font=f, fill=S["outline"] + (255,), anchor="mm", stroke_width=7 * SS,
           stroke_fill=S["outline"] + (255,))
    x0, y0, x1, y1 = mask.getbbox()
    grad = _vgradient(w, y1 - y0, S["top"], S["bottom"]).convert("RGBA")
    fill = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    fill.paste(grad, (0, y0))
    ImageDraw.Draw(fill).rectangle([0, y0 + (y1 - y0) * 0.45, w, y0 + (y1 - y0) * 0.5], fill=S["top"] + (255,))
    im.paste(fill, (0, 0), mask)
    # sparkles at the ends of the title
    for sx, sy, rr in ((x0 - 10 * SS, y0 + 10 * SS, 26 * SS), (x1 + 5 * SS, y1 - 20 * SS, 20 * SS)):
        d.polygon([(sx, sy - rr), (sx + rr * 0.25, sy - rr * 0.25), (sx + rr, sy), (sx + rr * 0.25, sy + rr * 0.25),
                   (sx, sy + rr), (sx - rr * 0.25, sy + rr * 0.25), (sx - rr, sy), (sx - rr * 0.25, sy - rr * 0.25)],
                  fill=S["spark"] + (255,), outline=S["outline"] + (255,))
    # ribbon with the subtitle
    ry0, ry1 = h * 0.76, h * 0.9
    rx0, rx1 = w * 0.16, w * 0.84
    for sgn, ex in ((-1, rx0), (1, rx1)):
        d.polygon([(ex, ry0 + 14 * SS), (ex + sgn * 60 * SS, ry0 + 14 * SS), (ex + sgn * 40 * SS, (ry0 + ry1) / 2 + 7 * SS),
                   (ex + sgn * 60 * SS, ry1 + 14 * SS), (ex, ry1 + 14 * SS)], fill=_shade(S["ribbon"], 0.7) + (255,),
                  outline=S["outline"] + (255,), width=3 * SS)
    d.rectangle([rx0, ry0, rx1, ry1], fill=S["ribbon"] + (255,), outline=S["outline"] + (255,), width=3 * SS)
    fs = _fit_font(LATIN_SERIF, latin, int(rx1 - rx0 - 50 * SS), int((ry1 - ry0) * 0.6))
    d.text((cx, (ry0 + ry1) / 2), latin, font=fs, fill=(255, 255, 255, 255), anchor="mm")
    return _reduce(im)


# ---- key visuals of one palette -------------------------------------------------------------------

SCENE_SIZE = (1280, 720)


def _palette(palette: int) -> dict:
    r = _rng("palette", palette)
    hue = r.uniform(0, 1)
    return {"sky": (_hsv(hue, 0.6, 0.55), _hsv(hue + 0.08, 0.35, 0.98)), "sun": _hsv(hue + 0.55, 0.35, 1.0),
            "cloud": _hsv(hue + 0.5, 0.08, 1.0), "cloud_dk": _hsv(hue, 0.2, 0.85),
            "hills": [_hsv(hue + 0.3 + 0.04 * k, 0.35 + 0.12 * k, 0.75 - 0.15 * k) for k in range(3)],
            "walls": [_hsv(hue + 0.45 + 0.1 * k, 0.25, 0.9 - 0.08 * k) for k in range(3)],
            "roofs": [_hsv(hue + 0.95 + 0.05 * k, 0.6, 0.6) for k in range(2)], "window": _hsv(0.13, 0.5, 1.0),
            "tree": _hsv(hue + 0.33, 0.6, 0.45), "figure": (_hsv(hue + 0.6, 0.7, 0.5), _hsv(hue + 0.1, 0.5, 0.95))}


def _ridge(r: np.random.Generator, w: int, base: float, amp: float) -> np.ndarray:
    x = np.linspace(0, 1, w)
    y = np.full(w, base)
    for k in range(1, 5):
        y += amp / k * np.sin(2 * math.pi * (k * x * r.uniform(0.6, 1.4) + r.uniform(0, 1)))
    return y


def scene(shot: int, palette: int = 0) -> Image.Image:
    """Key visual `shot` of palette `palette` (1280 x 720 RGB, flat cel-style colours with dark outlines): sky,
    sun, clouds, three hill layers, a town of houses and a tower, trees and a figure. The palette fixes
    every colour; the shot places everything."""
    P, r = _palette(palette), _rng("scene", palette, shot)
    w, h = SCENE_SIZE[0] * SS, SCENE_SIZE[1] * SS
    lw = 2 * SS
    im = _vgradient(w, h, P["sky"][0], P["sky"][1])
    d = ImageDraw.Draw(im)
    sx, sy, sr = r.uniform(0.1, 0.9) * w, r.uniform(0.1, 0.35) * h, r.uniform(0.05, 0.1) * h
    d.ellipse([sx - sr * 1.6, sy - sr * 1.6, sx + sr * 1.6, sy + sr * 1.6], fill=_mix(P["sky"][1], P["sun"], 0.4))
    d.ellipse([sx - sr, sy - sr, sx + sr, sy + sr], fill=P["sun"])
    for _ in range(int(r.integers(3, 7))):
        cx, cy, cs = r.uniform(0, w), r.uniform(0.05, 0.35) * h, r.uniform(40, 90) * SS
        for j in range(int(r.integers(3, 6))):
            px, py, pr = cx + (j - 2) * cs * 0.8, cy - cs * 0.3 * (j % 2), cs * r.uniform(0.6, 1.0)
            d.ellipse([px - pr, py - pr * 0.7, px + pr, py + pr * 0.7], fill=P["cloud_dk"])
            d.ellipse([px - pr, py - pr * 0.8, px + pr * 0.9, py + pr * 0.5], fill=P["cloud"])
    xs = np.arange(0, w + 8, 8)
    for k in range(3):
        ridge = _ridge(r, len(xs), h * (0.45 + 0.12 * k), h * (0.07 - 0.015 * k))
        pts = [(float(x), float(y)) for x, y in zip(xs, ridge)] + [(w, h), (0, h)]
        d.polygon(pts, fill=P["hills"][k])
        d.line(pts[:len(xs)], fill=_shade(P["hills"][k], 0.55), width=lw)
        if k == 1:      # the town stands on the middle hills
            town = (ridge, xs)
    ridge, xs_ = town
    n = int(r.integers(5, 10))
    start = r.uniform(0.05, 0.5)
    for j in range(n):
        bx = (start + j * r.uniform(0.04, 0.07)) * w
        if bx > w * 0.95:
            break
        gy = float(np.interp(bx, xs_, ridge)) + 20 * SS
        bw, bh = r.uniform(50, 90) * SS, r.uniform(60, 160) * SS
        wall, roof = P["walls"][j % 3], P["roofs"][j % 2]
        d.rectangle([bx, gy - bh, bx + bw, gy], fill=wall, outline=OUTLINE, width=lw)
        d.rectangle([bx + bw * 0.65, gy - bh, bx + bw, gy], fill=_shade(wall, 0.8))
        if r.random() < 0.7:
            d.polygon([(bx - 8 * SS, gy - bh), (bx + bw / 2, gy - bh - bw * 0.6), (bx + bw + 8 * SS, gy - bh)],
                      fill=roof, outline=OUTLINE, width=lw)
        for wy in np.arange(gy - bh + 16 * SS, gy - 20 * SS, 34 * SS):
            for wx in (bx + bw * 0.2, bx + bw * 0.55):
                d.rectangle([wx, wy, wx + bw * 0.18, wy + 16 * SS], fill=P["window"], outline=OUTLINE, width=1)
    tx = r.uniform(0.1, 0.9) * w     # a tower
    ty = float(np.interp(tx, xs_, ridge)) + 10 * SS
    d.rectangle([tx - 28 * SS, ty - 300 * SS, tx + 28 * SS, ty], fill=P["walls"][1], outline=OUTLINE, width=lw)
    d.polygon([(tx - 44 * SS, ty - 300 * SS), (tx, ty - 390 * SS), (tx + 44 * SS, ty - 300 * SS)], fill=P["roofs"][0],
              outline=OUTLINE, width=lw)
    d.ellipse([tx - 18 * SS, ty - 270 * SS, tx + 18 * SS, ty - 234 * SS], fill=P["window"], outline=OUTLINE, width=lw)
    for _ in range(int(r.integers(6, 14))):   # round cel trees in front
        x, y = r.uniform(0, w), r.uniform(0.72, 0.98) * h
        s = r.uniform(30, 70) * SS * (y / h)
        d.rectangle([x - s * 0.12, y - s * 0.2, x + s * 0.12, y + s * 0.6], fill=(110, 70, 45), outline=OUTLINE, width=lw)
        d.ellipse([x - s * 0.7, y - s * 1.5, x + s * 0.7, y], fill=P["tree"], outline=OUTLINE, width=lw)
        d.ellipse([x - s * 0.5, y - s * 1.35, x + s * 0.1, y - s * 0.6], fill=_mix(P["tree"], (255, 255, 255), 0.25))
    fx, fy, fs = r.uniform(0.15, 0.85) * w, r.uniform(0.82, 0.95) * h, r.uniform(110, 170) * SS   # the figure
    cape, hairc = P["figure"]
    d.polygon([(fx - fs * 0.3, fy), (fx - fs * 0.12, fy - fs * 0.75), (fx + fs * 0.12, fy - fs * 0.75), (fx + fs * 0.35, fy)],
              fill=cape, outline=OUTLINE, width=lw)
    d.ellipse([fx - fs * 0.14, fy - fs * 1.02, fx + fs * 0.14, fy - fs * 0.72], fill=(250, 220, 200), outline=OUTLINE, width=lw)
    d.chord([fx - fs * 0.16, fy - fs * 1.06, fx + fs * 0.16, fy - fs * 0.8], 180, 360, fill=hairc, outline=OUTLINE, width=lw)
    d.line([(fx + fs * 0.1, fy - fs * 0.6), (fx + fs * 0.45, fy - fs * 0.95)], fill=OUTLINE, width=lw * 3)
    for _ in range(int(r.integers(2, 6))):   # birds
        bx, by, bs = r.uniform(0, w), r.uniform(0.05, 0.3) * h, r.uniform(8, 16) * SS
        d.line([(bx - bs, by - bs * 0.4), (bx, by), (bx + bs, by - bs * 0.4)], fill=OUTLINE, width=lw)
    return _reduce(im)
