"""Reference videos (trailers, episodes): a holder's footage whose shots' keyframes become reference art of
one work, grouped under the video, each with its time in it, so a finding names "Trailer 2 at 01:23".

The rules are the art's (core.services.references): a keyframe is checked and hashed like an uploaded
image, art belongs to one holder, the same picture is never two references. Finding the keyframes is the
matcher's: callers pass `read_footage`, a function path -> Footage that raises Invalid for a file that is
no readable video (core imports nothing of ours).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.blobstore import open_store, reference_key
from core.catalog import sha256_file
from core.config import Settings
from core.models import Reference, ReferenceVideo, RightsHolder, Work, utcnow
from core.services.audit import record
from core.services.errors import Conflict, Invalid, NotFoundError
from core.services.holders import clean_name, get_or_create_character, holder_of_character
from core.services.references import (
    Describe,
    describe_staged,
    check_image,
    safe_name,
    same_picture,
)

MAX_VIDEO_BYTES = 2 * 1024 ** 3       # a file larger than this is refused before it is read
MAX_VIDEO_SECONDS = 4 * 3600          # footage longer than this is refused (an episode, a film fit)
VIDEO_KEY_PREFIX = "reference-videos/"
# magic numbers of the containers accepted (the matcher's decoder has the last word)
_VIDEO_MAGIC = ((4, b"ftyp"), (0, b"\x1aE\xdf\xa3"), (0, b"FLV"), (8, b"AVI "), (0, b"\x00\x00\x01\xba"))


@dataclass(frozen=True)
class Footage:
    """What the matcher makes of a video: its duration and its shots' keyframes as (seconds, PNG bytes)."""

    duration_s: float
    keyframes: list[tuple[float, bytes]]


ReadFootage = Callable[[Path], Footage]


@dataclass
class AddedVideo:
    video: ReferenceVideo
    outcome: str                                   # "added", "restored" or "unchanged"
    keyframes: list[Reference] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "01:23: why" per keyframe left out


def looks_like_video(head: bytes) -> bool:
    """Whether the first bytes of a file are those of a video container (MP4/MOV, WebM/MKV, FLV, AVI,
    MPEG-PS, MPEG-TS): the content decides, never the file's name."""
    if any(head[at:at + len(magic)] == magic for at, magic in _VIDEO_MAGIC):
        return head[:4] == b"RIFF" if head[8:12] == b"AVI " else True
    return len(head) > 376 and head[0] == head[188] == head[376] == 0x47  # MPEG-TS sync bytes


def video_time_label(seconds: float | None) -> str:
    """83.4 -> '01:23', 3723 -> '1:02:03': a time in a video as people write it."""
    s = int(seconds or 0)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


def video_json(ref: Reference | None) -> dict | None:
    """The reference video a keyframe reference comes from and its time in it, or None for still art."""
    video = ref.video if ref is not None and ref.video_id is not None else None
    if video is None:
        return None
    at = video_time_label(ref.video_time_s)
    return {"id": video.id, "title": video.title, "t": ref.video_time_s, "at": at, "label": f"{video.title} at {at}"}


def check_video_file(path: Path, max_bytes: int = MAX_VIDEO_BYTES) -> None:
    """Invalid, in one line, for an empty, oversized or non-video file (by content)."""
    size = path.stat().st_size
    if size == 0:
        raise Invalid("empty file")
    if size > max_bytes:
        raise Invalid(f"video larger than {max_bytes // (1024 * 1024)} MB")
    with path.open("rb") as fh:
        if not looks_like_video(fh.read(512)):
            raise Invalid("not a video: MP4, MOV, WebM, MKV, AVI, FLV or MPEG")


def add_reference_video(session: Session, settings: Settings, actor_id: int | None, *, holder: RightsHolder,
                        work: str, path: Path, filename: str | None, read_footage: ReadFootage,
                        describe: Describe, character: str | None = None, title: str | None = None,
                        work_ja: str | None = None, max_bytes: int = MAX_VIDEO_BYTES) -> AddedVideo:
    """Store the video at PATH as HOLDER's reference footage of WORK (and CHARACTER when given): its shots'
    keyframes become references grouped under it; or refuse it with one line, nothing stored.

    The same file again for the same holder and work changes nothing (a retired one is restored); for
    another holder or work it is refused. A keyframe that is another holder's art refuses the video; one that
    is already this holder's art (an image reference, another video's keyframe) is left out and said so."""
    path = Path(path)
    check_video_file(path, max_bytes)
    digest = sha256_file(path)
    title = clean_name(title or Path(filename or "").stem or f"video {digest[:12]}", "a video title")
    existing = session.scalar(select(ReferenceVideo).where(ReferenceVideo.sha256 == digest))
    if existing is not None:
        return _same_video_again(session, actor_id, existing, holder, work)
    footage = read_footage(path)
    if footage.duration_s > MAX_VIDEO_SECONDS:
        raise Invalid(f"video longer than {MAX_VIDEO_SECONDS // 3600} hours ({footage.duration_s / 3600:.1f} h)")
    if not footage.keyframes:
        raise Invalid("no usable shot in this video (black, uniform or too short)")
    # a character, or the work itself standing for one: every reference belongs to a character
    char_row = get_or_create_character(session, actor_id, holder, work, character or work, work_ja=work_ja)
    work_row = session.get(Work, char_row.work_id)
    stem = safe_name(filename or title, digest)
    if session.scalar(select(ReferenceVideo.id).where(ReferenceVideo.path.like(f"{VIDEO_KEY_PREFIX}{stem}.%"))):
        stem = f"{stem}-{digest[:8]}"
    suffix = (Path(filename or "").suffix.lower() if Path(filename or "").suffix.lower() in
              (".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".flv", ".mpg", ".mpeg", ".ts") else ".video")
    video = ReferenceVideo(rights_holder_id=holder.id, work_id=work_row.id,
                           character_id=char_row.id if character else None, title=title, sha256=digest,
                           duration_s=round(float(footage.duration_s), 3), path=f"{VIDEO_KEY_PREFIX}{stem}{suffix}")
    session.add(video)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("this video was added at the same moment by another request") from None
    added = AddedVideo(video, "added")
    blobs: list[tuple[str, bytes]] = []
    for t, png in footage.keyframes:
        ref, why = _keyframe_reference(session, settings, holder, char_row.id, video, stem, t, png, describe)
        if ref is None:
            added.skipped.append(f"{video_time_label(t)}: {why}")
            continue
        blobs.append((ref.path, png))
        added.keyframes.append(ref)
    if not added.keyframes:
        raise Conflict(f"no keyframe of this video is new art: {'; '.join(added.skipped[:3])}")
    store = open_store(settings)
    store.put_file(video.path, path)
    for key, png in blobs:
        store.put(key, png)
    record(session, actor_id, "reference_video_added", "reference_video", video.id, title=title, sha256=digest,
           holder_id=holder.id, work_id=work_row.id, character_id=video.character_id,
           duration_s=video.duration_s, keyframes=[r.id for r in added.keyframes], skipped=len(added.skipped))
    return added


def _keyframe_reference(session: Session, settings: Settings, holder: RightsHolder, character_id: int,
                        video: ReferenceVideo, stem: str, t: float, png: bytes,
                        describe: Describe) -> tuple[Reference | None, str]:
    """The reference of one keyframe (flushed, its blob not yet written), or None and why it is left out;
    Conflict when it is another holder's art."""
    try:
        check_image(png)
        art = describe_staged(settings, png, ".png", describe)
    except Invalid as exc:
        return None, str(exc)
    digest = hashlib.sha256(png).hexdigest()
    twin = session.scalar(select(Reference).where(Reference.sha256 == digest)) or same_picture(session, art)
    if twin is not None:
        if holder_of_character(session, twin.character) != holder.id:
            raise Conflict(f"the frame at {video_time_label(t)} is reference art of another rights holder; "
                           "art belongs to one holder")
        return None, f"the same picture is already reference {twin.id} ({twin.name})"
    name = f"{stem}-at-{int(t) // 60:02d}m{t % 60:04.1f}s".replace(".", "_")
    if session.scalar(select(Reference.id).where(Reference.name == name)) is not None:
        name = f"{name}-{digest[:8]}"
    ref = Reference(character_id=character_id, name=name, path=reference_key(f"{name}.png"), sha256=digest,
                    phash=art.phash, dhash=art.dhash, width=art.width, height=art.height, video_id=video.id,
                    video_time_s=round(float(t), 3))
    session.add(ref)
    session.flush()
    return ref, ""


def _same_video_again(session: Session, actor_id: int | None, video: ReferenceVideo, holder: RightsHolder,
                      work: str) -> AddedVideo:
    if video.rights_holder_id != holder.id:
        raise Conflict("this video is reference footage of another rights holder; art belongs to one holder")
    work_row = session.get(Work, video.work_id)
    if work_row.name_en != " ".join(str(work or "").split()):
        raise Conflict(f"this video is already reference video {video.id} ({video.title}) of {work_row.name_en}")
    if video.retired_at is not None:
        return AddedVideo(restore_reference_video(session, actor_id, video.id), "restored", list(video.keyframes))
    return AddedVideo(video, "unchanged", list(video.keyframes))


def get_reference_video(session: Session, video_id: int) -> ReferenceVideo:
    video = session.get(ReferenceVideo, video_id)
    if video is None:
        raise NotFoundError(f"no reference video {video_id}")
    return video


def retire_reference_video(session: Session, actor_id: int | None, video_id: int) -> ReferenceVideo:
    """Take a video and every keyframe of it out of matching; their findings stay as history."""
    video = get_reference_video(session, video_id)
    now = utcnow()
    if video.retired_at is None:
        video.retired_at = now
        for ref in video.keyframes:
            ref.retired_at = ref.retired_at or now
        record(session, actor_id, "reference_video_retired", "reference_video", video.id, title=video.title)
    return video


def restore_reference_video(session: Session, actor_id: int | None, video_id: int) -> ReferenceVideo:
    """Put a retired video and its keyframes back into matching."""
    video = get_reference_video(session, video_id)
    if video.retired_at is not None:
        video.retired_at = None
        for ref in video.keyframes:
            ref.retired_at = None
        record(session, actor_id, "reference_video_restored", "reference_video", video.id, title=video.title)
    return video


def list_reference_videos(session: Session, *, holder_id: int | None = None) -> list[ReferenceVideo]:
    stmt = select(ReferenceVideo).order_by(ReferenceVideo.id)
    if holder_id is not None:
        stmt = stmt.where(ReferenceVideo.rights_holder_id == holder_id)
    return list(session.scalars(stmt))
