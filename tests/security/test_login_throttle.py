"""Log-in throttling per client address and per attempted e-mail, with growing delays, state in the
database, and one answer in one time for unknown, wrong and throttled attempts."""

from __future__ import annotations

import json
import statistics
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from core.db import session_scope
from core.models import AuditEvent, LoginThrottle, utcnow
from core.services import login
from reports.web.app import create_app

pytestmark = pytest.mark.anyio
RIGHT = "correct horse battery"


def client(app, address: str) -> httpx.AsyncClient:  # noqa: ANN001
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def attempt(c: httpx.AsyncClient, email: str, password: str) -> tuple[int, str, float]:
    start = time.perf_counter()
    r = await c.post("/api/session", json={"email": email, "password": password})
    return r.status_code, r.json().get("detail", ""), time.perf_counter() - start


@pytest.fixture(autouse=True)
def slow_first_delay(monkeypatch):
    """The same rules, but a first delay of 30 s, so no test races a one-second wait on a busy machine."""
    monkeypatch.setattr(login, "EMAIL_RULE", login.ThrottleRule("email", login.EMAIL_FREE_FAILURES,
                                                                 login.EMAIL_MAX_DELAY_S, first_delay_s=30))
    monkeypatch.setattr(login, "ADDRESS_RULE", login.ThrottleRule("addr", login.ADDRESS_FREE_FAILURES,
                                                                   login.ADDRESS_MAX_DELAY_S, first_delay_s=30))


def test_delays_grow_from_the_allowance_to_a_cap():
    rule = login.ThrottleRule("email", login.EMAIL_FREE_FAILURES, login.EMAIL_MAX_DELAY_S)
    waits = [login.delay_after(n, rule) for n in range(1, 20)]
    assert waits[:rule.free_failures] == [0] * rule.free_failures
    grown = [w for w in waits if w]
    assert grown[:3] == [1, 2, 4] and max(grown) == rule.max_delay_s and grown == sorted(grown)


async def test_unknown_wrong_and_throttled_answer_alike(app, world):
    """Same status, same text and about the same time (one argon2 verification each); before, a locked
    account answered 429 in 3 ms and an unknown e-mail 401 in 87 ms."""
    async with client(app, "10.1.0.1") as c:
        times = {"wrong": [], "unknown": [], "throttled": []}
        answers = set()
        for _ in range(login.EMAIL_FREE_FAILURES + 1):
            status, text, took = await attempt(c, "analyst@mamoru.test", "wrong password!")
            answers.add((status, text))
            times["wrong"].append(took)
        for i in range(4):
            status, text, took = await attempt(c, f"nobody{i}@mamoru.test", "wrong password!")
            answers.add((status, text))
            times["unknown"].append(took)
        for _ in range(4):  # the right password while the e-mail waits
            status, text, took = await attempt(c, "analyst@mamoru.test", RIGHT)
            answers.add((status, text))
            times["throttled"].append(took)
    assert answers == {(401, login.REFUSED)}
    medians = {k: statistics.median(v) for k, v in times.items()}
    assert medians["throttled"] > 0.4 * medians["wrong"] and medians["unknown"] > 0.4 * medians["wrong"], medians


async def test_the_delay_ends_and_the_owner_gets_in(app, world):
    async with client(app, "10.1.0.2") as c:
        for _ in range(login.EMAIL_FREE_FAILURES + 2):
            await attempt(c, "analyst@mamoru.test", "wrong password!")
        assert (await attempt(c, "analyst@mamoru.test", RIGHT))[0] == 401
        with session_scope(world.settings) as s:
            row = s.get(LoginThrottle, login.email_key("analyst@mamoru.test"))
            wait = (row.blocked_until.replace(tzinfo=None) - utcnow().replace(tzinfo=None)).total_seconds()
            assert 0 < wait <= login.EMAIL_MAX_DELAY_S
            s.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
        assert (await attempt(c, "analyst@mamoru.test", RIGHT))[0] == 200


async def test_a_stranger_cannot_lock_the_owner_out(app, world):
    """The owner's browser, known from an earlier log-in, is not slowed by a stranger's guesses at the
    same account (from another address); a new browser waits at most EMAIL_MAX_DELAY_S."""
    async with client(app, "10.1.0.3") as owner, client(app, "10.9.9.9") as stranger:
        assert (await attempt(owner, "admin@mamoru.test", RIGHT))[0] == 200
        await owner.delete("/api/session", headers={"X-CSRF-Token": "x"})  # the cookie mark stays
        for _ in range(login.EMAIL_FREE_FAILURES + 4):
            await attempt(stranger, "admin@mamoru.test", "guess guess guess")
        assert (await attempt(stranger, "admin@mamoru.test", RIGHT))[0] == 401
        assert (await attempt(owner, "admin@mamoru.test", RIGHT))[0] == 200


async def test_a_spray_from_one_address_is_slowed_for_every_account(app, world):
    async with client(app, "10.1.0.4") as sprayer, client(app, "10.1.0.5") as other:
        for i in range(login.ADDRESS_FREE_FAILURES + 1):
            await attempt(sprayer, f"user{i}@mamoru.test", "Summer2026!Summer")
        assert (await attempt(sprayer, "holder1@mamoru.test", RIGHT))[0] == 401
        assert (await attempt(other, "holder1@mamoru.test", RIGHT))[0] == 200


async def test_the_throttle_is_shared_by_every_web_process(app, world):
    async with client(app, "10.1.0.6") as c:
        for _ in range(login.EMAIL_FREE_FAILURES + 1):
            await attempt(c, "analyst@mamoru.test", "wrong password!")
    async with client(create_app(world.settings), "10.1.0.7") as c2:  # another process, as far as state goes
        assert (await attempt(c2, "analyst@mamoru.test", RIGHT))[0] == 401


async def test_no_password_or_hash_reaches_the_audit_or_the_log(app, world, caplog):
    secret = "my secret typed in the wrong field"
    async with client(app, "10.1.0.8") as c:
        await attempt(c, secret.replace(" ", "") + "@nowhere.test", secret)
        await attempt(c, "analyst@mamoru.test", secret)
        assert (await attempt(c, "analyst@mamoru.test", RIGHT))[0] == 200
    with session_scope(world.settings) as s:
        events = s.scalars(select(AuditEvent)).all()
        dump = json.dumps([e.detail for e in events])
    assert secret not in dump and "mysecret" not in dump and "$argon2" not in dump
    assert any(e.action == "login_failed" and e.object_id is None and (e.detail or {}).get("email") == "m***@n***"
               for e in events)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert secret not in logged and RIGHT not in logged


def test_stale_keys_are_forgotten(session):
    old = utcnow() - timedelta(seconds=login.FORGET_AFTER_S + 60)
    session.add(LoginThrottle(key="email:stale", failures=3, last_failure_at=old))
    session.add(LoginThrottle(key="addr:waiting", failures=40, last_failure_at=old,
                              blocked_until=utcnow() + timedelta(seconds=60)))
    session.flush()
    login.note_failure(session, login.address_key("10.2.0.1"), login.ADDRESS_RULE)
    keys = set(session.scalars(select(LoginThrottle.key)))
    assert keys == {"addr:waiting", login.address_key("10.2.0.1")}
