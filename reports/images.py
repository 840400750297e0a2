"""Evidence images for reports and pages: the matched frame with its region drawn, reference thumbnails."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image, ImageDraw

MAX_SIDE = 320
MAX_SOURCE_PIXELS = 50_000_000  # refuse decompression bombs
BOX_COLOUR = (255, 32, 64)


def _open(path: str | Path | None) -> Image.Image | None:
    if not path:
        return None
    p = Path(path)
    if not p.is_file():
        return None
    try:
        img = Image.open(p)
        if img.width * img.height > MAX_SOURCE_PIXELS:
            return None
        img.load()
        return img.convert("RGB")
    except (OSError, Image.DecompressionBombError, ValueError):
        return None


def box_pixels(box: list | None, width: int, height: int) -> tuple[int, int, int, int] | None:
    """`best_box` as pixel corners: [x0, y0, x1, y1] in pixels, or all in [0, 1] as shares of the frame."""
    if not box or len(box) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in box)
    except (TypeError, ValueError):
        return None
    if max(x0, y0, x1, y1) <= 1.0:
        x0, x1, y0, y1 = x0 * width, x1 * width, y0 * height, y1 * height
    x0, x1 = sorted((max(0, x0), min(width, x1)))
    y0, y1 = sorted((max(0, y0), min(height, y1)))
    if x1 - x0 < 1 or y1 - y0 < 1:
        return None
    return int(x0), int(y0), int(x1), int(y1)


def frame_with_box(path, box, max_side: int = MAX_SIDE) -> bytes | None:
    """JPEG bytes of the evidence frame, scaled to `max_side`, with the matched region outlined."""
    img = _open(path)
    if img is None:
        return None
    corners = box_pixels(box, img.width, img.height)
    if corners:
        d = ImageDraw.Draw(img)
        stroke = max(2, round(max(img.size) / 160))
        d.rectangle(corners, outline=BOX_COLOUR, width=stroke)
    img.thumbnail((max_side, max_side))
    return _jpeg(img)


def thumbnail(path, max_side: int = MAX_SIDE) -> bytes | None:
    img = _open(path)
    if img is None:
        return None
    img.thumbnail((max_side, max_side))
    return _jpeg(img)


def _jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=82)
    return buf.getvalue()


def data_uri(data: bytes | None, mime: str = "image/jpeg") -> str | None:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}" if data else None
