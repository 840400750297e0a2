"""ensure_user is idempotent and keeps passwords hashed with argon2."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.models import RightsHolder, User
from core.services.errors import Invalid
from core.services.login import authenticate
from core.services.users import ensure_user


def test_ensure_user_is_idempotent(session):
    holder = RightsHolder(name="H")
    session.add(holder)
    session.flush()
    a = ensure_user(session, "Someone@Example.test", "first password", "analyst")
    assert a.password_hash.startswith("$argon2id$") and "first password" not in a.password_hash
    b = ensure_user(session, "someone@example.test", "second password", "rights_holder", holder.id)
    assert a.id == b.id and b.role == "rights_holder" and b.rights_holder_id == holder.id
    assert session.scalar(select(func.count(User.id))) == 1
    assert authenticate(session, "SOMEONE@example.test", "second password", "10.0.0.1").id == a.id
    assert authenticate(session, "someone@example.test", "first password", "10.0.0.1") is None
    assert authenticate(session, "nobody@example.test", "x", "10.0.0.1") is None


def test_ensure_user_validates(session):
    with pytest.raises(Invalid):
        ensure_user(session, "no-at-sign", "long enough password", "analyst")
    with pytest.raises(Invalid):
        ensure_user(session, "a@b.test", "long enough password", "rights_holder")  # needs its holder
    with pytest.raises(Invalid):
        ensure_user(session, "a@b.test", "long enough password", "superuser")
    with pytest.raises(Invalid):
        ensure_user(session, "a@b.test", "eleven char", "analyst")  # 11 characters
