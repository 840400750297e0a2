"""Reference art added to the catalogue (put in the blob store, hashed) and the matcher's index built
from it."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from sqlalchemy.orm import Session

import matcher
from core.blobstore import open_store, reference_key
from core.catalog import get_or_create_character, get_or_create_holder, sha256_file, upsert_reference
from core.config import Settings


def add_reference(session: Session, settings: Settings, *, holder: str, work: str, character: str,
                  image: Path, work_ja: str | None = None, character_ja: str | None = None) -> Reference:
    """Put IMAGE in the blob store (key references/<name>), hash it and upsert its holder/work/character/reference rows."""
    char_row = get_or_create_character(session, get_or_create_holder(session, holder), work, character,
                                       work_ja=work_ja, character_ja=character_ja)
    digest = sha256_file(image)
    key = reference_key(f"{image.stem}{image.suffix.lower()}")
    store = open_store(settings)
    own = store.local_path(key)  # a folder store: skip the copy when the same image is there already
    if own is None or not own.is_file() or sha256_file(own) != digest:
        store.put_file(key, image)
    with Image.open(image) as img:
        width, height = img.size
        phash, dhash = matcher.phash_hex(img), matcher.dhash_hex(img)
    return upsert_reference(session, settings, char_row, name=image.stem, file=settings.home / key, sha256=digest, phash=phash,
                            dhash=dhash, width=width, height=height)


def rebuild_index(settings: Settings) -> matcher.ReferenceIndex:
    """Build the matcher's index from every reference in the database and publish it (workers.index_store)."""
    from workers.index_store import build_and_publish

    return build_and_publish(settings)
