"""Log-in: password check with throttling per client address and per attempted e-mail.

Failures beyond a free allowance make the key wait a doubling delay (capped) before its next attempt
is even tried: nobody can lock an account for good, and a spray from one address slows down fast.
The state is in the database, so every web process shares it. Every refusal (unknown e-mail, wrong
password, disabled account, a key still waiting) gives the same answer after the same argon2 work.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.models import LoginThrottle, User, utcnow
from core.services import users

REFUSED = "Wrong e-mail or password, or too many attempts: wait a little and try again."
EMAIL_FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
EMAIL_MAX_DELAY_S = 60  # an attacker can slow an account's log-in by a minute per guess at most
ADDRESS_MAX_DELAY_S = 15 * 60
FORGET_AFTER_S = 3600  # a key with no failure for this long starts again from zero


@dataclass(frozen=True)
class ThrottleRule:
    prefix: str
    free_failures: int
    max_delay_s: int
    first_delay_s: int = 1


EMAIL_RULE = ThrottleRule("email", EMAIL_FREE_FAILURES, EMAIL_MAX_DELAY_S)
ADDRESS_RULE = ThrottleRule("addr", ADDRESS_FREE_FAILURES, ADDRESS_MAX_DELAY_S)


def email_key(email: str) -> str:
    """The throttle key of an attempted e-mail (hashed: unknown ones are not kept in clear)."""
    return "email:" + hashlib.sha256(users.normalise_email(email).encode()).hexdigest()[:64]


def address_key(address: str | None) -> str:
    return "addr:" + (address or "unknown")[:64]


def delay_after(failures: int, rule: ThrottleRule) -> int:
    """Seconds to wait after FAILURES failures: none within the allowance, then 1, 2, 4... up to the cap.
    Attempts made while a key waits are refused untried and not counted."""
    over = failures - rule.free_failures
    return 0 if over <= 0 else min(rule.max_delay_s, rule.first_delay_s * 2 ** min(over - 1, 30))


def _aware(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def waiting(db: Session, key: str) -> bool:
    row = db.get(LoginThrottle, key)
    return bool(row and row.blocked_until and _aware(row.blocked_until) > utcnow())


def note_failure(db: Session, key: str, rule: ThrottleRule) -> None:
    now = utcnow()
    row = db.get(LoginThrottle, key, with_for_update=True)
    if row is None:
        forget_stale(db, now)
        try:
            with db.begin_nested():
                row = LoginThrottle(key=key, failures=0, last_failure_at=now)
                db.add(row)
                db.flush()
        except IntegrityError:  # another process made it meanwhile
            row = db.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
    if _aware(row.last_failure_at) < now - timedelta(seconds=FORGET_AFTER_S):
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    wait = delay_after(row.failures, rule)
    row.blocked_until = now + timedelta(seconds=wait) if wait else None
    db.flush()


def forget_stale(db: Session, now: datetime) -> int:
    """Drop keys with no failure for FORGET_AFTER_S and no wait left (a spray of made-up e-mails would
    otherwise grow the table without end)."""
    return db.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure_at < now - timedelta(seconds=FORGET_AFTER_S),
        or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now))).rowcount


def forget(db: Session, key: str) -> None:
    row = db.get(LoginThrottle, key)
    if row is not None:
        db.delete(row)
        db.flush()


def authenticate(db: Session, email: str, password: str, address: str | None, *,
                 trusted_email: bool = False) -> User | None:
    """The account when the e-mail and password match and neither key is waiting; None otherwise.

    TRUSTED_EMAIL (the browser holds a signed cookie from an earlier log-in to this account) skips the
    e-mail key, so a stranger hammering an account does not slow down its owner's usual browser.
    Each call costs one argon2 verification whatever the outcome.
    """
    password = (password or "")[:users.MAX_PASSWORD_LENGTH]
    keys = [(address_key(address), ADDRESS_RULE)]
    if not trusted_email:
        keys.append((email_key(email), EMAIL_RULE))
    blocked = any(waiting(db, key) for key, _ in keys)
    user = users.find_user(db, email) if len(email or "") <= users.MAX_EMAIL_LENGTH else None
    usable = user is not None and user.disabled_at is None and not blocked
    ok = users.verify_password(user.password_hash if usable else None, password)
    if not ok:
        if not blocked:
            for key, rule in keys:
                note_failure(db, key, rule)
        users.audit(db, None, "login_failed", user.id if user else None,
                    **({} if user else {"email": users.mask_email(email)}))
        return None
    if users.needs_rehash(user.password_hash):
        user.password_hash = users.hash_password(password)
    forget(db, email_key(email))
    users.audit(db, user.id, "login", user.id)
    return user


def throttled_keys(db: Session) -> list[LoginThrottle]:
    """Keys waiting now (for the admin's view and the tests)."""
    return list(db.scalars(select(LoginThrottle).where(LoginThrottle.blocked_until > utcnow())))
