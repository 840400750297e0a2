"""Generate the demo site's clips (vertical 720x1280 H.264) from images shipped in scikit-image."""

from __future__ import annotations

import logging
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from mamoru.demo.catalog import CLIPS, SKIMAGE_DATA, DemoClip

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 720, 1280
FPS = 12
SECONDS = 4
GENERATOR_VERSION = "1"  # bump when the look of the clips changes, so old files are regenerated


def _load(image: str) -> Image.Image:
    with Image.open(SKIMAGE_DATA / image) as img:
        return img.convert("RGB")


def _fit_width(img: Image.Image, width: int) -> Image.Image:
    return img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)


def _on_canvas(content: Image.Image, background: Image.Image | None = None) -> Image.Image:
    canvas = background.copy() if background else Image.new("RGB", (WIDTH, HEIGHT), "black")
    canvas.paste(content, ((WIDTH - content.width) // 2, (HEIGHT - content.height) // 2))
    return canvas


def compose_frame(clip: DemoClip, progress: float) -> Image.Image:
    """The frame of CLIP at PROGRESS (0..1): a slow zoom, as real re-uploads often add."""
    img = _load(clip.image)
    zoom = 1.0 + 0.04 * progress
    if clip.family == "crop":
        w, h = img.size
        cw, ch = int(w * 0.7), int(h * 0.7)
        img = img.crop(((w - cw) // 2, (h - ch) // 2, (w + cw) // 2, (h + ch) // 2))
    if clip.family == "mirror":
        img = ImageOps.mirror(img)
    if clip.family == "pip":
        background = _fit_width(_load("hubble_deep_field.jpg"), HEIGHT).crop((0, 0, WIDTH, HEIGHT))
        background = background.filter(ImageFilter.GaussianBlur(2))
        inset = _fit_width(img, int(WIDTH * 0.38 * zoom))
        canvas = background.copy()
        canvas.paste(inset, (WIDTH - inset.width - 24, 160))
        return canvas
    content = _fit_width(img, int(WIDTH * zoom))
    if content.width > WIDTH:
        left = (content.width - WIDTH) // 2
        content = content.crop((left, 0, left + WIDTH, content.height))
    frame = _on_canvas(content)
    if clip.caption:
        draw = ImageDraw.Draw(frame)
        font = ImageFont.load_default(size=56)
        top = (HEIGHT + content.height) // 2 - 140
        draw.rectangle((0, top, WIDTH, top + 100), fill="white")
        draw.text((WIDTH // 2, top + 50), clip.caption, fill="black", font=font, anchor="mm")
    return frame


def write_clip(clip: DemoClip, path: Path) -> None:
    """Encode CLIP as H.264 MP4 at PATH (written to a temporary name, then moved into place)."""
    tmp = path.with_suffix(".part.mp4")
    with av.open(str(tmp), mode="w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"crf": "23", "preset": "veryfast"}
        total = FPS * SECONDS
        for i in range(total):
            frame = av.VideoFrame.from_ndarray(np.asarray(compose_frame(clip, i / (total - 1))), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    tmp.replace(path)


def ensure_media(media_dir: Path) -> dict[str, Path]:
    """Generate every demo clip and thumbnail not yet in MEDIA_DIR; returns {clip id: mp4 path}."""
    media_dir.mkdir(parents=True, exist_ok=True)
    stamp = media_dir / "GENERATOR_VERSION"
    fresh = stamp.exists() and stamp.read_text().strip() == GENERATOR_VERSION
    paths = {}
    for clip in CLIPS:
        mp4 = media_dir / f"{clip.id}.mp4"
        thumb = media_dir / f"{clip.id}.jpg"
        if not (fresh and mp4.exists() and thumb.exists()):
            log.info("generating demo clip %s (%s, %s)", clip.id, clip.family, clip.image)
            write_clip(clip, mp4)
            compose_frame(clip, 0.0).resize((360, 640)).save(thumb, quality=85)
        paths[clip.id] = mp4
    stamp.write_text(GENERATOR_VERSION)
    return paths
