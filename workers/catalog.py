"""Reference art added to the catalogue (copied into the home, hashed) and the matcher's index file
built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

import matcher
from core.catalog import get_or_create_character, get_or_create_holder, sha256_file, upsert_reference
from core.config import Settings
from core.models import Reference


def add_reference(session: Session, settings: Settings, *, holder: str, work: str, character: str,
                  image: Path, work_ja: str | None = None, character_ja: str | None = None) -> Reference:
    """Copy IMAGE into the data home, hash it and upsert its holder/work/character/reference rows."""
    char_row = get_or_create_character(session, get_or_create_holder(session, holder), work, character,
                                       work_ja=work_ja, character_ja=character_ja)
    digest = sha256_file(image)
    settings.references_dir.mkdir(parents=True, exist_ok=True)
    stored = settings.references_dir / f"{image.stem}{image.suffix.lower()}"
    if not stored.exists() or sha256_file(stored) != digest:
        shutil.copyfile(image, stored)
    with Image.open(stored) as img:
        width, height = img.size
        phash, dhash = matcher.phash_hex(img), matcher.dhash_hex(img)
    return upsert_reference(session, settings, char_row, name=image.stem, file=stored, sha256=digest, phash=phash,
                            dhash=dhash, width=width, height=height)


def rebuild_index(settings: Settings) -> matcher.ReferenceIndex:
    """Build the matcher's index file from every reference in the database."""
    from core.db import session_scope

    with session_scope(settings) as session:
        paths = [settings.home_path(p) for p in session.scalars(select(Reference.path).order_by(Reference.name))]
    index = matcher.ReferenceIndex.build(paths)
    tmp = settings.index_path.with_suffix(".tmp")
    index.save(tmp)
    tmp.replace(settings.index_path)  # atomic: workers never read a half-written index
    return index
