"""See-through title logos (issue 12): a Japanese title in thick strokes with a gradient fill, a dark outline and a
soft shadow, an emblem behind it and a Latin subtitle, on a transparent canvas. Shown over footage, the footage shows
through every gap between the glyphs, and a reference's keypoints whose patches reach into its gaps describe the
background it was flattened on (matcher/see_through.py). Found as a
full-width logo and as a sticker over footage; another title drawn in the same style (not indexed) is not taken for
either. The logos are drawn here (Noto CJK from Debian's fonts-noto-cjk, DejaVu from matplotlib), not by any
benchmark's generator."""

from __future__ import annotations

from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import matcher

from .conftest import SMALL_H, SMALL_W, read

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
LATIN_FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
W, H = 900, 420
# (title, subtitle): the first two are indexed, the third is the unindexed title of the same style
TITLES = [("月影の剣士", "SWORDSMAN OF THE MOONLIGHT"), ("海風の約束", "PROMISE OF THE SEA WIND"),
          ("月影の魔女", "WITCH OF THE MOONLIGHT")]

pytestmark = pytest.mark.skipif(not CJK_FONT.exists(), reason="fonts-noto-cjk is not installed")


def title_logo(title: str, subtitle: str, outline: int = 12) -> Image.Image:
    """The logo as RGBA: a hexagon emblem (outline only), the title with a top-to-bottom orange-to-yellow gradient, a
    dark purple outline and a blurred shadow, and the subtitle in white with the same outline under it."""
    canvas = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    d = ImageDraw.Draw(canvas)
    cx, cy, r = W // 2, 170, 150
    hexagon = [(cx + r * np.cos(a), cy + r * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 7)[:-1] + np.pi / 6]
    d.line(hexagon + hexagon[:1], fill=(60, 90, 200, 255), width=14, joint="curve")
    d.line(hexagon + hexagon[:1], fill=(170, 200, 255, 255), width=5, joint="curve")
    font = ImageFont.truetype(str(CJK_FONT), 150)
    x0, y0, x1, y1 = d.textbbox((0, 0), title, font=font, stroke_width=outline)
    at = ((W - (x1 - x0)) // 2 - x0, 175 - (y1 - y0) // 2 - y0)
    # shadow: the outlined text in black at half opacity, blurred and moved down-right
    shadow = Image.new("L", (W, H), 0)
    ImageDraw.Draw(shadow).text((at[0] + 10, at[1] + 12), title, font=font, fill=128, stroke_width=outline, stroke_fill=128)
    shadow = shadow.filter(ImageFilter.GaussianBlur(6))
    canvas.alpha_composite(Image.merge("RGBA", (*[Image.new("L", (W, H), 0)] * 3, shadow)))
    # outline, then the gradient-filled glyphs inside it
    ImageDraw.Draw(canvas).text(at, title, font=font, fill=(70, 20, 90, 255), stroke_width=outline, stroke_fill=(70, 20, 90, 255))
    glyphs = Image.new("L", (W, H), 0)
    ImageDraw.Draw(glyphs).text(at, title, font=font, fill=255)
    ramp = np.linspace(0.0, 1.0, H)[:, None, None]
    grad = ((1 - ramp) * np.array([255, 120, 30]) + ramp * np.array([255, 235, 90])) * np.ones((1, W, 1))
    canvas.paste(Image.fromarray(grad.astype(np.uint8), "RGB"), (0, 0), glyphs)
    sub = ImageFont.truetype(str(LATIN_FONT), 34)
    sx0, _, sx1, _ = d.textbbox((0, 0), subtitle, font=sub)
    ImageDraw.Draw(canvas).text(((W - (sx1 - sx0)) // 2, 345), subtitle, font=sub, fill=(255, 255, 255, 255),
                                stroke_width=4, stroke_fill=(70, 20, 90, 255))
    return canvas


def _bgr(img: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)


def _over(logo: Image.Image, footage: str, width: int, at: tuple[int, int]) -> np.ndarray:
    """The logo scaled to WIDTH px, laid (by its alpha) over FOOTAGE filling the small frame, its top-left at AT."""
    plate = Image.fromarray(cv2.cvtColor(cv2.resize(read(footage), (SMALL_W, SMALL_H)), cv2.COLOR_BGR2RGB)).convert("RGBA")
    small = logo.resize((width, round(logo.height * width / logo.width)), Image.LANCZOS)
    plate.alpha_composite(small, at)
    return _bgr(plate)


def index_of_titles(folder: Path, outline: int = 12) -> matcher.ReferenceIndex:
    """The first two TITLES drawn with OUTLINE, saved to FOLDER as title0.png and title1.png, indexed."""
    for i, (title, subtitle) in enumerate(TITLES[:2]):
        title_logo(title, subtitle, outline=outline).save(folder / f"title{i}.png")
    return matcher.ReferenceIndex.build([folder])


@pytest.fixture(scope="module")
def title_index(tmp_path_factory):
    return index_of_titles(tmp_path_factory.mktemp("titles"))


def test_title_logos_are_see_through():
    """The drawing has what makes the case: most of the canvas is transparent, and the shadow is partly so."""
    alpha = np.asarray(title_logo(*TITLES[0]))[..., 3]
    assert (alpha >= 128).mean() < 0.5
    assert ((alpha > 0) & (alpha < 128)).mean() > 0.01


@pytest.mark.parametrize("footage", ["hubble_deep_field.jpg", "coffee.png"])
def test_a_title_logo_across_the_frame_over_footage_is_found(footage, title_index, make_clip):
    frame = _over(title_logo(*TITLES[0]), footage, SMALL_W - 20, (10, 220))
    res = matcher.scan_video(make_clip(f"title_full_{footage[:6]}", frame), title_index, threshold=0)
    scores = {m.reference: m.score for m in res.matches}
    assert scores.get("title0", 0.0) >= 0.5, scores
    assert scores.get("title1", 0.0) < 0.5, scores


# (sticker width px, top-left): a sticker over the busy footage of a coffee cup
STICKERS = [(300, (30, 120)), (220, (30, 120))]


@pytest.mark.parametrize("width, at", STICKERS)
def test_a_title_logo_as_a_sticker_over_footage_is_found(width, at, title_index, make_clip):
    frame = _over(title_logo(*TITLES[1]), "coffee.png", width, at)
    res = matcher.scan_video(make_clip(f"title_sticker_{width}", frame), title_index, threshold=0)
    scores = {m.reference: m.score for m in res.matches}
    assert scores.get("title1", 0.0) >= 0.5, scores
    assert scores.get("title0", 0.0) < 0.5, scores


@pytest.mark.parametrize("footage, width, at", [("hubble_deep_field.jpg", SMALL_W - 20, (10, 220)),
                                                ("coffee.png", SMALL_W - 20, (10, 220)),
                                                *[("coffee.png", w, a) for w, a in STICKERS]])
def test_another_title_in_the_same_style_is_not_taken_for_one(footage, width, at, title_index, make_clip):
    frame = _over(title_logo(*TITLES[2]), footage, width, at)
    res = matcher.scan_video(make_clip(f"title_nearmiss_{footage[:6]}_{width}", frame), title_index, threshold=0)
    assert all(m.score < 0.5 for m in res.matches), [(m.reference, m.score) for m in res.matches]


def test_another_title_as_a_sticker_over_a_starfield_is_not_taken_for_one(title_index, make_clip):
    """The unindexed title shares three of five glyphs, the emblem and half the subtitle with title0; over a starfield
    the keypoints find it cut by a region round the shared glyphs, and its other glyphs were read as laid over (the
    sibling check's hidden share 0.5: 0.63 on the old code). They show the art's own gradient and outline
    (matcher/shared_placement.art_beyond): judged on the whole picture, it is not title0."""
    frame = _over(title_logo(*TITLES[2]), "hubble_deep_field.jpg", 260, (30, 120))
    res = matcher.scan_video(make_clip("title_nearmiss_starfield_260", frame), title_index, threshold=0)
    assert all(m.score < 0.5 for m in res.matches), [(m.reference, m.score) for m in res.matches]



def _on_plate(logo: Image.Image, colour: tuple[int, int, int], width: int, at: tuple[int, int]) -> np.ndarray:
    """The logo scaled to WIDTH px, laid (by its alpha) over a plain plate of COLOUR (RGB) filling the small frame."""
    plate = Image.new("RGBA", (SMALL_W, SMALL_H), colour + (255,))
    small = logo.resize((width, round(logo.height * width / logo.width)), Image.LANCZOS)
    plate.alpha_composite(small, at)
    return _bgr(plate)


# plain plates (RGB): two darker than the glyphs' fill (a gap between glyphs is dark on the copy, white on the
# reference's thumbnail, flattened on white), one light
PLATES = {"red": (150, 25, 35), "navy": (20, 30, 90), "light": (240, 240, 240)}
THIN = 4        # the titles' outline (px at 900 px): thin, so that their gaps show in the 64 px thumbnail


@pytest.fixture(scope="module")
def thin_index(tmp_path_factory):
    return index_of_titles(tmp_path_factory.mktemp("thin_titles"), outline=THIN)


def _placed_on_plate(idx, title: int, plate: str, width: int = SMALL_W - 20, at=(10, 220)):
    """A frame showing TITLES[TITLE] over PLATE, and where title0's reference lies on it (H: reference px -> frame)."""
    frame = _on_plate(title_logo(*TITLES[title], outline=THIN), PLATES[plate], width, at)
    w, _ = idx.sizes[idx.names.index("title0")]
    ys, xs = np.nonzero(np.asarray(title_logo(*TITLES[0], outline=THIN))[..., 3] >= 128)   # the reference is its opaque box
    s = width / W
    k = (xs.max() + 1 - xs.min()) * s / w
    return frame, np.array([[k, 0, at[0] + xs.min() * s], [0, k, at[1] + ys.min() * s], [0, 0, 1.0]])


def _appearance_on_plate(idx, title: int, plate: str) -> float:
    """`verify.appearance` of title0's reference on a frame showing TITLES[TITLE] over PLATE, where title0 would lie."""
    from matcher.verify import appearance

    frame, H = _placed_on_plate(idx, title, plate)
    ref = idx.names.index("title0")
    return appearance(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), H, tuple(int(v) for v in idx.sizes[ref]), *idx.thumb(2 * ref))


@pytest.mark.parametrize("plate", list(PLATES))
def test_a_title_logos_appearance_does_not_depend_on_what_shows_through_it(plate, thin_index):
    """Over a plain dark plate (a stitch's or a split screen's backing, a title card) the gaps between glyphs show the
    plate's dark colour: compared with the reference's thumbnail flattened on white, the cells round the glyphs were
    inside out (main 20c7fc7: 0.6 on the red and navy plates, 1.0 on the light one; sibdev's mirrored title0_0 0.23, so
    not found). The reference laid over what the frame shows in its transparent part is compared instead, and another
    title of the same style agrees no more over a dark plate than over a light one."""
    assert _appearance_on_plate(thin_index, 0, plate) >= 0.9
    assert _appearance_on_plate(thin_index, 2, plate) <= _appearance_on_plate(thin_index, 2, "light") + 1e-9



@pytest.mark.parametrize("plate", ["red", "navy"])
def test_what_shows_through_a_title_speaks_for_no_member_of_its_group(plate, thin_index):
    """The sibling check (matcher/siblings.detail) on title0 over a dark plate: each member laid over what the clip shows
    where it is transparent, the clip's error to title0 is no higher than over a light plate (main 20c7fc7: 0.28-0.30
    against 0.15; sibdev's perspective title0_2 lost to it, error 0.65), and the other title of the style stays clearly
    below (its glyphs are not title0's)."""
    from matcher import siblings

    ref = thin_index.names.index("title0")
    judged = {}
    for title, where in ((0, plate), (0, "light"), (2, plate)):
        frame, H = _placed_on_plate(thin_index, title, where)
        judged[title, where] = siblings._judge(frame, thin_index, ref, H, False, None)
    assert judged[0, plate][0]["error"] <= judged[0, "light"][0]["error"] + 0.05, judged
    assert judged[0, plate][1] == 1.0, judged
    assert judged[2, plate][1] < 0.5, judged
