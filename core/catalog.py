"""The rights holders' catalogue in the database: holder -> work -> character -> reference rows.

One owner for these rows, whoever adds the art (the CLI, the demo, the web app's upload form); hashing
the image and rebuilding the matcher's index are the callers' part.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import Settings
from core.models import Character, Reference, RightsHolder, Work


def sha256_file(path: Path) -> str:
    """The file's sha256 (hex), read in 1 MiB blocks."""
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


def get_or_create_character(session: Session, holder: RightsHolder, work: str, character: str, *,
                            work_ja: str | None = None, character_ja: str | None = None) -> Character:
    """The holder's work and character of these (English) names, created with their Japanese names."""
    work_row = session.scalar(select(Work).where(Work.rights_holder_id == holder.id, Work.name_en == work))
    if work_row is None:
        work_row = Work(rights_holder_id=holder.id, name_en=work, name_ja=work_ja or None)
        session.add(work_row)
        session.flush()
    char_row = session.scalar(select(Character).where(Character.work_id == work_row.id,
                                                       Character.name_en == character))
    if char_row is None:
        char_row = Character(work_id=work_row.id, name_en=character, name_ja=character_ja or None, aliases=[])
        session.add(char_row)
        session.flush()
    return char_row


def upsert_reference(session: Session, settings: Settings, character: Character, *, name: str, file: Path,
                     sha256: str, phash: str, width: int, height: int, dhash: str | None = None) -> Reference:
    """The reference row for the art stored at `file` (one row per sha256: the same art added again
    moves to `character` and keeps its name)."""
    ref = session.scalar(select(Reference).where(Reference.sha256 == sha256))
    if ref is None:
        ref = Reference(sha256=sha256, name=name, path=settings.stored_path(file), character_id=character.id)
        session.add(ref)
    ref.character_id, ref.path, ref.phash, ref.width, ref.height = (character.id, settings.stored_path(file), phash,
                                                                    width, height)
    if dhash is not None:
        ref.dhash = dhash
    session.flush()
    return ref
