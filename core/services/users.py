"""Accounts: create, list, change password, disable, remove; the password rule and the argon2id hashes.

The CLI (`mamoru users`), the admin pages and the JSON API all call these. Passwords and their hashes
never reach the audit log or a log line.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.models import AuditEvent, RightsHolder, Role, User, utcnow
from core.services.errors import Conflict, Invalid, NotFoundError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything, but a megabyte "password" is an attack, not a secret
MAX_EMAIL_LENGTH = 320
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")
ROLES = tuple(r.value for r in Role)
LEAST_PRIVILEGED_ROLE = Role.rights_holder.value  # what the add-user form starts at

_hasher = PasswordHasher()
# Verified against when there is no real hash to check (unknown e-mail, throttled or disabled account),
# so every refused log-in costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("mamoru-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when PASSWORD matches; always runs one argon2 verification (a dummy one without a hash)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password[:MAX_PASSWORD_LENGTH]) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def mask_email(email: str | None) -> str:
    """An attempted e-mail as the audit keeps it when no account has it (people type passwords there)."""
    local, _, domain = normalise_email(email)[:MAX_EMAIL_LENGTH].partition("@")
    return f"{local[:1]}***@{domain[:1]}***" if domain else f"{local[:1]}***"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_email(email: str | None) -> str:
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > MAX_EMAIL_LENGTH or any(c.isspace() or ord(c) < 32
                                                                              for c in email):
        raise Invalid("a valid e-mail address is required")
    return email


def check_password(password: str | None, email: str) -> str:
    """The password if it is long enough, not a common one and not the e-mail; Invalid otherwise."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(f"passwords have at most {MAX_PASSWORD_LENGTH} characters")
    lowered = password.strip().lower()
    email = normalise_email(email)
    if lowered in common_passwords():
        raise Invalid("that password is on the list of common passwords; choose another")
    if lowered in (email, email.partition("@")[0]) or (len(email) >= 6 and email in lowered):
        raise Invalid("the password must not be the e-mail address")
    return password


def check_role(role: str | None, rights_holder_id: int | None) -> str:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}")
    if role == Role.rights_holder.value and not rights_holder_id:
        raise Invalid("a rights_holder user needs its rights holder")
    return role


def resolve_holder(db: Session, holder: str | int | None) -> int | None:
    """A rights holder's id from its id or its exact name; NotFoundError when there is none."""
    if holder in (None, ""):
        return None
    row = None
    if isinstance(holder, int) or str(holder).isdigit():
        row = db.get(RightsHolder, int(holder)) if int(holder) < 2**63 else None
    if row is None:
        row = db.scalar(select(RightsHolder).where(RightsHolder.name == str(holder).strip()))
    if row is None:
        raise NotFoundError(f"no rights holder {holder!r}")
    return row.id


def audit(db: Session, actor_id: int | None, action: str, user_id: int | None, **detail) -> None:
    db.add(AuditEvent(user_id=actor_id, action=action, object_type="user", object_id=user_id,
                      detail=detail or None))


def find_user(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def get_user(db: Session, email_or_id: str | int) -> User:
    user = db.get(User, email_or_id) if isinstance(email_or_id, int) else find_user(db, email_or_id)
    if user is None:
        raise NotFoundError(f"no user {email_or_id!r}")
    return user


def create_user(db: Session, email: str, password: str, role: str, rights_holder: str | int | None = None, *,
                actor_id: int | None = None) -> User:
    """A new account; Conflict when the e-mail has one already (also when two requests race)."""
    email = check_email(email)
    holder_id = resolve_holder(db, rights_holder)
    role = check_role(role, holder_id)
    check_password(password, email)
    if find_user(db, email) is not None:
        raise Conflict("a user with that e-mail exists")
    user = User(email=email, password_hash=hash_password(password), role=role,
                rights_holder_id=holder_id if role == Role.rights_holder.value else None)
    try:
        with db.begin_nested():
            db.add(user)
            db.flush()
    except IntegrityError:
        raise Conflict("a user with that e-mail exists") from None
    audit(db, actor_id, "user_created", user.id, email=email, role=role, rights_holder_id=user.rights_holder_id)
    return user


def ensure_user(db: Session, email: str, password: str, role: str, rights_holder: str | int | None = None) -> User:
    """Set-up code (the demo, test fixtures): create the user or bring it to this password, role and holder."""
    user = find_user(db, email)
    if user is None:
        return create_user(db, email, password, role, rights_holder)
    holder_id = resolve_holder(db, rights_holder)
    user.role = check_role(role, holder_id)
    user.rights_holder_id = holder_id if role == Role.rights_holder.value else None
    if not verify_password(user.password_hash, password):
        set_password(db, user, password)
    db.flush()
    return user


def list_users(db: Session) -> list[tuple[User, str | None]]:
    return [tuple(r) for r in db.execute(select(User, RightsHolder.name)
                                         .outerjoin(RightsHolder, User.rights_holder_id == RightsHolder.id)
                                         .order_by(User.email))]


def end_sessions(db: Session, user: User, *, actor_id: int | None = None, reason: str = "logout_everywhere") -> None:
    """Every session of the account stops working (each carries the version it was made at)."""
    user.session_version = (user.session_version or 0) + 1
    audit(db, actor_id if actor_id is not None else user.id, "sessions_ended", user.id, reason=reason)


def set_password(db: Session, user: User, password: str, *, actor_id: int | None = None) -> User:
    """A new password (checked by the rule); the account's existing sessions end."""
    check_password(password, user.email)
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 0) + 1
    audit(db, actor_id if actor_id is not None else user.id, "password_changed", user.id,
          by_admin=actor_id is not None and actor_id != user.id)
    db.flush()
    return user


def change_own_password(db: Session, user_id: int, current: str, new: str) -> User:
    """The signed-in user's change: the current password first."""
    user = get_user(db, user_id)
    if not verify_password(user.password_hash, current or ""):
        raise Invalid("the current password is wrong")
    if new == current:
        raise Invalid("the new password must differ from the current one")
    return set_password(db, user, new)


def _other_enabled_admins(db: Session, user: User) -> int:
    return db.scalar(select(func.count(User.id)).where(User.role == Role.admin.value, User.id != user.id,
                                                       User.disabled_at.is_(None))) or 0


def set_disabled(db: Session, email_or_id: str | int, disabled: bool, *, actor_id: int | None = None) -> User:
    """Disable (its sessions end, log-in refused) or enable an account; the last admin stays enabled."""
    user = get_user(db, email_or_id)
    if disabled and user.role == Role.admin.value and not _other_enabled_admins(db, user):
        raise Conflict("that is the last enabled admin; add another admin first")
    if disabled and user.disabled_at is None:
        user.disabled_at = utcnow()
        user.session_version = (user.session_version or 0) + 1
    elif not disabled:
        user.disabled_at = None
    audit(db, actor_id, "user_disabled" if disabled else "user_enabled", user.id)
    db.flush()
    return user


def set_role(db: Session, email_or_id: str | int, role: str, rights_holder: str | int | None = None, *,
             actor_id: int | None = None) -> User:
    """Give an account another role (a rights_holder account its holder); the last enabled admin stays admin."""
    user = get_user(db, email_or_id)
    holder_id = resolve_holder(db, rights_holder) if role == Role.rights_holder.value else None
    role = check_role(role, holder_id)
    if user.role == Role.admin.value and role != Role.admin.value and not _other_enabled_admins(db, user):
        raise Conflict("that is the last enabled admin; add another admin first")
    before = (user.role, user.rights_holder_id)
    if before != (role, holder_id):
        user.role, user.rights_holder_id = role, holder_id
        audit(db, actor_id, "user_role_changed", user.id, before=before[0], after=role, rights_holder_id=holder_id)
        db.flush()
    return user


def remove_user(db: Session, email_or_id: str | int, *, actor_id: int | None = None) -> str:
    """Delete an account (its audit events stay, without it); the last admin cannot go."""
    user = get_user(db, email_or_id)
    if user.role == Role.admin.value and not _other_enabled_admins(db, user):
        raise Conflict("that is the last enabled admin; add another admin first")
    email = user.email
    audit(db, actor_id, "user_removed", user.id, email=email)
    db.delete(user)
    db.flush()
    return email


def session_user(db: Session, user_id: int | None, version: int | None) -> User | None:
    """The account a web session names, if it is enabled and the session is not older than its version."""
    user = db.get(User, user_id) if user_id else None
    if user is None or user.disabled_at is not None or (user.session_version or 0) != (version or 0):
        return None
    return user
