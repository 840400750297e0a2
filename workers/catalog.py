"""Reference art in the database and the matcher's index file built from it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

import matcher
from mamoru.config import Settings
from mamoru.models import Character, Reference, RightsHolder, Work


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def get_or_create_holder(session: Session, name: str) -> RightsHolder:
    holder = session.scalar(select(RightsHolder).where(RightsHolder.name == name))
    if holder is None:
        holder = RightsHolder(name=name)
        session.add(holder)
        session.flush()
    return holder


def add_reference(session: Session, settings: Settings, *, holder: str, work: str, character: str,
                  image: Path, work_ja: str | None = None, character_ja: str | None = None) -> Reference:
    """Copy IMAGE into the data home and upsert its holder/work/character/reference rows."""
    holder_row = get_or_create_holder(session, holder)
    work_row = session.scalar(select(Work).where(Work.rights_holder_id == holder_row.id, Work.name_en == work))
    if work_row is None:
        work_row = Work(rights_holder_id=holder_row.id, name_en=work, name_ja=work_ja)
        session.add(work_row)
        session.flush()
    char_row = session.scalar(select(Character).where(Character.work_id == work_row.id,
                                                       Character.name_en == character))
    if char_row is None:
        char_row = Character(work_id=work_row.id, name_en=character, name_ja=character_ja, aliases=[])
        session.add(char_row)
        session.flush()
    digest = sha256_file(image)
    ref = session.scalar(select(Reference).where(Reference.sha256 == digest))
    settings.references_dir.mkdir(parents=True, exist_ok=True)
    stored = settings.references_dir / f"{image.stem}{image.suffix.lower()}"
    if not stored.exists() or sha256_file(stored) != digest:
        shutil.copyfile(image, stored)
    with Image.open(stored) as img:
        width, height = img.size
        phash = matcher.phash_hex(img)
    if ref is None:
        ref = Reference(sha256=digest, name=image.stem, path=settings.stored_path(stored), character_id=char_row.id)
        session.add(ref)
    ref.character_id, ref.path, ref.phash, ref.width, ref.height = (char_row.id, settings.stored_path(stored), phash,
                                                                    width, height)
    session.flush()
    return ref


def rebuild_index(settings: Settings) -> matcher.ReferenceIndex:
    """Build the matcher's index file from every reference in the database."""
    from mamoru.db import session_scope

    with session_scope(settings) as session:
        paths = [settings.home_path(p) for p in session.scalars(select(Reference.path).order_by(Reference.name))]
    index = matcher.ReferenceIndex.build(paths)
    tmp = settings.index_path.with_suffix(".tmp")
    index.save(tmp)
    tmp.replace(settings.index_path)  # atomic: workers never read a half-written index
    return index
