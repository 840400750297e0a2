"""Reference art: one image belongs to one rights holder's character, is checked before anything is
stored, is never moved silently, and can be retired (its findings stay as history; it leaves the index).

Hashing and the "can the matcher index it" check are the matcher's: callers pass `describe`, a function
path -> Art that raises Invalid for an image the matcher cannot use (core imports nothing of ours).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.blobstore import open_store, reference_key
from core.config import Settings
from core.models import Character, Finding, Reference, RightsHolder, Work, utcnow
from core.services.audit import record
from core.services.errors import Conflict, Invalid, NotFoundError
from core.services.holders import get_or_create_character, holder_of_character

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 16_000_000  # refused above this (about 4,000 x 4,000); Pillow's bomb check never comes into play
MAX_SIDE = 2048  # kept art is downscaled to this longest side: matching needs no more, decoding costs less
MIN_SIDE = 32
ALLOWED_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif"}
# pHash and dHash both within this many bits (of 64): the same picture, re-encoded or resized
SAME_PICTURE_MAX_BITS = 4
INDEX_KEY_PREFIX = "ref-"
_INDEX_KEY = re.compile(rf"{INDEX_KEY_PREFIX}(\d+)")


@dataclass(frozen=True)
class Art:
    """What the matcher makes of an image: its hashes (hex) and size."""

    phash: str
    dhash: str
    width: int
    height: int


Describe = Callable[[Path], Art]


def index_key(reference_id: int) -> str:
    """The name of a reference's entry in the matcher's index: its id, never a file stem."""
    return f"{INDEX_KEY_PREFIX}{reference_id}"


def reference_id_of_key(key: str) -> int | None:
    match = _INDEX_KEY.fullmatch(key or "")
    return int(match.group(1)) if match else None


def check_image(data: bytes, min_side: int = MIN_SIDE) -> tuple[str, int, int]:
    """(format, width, height) of an acceptable image; Invalid otherwise. Never decodes a bomb."""
    from PIL import Image

    if not data:
        raise Invalid("empty file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid(f"file larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                fmt, (w, h) = img.format, img.size
                if fmt not in ALLOWED_FORMATS:
                    raise Invalid(f"type {fmt or 'unknown'} not accepted: PNG, JPEG, WebP or GIF")
                if w * h > MAX_PIXELS:
                    raise Invalid(f"image too large: {w}x{h} pixels")
                if min(w, h) < min_side:
                    raise Invalid(f"image too small: {w}x{h} pixels")
                img.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.load()  # a full decode catches truncated files
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid("image rejected: too many pixels (decompression bomb)") from None
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for junk input
        raise Invalid(f"not a readable image ({type(exc).__name__})") from None
    return fmt, w, h


def fit_image(data: bytes) -> bytes:
    """The upload itself, or a PNG of it downscaled to MAX_SIDE when it is larger (checked first)."""
    from PIL import Image

    _fmt, w, h = check_image(data)
    if max(w, h) <= MAX_SIDE:
        return data
    with Image.open(io.BytesIO(data)) as img:
        img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        (img if img.mode in ("RGB", "RGBA", "L", "LA") else img.convert("RGBA")).save(out, "PNG")
    return out.getvalue()


def safe_name(filename: str | None, digest: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(filename or "").stem).strip("-")[:80]
    return stem or f"ref-{digest[:12]}"


def _bits(a: str | None, b: str | None) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1") if a and b else 64


def _where(session: Session, ref: Reference) -> str:
    char = session.get(Character, ref.character_id)
    work = session.get(Work, char.work_id)
    retired = ", retired" if ref.retired_at is not None else ""
    return f"reference {ref.id} ({ref.name}: {work.name_en} / {char.name_en}{retired})"


def same_picture(session: Session, art: Art) -> Reference | None:
    """An existing reference that is this picture re-encoded (both hashes within SAME_PICTURE_MAX_BITS)."""
    for ref in session.scalars(select(Reference).where(Reference.phash.is_not(None))):
        if max(_bits(ref.phash, art.phash), _bits(ref.dhash, art.dhash)) <= SAME_PICTURE_MAX_BITS:
            return ref
    return None


@dataclass
class Added:
    reference: Reference
    outcome: str  # "added", "restored" or "unchanged"


def add_reference(session: Session, settings: Settings, actor_id: int | None, *, holder: RightsHolder, work: str,
                  character: str, data: bytes, filename: str | None, describe: Describe,
                  work_ja: str | None = None, character_ja: str | None = None) -> Added:
    """Store DATA as reference art of HOLDER's work/character, or refuse it with one line (nothing stored).

    The same file again for the same character changes nothing (a retired one is restored); for another
    character it is refused (move it with `move_reference`); for another holder, or the same picture
    re-encoded, it is refused as a duplicate."""
    data = fit_image(data)
    fmt, _, _ = check_image(data)
    digest = hashlib.sha256(data).hexdigest()
    existing = session.scalar(select(Reference).where(Reference.sha256 == digest))
    if existing is not None:
        return _same_file_again(session, actor_id, existing, holder, work, character)
    art = describe_staged(settings, data, ALLOWED_FORMATS[fmt], describe)
    twin = same_picture(session, art)
    if twin is not None:
        owner = session.get(Character, twin.character_id)
        if holder_of_character(session, owner) != holder.id:
            raise Conflict("the same picture (re-encoded) is reference art of another rights holder; "
                           "art belongs to one holder")
        raise Conflict(f"the same picture (re-encoded) is already {_where(session, twin)}")
    char_row = get_or_create_character(session, actor_id, holder, work, character, work_ja=work_ja,
                                       character_ja=character_ja)
    name = safe_name(filename, digest)
    if session.scalar(select(Reference.id).where(Reference.name == name)) is not None:
        name = f"{name}-{digest[:8]}"
    key = reference_key(f"{name}{ALLOWED_FORMATS[fmt]}")
    ref = Reference(character_id=char_row.id, name=name, path=key, sha256=digest,
                    phash=art.phash, dhash=art.dhash, width=art.width, height=art.height)
    session.add(ref)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("this image was added at the same moment by another request") from None
    open_store(settings).put(key, data)  # atomic: readers see no half-written art
    record(session, actor_id, "reference_added", "reference", ref.id, name=name, sha256=digest,
           holder_id=holder.id, character_id=char_row.id)
    return Added(ref, "added")


def _same_file_again(session: Session, actor_id: int | None, ref: Reference, holder: RightsHolder, work: str,
                     character: str) -> Added:
    char = session.get(Character, ref.character_id)
    work_row = session.get(Work, char.work_id)
    if work_row.rights_holder_id != holder.id:
        raise Conflict("this image is reference art of another rights holder; art belongs to one holder")
    if (work_row.name_en, char.name_en) != (" ".join(work.split()), " ".join(character.split())):
        raise Conflict(f"this image is already {_where(session, ref)}; move it explicitly instead "
                       f"(`mamoru refs move {ref.id} --work W --character C`)")
    if ref.retired_at is not None:
        ref.retired_at = None
        record(session, actor_id, "reference_restored", "reference", ref.id, name=ref.name)
        return Added(ref, "restored")
    return Added(ref, "unchanged")


def describe_staged(settings: Settings, data: bytes, suffix: str, describe: Describe) -> Art:
    """Run DESCRIBE on the bytes in a private temporary file, removed afterwards."""
    settings.references_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", suffix=suffix, dir=settings.references_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return describe(Path(tmp))
    finally:
        Path(tmp).unlink(missing_ok=True)


def get_reference(session: Session, reference_id: int) -> Reference:
    ref = session.get(Reference, reference_id)
    if ref is None:
        raise NotFoundError(f"no reference {reference_id}")
    return ref


def move_reference(session: Session, actor_id: int | None, reference_id: int, *, work: str, character: str,
                   work_ja: str | None = None, character_ja: str | None = None) -> Reference:
    """Move a reference to another work/character of the same holder, audited as a move."""
    ref = get_reference(session, reference_id)
    holder = session.get(RightsHolder, holder_of_character(session, session.get(Character, ref.character_id)))
    before = ref.character_id
    target = get_or_create_character(session, actor_id, holder, work, character, work_ja=work_ja,
                                     character_ja=character_ja)
    if target.id != before:
        ref.character_id = target.id
        record(session, actor_id, "reference_moved", "reference", ref.id, name=ref.name,
               from_character_id=before, to_character_id=target.id)
    return ref


def retire_reference(session: Session, actor_id: int | None, reference_id: int) -> Reference:
    """Take a reference out of matching; its findings stay as history."""
    ref = get_reference(session, reference_id)
    if ref.retired_at is None:
        ref.retired_at = utcnow()
        record(session, actor_id, "reference_retired", "reference", ref.id, name=ref.name)
    return ref


def restore_reference(session: Session, actor_id: int | None, reference_id: int) -> Reference:
    ref = get_reference(session, reference_id)
    if ref.retired_at is not None:
        ref.retired_at = None
        record(session, actor_id, "reference_restored", "reference", ref.id, name=ref.name)
    return ref


def active_references(session: Session) -> list[Reference]:
    """What the matcher's index holds: every reference not retired, by id."""
    return list(session.scalars(select(Reference).where(Reference.retired_at.is_(None)).order_by(Reference.id)))


def list_references(session: Session, *, holder_id: int | None = None) -> list[dict]:
    """Every reference with its character, work, holder and finding counts by triage state."""
    counts: dict[int, dict] = {}
    for ref_id, state, n in session.execute(select(Finding.reference_id, Finding.state, func.count())
                                            .group_by(Finding.reference_id, Finding.state)):
        counts.setdefault(ref_id, {})[state] = n
    stmt = (select(Reference, Character, Work, RightsHolder)
            .join(Character, Reference.character_id == Character.id)
            .join(Work, Character.work_id == Work.id)
            .join(RightsHolder, Work.rights_holder_id == RightsHolder.id)
            .order_by(RightsHolder.name, Work.name_en, Character.name_en, Reference.name))
    if holder_id is not None:
        stmt = stmt.where(RightsHolder.id == holder_id)
    return [{"reference": r, "character": c, "work": w, "holder": h, "matches": counts.get(r.id, {})}
            for r, c, w, h in session.execute(stmt)]


def request_index_rebuild(settings: Settings) -> str:
    """Queue a rebuild of the matcher's index on the workers (after art was added, moved or retired)."""
    from core.queue import REBUILD_REFERENCE_INDEX, send_task

    return send_task(settings, REBUILD_REFERENCE_INDEX)
