"""Users and passwords (argon2id via argon2-cffi)."""

from __future__ import annotations

from datetime import UTC, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import AuditEvent, RightsHolder, Role, User, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
LOGIN_WINDOW_S = 900
LOGIN_MAX_FAILURES = 10  # per account and window (since its last log-in); then log-in answers 429


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


def account_id(session: Session, email: str) -> int | None:
    """The id of the user with this e-mail, if any."""
    return session.scalar(select(User.id).where(func.lower(User.email) == normalise_email(email)))


def login_blocked(session: Session, user_id: int) -> bool:
    """Too many failed log-ins on this account within the window and since its last successful one.
    Counted from the audit log (`login_failed` events name the account), so the limit holds across
    restarts and across the web app's processes."""
    cutoff = utcnow() - timedelta(seconds=LOGIN_WINDOW_S)
    last_login = session.scalar(select(func.max(AuditEvent.at)).where(
        AuditEvent.action == "login", AuditEvent.object_type == "user", AuditEvent.object_id == user_id))
    if last_login is not None and last_login.replace(tzinfo=last_login.tzinfo or UTC) > cutoff:
        cutoff = last_login
    failures = session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "login_failed", AuditEvent.object_type == "user", AuditEvent.object_id == user_id,
        AuditEvent.at > cutoff))
    return failures >= LOGIN_MAX_FAILURES


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
