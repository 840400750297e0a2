"""Checks on uploaded reference art: type, size and decompression-bomb limits."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

import matcher
from core.catalog import get_or_create_character, upsert_reference
from core.config import Settings
from core.models import Reference, RightsHolder

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 16_000_000  # refused above this (about 4,000 x 4,000); Pillow's bomb check never comes into play
MAX_SIDE = 2048  # kept art is downscaled to this longest side: matching needs no more, decoding costs less
MIN_SIDE = 32
ALLOWED_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif"}


class UploadError(ValueError):
    pass


def check_image(data: bytes) -> tuple[str, int, int]:
    """(format, width, height) of an acceptable image; UploadError otherwise. Never decodes a bomb."""
    if not data:
        raise UploadError("empty file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"file larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                fmt, (w, h) = img.format, img.size
                if fmt not in ALLOWED_FORMATS:
                    raise UploadError(f"type {fmt or 'unknown'} not accepted: PNG, JPEG, WebP or GIF")
                if w * h > MAX_PIXELS:
                    raise UploadError(f"image too large: {w}x{h} pixels")
                if min(w, h) < MIN_SIDE:
                    raise UploadError(f"image too small: {w}x{h} pixels")
                img.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.load()  # a full decode catches truncated files
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError("image rejected: too many pixels (decompression bomb)") from None
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for junk input
        raise UploadError(f"not a readable image ({type(exc).__name__})") from None
    return fmt, w, h


def fit_image(data: bytes) -> bytes:
    """The upload itself, or a PNG of it downscaled to MAX_SIDE when it is larger (checked first)."""
    _fmt, w, h = check_image(data)
    if max(w, h) <= MAX_SIDE:
        return data
    with Image.open(io.BytesIO(data)) as img:
        img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        (img if img.mode in ("RGB", "RGBA", "L", "LA") else img.convert("RGBA")).save(out, "PNG")
    return out.getvalue()


def safe_stem(filename: str | None, digest: str) -> str:
    stem = Path(filename or "").stem
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:80]
    return stem or f"ref-{digest[:12]}"


def store_reference(session: Session, settings: Settings, *, holder_id: int, work: str, character: str,
                    data: bytes, filename: str | None, work_ja: str | None = None,
                    character_ja: str | None = None, add_reference=None) -> Reference:
    """Check and store uploaded art for holder/work/character (created as needed); slow (decoding,
    hashing): the async routes run it in a worker thread, never on the event loop."""
    data = fit_image(data)
    fmt, w, h = check_image(data)
    holder = session.get(RightsHolder, holder_id)
    if holder is None:
        raise UploadError("unknown rights holder")
    work, character = work.strip()[:200], character.strip()[:200]
    if not work or not character:
        raise UploadError("work and character are required")
    digest = hashlib.sha256(data).hexdigest()
    stem = safe_stem(filename, digest)
    existing = session.scalar(select(Reference).where(Reference.name == stem, Reference.sha256 != digest))
    if existing is not None:
        stem = f"{stem}-{digest[:8]}"
    settings.references_dir.mkdir(parents=True, exist_ok=True)
    if add_reference is not None:
        staging = settings.home / "uploads"
        staging.mkdir(parents=True, exist_ok=True)
        tmp = staging / f"{stem}{ALLOWED_FORMATS[fmt]}"
        tmp.write_bytes(data)
        try:
            return add_reference(session, settings, holder=holder.name, work=work, character=character,
                                 image=tmp, work_ja=work_ja or None, character_ja=character_ja or None)
        finally:
            tmp.unlink(missing_ok=True)
    # Without the catalog hook: store the file and its hashes; the index is rebuilt by `mamoru refs`.
    char_row = get_or_create_character(session, holder, work, character, work_ja=work_ja, character_ja=character_ja)
    path = settings.references_dir / f"{stem}{ALLOWED_FORMATS[fmt]}"
    path.write_bytes(data)
    with Image.open(path) as img:
        phash, dhash = matcher.phash_hex(img), matcher.dhash_hex(img)
    return upsert_reference(session, settings, char_row, name=stem, file=path, sha256=digest, phash=phash,
                            dhash=dhash, width=w, height=h)
