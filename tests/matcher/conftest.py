"""Fixtures for the matcher: scikit-image's sample pictures as references, small clips made on the fly."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import skimage

import matcher
from bench import synth

DATA = Path(skimage.__file__).parent / "data"
REFERENCES = ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg"]
SMALL_W, SMALL_H = 360, 640


def saved(folder: Path, images: dict[str, np.ndarray]) -> list[Path]:
    """Each BGR image written to FOLDER as NAME.png, in the dict's order: reference files to index."""
    paths = []
    for name, img in images.items():
        p = folder / f"{name}.png"
        assert cv2.imwrite(str(p), img), p
        paths.append(p)
    return paths


def read(name: str) -> np.ndarray:
    img = cv2.imread(str(DATA / name), cv2.IMREAD_COLOR)
    assert img is not None, name
    return img


@pytest.fixture(scope="session")
def ref_paths() -> list[Path]:
    return [DATA / n for n in REFERENCES]


@pytest.fixture(scope="session")
def index(ref_paths) -> matcher.ReferenceIndex:
    return matcher.ReferenceIndex.build(ref_paths)


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def make_clip(clip_dir):
    """make_clip(name, frame_or_frames, seconds=2, fps=6) -> path of a small H.264 clip (cached per session)."""

    def make(name: str, frames, seconds: float = 2.0, fps: int = 6, **kw) -> Path:
        path = clip_dir / f"{name}.mp4"
        if not path.exists():
            frames = frames if isinstance(frames, list) or callable(frames) else [frames]
            synth.write_clip(path, frames, seconds=seconds, fps=fps, w=SMALL_W, h=SMALL_H, **kw)
        return path

    return make


def walk_cycle_index(folder: Path, char: int, indexed: tuple[int, ...], other_char: int) -> matcher.ReferenceIndex:
    """An index of frames INDEXED of bench.accuracy.artgen's walk cycle of CHAR, beside frames 0 and 5 of OTHER_CHAR
    (another character's sprites in the same index), saved as char{N}_f{k}.png."""
    from bench.accuracy import artgen

    for char_seed, frames in ((char, indexed), (other_char, (0, 5))):
        for k in frames:
            artgen.sprite_frame(k, 8, char_seed).save(folder / f"char{char_seed}_f{k}.png")
    return matcher.ReferenceIndex.build([folder])


def sprite_on(k: int, char: int, colour: tuple[int, int, int], size: tuple[int, int] | None = None) -> np.ndarray:
    """Frame K of CHAR's walk cycle laid on a plate of COLOUR (RGB), resized to SIZE (w, h) by Pillow if given, as a
    BGR picture."""
    from PIL import Image

    from bench.accuracy import artgen

    sprite = artgen.sprite_frame(k, 8, char)
    plate = Image.new("RGB", sprite.size, colour)
    plate.paste(sprite, (0, 0), sprite)
    return cv2.cvtColor(np.asarray(plate if size is None else plate.resize(size)), cv2.COLOR_RGB2BGR)


def item_picture(img: np.ndarray, box: tuple[int, int, int, int], colour: tuple[int, int, int], shape: str) -> None:
    """Draw a deck card's picture into IMG's BOX (x0, y0, x1, y1): lilac rays around the centre and the item's shape
    ("bar", "disc", "flask", else a cross) in COLOUR. The sibling-group tests' cards share it."""
    x0, y0, x1, y1 = box
    cv2.rectangle(img, (x0, y0), (x1, y1), (190, 170, 240), -1)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    sub = img[y0:y1, x0:x1]
    for a in range(0, 360, 30):
        t = np.deg2rad(a)
        pts = np.int32([(cx, cy), (cx + 400 * np.cos(t), cy + 400 * np.sin(t)),
                        (cx + 400 * np.cos(t + 0.26), cy + 400 * np.sin(t + 0.26))])
        cv2.fillPoly(sub, [pts - (x0, y0)], (150, 120, 225), cv2.LINE_AA)
    if shape == "bar":
        cv2.line(img, (cx - 60, cy + 60), (cx + 60, cy - 60), colour, 16, cv2.LINE_AA)
    elif shape == "disc":
        cv2.circle(img, (cx, cy), 60, colour, -1, cv2.LINE_AA)
    elif shape == "flask":
        cv2.circle(img, (cx, cy + 25), 50, colour, -1, cv2.LINE_AA)
        cv2.rectangle(img, (cx - 14, cy - 60), (cx + 14, cy - 20), colour, -1)
    else:
        cv2.line(img, (cx, cy - 70), (cx, cy + 70), colour, 14, cv2.LINE_AA)
        cv2.line(img, (cx - 50, cy - 20), (cx + 50, cy - 20), colour, 14, cv2.LINE_AA)
