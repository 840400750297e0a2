"""A rights holder's profile: the legal identity, contact details and authorised agent a notice is sent
with. Seen by staff and the holder's own users; edited by admins and the holder's own users (an analyst
may read it, not change it); another holder's profile does not exist for a holder user (404).

`actor` is anything with `id`, `role` and `rights_holder_id` (the web's CurrentUser, a User row), or None
for the command line, which acts as the operator."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.models import HolderProfile, Role
from core.services.audit import record
from core.services.errors import Forbidden, Invalid, NotFoundError
from core.services.holders import get_holder

MAX_LINE = 200
MAX_TEXT = 1000
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,30}$")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    limit: int = MAX_LINE
    kind: str = "text"  # text, email, phone, multiline, bool
    required: bool = False  # needed for a notice to be complete


FIELDS = (
    Field("legal_name", "Legal name (as registered)", required=True),
    Field("legal_name_ja", "Legal name in Japanese (登記上の名称)"),
    Field("representative", "Representative (代表者), e.g. 代表取締役 山田 太郎", required=True),
    Field("representative_title", "Representative's title in English, e.g. Representative Director"),
    Field("address", "Address", MAX_TEXT, "multiline", required=True),
    Field("address_ja", "Address in Japanese (住所)", MAX_TEXT, "multiline"),
    Field("telephone", "Telephone", 64, "phone", required=True),
    Field("email", "E-mail for notices", 320, "email", required=True),
    Field("agent_name", "Authorised agent (name or firm)"),
    Field("agent_address", "Agent's address", MAX_TEXT, "multiline"),
    Field("agent_email", "Agent's e-mail", 320, "email"),
    Field("agent_telephone", "Agent's telephone", 64, "phone"),
    Field("authority_proof", "Proof of the agent's authority (e.g. power of attorney of 2026-04-01)", MAX_TEXT,
          "multiline"),
    Field("disclose_name", "The platform may give our name to the uploader", kind="bool"),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)


def _role(actor) -> str:  # noqa: ANN001
    return Role.admin.value if actor is None else str(actor.role)


def can_view(actor, holder_id: int) -> bool:  # noqa: ANN001
    role = _role(actor)
    return role in (Role.admin.value, Role.analyst.value) or actor.rights_holder_id == holder_id


def can_edit(actor, holder_id: int) -> bool:  # noqa: ANN001
    role = _role(actor)
    return role == Role.admin.value or (role == Role.rights_holder.value and actor.rights_holder_id == holder_id)


def _visible(session: Session, actor, holder_id: int):  # noqa: ANN001, ANN202
    holder = get_holder(session, holder_id)
    if not can_view(actor, holder_id):
        raise NotFoundError(f"no rights holder {holder_id}")  # another holder's profile is not shown at all
    return holder


def get_profile(session: Session, actor, holder_id: int) -> HolderProfile:  # noqa: ANN001
    """The holder's profile (an empty one, not stored, when none was saved yet)."""
    _visible(session, actor, holder_id)
    return session.get(HolderProfile, holder_id) or HolderProfile(rights_holder_id=holder_id, disclose_name=True)


def profile_dict(profile: HolderProfile) -> dict:
    out = {name: getattr(profile, name) for name in FIELD_NAMES}
    out["rights_holder_id"] = profile.rights_holder_id
    out["missing"] = missing_fields(profile)
    out["complete"] = not out["missing"]
    return out


def missing_fields(profile: HolderProfile | None) -> list[str]:
    """The fields a notice needs that are empty."""
    return [f.name for f in FIELDS if f.required and not (profile and getattr(profile, f.name))]


def _clean(field: Field, value: object) -> object:
    if field.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value or "").strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("", "0", "false", "no", "off"):
            return False
        raise Invalid(f"{field.name} must be true or false")
    if value is not None and not isinstance(value, (str, int)):
        raise Invalid(f"{field.name} must be text")
    text = str(value or "")
    text = "\n".join(" ".join(line.split()) for line in text.splitlines()).strip() if field.kind == "multiline" \
        else " ".join(text.split())
    if not text:
        return None
    if len(text) > field.limit:
        raise Invalid(f"{field.name} is longer than {field.limit} characters ({len(text)})")
    if field.kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise Invalid(f"{field.name} is not an e-mail address: {text[:80]!r}")
    if field.kind == "phone" and not PHONE_RE.match(text):
        raise Invalid(f"{field.name} is not a telephone number (digits, spaces, + ( ) -): {text[:40]!r}")
    return text


def update_profile(session: Session, actor, holder_id: int, changes: dict) -> HolderProfile:  # noqa: ANN001
    """Set the given fields (others stay); unknown fields and bad values are refused, nothing half-saved."""
    _visible(session, actor, holder_id)
    if not can_edit(actor, holder_id):
        raise Forbidden("only an admin or the holder's own users may change its profile")
    unknown = sorted(set(changes) - set(FIELD_NAMES))
    if unknown:
        raise Invalid(f"unknown profile field(s): {', '.join(unknown)}; known: {', '.join(FIELD_NAMES)}")
    by_name = {f.name: f for f in FIELDS}
    cleaned = {name: _clean(by_name[name], value) for name, value in changes.items()}
    profile = session.get(HolderProfile, holder_id)
    if profile is None:
        profile = HolderProfile(rights_holder_id=holder_id, disclose_name=True)
        session.add(profile)
    before = {name: getattr(profile, name) for name in cleaned}
    for name, value in cleaned.items():
        setattr(profile, name, value)
    profile.updated_by = actor.id if actor is not None else None
    session.flush()
    changed = sorted(name for name in cleaned if before[name] != cleaned[name])
    record(session, actor.id if actor is not None else None, "holder_profile_updated", "rights_holder", holder_id,
           fields=changed)
    return profile
