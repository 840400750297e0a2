"""Reference art from files (the CLI, the demo) through the reference service, and the matcher's index
built from the references not retired, each entry named by its reference's id."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

import matcher
from core.config import Settings
from core.models import Reference
from core.services.holders import get_or_create_holder
from core.services.references import active_references, add_reference as add_reference_art, index_key
from reports.web.uploads import describe_art


def add_reference(session: Session, settings: Settings, *, holder: str, work: str, character: str,
                  image: Path, work_ja: str | None = None, character_ja: str | None = None,
                  actor_id: int | None = None) -> Reference:
    """Add the art in IMAGE for holder/work/character (all created as needed); the service's rules apply."""
    holder_row = get_or_create_holder(session, actor_id, holder)
    return add_reference_art(session, settings, actor_id, holder=holder_row, work=work, character=character,
                             data=Path(image).read_bytes(), filename=Path(image).name, describe=describe_art,
                             work_ja=work_ja, character_ja=character_ja).reference


def rebuild_index(settings: Settings) -> matcher.ReferenceIndex:
    """Build the matcher's index file from every reference not retired; entries are named by reference id
    (core.services.references.index_key) through links in a private staging folder."""
    from core.db import session_scope

    with session_scope(settings) as session:
        refs = [(ref.id, settings.home_path(ref.path)) for ref in active_references(session)]
    if not refs:
        settings.index_path.unlink(missing_ok=True)  # nothing to match: analysis says so, and matches nothing
        raise matcher.MatcherError("no references to index: add some with `mamoru refs add`")
    settings.home.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".index-staging-", dir=settings.home))
    try:
        paths = []
        for ref_id, path in refs:
            link = staging / f"{index_key(ref_id)}{path.suffix.lower()}"
            os.symlink(path.resolve(), link)
            paths.append(link)
        index = matcher.ReferenceIndex.build(paths)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    tmp = settings.index_path.with_suffix(".tmp")
    index.save(tmp)
    tmp.replace(settings.index_path)  # atomic: workers never read a half-written index
    return index
