"""What the matcher makes of uploaded art before any of it is stored: reference art's hashes and size,
and whether it can be indexed at all; of a reference video, its shots' keyframes; whether a watermark logo
can be a template. Every caller that adds art (admin page, API, CLI, demo) hands `describe_art` (and
`read_footage`) to core.services.references.add_reference (reference_videos.add_reference_video), which own
every other rule."""

from __future__ import annotations

import io
import os
import tempfile
from functools import partial
from pathlib import Path

from PIL import Image
from sqlalchemy.orm import Session

import matcher
from core.config import Settings
from core.models import RightsHolder
from core.services.errors import Invalid
from core.services.reference_videos import (
    MAX_VIDEO_SECONDS,
    AddedVideo,
    Footage,
    add_reference_video,
    looks_like_video,
)
from core.services.references import MAX_UPLOAD_BYTES, Added, Art, add_reference

# a video uploaded on the web is read in the web process: kept short (the CLI takes up to MAX_VIDEO_SECONDS)
WEB_MAX_VIDEO_SECONDS = 20 * 60

__all__ = ["MAX_UPLOAD_BYTES", "WEB_MAX_VIDEO_SECONDS", "add_uploaded_art", "check_watermark", "describe_art", "read_footage", "upload_message"]


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


def read_footage(path: Path, max_seconds: float = MAX_VIDEO_SECONDS) -> Footage:
    """The video's duration and its shots' keyframes as PNG; Invalid (one line, no server path) when it is
    no video the matcher's decoder reads, or longer than MAX_SECONDS (by its header before decoding, and while
    decoding: a header can lie)."""
    from matcher import shots
    from matcher.video import probe

    try:
        declared = probe(path).duration
        if declared > max_seconds:
            raise Invalid(f"video longer than {max_seconds / 60:.0f} minutes ({declared / 60:.1f} min)")
        scan = shots.keyframes(path, max_seconds=max_seconds)
    except matcher.VideoError as exc:
        raise Invalid(f"not a readable video: {str(exc).replace(f'{path}: ', '')}") from None
    frames = []
    for key in scan.keyframes:
        out = io.BytesIO()
        Image.fromarray(key.rgb).save(out, "PNG")
        frames.append((key.t, out.getvalue()))
    return Footage(duration_s=scan.duration, keyframes=frames)


def add_uploaded_art(db: Session, settings: Settings, actor_id: int | None, *, holder: RightsHolder, work: str,
                     character: str, data: bytes, filename: str | None, work_ja: str | None = None,
                     character_ja: str | None = None) -> Added | AddedVideo:
    """An upload from the admin page or the API: a video (told by its content) becomes reference footage
    of the work (and character, when given), anything else reference art; the services' rules apply."""
    if not looks_like_video(data[:512]):
        return add_reference(db, settings, actor_id, holder=holder, work=work, character=character, data=data,
                             filename=filename, describe=describe_art, work_ja=work_ja, character_ja=character_ja)
    settings.references_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", suffix=".video", dir=settings.references_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return add_reference_video(db, settings, actor_id, holder=holder, work=work, character=character or None,
                                   path=Path(tmp), filename=filename,
                                   read_footage=partial(read_footage, max_seconds=WEB_MAX_VIDEO_SECONDS),
                                   describe=describe_art, work_ja=work_ja, max_bytes=MAX_UPLOAD_BYTES)
    finally:
        Path(tmp).unlink(missing_ok=True)


def upload_message(added: Added | AddedVideo) -> str:
    """What the admin page says about an upload it stored."""
    if isinstance(added, AddedVideo):
        v = added.video
        skipped = f", {len(added.skipped)} left out" if added.skipped else ""
        return (f"reference video {v.title} {added.outcome}: {v.duration_s:.1f} s, "
                f"{len(added.keyframes)} keyframes{skipped}")
    return f"reference {added.reference.name} {added.outcome} (pHash {added.reference.phash})"


def check_watermark(name: str, data: bytes) -> None:
    """Invalid when the matcher cannot use DATA as a watermark template (a blank logo, one without a shape);
    core.services.watermarks.add_watermark owns every other rule."""
    from matcher.provenance import WatermarkTemplate

    try:
        WatermarkTemplate.from_bytes(name or "watermark", data)
    except matcher.MatcherError as exc:
        raise Invalid(f"the matcher cannot use this logo: {exc}") from None
