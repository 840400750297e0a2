"""Reference art: load any still (PNG, JPEG, WebP, GIF first frame), flatten transparency, make variants.

A reference becomes two models for local features (as is, and mirrored: ORB is not mirror-invariant)
and a handful of hashes (whole, mirrored, centre crops of both) so that cropped and flipped uploads
still find it in the Hamming index.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from matcher import constants as C
from matcher.errors import ReferenceImageError


@dataclass
class ReferenceImage:
    name: str
    bgr: np.ndarray        # flattened, at feature scale
    mask: np.ndarray       # 255 where the art is opaque (all 255 for opaque images)
    original_size: tuple[int, int]


def load_image(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read an image file -> (BGR uint8, opacity mask uint8). Transparent pixels become white."""
    path = Path(path)
    try:
        with Image.open(path) as im:
            im.seek(0)  # GIF/WebP/APNG: the first frame
            im = ImageOps.exif_transpose(im)
            has_alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
            rgba = im.convert("RGBA") if has_alpha else im.convert("RGB")
            arr = np.asarray(rgba)
    except FileNotFoundError:
        raise ReferenceImageError(f"{path}: no such file") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise ReferenceImageError(f"{path}: not a readable image ({type(e).__name__}: {e})") from None
    if arr.ndim != 3 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ReferenceImageError(f"{path}: empty image")
    if arr.shape[2] == 4:
        alpha = arr[:, :, 3:4].astype(np.float32) / 255.0
        bg = np.array(C.FLATTEN_BACKGROUND, np.float32)[None, None, :]
        rgb = arr[:, :, :3].astype(np.float32) * alpha + bg * (1.0 - alpha)
        mask = (arr[:, :, 3] >= 128).astype(np.uint8) * 255
        if mask.sum() == 0:
            raise ReferenceImageError(f"{path}: fully transparent image")
        rgb = rgb.round().astype(np.uint8)
    else:
        rgb = arr
        mask = np.full(arr.shape[:2], 255, np.uint8)
    bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
    return bgr, mask


def laid_over(flat: np.ndarray, shows: np.ndarray, opacity: np.ndarray) -> np.ndarray:
    """A thumbnail of see-through art, flattened on FLATTEN_BACKGROUND (`load_image`), laid over SHOWS instead where
    OPACITY (0-1, per pixel) says it is transparent: what a copy shown over SHOWS looks like, the art's own pixels
    unchanged. Grey (2-D) or colour (BGR) alike; uint8."""
    colour = flat.ndim == 3
    bg = np.float32(C.FLATTEN_BACKGROUND[::-1]) if colour else np.float32(np.mean(C.FLATTEN_BACKGROUND))
    clear = 1.0 - (opacity[..., None] if colour else opacity)
    return np.clip(flat.astype(np.float32) + (shows.astype(np.float32) - bg) * clear, 0, 255).astype(np.uint8)


def trim_to_mask(bgr: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Crop a sprite to its opaque bounding box (transparent margins are not part of the art)."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0 or (mask.min() == 255):
        return bgr, mask
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    return bgr[y0:y1, x0:x1], mask[y0:y1, x0:x1]


def normalise(bgr: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale to the feature size: large stills down (area), small sprites up (nearest keeps pixel art)."""
    h, w = bgr.shape[:2]
    long_side = max(h, w)
    if long_side > C.REF_FEATURE_SIDE:
        s = C.REF_FEATURE_SIDE / long_side
        interp = cv2.INTER_AREA
    elif long_side < C.REF_MIN_SIDE * 2:
        s = max(1, int(C.REF_FEATURE_SIDE // long_side))
        interp = cv2.INTER_NEAREST
    else:
        return bgr, mask
    size = (max(1, round(w * s)), max(1, round(h * s)))
    return cv2.resize(bgr, size, interpolation=interp), cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)


def load_reference(path: str | Path) -> ReferenceImage:
    bgr, mask = load_image(path)
    original = (bgr.shape[1], bgr.shape[0])
    bgr, mask = trim_to_mask(bgr, mask)
    bgr, mask = normalise(bgr, mask)
    return ReferenceImage(name=Path(path).stem, bgr=bgr, mask=mask, original_size=original)


def variant_box(w: int, h: int, code: int) -> tuple[int, int, int, int]:
    """The region (x, y, w, h) of a w x h reference that hash variant `code` covers."""
    for c, box, _ in _variants(w, h):
        if c == code:
            return box
    raise ValueError(code)


def hash_variants(bgr: np.ndarray) -> list[tuple[int, tuple[int, int, int, int], bool]]:
    """(variant code, box, mirrored) of the regions hashed at index time: whole and centre crops, both ways."""
    h, w = bgr.shape[:2]
    return _variants(w, h)


def _variants(w: int, h: int) -> list[tuple[int, tuple[int, int, int, int], bool]]:
    out = []
    code = 0
    for mirrored in (False, True):
        out.append((code, (0, 0, w, h), mirrored))
        code += 1
        for f in C.REF_CROP_VARIANTS:
            cw, ch = max(8, round(w * f)), max(8, round(h * f))
            out.append((code, ((w - cw) // 2, (h - ch) // 2, cw, ch), mirrored))
            code += 1
        # off-centre crops on a grid (an uploader's crop is rarely centred: a corner, a face)
        f, n = C.REF_OFFCENTRE_CROP, C.REF_OFFCENTRE_GRID
        cw, ch = max(8, round(w * f)), max(8, round(h * f))
        for j in range(n):
            for i in range(n):
                out.append((code, (round((w - cw) * i / (n - 1)), round((h - ch) * j / (n - 1)), cw, ch), mirrored))
                code += 1
    return out
