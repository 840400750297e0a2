"""Reference art from files (the CLI, the demo) through the reference service, and the matcher's index
built from the references not retired, each entry named by its reference's id, published for every worker."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

import matcher
from core.config import Settings
from core.models import Reference
from core.services.holders import get_or_create_holder
from core.services.references import add_reference as add_reference_art
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
    """Build the matcher's index from every reference not retired and publish it (workers.index_store)."""
    from workers.index_store import build_and_publish

    return build_and_publish(settings)
