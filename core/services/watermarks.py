"""Generators' visible watermarks, registered by a rights holder or the admin: templates the matcher looks
for in every analysed clip, as provenance (which generator made it), never as infringing art.

The PNG is checked as reference art is (type, size, no decompression bomb) and kept in the blob store
under `watermarks/`; the matcher turns the bytes into templates (core imports nothing of ours).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.blobstore import open_store
from core.config import Settings
from core.models import RightsHolder, Watermark
from core.services.audit import record
from core.services.errors import Conflict, Invalid
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
                  holder: RightsHolder | None = None) -> Watermark:
    """Register DATA (a PNG) as watermark NAME, of HOLDER or (None) the admin's; one line when refused."""
    name = (name or "").strip()
    if not NAME.fullmatch(name):
        raise Invalid(f"watermark name {name!r}: 1-100 letters, digits, '.', '_' or '-', starting with a letter "
                      "or digit")
    fmt, width, height = check_image(data, min_side=MIN_SIDE)
    if fmt not in FORMATS:
        raise Invalid(f"watermark {name}: {fmt} given; a PNG (the logo over transparency) is needed")
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


def list_watermarks(session: Session) -> list[tuple[Watermark, str | None]]:
    """Every registered watermark with its holder's name (None: registered by the admin), by name."""
    stmt = (select(Watermark, RightsHolder.name).outerjoin(RightsHolder, Watermark.rights_holder_id == RightsHolder.id)
            .order_by(Watermark.name))
    return [(w, h) for w, h in session.execute(stmt)]


def watermark_templates(session: Session, settings: Settings) -> list[Template]:
    """The registered watermarks' PNG bytes, for the matcher (a PNG missing from the store is left out)."""
    store = open_store(settings)
    out = []
    for row, holder in list_watermarks(session):
        data = store.find(row.path)
        if data is not None:
            out.append(Template(name=row.name, holder=holder, png=data))
    return out
