"""Generators' visible watermarks, registered by a rights holder or the admin: templates the matcher looks
for in every analysed clip, as provenance (which generator made it), never as infringing art.

The PNG is checked as reference art is (type, size, no decompression bomb) and kept in the blob store
under `watermarks/`; the matcher turns the bytes into templates (core imports nothing of ours).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.blobstore import open_store
from core.config import Settings
from core.models import RightsHolder, Watermark, utcnow
from core.services.audit import record
from core.services.errors import Conflict, Invalid, NotFoundError
from core.services.references import check_image

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
FORMATS = {"PNG"}  # a logo over transparency: its alpha is the shape the matcher looks for
MIN_SIDE = 8  # a logo is a thin strip of letters: its height is no measure of its use


def watermark_key(name: str, digest: str) -> str:
    return f"watermarks/{name}-{digest[:12]}.png"


@dataclass(frozen=True)
class Template:
    """What the matcher needs of a registered watermark."""

    name: str
    holder: str | None
    png: bytes


def add_watermark(session: Session, settings: Settings, actor_id: int | None, *, name: str, data: bytes,
                  holder: RightsHolder | None = None, check: Callable[[str, bytes], None] | None = None) -> Watermark:
    """Register DATA (a PNG) as watermark NAME, of HOLDER or (None) the admin's; one line when refused.
    CHECK(name, data), when given, raises Invalid when the matcher cannot use the logo (called once the
    image has passed the size and type checks here)."""
    name = (name or "").strip()
    if not NAME.fullmatch(name):
        raise Invalid(f"watermark name {name!r}: 1-100 letters, digits, '.', '_' or '-', starting with a letter "
                      "or digit")
    fmt, width, height = check_image(data, min_side=MIN_SIDE)
    if fmt not in FORMATS:
        raise Invalid(f"watermark {name}: {fmt} given; a PNG (the logo over transparency) is needed")
    if check is not None:
        check(name, data)
    digest = hashlib.sha256(data).hexdigest()
    if session.scalar(select(Watermark.id).where(Watermark.name == name)) is not None:
        raise Conflict(f"a watermark named {name!r} is already registered")
    twin = session.scalar(select(Watermark).where(Watermark.sha256 == digest))
    if twin is not None:
        raise Conflict(f"this image is already registered as watermark {twin.name!r}")
    key = open_store(settings).put(watermark_key(name, digest), data)
    row = Watermark(name=name, rights_holder_id=holder.id if holder else None, path=key, sha256=digest,
                    width=width, height=height)
    session.add(row)
    session.flush()
    record(session, actor_id, "watermark_added", "watermark", row.id, name=name, sha256=digest,
           holder_id=row.rights_holder_id)
    return row


def list_watermarks(session: Session, *, retired: bool = True) -> list[tuple[Watermark, str | None]]:
    """Every registered watermark (without the retired ones unless RETIRED) with its holder's name (None:
    registered by the admin), by name."""
    stmt = (select(Watermark, RightsHolder.name).outerjoin(RightsHolder, Watermark.rights_holder_id == RightsHolder.id)
            .order_by(Watermark.name))
    if not retired:
        stmt = stmt.where(Watermark.retired_at.is_(None))
    return [(w, h) for w, h in session.execute(stmt)]


def get_watermark(session: Session, watermark_id: int) -> Watermark:
    row = session.get(Watermark, watermark_id)
    if row is None:
        raise NotFoundError(f"no watermark {watermark_id}")
    return row


def set_retired(session: Session, actor_id: int | None, watermark_id: int, retired: bool) -> Watermark:
    """Retire a watermark (no longer looked for in new analyses; kept, as findings cite it) or restore it;
    audited as watermark_retired / watermark_restored. Doing it twice changes nothing."""
    row = get_watermark(session, watermark_id)
    if (row.retired_at is not None) == retired:
        return row
    row.retired_at = utcnow() if retired else None
    session.flush()
    record(session, actor_id, "watermark_retired" if retired else "watermark_restored", "watermark", row.id,
           name=row.name, holder_id=row.rights_holder_id)
    return row


def watermark_templates(session: Session, settings: Settings) -> list[Template]:
    """The registered watermarks' PNG bytes, for the matcher (retired ones and a PNG missing from the store
    are left out)."""
    store = open_store(settings)
    out = []
    for row, holder in list_watermarks(session, retired=False):
        data = store.find(row.path)
        if data is not None:
            out.append(Template(name=row.name, holder=holder, png=data))
    return out
