"""The second, independent pipeline of the accuracy benchmark: clips edited by `ffmpeg` filter graphs
written from what short-video editors offer (green screen, split screen, duet and stitch layouts,
stickers, zoom punches, speed ramps, captions, 9:16 centre crops of landscape footage with blurred
fill, mirror, partial cover, rotation, perspective, tight crops, montages, transparent stickers over
footage), over references of other
kinds than the first pipeline's: playing-card scans of one deck, frames of one animated sprite, logos,
stills of generated films, and photos.

It shares no code with the matcher (nor with `bench.synth`, which the matcher's tests are made with):
references are drawn by `bench.accuracy.artgen` with Pillow, and every clip is one `ffmpeg` process.

Five disjoint sets (`SETS`; `tests/bench/test_accuracy_sets.py` checks they share no seed, deck, character,
logo, film, photo or footage picture):
- "main": what anyone tuning looks at;
- "dev2": the first holdout (2026-12-06), read at three stops (its misses were printed by name), so now a
  development set (`--dev2`);
- "spritedev" (`--sprite-dev`): walk-cycle frames only, of characters no other set shows;
- "sibdev" (`--sibling-dev`): look-alike families drawn by `bench.accuracy.sibart` (character busts in other
  outfits and expressions, item cards of one layout, title logos of one style, key visuals of one palette),
  with near-misses whose sibling is indexed but which are not;
- "holdout" (`HOLDOUT`, since 2026-12-07): built only by `python -m bench.accuracy --holdout`, which prints
  its aggregate figures and never a clip's name (`bench.accuracy.report`): the part tuning never reads.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
import skimage
from PIL import Image, ImageFilter

from bench.accuracy import artgen, screen_photo, sibart
from bench.accuracy.labels import Clip

SK = Path(skimage.__file__).parent / "data"
MPL = Path(matplotlib.__file__).parent / "mpl-data" / "sample_data"
W, H, FPS, SECONDS = 720, 1280, 15, 4.0

FAMILIES = ["full", "greenscreen", "splitscreen", "duet", "stitch", "sticker", "zoompunch", "speedramp",
            "caption", "centrecrop", "reupload", "mirror", "cover", "rotate", "perspective", "crop40", "montage",
            "gifsticker", "screenphoto"]
LANDSCAPE_ONLY = {"centrecrop", "reupload"}
# families of art with transparency laid as it is (no plate) over the creator's footage; their clips are
# drawn after every other clip, from a generator of their own, so adding one left the others as they were
OVERLAY_ONLY = {"gifsticker"}
# families rendered frame by frame in Python (bench.accuracy.screen_photo: a phone filming a screen that shows the
# art, a screen recording) rather than by a filter graph; drawn after every other clip, from a generator of their
# own, so adding them left the others as they were; never in the holdout (sealed: its clips stay as they were)
RENDERED = {"screenphoto"}
# the edits a near-miss clip (or a clip showing one of indexed siblings) is made with, in turn
NEGATIVE_FAMILIES = ("full", "sticker", "caption", "splitscreen", "mirror")


@dataclass
class RefSpec:
    name: str
    kind: str          # card, sprite, logo, still, photo; the sibling set's bust, itemcard, title, scene
    make: tuple        # how to draw or load it (see reference_image)
    group: str = ""    # sibling group: a deck, an animation, a film


@dataclass
class SetSpec:
    seed: int
    refs: list[RefSpec]
    near_misses: list[tuple[RefSpec, list[str]]]   # sibling not in the index -> the references it resembles
    footage: list[str]                              # real pictures used as footage, backgrounds, distractors
    # positive clips that show one indexed reference whose sibling(s) are indexed too: shown -> those siblings,
    # which must not be flagged (`metrics`: "indexed siblings of a shown reference")
    shown_siblings: list[tuple[str, list[str]]] = field(default_factory=list)


def _cards(deck: int, cards: list[str], four_colour: bool = False) -> list[RefSpec]:
    return [RefSpec(f"card{deck}_{c}", "card", ("card", c[:-1], c[-1], deck, four_colour), f"deck{deck}") for c in cards]


def _frames(char: int, frames: list[int]) -> list[RefSpec]:
    return [RefSpec(f"sprite{char}_f{k}", "sprite", ("sprite", k, char), f"sprite{char}") for k in frames]


def _stills(film: int, shots: list[int]) -> list[RefSpec]:
    return [RefSpec(f"film{film}_shot{s}", "still", ("still", film, s), f"film{film}") for s in shots]


def _photos(names: list[str]) -> list[RefSpec]:
    return [RefSpec(Path(n).stem, "photo", ("file", n)) for n in names]


def _bust(char: int, outfit: int = 0, expression: int = 0) -> RefSpec:
    return RefSpec(f"sib_bust{char}_o{outfit}e{expression}", "bust", ("bust", char, outfit, expression), f"bust{char}")


def _itemcard(item: int, layout: int = 0) -> RefSpec:
    return RefSpec(f"sib_card{layout}_item{item}", "itemcard", ("itemcard", item, layout), f"cardlayout{layout}")


def _title(title: int, style: int = 0) -> RefSpec:
    return RefSpec(f"sib_title{style}_{title}", "title", ("title", title, style), f"titlestyle{style}")


def _scene(shot: int, palette: int = 0) -> RefSpec:
    return RefSpec(f"sib_scene{palette}_{shot}", "scene", ("scene", shot, palette), f"palette{palette}")


def _sibling_set() -> SetSpec:
    """The sibling development set: per kind, indexed members and unindexed siblings of theirs (another outfit
    colour or expression of an indexed character, another card of the layout (two of them the '+1' card of an
    indexed one: the same art, another name and numbers), another title in the style, another place in the
    palette), and clips that show an indexed member whose sibling is indexed too; dev2's footage."""
    b = {(c, o, e): _bust(c, o, e) for c, o, e in [(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 0), (2, 0, 0), (3, 0, 0)]}
    cards = {i: _itemcard(i) for i in (0, 1, 2, 3)}
    titles = {t: _title(t) for t in (0, 1, 2)}
    scenes = {(p, k): _scene(k, p) for p, k in [(0, 0), (0, 1), (1, 0)]}
    refs = list(b.values()) + list(cards.values()) + list(titles.values()) + list(scenes.values())
    name = lambda *rs: [r.name for r in rs]  # noqa: E731
    near = [
        (_bust(0, 2, 0), name(b[0, 0, 0], b[0, 1, 0])), (_bust(1, 2, 0), name(b[1, 0, 0], b[1, 1, 0])),
        (_bust(2, 1, 0), name(b[2, 0, 0])), (_bust(3, 3, 0), name(b[3, 0, 0])),            # other outfit colours
        (_bust(2, 0, 1), name(b[2, 0, 0])), (_bust(3, 0, 2), name(b[3, 0, 0])),            # other expressions
        (_bust(0, 0, 3), name(b[0, 0, 0])), (_bust(1, 1, 4), name(b[1, 1, 0])),
        (_itemcard(4), name(*cards.values())), (_itemcard(5), name(*cards.values())),       # other cards
        (_itemcard(12), name(cards[0])), (_itemcard(13), name(cards[1])),                 # '+1' cards: same art
        (_title(3), name(*titles.values())), (_title(4), name(*titles.values())), (_title(5), name(*titles.values())),
        (_scene(2, 0), name(scenes[0, 0], scenes[0, 1])), (_scene(3, 0), name(scenes[0, 0], scenes[0, 1])),
        (_scene(1, 1), name(scenes[1, 0])),
    ]
    shown = [(b[0, 1, 0].name, name(b[0, 0, 0])), (b[1, 0, 0].name, name(b[1, 1, 0])),
             (cards[1].name, name(cards[0])), (titles[2].name, name(titles[0])), (scenes[0, 1].name, name(scenes[0, 0]))]
    return SetSpec(seed=1_207_404, refs=refs, near_misses=near, shown_siblings=shown,
                   footage=["hubble_deep_field.jpg", "gravel.png", "camera.png", "clock_motion.png", "@topobathy.npz"])


SETS = {
    "main": SetSpec(
        seed=1,
        refs=(_cards(0, ["7H", "AS", "KC", "3D", "10S", "QH"]) + _frames(0, [0, 3, 5])
              + [RefSpec(f"logo{i}", "logo", ("logo", i)) for i in (0, 1, 2)]
              + _stills(0, [0, 1]) + _stills(1, [0])
              + _photos(["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg"])),
        near_misses=[(r, [like]) for r, like in [
            (_cards(0, ["8H"])[0], "card0_7H"), (_cards(0, ["7D"])[0], "card0_7H"),
            (_cards(0, ["7C"])[0], "card0_7H"), (_cards(0, ["AC"])[0], "card0_AS"),
            (_cards(0, ["KS"])[0], "card0_KC"), (_cards(0, ["3D"], four_colour=True)[0], "card0_3D"),
            (_frames(0, [1])[0], "sprite0_f0"), (_frames(0, [4])[0], "sprite0_f3"),
            (_stills(0, [2])[0], "film0_shot0"), (_stills(1, [1])[0], "film1_shot0")]],
        footage=["motorcycle_right.png", "grass.png", "brick.png", "moon.png", "@jacksboro_fault_dem.npz"],
    ),
    # the first holdout (2026-12-06), read at three stops: a development set since 2026-12-07, unchanged
    "dev2": SetSpec(
        seed=900_001,
        refs=(_cards(1, ["9C", "JD", "2H", "5S", "KH", "4C"]) + _frames(1, [1, 4, 6])
              + [RefSpec(f"logo{i}", "logo", ("logo", i)) for i in (3, 4, 5)]
              + _stills(2, [0, 1]) + _stills(3, [0])
              + _photos(["@grace_hopper.jpg", "motorcycle_left.png", "retina.jpg", "coins.png"])),
        near_misses=[(r, [like]) for r, like in [
            (_cards(1, ["9S"])[0], "card1_9C"), (_cards(1, ["10C"])[0], "card1_9C"),
            (_cards(1, ["JH"])[0], "card1_JD"), (_cards(1, ["5C"])[0], "card1_5S"),
            (_cards(1, ["KD"])[0], "card1_KH"), (_cards(1, ["4C"], four_colour=True)[0], "card1_4C"),
            (_frames(1, [0])[0], "sprite1_f1"), (_frames(1, [3])[0], "sprite1_f4"),
            (_stills(2, [2])[0], "film2_shot0"), (_stills(3, [1])[0], "film3_shot0")]],
        footage=["hubble_deep_field.jpg", "gravel.png", "camera.png", "clock_motion.png", "@topobathy.npz"],
    ),
    # development only: characters 2-5 (main draws character 0, dev2 character 1, the holdout 12), two frames
    # each, and as near-misses each indexed frame's k + 4 (other lean, the other leg shaded); main's footage
    "spritedev": SetSpec(
        seed=700_001,
        refs=_frames(2, [2, 7]) + _frames(3, [0, 5]) + _frames(4, [3, 6]) + _frames(5, [1, 3]),
        near_misses=[(_frames(c, [(k + 4) % 8])[0], [f"sprite{c}_f{k}"])
                     for c, ks in ((2, [2, 7]), (3, [0, 5]), (4, [3]), (5, [3])) for k in ks],
        footage=["grass.png", "brick.png", "motorcycle_right.png", "moon.png", "@jacksboro_fault_dem.npz"],
    ),
    # The part tuning never reads (2026-12-07): deck 2, character 12 (tests/matcher draws 0 and 6-9; character 8,
    # first chosen, was drawn by tests/matcher/test_cut_sprites.py before the holdout was ever built), logos 6-8,
    # films 4-5, photos and footage no other set shows; `python -m bench.accuracy --holdout` prints its
    # aggregate figures only (bench.accuracy.report)
    "holdout": SetSpec(
        seed=1_207_011,
        refs=(_cards(2, ["6D", "QS", "8C", "AH", "10H", "2S"]) + _frames(12, [2, 5, 7])
              + [RefSpec(f"logo{i}", "logo", ("logo", i)) for i in (6, 7, 8)]
              + _stills(4, [0, 1]) + _stills(5, [0])
              + _photos(["lfw_faces", "mri_s1045"])),
        near_misses=[(r, [like]) for r, like in [
            (_cards(2, ["7D"])[0], "card2_6D"), (_cards(2, ["6H"])[0], "card2_6D"),
            (_cards(2, ["QC"])[0], "card2_QS"), (_cards(2, ["9C"])[0], "card2_8C"),
            (_cards(2, ["AD"])[0], "card2_AH"), (_cards(2, ["8C"], four_colour=True)[0], "card2_8C"),
            (_frames(12, [6])[0], "sprite12_f2"), (_frames(12, [1])[0], "sprite12_f5"),
            (_stills(4, [2])[0], "film4_shot0"), (_stills(5, [1])[0], "film5_shot0")]],
        footage=["ihc.png", "motorcycle_disp.npz", "text.png", "page.png", "cell.png"],
    ),
    # development only (2026-12-07): the sibling kinds of the blind set's description, drawn by bench.accuracy.sibart
    "sibdev": _sibling_set(),
}
SPRITE_DEV = "spritedev"
SIBLING_DEV = "sibdev"
HOLDOUT = "holdout"
# A reference and a near-miss can share a name only across sets; the four-colour card needs its own name.
for _s in SETS.values():
    for _r, _ in _s.near_misses:
        if _r.make[0] == "card" and _r.make[4]:
            _r.name += "_4colour"


def _face_mosaic(path: Path) -> Image.Image:
    """The first 96 of scikit-image's 25 x 25 LFW crops (its first 100 are faces) in 8 rows of 12, twice the size."""
    faces = np.load(path)[:96]
    grid = faces.reshape(8, 12, 25, 25).transpose(0, 2, 1, 3).reshape(200, 300)
    return Image.fromarray((grid * 255).round().astype(np.uint8)).convert("RGB").resize((600, 400), Image.BICUBIC)


def _mri_slice(path: Path) -> Image.Image:
    """Matplotlib's sample MRI slice (256 x 256, 16-bit raw, gzipped) as 8-bit grey, twice the size."""
    import gzip

    with gzip.open(path) as f:
        mri = np.frombuffer(f.read(), np.uint16).reshape(256, 256).astype(float)
    grey = np.clip(mri / np.percentile(mri, 99.5), 0, 1) * 255
    return Image.fromarray(grey.astype(np.uint8)).convert("RGB").resize((512, 512), Image.BICUBIC)


# pictures derived from a shipped file that is no picture itself: name -> (file as _source_path reads it, how)
DERIVED = {"lfw_faces": ("lfw_subset.npy", _face_mosaic), "mri_s1045": ("@s1045.ima.gz", _mri_slice)}


def _source_path(name: str) -> Path:
    """'x.png' is in scikit-image's data, '@x' in Matplotlib's sample data; a DERIVED name, its file."""
    name = DERIVED[name][0] if name in DERIVED else name
    return MPL / name[1:] if name.startswith("@") else SK / name


def _terrain(path: Path) -> Image.Image:
    """A hill-shaded rendering of a real elevation model shipped with Matplotlib (or of scikit-image's
    disparity map of the stereo motorcycle, its unknown, infinite values set to the farthest known)."""
    from matplotlib.colors import LightSource
    from matplotlib import colormaps

    with np.load(path) as z:
        dem = (z["elevation"] if "elevation" in z.files else z[z.files[0]]).astype(float)
    known = np.isfinite(dem)
    if not known.all():
        dem = np.where(known, dem, dem[known].min())
    rgb = LightSource(azdeg=315, altdeg=45).shade(dem, cmap=colormaps["gist_earth"], blend_mode="soft")
    return Image.fromarray((rgb[..., :3] * 255).astype(np.uint8))


def load_picture(name: str) -> Image.Image:
    p = _source_path(name)
    if name in DERIVED:
        return DERIVED[name][1](p)
    if p.suffix == ".npz":
        return _terrain(p)
    with Image.open(p) as im:
        return im.convert("RGB")


def reference_image(spec: RefSpec) -> Image.Image:
    m = spec.make
    if m[0] == "card":
        return artgen.playing_card(m[1], m[2], m[3], m[4])
    if m[0] == "sprite":
        return artgen.sprite_frame(m[1], 8, m[2])
    if m[0] == "logo":
        return artgen.logo(m[1])
    if m[0] == "still":
        return artgen.film_still(m[1], m[2])
    if m[0] in SIBART:
        return SIBART[m[0]](*m[1:])
    return load_picture(m[1])


# the sibling set's kinds -> sibart's drawing functions (arguments: RefSpec.make after the kind)
SIBART = {"bust": sibart.bust, "itemcard": sibart.item_card, "title": sibart.title_logo, "scene": sibart.scene}
# kinds drawn with transparency, laid over footage as they are by the overlay families (gifsticker)
TRANSPARENT_KINDS = ("sprite", "logo", "title")


def _save_ref(img: Image.Image, spec: RefSpec, folder: Path) -> Path:
    suffix = {"card": ".jpg", "still": ".jpg", "scene": ".jpg"}.get(spec.kind, ".png")
    p = folder / f"{spec.name}{suffix}"
    if not p.exists():
        (img.convert("RGB") if suffix == ".jpg" else img).save(p, quality=92)
    return p


def plate(img: Image.Image, footage: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Art with transparency put on a background as a game or an editor shows it (opaque art as is)."""
    if img.mode != "RGBA":
        return img.convert("RGB")
    if rng.random() < 0.5:
        bg = Image.new("RGB", img.size, tuple(int(v) for v in rng.integers(0, 256, 3)))
    else:
        bg = footage.resize(img.size).filter(ImageFilter.GaussianBlur(3))
    bg.paste(img, (0, 0), img)
    return bg


# ---- filter-graph pieces -------------------------------------------------------------------------

def fit(w: int, h: int, colour: str = "black") -> str:
    return (f"scale={w}:{h}:force_original_aspect_ratio=decrease,"
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color={colour},setsar=1")


def fill(w: int, h: int) -> str:
    return f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1"


def pan(w: int, h: int, speed: float) -> str:
    """Footage: the picture filled 20 % larger than the frame, the frame panning across it."""
    return (f"scale={int(w * 1.2)}:{int(h * 1.2)}:force_original_aspect_ratio=increase,"
            f"crop={w}:{h}:x='(iw-ow)*(0.5+0.5*sin(t*{speed:.2f}))':y='(ih-oh)*(0.5+0.5*cos(t*{speed:.2f}))',setsar=1")


def blurfill(src: str, out: str, w: int = W, h: int = H, fg_w: int | None = None, fg_h: int | None = None) -> str:
    """The art fitted in the frame over a blurred, darkened, filled copy of itself (the editors' default)."""
    fw, fh = fg_w or w, fg_h or h
    return (f"[{src}]split[{out}a][{out}b];[{out}a]{fill(w, h)},boxblur=24:2,eq=brightness=-0.12[{out}bg];"
            f"[{out}b]scale={fw}:{fh}:force_original_aspect_ratio=decrease,setsar=1[{out}fg];"
            f"[{out}bg][{out}fg]overlay=(W-w)/2:(H-h)/2")


def text(s: str, y: str, size: int = 54, box: str = "black@0.6", enable: str = "") -> str:
    en = f":enable='{enable}'" if enable else ""
    return (f"drawtext=fontfile='{artgen.BOLD}':text='{s}':fontsize={size}:fontcolor=white:x=(w-tw)/2:y={y}"
            f":box=1:boxcolor={box}:boxborderw=14:borderw=2:bordercolor=black{en}")


CAPTIONS = ["wait for it", "POV you found it", "no way", "part 2", "this is so good", "the ending tho",
            "storytime", "rate this 1 to 10", "day 3 of posting", "watch till the end"]


def family_graph(fam: str, rng: np.random.Generator, n_arts: int) -> tuple[str, list[str]]:
    """Filter graph of one family. Inputs: 0..n_arts-1 the art plates, then 'footage', 'extra' as
    listed in the second return value. The output label is [v]."""
    cap = CAPTIONS[int(rng.integers(0, len(CAPTIONS)))]
    if fam == "full":
        return blurfill("0", "m") + "[v]", []
    if fam == "greenscreen":
        g = blurfill("0", "m") + "[bg];"
        g += "[1]chromakey=0x00FF00:0.18:0.05[fg];"
        g += f"[bg][fg]overlay=x='{int(rng.integers(-60, 60))}+25*sin(2*t)':y='{int(rng.integers(0, 120))}+15*sin(3*t)'[v]"
        return g, ["presenter"]
    if fam == "splitscreen":
        top = rng.random() < 0.5
        g = f"[0]{fit(W, H // 2)}[a];[1]{pan(W, H // 2, rng.uniform(0.3, 0.8))}[b];"
        g += "[a][b]vstack[v]" if top else "[b][a]vstack[v]"
        return g, ["footage"]
    if fam == "duet":
        left = rng.random() < 0.5
        g = f"[0]{fit(W // 2, H // 2)}[a];[1]{pan(W // 2, H // 2, rng.uniform(0.3, 0.8))}[b];"
        g += ("[a][b]hstack[d];" if left else "[b][a]hstack[d];")
        g += f"[d]split[d1][d2];[d1]{fill(W, H)},boxblur=30:2[bg];[bg][d2]overlay=0:(H-h)/2[v]"
        return g, ["footage"]
    if fam == "stitch":
        cut = rng.uniform(1.4, 2.2)
        g = blurfill("0", "m") + f",trim=0:{cut:.2f},setpts=PTS-STARTPTS,fps={FPS},format=yuv420p[s1];"
        g += (f"[1]{pan(W, H, 0.6)},{text('stitch with @you', '120', 44)},trim=0:{SECONDS - cut + 0.2:.2f},"
              f"setpts=PTS-STARTPTS,fps={FPS},format=yuv420p[s2];[s1][s2]concat=n=2:v=1:a=0[v]")
        return g, ["footage"]
    if fam == "sticker":
        g = blurfill("0", "m") + "[b0];"
        for k in range(3):
            x0, y0 = int(rng.integers(40, W - 200)), int(rng.integers(150, H - 250))
            g += (f"[{1 + k}]scale={int(rng.integers(110, 200))}:-1[s{k}];[b{k}][s{k}]overlay="
                  f"x='{x0}+40*sin(t*{rng.uniform(1, 3):.2f})':y='{y0}+30*cos(t*{rng.uniform(1, 3):.2f})'[b{k + 1}];")
        g += f"[b3]{text(cap, 'h*0.12')}[v]"
        return g, ["sticker0", "sticker1", "sticker2"]
    if fam == "zoompunch":
        period, amount = rng.uniform(0.8, 1.4), rng.uniform(0.2, 0.45)
        z = f"(1+{amount:.2f}*gte(mod(t,{period:.2f}),{period / 2:.2f}))"
        g = blurfill("0", "m") + f"[b];[b]scale=w='2*trunc({W}*{z}/2)':h=-2:eval=frame,crop={W}:{H},setsar=1[v]"
        return g, []
    if fam == "speedramp":
        # 8 s of a zooming pan over the art, played at x4 for its first 4 s and at x1 after: on screen
        # about 2.5 s, after 1.5 s of other footage
        g = (f"[0]scale={int(W * 1.3)}:{int(H * 1.3)}:force_original_aspect_ratio=decrease,"
             f"pad={int(W * 1.3)}:{int(H * 1.3)}:(ow-iw)/2:(oh-ih)/2,loop=-1:1:0,fps={FPS},trim=0:8,"
             f"crop={W}:{H}:x='(iw-ow)*t/8':y='(ih-oh)*(1-t/8)',"
             f"setpts='if(lt(T,4),T/4,1+(T-4))/TB',fps={FPS},trim=0:2.6,setpts=PTS-STARTPTS,setsar=1,format=yuv420p[s2];"
             f"[1]{pan(W, H, 1.5)},trim=0:1.5,setpts=PTS-STARTPTS,fps={FPS},format=yuv420p[s1];"
             f"[s1][s2]concat=n=2:v=1:a=0[v]")
        return g, ["footage"]
    if fam == "caption":
        words = cap.split()
        g = blurfill("0", "m") + f"[b];[b]{text('#fyp #viral', 'h*0.06', 40, 'black@0.0')}"
        per = SECONDS / len(words)
        for i, wd in enumerate(words):
            g += "," + text(wd.upper(), "h*0.7", 84, "yellow@0.0", f"between(t,{i * per:.2f},{(i + 1) * per:.2f})")
        g += "," + text(cap, "h*0.85", 44) + "[v]"
        return g, []
    if fam in ("centrecrop", "reupload"):
        share = rng.uniform(0.3, 0.6)
        g = (f"[0]crop=iw*{share:.3f}:ih:(iw-ow)/2:0,setsar=1[c];"
             + blurfill("c", "m") + f",scale=w='2*trunc({W}*(1+0.1*t/{SECONDS})/2)':h=-2:eval=frame,crop={W}:{H}")
        if fam == "reupload":
            cover_top = rng.random() < 0.5
            y = "0" if cover_top else "ih/2"
            g += (f",drawbox=x=0:y={y}:w=iw:h=ih/2:color=0x{int(rng.integers(0, 2**24)):06x}@0.92:t=fill,"
                  + text(cap, "h*0.25" if cover_top else "h*0.72", 50)
                  + f",hflip=enable='gte(t,{SECONDS / 2:.1f})'")
        return g + ",setsar=1[v]", []
    if fam == "mirror":
        return (f"[0]hflip,eq=saturation={rng.uniform(0.8, 1.4):.2f}:brightness={rng.uniform(-0.06, 0.06):.2f}[f];"
                + blurfill("f", "m") + f",{text(cap, 'h*0.8', 44)}[v]"), []
    if fam == "cover":
        # a reaction cam or an ad box over 30-50 % of the art
        share = rng.uniform(0.3, 0.5)
        side = int(rng.integers(0, 4))
        cw, ch = (int(W * share), int(H * 0.55)) if side < 2 else (W, int(H * 0.55 * share))
        x = 0 if side == 0 else (W - cw if side == 1 else 0)
        y = int(H * 0.225) if side < 2 else (int(H * 0.225) if side == 2 else int(H * 0.775) - ch)
        g = blurfill("0", "m", fg_h=int(H * 0.55)) + f"[b];[1]{pan(cw, ch, 0.7)}[c];[b][c]overlay={x}:{y},"
        g += text(cap, "h*0.1", 48) + "[v]"
        return g, ["footage"]
    if fam == "rotate":
        a = float(rng.uniform(5, 15) * rng.choice([-1, 1]))
        g = (f"[0]split[r0][r1];[r0]{fill(W, H)},boxblur=24:2,eq=brightness=-0.1[bg];"
             f"[r1]scale={int(W * 0.85)}:{int(H * 0.6)}:force_original_aspect_ratio=decrease,format=rgba,"
             f"rotate={a:.2f}*PI/180:ow=rotw({a:.2f}*PI/180):oh=roth({a:.2f}*PI/180):c=none[fg];"
             f"[bg][fg]overlay=(W-w)/2:(H-h)/2,format=yuv420p[v]")
        return g, []
    if fam == "perspective":
        t = rng.uniform(0.12, 0.3)       # the far edge shortened to 40-76 % of the near one
        orient = int(rng.integers(0, 4))
        c = {0: f"W*{t:.3f}:0:W*{1 - t:.3f}:0:0:H:W:H", 1: f"0:0:W:0:W*{t:.3f}:H:W*{1 - t:.3f}:H",
             2: f"0:H*{t:.3f}:W:0:0:H*{1 - t:.3f}:W:H", 3: f"0:0:W:H*{t:.3f}:0:H:W:H*{1 - t:.3f}"}[orient]
        g = (f"[0]scale={int(W * 0.9)}:{int(H * 0.6)}:force_original_aspect_ratio=decrease,pad=iw+8:ih+8:4:4,"
             f"perspective={c}:sense=destination,setsar=1[p];[p]{fit(W, H)}[v]")
        return g, []
    if fam == "crop40":
        area = rng.uniform(0.4, 0.6)
        r = rng.uniform(0.8, 1.25)
        cw, ch = min(0.98, np.sqrt(area) * r), min(0.98, np.sqrt(area) / r)
        x, y = rng.uniform(0, 1 - cw), rng.uniform(0, 1 - ch)
        return (f"[0]crop=iw*{cw:.3f}:ih*{ch:.3f}:iw*{x:.3f}:ih*{y:.3f},setsar=1[c];"
                + blurfill("c", "m") + f",{text(cap, 'h*0.82', 44)}[v]"), []
    if fam == "gifsticker":
        # an animated sticker: the transparent art, 22-45 % of the frame's width, bobbing over sharp,
        # busy footage the camera pans across (no rectangle around it), and a caption
        sw = int(W * rng.uniform(0.22, 0.45))
        x0, y0 = int(rng.integers(0, W - sw)), int(rng.integers(int(H * 0.2), int(H * 0.6)))
        g = (f"[1]{pan(W, H, rng.uniform(0.3, 0.8))}[bg];[0]scale={sw}:-1,format=rgba[s];"
             f"[bg][s]overlay=x='{x0}+{int(rng.integers(10, 40))}*sin(t*{rng.uniform(1, 3):.2f})'"
             f":y='{y0}+{int(rng.integers(10, 40))}*cos(t*{rng.uniform(1, 3):.2f})',{text(cap, 'h*0.1', 48)}[v]")
        return g, ["footage"]
    if fam == "montage":
        if n_arts == 2:
            g = "".join(f"[{i}]{fit(W, H // 2)}[c{i}];" for i in range(2)) + "[c0][c1]vstack[v]"
        elif n_arts == 3:
            g = "".join(f"[{i}]{fit(W, 426)}[c{i}];" for i in range(3)) + "[c0][c1][c2]vstack=inputs=3,pad=720:1280:0:1[v]"
        else:
            g = "".join(f"[{i}]{fit(W // 2, H // 2)}[c{i}];" for i in range(4))
            g += "[c0][c1]hstack[r0];[c2][c3]hstack[r1];[r0][r1]vstack[v]"
        return g, []
    raise ValueError(fam)


def run_ffmpeg(out: Path, inputs: list[Path], graph: str, seconds: float = SECONDS) -> None:
    cmd = ["ffmpeg", "-nostdin", "-y", "-v", "error"]
    for p in inputs:
        cmd += ["-loop", "1", "-framerate", str(FPS), "-t", f"{seconds + 0.5:.2f}", "-i", str(p)]
    cmd += ["-filter_complex", graph, "-map", "[v]", "-t", f"{seconds:.2f}", "-r", str(FPS),
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "24", "-pix_fmt", "yuv420p", "-an", str(out)]
    tmp = out.with_suffix(".tmp.mp4")
    p = subprocess.run(cmd[:-1] + [str(tmp)], capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(f"ffmpeg failed for {out.name}: {p.stderr.strip()[-800:]}\ngraph: {graph}")
    tmp.rename(out)


def distractor_graph(k: int, rng: np.random.Generator) -> tuple[str, list[str]]:
    """Footage that shows no reference: a panning real picture with captions, a duet of two, a
    fractal zoom (ffmpeg's own source), the terrain rendering zooming."""
    cap = CAPTIONS[k % len(CAPTIONS)]
    kind = k % 4
    if kind == 0:
        return f"[0]{pan(W, H, rng.uniform(0.4, 1.0))},{text(cap, 'h*0.15')}[v]", ["footage"]
    if kind == 1:
        return (f"[0]{pan(W // 2, H // 2, 0.5)}[a];[1]{pan(W // 2, H // 2, 0.9)}[b];[a][b]hstack[d];"
                f"[d]split[d1][d2];[d1]{fill(W, H)},boxblur=30:2[bg];[bg][d2]overlay=0:(H-h)/2[v]"), ["footage", "footage2"]
    if kind == 2:
        return (f"mandelbrot=size={W}x{H}:rate={FPS}:start_scale={rng.uniform(1.5, 3):.2f},"
                f"{text(cap, 'h*0.8')}[v]"), []
    return (f"[0]{blurfill_src()}[v]"), ["footage"]


def blurfill_src() -> str:
    return f"{fill(W, H)},scale=w='2*trunc({W}*(1+0.3*t/{SECONDS})/2)':h=-2:eval=frame,crop={W}:{H},setsar=1"


def _refuse_other_set(out: Path, set_name: str, seed: int) -> None:
    """A manifest of an older run says which set the folder's clips are; manifests from before 2026-12-07 carry
    no seed, and the holdout's name then meant the set that is dev2 now, so a holdout folder needs one."""
    try:
        old = json.loads((out / "manifest.json").read_text())
    except FileNotFoundError:
        return
    old_seed = old.get("seed", None if set_name == HOLDOUT else seed)
    if old.get("set", "main") != set_name or old_seed != seed:
        raise SystemExit(f"bench.accuracy: {out} holds the clips of another set ({old.get('set')}, seed "
                         f"{old.get('seed', 'not recorded')}), not of {set_name} (seed {seed}): use another folder")


def build(out: Path, quick: bool = False, holdout: bool = False, log=print,
          families: frozenset[str] | None = None, set_name: str | None = None) -> dict:
    """Generate the set's references, clips and manifest.json under `out` (clips that exist are kept).

    holdout: the held-out set (`HOLDOUT`: its own seed, deck, character, logos, films, photos and footage);
    only `python -m bench.accuracy --holdout` passes it.
    families: keep only these families' positive clips (near-misses and distractors are always kept); the
    clips kept are the same clips, with the same seeds, as in the whole set.
    set_name: another set of `SETS` (dev2, the sprite development set); a family with no reference of its
    kind in the set (landscape crops of a set of sprites) has no clips there.
    A folder that holds another set's manifest (another name, or another seed) is refused: its clips would
    be kept and scored as this set's."""
    set_name = set_name or (HOLDOUT if holdout else "main")
    spec = SETS[set_name]
    if not shutil.which("ffmpeg"):
        raise SystemExit("bench.accuracy: the ffmpeg pipeline needs the ffmpeg program (apt-get install ffmpeg)")
    _refuse_other_set(out, set_name, spec.seed)
    refs_dir, clips_dir, work = out / "refs", out / "clips", out / "inputs"
    for d in (refs_dir, clips_dir, work):
        d.mkdir(parents=True, exist_ok=True)
    footage = {n: load_picture(n) for n in spec.footage}
    foot_files = []
    for i, (n, img) in enumerate(footage.items()):
        p = work / f"footage{i}.png"
        if not p.exists():
            img.save(p)
        foot_files.append(p)
    images = {r.name: reference_image(r) for r in spec.refs}
    ref_files = [str(_save_ref(images[r.name], r, refs_dir)) for r in spec.refs]
    extras = {}
    for k in range(3):
        extras[f"sticker{k}"] = work / f"sticker{k}.png"
        if not extras[f"sticker{k}"].exists():
            artgen.sticker(k).save(extras[f"sticker{k}"])
    per_family = 3 if quick else 8
    rng = np.random.default_rng(spec.seed)
    by_kind: dict[str, list[str]] = {}
    for r in spec.refs:
        by_kind.setdefault(r.kind, []).append(r.name)
    kinds = list(by_kind)
    landscape = by_kind.get("still", []) + by_kind.get("scene", []) + [n for n in by_kind.get("photo", []) if images[n].width > images[n].height * 1.2]
    clips: list[Clip] = []
    for fi, fam in enumerate(FAMILIES):
        if fam in OVERLAY_ONLY or fam in RENDERED or (fam in LANDSCAPE_ONLY and not landscape):
            continue
        for k in range(per_family):
            if fam in LANDSCAPE_ONLY:
                pick = [landscape[(k + fi) % len(landscape)]]
            elif fam == "montage":
                n = 2 + k % 3
                pick = list(dict.fromkeys(str(rng.choice(by_kind[kinds[int(rng.integers(0, len(kinds)))]])) for _ in range(n)))
            else:
                kind = kinds[(fi + k) % len(kinds)]
                pick = [str(rng.choice(by_kind[kind]))]
            clips.append(Clip(f"ff_{fam}_{k:02d}_{'+'.join(pick)}", fam, pick,
                              extra={"seed": int(rng.integers(0, 2**31))}))
    for nm, like in spec.near_misses:
        fam = NEGATIVE_FAMILIES[len(clips) % len(NEGATIVE_FAMILIES)]
        clips.append(Clip(f"ff_nearmiss_{nm.name}", fam, [], "near_miss", note=f"sibling of {', '.join(like)}",
                          extra={"seed": int(rng.integers(0, 2**31)), "sibling_of": like, "image": nm.name}))
    for shown, against in spec.shown_siblings:
        fam = NEGATIVE_FAMILIES[len(clips) % len(NEGATIVE_FAMILIES)]
        clips.append(Clip(f"ff_shownsib_{shown}", fam, [shown], note=f"shows {shown}; not {', '.join(against)}",
                          extra={"seed": int(rng.integers(0, 2**31)), "sibling_of": against}))
    n_dis = 6 if quick else 16
    for k in range(n_dis):
        clips.append(Clip(f"ff_distractor_{k:02d}", "distractor", [], "distractor",
                          extra={"seed": int(rng.integers(0, 2**31)), "k": k}))
    transparent = [[n for n in by_kind.get(kind, []) if images[n].mode == "RGBA"] for kind in TRANSPARENT_KINDS]
    transparent = [t for t in transparent if t]
    orng = np.random.default_rng([spec.seed, 1])
    for fam in FAMILIES:
        if fam not in OVERLAY_ONLY:
            continue
        for k in range(per_family):
            pick = [str(orng.choice(transparent[k % len(transparent)]))]
            clips.append(Clip(f"ff_{fam}_{k:02d}_{'+'.join(pick)}", fam, pick,
                              extra={"seed": int(orng.integers(0, 2**31))}))
    srng = np.random.default_rng([spec.seed, 2])
    for fam in FAMILIES:
        if fam not in RENDERED or set_name == HOLDOUT:
            continue
        for k in range(per_family):
            kind = kinds[k % len(kinds)]
            pick = [str(srng.choice(by_kind[kind]))]
            clips.append(Clip(f"ff_{fam}_{k:02d}_{'+'.join(pick)}", fam, pick,
                              extra={"seed": int(srng.integers(0, 2**31)),
                                     "screen": screen_photo.KINDS[k % len(screen_photo.KINDS)]}))
    if families is not None:
        unknown = families - set(FAMILIES)
        if unknown:
            raise SystemExit(f"bench.accuracy: no such family: {', '.join(sorted(unknown))} (families: {', '.join(FAMILIES)})")
        clips = [c for c in clips if c.kind != "positive" or c.family in families]
    near_images = {nm.name: reference_image(nm) for nm, _ in spec.near_misses}
    for c in clips:
        path = clips_dir / f"{c.name}.mp4"
        c.path = str(path)
        if path.exists():
            continue
        r = np.random.default_rng(c.extra["seed"])
        foot = [foot_files[int(i)] for i in r.permutation(len(foot_files))[:2]]
        if c.kind == "distractor":
            graph, wants = distractor_graph(c.extra["k"], r)
            arts: list[Path] = []
        else:
            shown = [images[n] for n in c.labels] if c.kind == "positive" else [near_images[c.extra["image"]]]
            arts = []
            for j, img in enumerate(shown):
                p = work / f"{c.name}_art{j}.png"
                (img.crop(img.getbbox()) if c.family in OVERLAY_ONLY else plate(img, footage[spec.footage[0]], r)).save(p)
                arts.append(p)
            if c.family in RENDERED:
                screen_photo.render(path, Image.open(arts[0]).convert("RGB"), footage[spec.footage[int(r.integers(0, len(spec.footage)))]],
                                    r, c.extra["screen"], W, H, FPS, SECONDS)
                arts[0].unlink()
                continue
            graph, wants = family_graph(c.family, r, len(arts))
        named = {"footage": foot[0], "footage2": foot[1], "presenter": work / "presenter.png", **extras}
        if "presenter" in wants and not named["presenter"].exists():
            artgen.presenter(seed=spec.seed).save(named["presenter"])
        run_ffmpeg(path, arts + [named[w] for w in wants], graph)
        for p in arts:
            p.unlink()
    groups = {r.name: r.group for r in spec.refs if r.group}
    manifest = {"pipeline": "ffmpeg", "set": set_name, "seed": spec.seed, "refs": ref_files,
                "ref_kinds": {r.name: r.kind for r in spec.refs}, "groups": groups,
                "clips": [asdict(c) for c in clips]}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    log(f"ffmpeg pipeline ({manifest['set']}): {len(ref_files)} references, {len(clips)} clips "
        f"({sum(c.kind == 'positive' for c in clips)} positive) in {out}")
    return manifest
