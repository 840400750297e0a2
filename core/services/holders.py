"""Rights holders and their catalogue: holder -> work -> character (the art itself is references.py's)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Character, RightsHolder, Work
from core.services.audit import record
from core.services.errors import Conflict, Invalid, NotFoundError

MAX_NAME_CHARS = 200
MAX_EMAIL_CHARS = 320


def clean_name(value: str | None, what: str, *, required: bool = True) -> str | None:
    """A name trimmed; refused (not cut) when too long, refused when required and empty."""
    value = " ".join(str(value or "").split())
    if not value:
        if required:
            raise Invalid(f"{what} is required")
        return None
    if len(value) > MAX_NAME_CHARS:
        raise Invalid(f"{what} is longer than {MAX_NAME_CHARS} characters ({len(value)})")
    return value


def get_holder(session: Session, holder_id: int) -> RightsHolder:
    holder = session.get(RightsHolder, holder_id)
    if holder is None:
        raise NotFoundError(f"no rights holder {holder_id}")
    return holder


def find_holder(session: Session, name: str) -> RightsHolder | None:
    return session.scalar(select(RightsHolder).where(RightsHolder.name == clean_name(name, "a holder name")))


def create_holder(session: Session, actor_id: int | None, name: str, contact_email: str | None = None) -> RightsHolder:
    """A new rights holder; a name already taken is a conflict."""
    name = clean_name(name, "a holder name")
    email = (contact_email or "").strip() or None
    if email is not None and (len(email) > MAX_EMAIL_CHARS or "@" not in email):
        raise Invalid("the contact e-mail is not an e-mail address")
    if find_holder(session, name) is not None:
        raise Conflict(f"a rights holder named {name!r} exists")
    holder = RightsHolder(name=name, contact_email=email)
    session.add(holder)
    session.flush()
    record(session, actor_id, "holder_created", "rights_holder", holder.id, name=name)
    return holder


def get_or_create_holder(session: Session, actor_id: int | None, name: str) -> RightsHolder:
    """The holder of this name, created (and audited) when new: the CLI's `--holder NAME`."""
    return find_holder(session, name) or create_holder(session, actor_id, name)


def get_or_create_character(session: Session, actor_id: int | None, holder: RightsHolder, work: str, character: str,
                            *, work_ja: str | None = None, character_ja: str | None = None) -> Character:
    """The holder's work and character of these (English) names, created with their Japanese names."""
    work, character = clean_name(work, "a work name"), clean_name(character, "a character name")
    work_ja = clean_name(work_ja, "a Japanese work name", required=False)
    character_ja = clean_name(character_ja, "a Japanese character name", required=False)
    work_row = session.scalar(select(Work).where(Work.rights_holder_id == holder.id, Work.name_en == work))
    if work_row is None:
        work_row = Work(rights_holder_id=holder.id, name_en=work, name_ja=work_ja)
        session.add(work_row)
        session.flush()
        record(session, actor_id, "work_created", "work", work_row.id, name=work, holder_id=holder.id)
    char_row = session.scalar(select(Character).where(Character.work_id == work_row.id,
                                                       Character.name_en == character))
    if char_row is None:
        char_row = Character(work_id=work_row.id, name_en=character, name_ja=character_ja, aliases=[])
        session.add(char_row)
        session.flush()
        record(session, actor_id, "character_created", "character", char_row.id, name=character, work_id=work_row.id)
    return char_row


def holder_of_character(session: Session, character: Character) -> int:
    return session.scalar(select(Work.rights_holder_id).where(Work.id == character.work_id))


def list_holders(session: Session) -> list[RightsHolder]:
    return list(session.scalars(select(RightsHolder).order_by(RightsHolder.name)))
