"""Evidence images for reports and pages: the matched frame (region drawn by the analyser), reference art."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image

MAX_SIDE = 320
MAX_SOURCE_PIXELS = 50_000_000  # refuse decompression bombs


def _open(path: str | Path | bytes | None) -> Image.Image | None:
    """The image of a file, or of bytes read from the blob store; None when missing or unreadable."""
    if not path:
        return None
    if isinstance(path, bytes):
        source = io.BytesIO(path)
    else:
        source = Path(path)
        if not source.is_file():
            return None
    try:
        img = Image.open(source)
        if img.width * img.height > MAX_SOURCE_PIXELS:
            return None
        img.load()
        return img.convert("RGB")
    except (OSError, Image.DecompressionBombError, ValueError):
        return None


def frame_image(path, max_side: int = MAX_SIDE) -> bytes | None:
    """JPEG bytes of the evidence frame, scaled to `max_side`. The analyser draws the matched region
    (box or projected outline) on this image when it saves it; the box is in original frame pixels."""
    return thumbnail(path, max_side)


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
