"""Provenance of a media file: its C2PA manifest and the registered generator watermarks seen in it.

Provenance says how a clip was made (by which generator), never what it shows: a watermark hit is not a
finding of infringing art. `inspect_file` is the one call; its result is JSON-ready with `to_dict()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from matcher.errors import MatcherError
from matcher.provenance.manifest import ManifestSummary, read_manifest
from matcher.provenance.watermark import WatermarkError, WatermarkHit, WatermarkTemplate, find_watermarks

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".avif"}
WATERMARK_SAMPLE_FPS = 2.0    # frames a second searched for watermarks (plus scene cuts): they move, and a 3 s
                              # short must still give the two frames showing one that decide
WATERMARK_MAX_FRAMES = 40     # ... at most this many per clip
INTACT_STATES = ("Valid", "Trusted")  # c2pa validation states of a manifest whose claims are the file's


@dataclass
class Provenance:
    """What a file says about how it was made."""

    file: str
    c2pa: ManifestSummary
    watermarks: list[WatermarkHit] = field(default_factory=list)
    frames_searched: int = 0
    error: str | None = None      # the frames could not be read for the watermark search (one line)

    @property
    def ai_generated(self) -> bool:
        """An intact manifest (Valid or Trusted) says a trained model made it, or a registered generator
        watermark is in it. A tampered manifest's claim stays in `c2pa` as evidence but decides nothing."""
        intact = self.c2pa.validation_state in INTACT_STATES
        return bool((self.c2pa.ai_generated and intact) or self.watermarks)

    def to_dict(self) -> dict:
        return {"file": self.file, "ai_generated": self.ai_generated, "c2pa": self.c2pa.to_dict(),
                "watermarks": [w.to_dict() for w in self.watermarks], "frames_searched": self.frames_searched,
                "error": self.error}


def _image_frames(path: Path):
    import cv2
    import numpy as np
    from PIL import Image

    with Image.open(path) as img:
        rgb = np.asarray(img.convert("RGB"))
    yield 0.0, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def sampled_frames(path: str | Path, sample_fps: float = WATERMARK_SAMPLE_FPS,
                   max_frames: int = WATERMARK_MAX_FRAMES):
    """(t, bgr) pairs of a video (matcher.video's frame selection) or the one frame of an image."""
    from matcher.video import FrameReader

    path = Path(path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        yield from _image_frames(path)
        return
    for frame in FrameReader(path, sample_fps=sample_fps, max_frames=max_frames):
        yield frame.t, frame.bgr


def inspect_file(path: str | Path, templates: list[WatermarkTemplate] | None = None,
                 trust_anchors_pem: str | None = None) -> Provenance:
    """The C2PA summary of PATH and the TEMPLATES seen in its frames. Never raises for a bad file:
    what could not be read is said in `error` (and in `c2pa.error`)."""
    path = Path(path)
    if not path.is_file():
        return Provenance(file=str(path), c2pa=ManifestSummary(), error=f"{path}: no such file")
    result = Provenance(file=str(path), c2pa=read_manifest(path, trust_anchors_pem))
    if not templates:
        return result
    counted: list = []

    def frames():
        for t, bgr in sampled_frames(path):
            counted.append(t)
            yield t, bgr

    still = path.suffix.lower() in IMAGE_SUFFIXES
    try:
        result.watermarks = find_watermarks(frames(), templates, min_frames=1 if still else 2)
    except MatcherError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = f"{path}: cannot read ({exc.strerror or type(exc).__name__})"
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for junk images
        result.error = f"{path}: not a readable image or video ({type(exc).__name__})"
    result.frames_searched = len(counted)
    return result


__all__ = ["ManifestSummary", "Provenance", "WatermarkError", "WatermarkHit", "WatermarkTemplate",
           "find_watermarks", "inspect_file", "read_manifest", "sampled_frames"]
