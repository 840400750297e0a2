"""What the matcher makes of uploaded art before any of it is stored: reference art's hashes and size, and
whether it can be indexed at all; whether a watermark logo can be a template. Every caller that adds art (admin page, API, CLI, demo) hands `describe_art` to
core.services.references.add_reference, which owns every other rule."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

import matcher
from core.services.errors import Invalid
from core.services.references import MAX_UPLOAD_BYTES, Art

__all__ = ["MAX_UPLOAD_BYTES", "check_watermark", "describe_art"]


def describe_art(path: Path) -> Art:
    """Hash the image and index it alone; Invalid when the matcher cannot use it (a fully transparent
    picture, an unreadable one, one without a single feature to match)."""
    try:
        index = matcher.ReferenceIndex.build([path])
    except matcher.MatcherError as exc:
        why = str(exc).replace(f"{path}: ", "").replace(str(path), "the image")  # no server paths in answers
        raise Invalid(f"the matcher cannot index this image: {why}") from None
    if int(index.kp_offsets[-1]) == 0:
        raise Invalid("the matcher cannot index this image: it has no features to match (a flat or empty picture)")
    with Image.open(path) as img:
        return Art(phash=matcher.phash_hex(img), dhash=matcher.dhash_hex(img), width=img.width, height=img.height)


def check_watermark(name: str, data: bytes) -> None:
    """Invalid when the matcher cannot use DATA as a watermark template (a blank logo, one without a shape);
    core.services.watermarks.add_watermark owns every other rule."""
    from matcher.provenance import WatermarkTemplate

    try:
        WatermarkTemplate.from_bytes(name or "watermark", data)
    except matcher.MatcherError as exc:
        raise Invalid(f"the matcher cannot use this logo: {exc}") from None
