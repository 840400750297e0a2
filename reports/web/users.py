"""Users and passwords (argon2id via argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mamoru.models import RightsHolder, Role, User

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# Verifying against this when the e-mail is unknown keeps log-in time the same for unknown users.
_DUMMY_HASH = _hasher.hash("mamoru-no-such-user")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def validate_user(email: str, password: str | None, role: str, rights_holder_id: int | None,
                  min_length: int = MIN_PASSWORD_LENGTH) -> None:
    if "@" not in email or len(email) > 320 or any(ch.isspace() for ch in email):
        raise ValueError("a valid e-mail address is required")
    if role not in {r.value for r in Role}:
        raise ValueError(f"role must be one of {', '.join(r.value for r in Role)}")
    if role == Role.rights_holder.value and not rights_holder_id:
        raise ValueError("a rights_holder user needs its rights holder")
    if password is not None and len(password) < max(1, min_length):
        raise ValueError(f"passwords need at least {max(1, min_length)} characters")


def ensure_user(session: Session, email: str, password: str, role: str,
                rights_holder_id: int | None = None) -> User:
    """Create the user, or bring an existing one (same e-mail) to this password, role and holder.

    For set-up code (demo log-ins): any non-empty password; the admin pages and API ask for 8 characters.
    """
    email = normalise_email(email)
    role = Role(role).value
    validate_user(email, password, role, rights_holder_id, min_length=1)
    if rights_holder_id is not None and session.get(RightsHolder, rights_holder_id) is None:
        raise ValueError(f"no rights holder with id {rights_holder_id}")
    holder = rights_holder_id if role == Role.rights_holder.value else None
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        user = User(email=email, password_hash=hash_password(password), role=role, rights_holder_id=holder)
        session.add(user)
    else:
        if not verify_password(user.password_hash, password):
            user.password_hash = hash_password(password)
        user.role, user.rights_holder_id = role, holder
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    if user is None:
        verify_password(_DUMMY_HASH, password or "")
        return None
    if not verify_password(user.password_hash, password or ""):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
