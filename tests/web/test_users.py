"""ensure_user is idempotent and keeps passwords hashed with argon2."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.models import RightsHolder, User
from reports.web.users import authenticate, ensure_user


def test_ensure_user_is_idempotent(session):
    holder = RightsHolder(name="H")
    session.add(holder)
    session.flush()
    a = ensure_user(session, "Someone@Example.test", "first password", "analyst")
    assert a.password_hash.startswith("$argon2id$") and "first password" not in a.password_hash
    b = ensure_user(session, "someone@example.test", "second password", "rights_holder", holder.id)
    assert a.id == b.id and b.role == "rights_holder" and b.rights_holder_id == holder.id
    assert session.scalar(select(func.count(User.id))) == 1
    assert authenticate(session, "SOMEONE@example.test", "second password").id == a.id
    assert authenticate(session, "someone@example.test", "first password") is None
    assert authenticate(session, "nobody@example.test", "x") is None


def test_ensure_user_validates(session):
    with pytest.raises(ValueError):
        ensure_user(session, "no-at-sign", "long enough", "analyst")
    with pytest.raises(ValueError):
        ensure_user(session, "a@b.test", "long enough", "rights_holder")  # needs its holder
    with pytest.raises(ValueError):
        ensure_user(session, "a@b.test", "long enough", "superuser")
