"""The labelled benchmark: references and vertical short clips made from images shipped in pip packages.

Everything is generated into bench/out/accuracy/ (git-ignored) from the images listed in SOURCES.md:
refs/ holds the reference files (PNG, JPEG, WebP, GIF; sprites keep their transparency), clips/ the
H.264 clips, manifest.json the labels: per clip, the family, the references shown, and whether it is
a distractor or a near-miss.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import matplotlib
import numpy as np
import skimage
from PIL import Image

from bench.accuracy.labels import Clip
from bench import synth as S

SK = Path(skimage.__file__).parent / "data"
SITE = Path(skimage.__file__).parent.parent
NX = SITE / "networkx" / "drawing" / "tests" / "baseline"
PW = SITE / "playwright" / "driver" / "package" / "lib" / "server" / "chromium" / "appIcon.png"
MPL = Path(matplotlib.__file__).parent / "mpl-data"
W, H = S.W, S.H
FPS, SECONDS = 12, 4.0

FAMILIES = ["full", "crop", "pip", "blurfill", "mirror", "colour", "overlay", "screenshot", "lowq", "speed",
            "rotate", "perspective", "degrade", "combo", "montage"]


@dataclass
class Ref:
    name: str
    kind: str            # photo, still, graphic, logo, sprite, pixel, card
    source: Path         # the shipped file it comes from
    suffix: str = ".png"  # how the reference file is stored (exercises the loaders)
    transform: str = ""   # how it is derived from the source


REFS = [
    Ref("astronaut", "photo", SK / "astronaut.png", ".webp"),
    Ref("coffee", "photo", SK / "coffee.png"),
    Ref("chelsea", "photo", SK / "chelsea.png", ".jpg"),
    Ref("rocket", "photo", SK / "rocket.jpg", ".jpg"),
    Ref("grace_hopper", "photo", MPL / "sample_data" / "grace_hopper.jpg", ".jpg"),
    Ref("camera", "photo", SK / "camera.png"),
    Ref("coins", "photo", SK / "coins.png"),
    Ref("clock_motion", "photo", SK / "clock_motion.png"),
    Ref("retina", "photo", SK / "retina.jpg", ".jpg"),
    Ref("ihc", "photo", SK / "ihc.png"),
    Ref("cell", "photo", SK / "cell.png"),
    Ref("motorcycle", "still", SK / "motorcycle_left.png", ".jpg"),
    Ref("hubble_left", "still", SK / "hubble_deep_field.jpg", ".jpg", "left 55 %"),
    Ref("text_corner", "graphic", SK / "text.png"),
    Ref("page", "graphic", SK / "page.png"),
    Ref("colorwheel", "graphic", SK / "color.png"),
    Ref("phantom", "graphic", SK / "phantom.png"),
    Ref("dots", "graphic", SITE / "scipy" / "ndimage" / "tests" / "dots.png"),
    Ref("microaneurysms", "photo", SK / "microaneurysms.png"),
    Ref("horse", "sprite", SK / "horse.png"),
    Ref("skimage_logo", "logo", SK / "logo.png"),
    Ref("mpl_logo", "logo", MPL / "sample_data" / "logo2.png"),
    Ref("present_pack", "sprite", MPL / "sample_data" / "Minduka_Present_Blue_Pack.png"),
    Ref("icon_home", "sprite", MPL / "images" / "home_large.png"),
    Ref("icon_save", "sprite", MPL / "images" / "filesave_large.png"),
    Ref("icon_zoom", "sprite", MPL / "images" / "zoom_to_rect_large.png"),
    Ref("no_time_for_that", "pixel", SK / "no_time_for_that_tiny.gif", ".gif", "first frame"),
    Ref("pixel_labels", "pixel", NX / "test_display_labels_and_colors.png", ".png", "48x36, 12 colours"),
    Ref("pixel_house", "pixel", NX / "test_house_with_colors.png", ".png", "40x30, 16 colours"),
    Ref("card_graph", "card", NX / "test_display_complex.png", ".png", "drawn into the benchmark's card template"),
    Ref("card_path", "card", NX / "test_display_shortest_path.png", ".png", "drawn into the benchmark's card template"),
    Ref("card_appicon", "card", PW, ".png", "drawn into the benchmark's card template"),
]

# shown in clips but not references
DISTRACTOR_IMAGES = [SK / "brick.png", SK / "gravel.png", SK / "grass.png", SK / "moon.png", SK / "chessboard_RGB.png"]
NEAR_MISS = {  # near-miss image -> the reference it resembles
    "icon_back": ("icon_home", MPL / "images" / "back_large.png"),
    "icon_forward": ("icon_home", MPL / "images" / "forward_large.png"),
    "icon_help": ("icon_save", MPL / "images" / "help_large.png"),
    "icon_move": ("icon_zoom", MPL / "images" / "move_large.png"),
    "icon_subplots": ("icon_save", MPL / "images" / "subplots_large.png"),
    "card_moon": ("card_graph", SK / "moon.png"),
    "card_gravel": ("card_path", SK / "gravel.png"),
    "card_brick": ("card_appicon", SK / "brick.png"),
    "hubble_right": ("hubble_left", SK / "hubble_deep_field.jpg"),
}


def _read_rgba(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        im.seek(0)
        return np.asarray(im.convert("RGBA")).copy()


def flat_bgr(rgba: np.ndarray) -> np.ndarray:
    a = rgba[..., 3:4].astype(np.float32) / 255
    rgb = (rgba[..., :3] * a + 255 * (1 - a)).astype(np.uint8)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def card(art_rgb: np.ndarray, title: str) -> np.ndarray:
    """A trading-card template (same frame, title bar, text box for every card) around some art."""
    cw, ch = 300, 420
    c = np.full((ch, cw, 3), (40, 170, 220), np.uint8)          # gold frame (BGR)
    cv2.rectangle(c, (10, 10), (cw - 11, ch - 11), (30, 60, 90), 3)
    cv2.rectangle(c, (18, 18), (cw - 19, 52), (235, 235, 235), -1)
    cv2.putText(c, title, (26, 44), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2, cv2.LINE_AA)
    cv2.circle(c, (cw - 40, 35), 12, (30, 30, 200), -1)
    art = cv2.resize(S.centre_crop(art_rgb, 0.9), (cw - 40, 200), interpolation=cv2.INTER_AREA)
    c[60:260, 20:cw - 20] = art
    cv2.rectangle(c, (18, 270), (cw - 19, ch - 19), (225, 240, 245), -1)
    for i, y in enumerate(range(292, ch - 30, 24)):
        cv2.line(c, (30, y), (cw - 30 - 40 * (i % 2), y), (90, 90, 90), 2)
    cv2.putText(c, "HP 120", (cw - 110, ch - 28), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (20, 20, 160), 2, cv2.LINE_AA)
    return c


def pixel_art(rgba: np.ndarray, size: tuple[int, int], colours: int, transparent_bg: bool = False) -> np.ndarray:
    small = cv2.resize(rgba[..., :3], size, interpolation=cv2.INTER_AREA)
    q = np.asarray(Image.fromarray(small).quantize(colours, method=Image.Quantize.MEDIANCUT).convert("RGB"))
    out = np.dstack([q, np.full(q.shape[:2], 255, np.uint8)])
    if transparent_bg:
        # the corners' colour is background: make it transparent, as sprite sheets do
        corner = q[0, 0].astype(int)
        out[np.abs(q.astype(int) - corner).sum(axis=2) < 40, 3] = 0
    return out


def make_reference_rgba(ref: Ref) -> np.ndarray:
    src = _read_rgba(ref.source)
    if ref.name == "hubble_left":
        return src[:, : int(src.shape[1] * 0.55)]
    if ref.name == "pixel_labels":
        return pixel_art(src, (48, 36), 12)
    if ref.name == "pixel_house":
        return pixel_art(src, (40, 30), 16)
    if ref.kind == "card":
        rgb = card(flat_bgr(src), ref.name.split("_", 1)[1].upper())
        return np.dstack([cv2.cvtColor(rgb, cv2.COLOR_BGR2RGB), np.full(rgb.shape[:2], 255, np.uint8)])
    return src


def make_near_miss_rgba(name: str, path: Path) -> np.ndarray:
    src = _read_rgba(path)
    if name == "hubble_right":
        return src[:, int(src.shape[1] * 0.58):]
    if name.startswith("card_"):
        rgb = card(flat_bgr(src), name.split("_", 1)[1].upper())
        return np.dstack([cv2.cvtColor(rgb, cv2.COLOR_BGR2RGB), np.full(rgb.shape[:2], 255, np.uint8)])
    return src


def save_reference(rgba: np.ndarray, path: Path) -> None:
    im = Image.fromarray(rgba, "RGBA")
    opaque = bool((rgba[..., 3] == 255).all())
    if path.suffix == ".jpg":
        im.convert("RGB").save(path, quality=92)
    elif path.suffix == ".webp":
        (im.convert("RGB") if opaque else im).save(path, quality=90)
    elif path.suffix == ".gif":
        im.convert("RGB").save(path)
    else:
        (im.convert("RGB") if opaque else im).save(path)


def bgr_and_mask(rgba: np.ndarray, upscale_pixel: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Art as shown in a clip: pixel art and icons blown up with nearest neighbour, as games and edits do."""
    if upscale_pixel and max(rgba.shape[:2]) < 200:
        f = int(np.ceil(400 / max(rgba.shape[:2])))
        rgba = cv2.resize(rgba, (rgba.shape[1] * f, rgba.shape[0] * f), interpolation=cv2.INTER_NEAREST)
    bgr = cv2.cvtColor(rgba[..., :3], cv2.COLOR_RGB2BGR)
    mask = rgba[..., 3]
    return bgr, (None if (mask == 255).all() else mask)


def on_background(bgr: np.ndarray, mask: np.ndarray | None, bg: np.ndarray) -> np.ndarray:
    """Composite a sprite over a background of its size (opaque art is returned as is)."""
    if mask is None:
        return bgr
    bg = cv2.resize(bg, (bgr.shape[1], bgr.shape[0]), interpolation=cv2.INTER_AREA)
    return S.paste(bg.copy(), bgr, 0, 0, mask)


def _bg(rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.4:
        return S.gradient(W, H, seed=int(rng.integers(0, 1000)))
    p = DISTRACTOR_IMAGES[int(rng.integers(0, len(DISTRACTOR_IMAGES)))]
    img = cv2.imread(str(p), cv2.IMREAD_COLOR)
    return cv2.resize(img, (W, H), interpolation=cv2.INTER_AREA)


def _sprite_on(bgr, mask, rng):
    return on_background(bgr, mask, _bg(rng))


def render(family: str, arts: list[tuple[np.ndarray, np.ndarray | None]], seed: int):
    """-> (frames: list or callable, write options). arts: [(bgr, mask)] of what is shown."""
    rng = np.random.default_rng(seed)
    bgr, mask = arts[0]
    opts: dict = {}
    if family == "full":
        return [S.letterbox(_sprite_on(bgr, mask, rng))], opts
    if family == "crop":
        share = rng.uniform(0.5, 0.75)
        img = _sprite_on(bgr, mask, rng)
        h, w = img.shape[:2]
        cw, ch = round(w * share), round(h * share)
        x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
        return [S.letterbox(img[y:y + ch, x:x + cw])], opts
    if family == "pip":
        share = rng.uniform(0.25, 0.4)
        pos = (rng.uniform(0, 1), rng.uniform(0, 1))
        return [S.pip(bgr, _bg(rng), share, pos, mask=mask)], opts
    if family == "blurfill":
        return [S.letterbox(_sprite_on(bgr, mask, rng), fill="blur")], opts
    if family == "mirror":
        return [S.letterbox(_sprite_on(bgr, mask, rng)[:, ::-1])], opts
    if family == "colour":
        kind = ["grey", "hue", "warm", "contrast"][seed % 4]
        return [S.recolour(S.letterbox(_sprite_on(bgr, mask, rng)), kind)], opts
    if family == "overlay":
        f = S.letterbox(_sprite_on(bgr, mask, rng), fill="blur")
        f = S.caption(f, "POV: you see this", y_share=0.05, height_share=0.1)
        f = S.meme_text(f, "WHEN IT HITS", int(H * rng.uniform(0.4, 0.6)))
        S.emoji(f, int(W * rng.uniform(0.2, 0.8)), int(H * rng.uniform(0.55, 0.75)), 60)
        return [f], opts
    if family == "screenshot":
        if seed % 2:
            return [S.web_screenshot(bgr, seed=seed, mask=mask)], opts
        return [S.phone_screenshot(bgr, seed=seed, mask=mask)], opts
    if family == "lowq":
        opts = {"w": 360, "h": 640, "crf": 40}
        return [S.letterbox(_sprite_on(bgr, mask, rng))], opts
    if family == "speed":
        # a 12 s edit at x3: the art is on screen ~1 s, zooming fast, between unrelated shots
        other = _bg(rng)
        base = S.letterbox(_sprite_on(bgr, mask, rng))
        n = int(SECONDS * FPS)
        start = int(rng.integers(n // 4, n // 2))

        def frame(i: int) -> np.ndarray:
            if not start <= i < start + FPS:
                return other if i < start else other[:, ::-1]
            z = 1.0 + 0.4 * (i - start) / FPS
            M = cv2.getRotationMatrix2D((W / 2, H / 2), 0, z)
            return cv2.warpAffine(base, M, (W, H))

        return frame, opts
    if family == "rotate":
        ang = float(rng.uniform(3, 10) * rng.choice([-1, 1]))
        return [S.rotate(S.letterbox(_sprite_on(bgr, mask, rng)), ang)], opts
    if family == "perspective":
        img = S.perspective(_sprite_on(bgr, mask, rng), 0.15, seed=seed)
        return [S.letterbox(img)], opts
    if family == "degrade":
        kind = ["blur", "noise", "pixelate"][seed % 3]
        return [S.degrade(S.letterbox(_sprite_on(bgr, mask, rng)), kind, seed)], opts
    if family == "combo":
        img = _sprite_on(bgr, mask, rng)[:, ::-1]
        img = S.centre_crop(img, 0.75)
        f = S.recolour(S.letterbox(img, fill="blur"), ["warm", "contrast", "grey"][seed % 3])
        f = S.caption(f, "part 2", y_share=0.82, height_share=0.08)
        return [S.rotate(f, float(rng.uniform(-5, 5)))], opts
    if family == "montage":
        # several references in one clip: a 2-up split screen, then the next art alone
        top = S.letterbox(_sprite_on(bgr, mask, rng), W, H // 2)
        b2, m2 = arts[1]
        bottom = S.letterbox(_sprite_on(b2, m2, rng), W, H // 2)
        split = np.vstack([top, bottom])
        frames = [split]
        if len(arts) > 2:
            b3, m3 = arts[2]
            frames.append(S.letterbox(_sprite_on(b3, m3, rng)))
        n = int(SECONDS * FPS)
        return (lambda i: frames[min(len(frames) - 1, i * len(frames) // n)]), opts
    raise ValueError(family)


def build(out: Path, quick: bool = False, log=print) -> dict:
    """Generate references, clips and manifest.json under `out` (skips clips that exist)."""
    refs_dir, clips_dir = out / "refs", out / "clips"
    refs_dir.mkdir(parents=True, exist_ok=True)
    clips_dir.mkdir(parents=True, exist_ok=True)
    arts: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    ref_files = []
    for ref in REFS:
        rgba = make_reference_rgba(ref)
        p = refs_dir / f"{ref.name}{ref.suffix}"
        if not p.exists():
            save_reference(rgba, p)
        ref_files.append(str(p))
        arts[ref.name] = bgr_and_mask(rgba, ref.kind in ("pixel", "sprite"))
    per_family = 6 if quick else 12
    clips: list[Clip] = []
    names = [r.name for r in REFS]
    for fi, fam in enumerate(FAMILIES):
        for k in range(per_family):
            seed = fi * 100 + k
            if fam == "montage":
                pick = [names[(fi * 7 + k * 3 + j * 11) % len(names)] for j in range(2 + k % 2)]
                pick = list(dict.fromkeys(pick))
            else:
                pick = [names[(fi * 7 + k * (5 if quick else 3)) % len(names)]]
            clips.append(Clip(f"{fam}_{k:02d}_{'+'.join(pick)}", fam, pick, extra={"seed": seed}))
    rng = np.random.default_rng(7)
    n_dis = 10 if quick else 24
    for k in range(n_dis):
        clips.append(Clip(f"distractor_{k:02d}", "distractor", [], "distractor", extra={"seed": 5000 + k}))
    for k, (nm, (like, _)) in enumerate(NEAR_MISS.items()):
        if quick and k % 2:
            continue
        clips.append(Clip(f"nearmiss_{nm}", "near_miss", [], "near_miss", note=f"resembles {like}",
                          extra={"seed": 6000 + k, "image": nm, "sibling_of": [like]}))
    for c in clips:
        path = clips_dir / f"{c.name}.mp4"
        c.path = str(path)
        if path.exists():
            continue
        seed = c.extra["seed"]
        if c.kind == "positive":
            frames, opts = render(c.family, [arts[n] for n in c.labels], seed)
        elif c.kind == "near_miss":
            nm = c.extra["image"]
            rgba = make_near_miss_rgba(nm, NEAR_MISS[nm][1])
            art = bgr_and_mask(rgba, nm.startswith(("icon", "pixel")))
            fam = ["full", "pip", "overlay"][seed % 3]
            frames, opts = render(fam, [art], seed)
        else:
            frames, opts = _distractor(seed, rng)
        S.write_clip(path, frames, seconds=SECONDS, fps=FPS, **opts)
    manifest = {"refs": ref_files, "ref_kinds": {r.name: r.kind for r in REFS},
                "clips": [asdict(c) for c in clips]}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    log(f"benchmark set: {len(ref_files)} references, {len(clips)} clips "
        f"({sum(c.kind == 'positive' for c in clips)} positive) in {out}")
    return manifest


def _distractor(seed: int, rng: np.random.Generator):
    kind = seed % 4
    r = np.random.default_rng(seed)
    if kind == 0:   # an unrelated picture, letterboxed, with a caption
        img = cv2.imread(str(DISTRACTOR_IMAGES[seed % len(DISTRACTOR_IMAGES)]), cv2.IMREAD_COLOR)
        return [S.caption(S.letterbox(img, fill="blur"), "so true")], {}
    if kind == 1:   # a gradient with moving shapes
        base = S.gradient(W, H, seed=seed)

        def frame(i):
            f = base.copy()
            for j in range(5):
                c = tuple(int(v) for v in r.integers(0, 255, 3))
                cv2.circle(f, (int((j * 150 + i * 9) % W), int(200 + j * 200)), 60, c, -1)
            return f
        return frame, {}
    if kind == 2:   # noise video
        return (lambda i: np.random.default_rng(seed * 100 + i).integers(0, 255, (H // 8, W // 8, 3), dtype=np.uint8)
                .repeat(8, 0).repeat(8, 1)), {}
    img = cv2.imread(str(DISTRACTOR_IMAGES[(seed // 4) % len(DISTRACTOR_IMAGES)]), cv2.IMREAD_COLOR)
    return [S.pip(img, S.gradient(W, H, seed), 0.5, (0.5, 0.3))], {}
