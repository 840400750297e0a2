"""API tokens over real HTTP (uvicorn on 127.0.0.1): made once on /account/tokens or by the CLI, hashed at
rest, scoped read or triage, expiring, revocable, audited; bearer requests need no CSRF token while cookies
without one are still refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from core.db import session_scope
from core.models import ApiToken, AuditEvent, Finding
from core.services import api_tokens
from liveserver import serving
from reports.web.app import create_app

PASSWORD = "correct horse battery"


@pytest.fixture
def base(world):
    with serving(create_app(world.settings)) as url:
        yield url


def signed_in(base: str, email: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, follow_redirects=False)
    r = client.post("/api/session", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client, r.json()["csrf_token"]


def make_token(base: str, email: str, scope: str, name: str = "script") -> str:
    """Through the page, as a person would: the token is in that answer only."""
    client, csrf = signed_in(base, email)
    r = client.post("/account/tokens", data={"name": name, "scope": scope, "days": "30", "csrf_token": csrf})
    assert r.status_code == 200, r.text[:300]
    secret = re.search(r'<code class="token">([^<]+)</code>', r.text).group(1)
    again = client.get("/account/tokens").text
    assert secret not in again and secret[:12] in again  # shown once; listed by its first characters
    return secret


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def pending_id(world) -> int:  # noqa: ANN001
    with session_scope(world.settings) as s:
        return s.scalar(select(Finding.id).where(Finding.state == "pending").order_by(Finding.id))


def test_read_token_reads_and_cannot_triage(base, world):
    token = make_token(base, "analyst@mamoru.test", "read")
    with session_scope(world.settings) as s:
        row = s.scalar(select(ApiToken))
        assert row.token_sha256 == api_tokens.digest(token) and token not in str(row.__dict__)
    with httpx.Client(base_url=base) as c:
        me = c.get("/api/me", headers=bearer(token)).json()
        assert me["email"] == "analyst@mamoru.test" and me["token_scope"] == "read" and me["csrf_token"] is None
        assert c.get("/api/findings", headers=bearer(token)).status_code == 200
        fid = pending_id(world)
        r = c.post(f"/api/findings/{fid}/decision", json={"action": "confirm"}, headers=bearer(token))
        assert r.status_code == 403 and "triage token" in r.json()["detail"]
        r = c.post("/api/findings/bulk", json={"ids": [fid], "action": "confirm"}, headers=bearer(token))
        assert r.status_code == 403
    with session_scope(world.settings) as s:
        assert s.get(Finding, fid).state == "pending"


def test_triage_token_decides_without_csrf_but_nothing_else(base, world):
    token = make_token(base, "analyst@mamoru.test", "triage")
    fid = pending_id(world)
    with httpx.Client(base_url=base) as c:
        r = c.post(f"/api/findings/{fid}/decision", json={"action": "confirm", "note": "by script"},
                   headers=bearer(token))
        assert r.status_code == 200 and r.json()["state"] == "confirmed"
        # writes other than triage stay with signed-in sessions
        assert c.post("/api/reports", json={"rights_holder_id": world.ids.holders[0], "week": "2026-W47"},
                      headers=bearer(token)).status_code == 403
        assert c.delete("/api/me/sessions", headers=bearer(token)).status_code == 403
        # a token never opens the pages
        assert c.get("/triage", headers=bearer(token), follow_redirects=False).status_code == 303
    with session_scope(world.settings) as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "confirm", AuditEvent.object_id == fid))
        assert event is not None and event.user_id is not None


def test_admin_triage_token_cannot_administer(base, world):
    token = make_token(base, "admin@mamoru.test", "triage")
    with httpx.Client(base_url=base) as c:
        assert c.get("/api/users", headers=bearer(token)).status_code == 200  # reading is what tokens do
        r = c.post("/api/holders", json={"name": "By token"}, headers=bearer(token))
        assert r.status_code == 403


def test_holder_gets_read_tokens_only(base, world):
    client, csrf = signed_in(base, "holder1@mamoru.test")
    r = client.post("/account/tokens", data={"name": "x", "scope": "triage", "days": "30", "csrf_token": csrf})
    assert r.status_code == 422 and "read" in r.text
    token = make_token(base, "holder1@mamoru.test", "read")
    with httpx.Client(base_url=base) as c:
        found = c.get("/api/findings", headers=bearer(token)).json()["findings"]
        assert found and {f["state"] for f in found} == {"confirmed"}
        assert {f["rights_holder"]["id"] for f in found} == {world.ids.holders[0]}


def test_expired_and_revoked_tokens_are_refused(base, world):
    expiring = make_token(base, "analyst@mamoru.test", "read", "expiring")
    revoked = make_token(base, "analyst@mamoru.test", "read", "revoked")
    with session_scope(world.settings) as s:
        s.execute(update(ApiToken).where(ApiToken.name == "expiring")
                  .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        revoked_id = s.scalar(select(ApiToken.id).where(ApiToken.name == "revoked"))
    client, csrf = signed_in(base, "analyst@mamoru.test")
    assert client.get("/api/me", headers=bearer(revoked)).status_code == 200
    r = client.post(f"/account/tokens/{revoked_id}/revoke", data={"csrf_token": csrf})
    assert r.status_code == 303
    with httpx.Client(base_url=base) as c:
        for token in (expiring, revoked, "mamoru_not-a-token", "mamoru_" + "x" * 500):
            r = c.get("/api/me", headers=bearer(token))
            assert r.status_code == 401, token
        assert c.get("/api/me", headers={"Authorization": "Basic YTpi"}).status_code == 401
    page = client.get("/account/tokens").text
    assert "revoked" in page and "expired" in page
    with session_scope(world.settings) as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.object_type == "api_token"))]
    assert actions.count("api_token_created") == 2 and actions.count("api_token_revoked") == 1
    # another user cannot revoke it
    other, other_csrf = signed_in(base, "admin@mamoru.test")
    assert other.post(f"/account/tokens/{revoked_id}/revoke", data={"csrf_token": other_csrf}).status_code == 404


def test_cookies_without_csrf_are_still_refused(base, world):
    client, _csrf = signed_in(base, "analyst@mamoru.test")
    fid = pending_id(world)
    r = client.post(f"/api/findings/{fid}/decision", json={"action": "confirm"})
    assert r.status_code == 403
    # a made-up bearer beside a valid cookie does not borrow the cookie's account
    r = client.post(f"/api/findings/{fid}/decision", json={"action": "confirm"}, headers=bearer("mamoru_x"))
    assert r.status_code == 401


def test_cli_creates_lists_and_revokes(world, base):
    from mamoru.cli.main import cli

    runner = CliRunner()
    made = runner.invoke(cli, ["users", "token", "create", "analyst@mamoru.test", "--name", "nightly",
                               "--scope", "triage", "--days", "7"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("mamoru_")
    listed = runner.invoke(cli, ["users", "token", "list", "analyst@mamoru.test"])
    assert "nightly" in listed.output and token[:12] in listed.output and token not in listed.output
    with httpx.Client(base_url=base) as c:
        assert c.get("/api/me", headers=bearer(token)).json()["token_scope"] == "triage"
    with session_scope(world.settings) as s:
        token_id = s.scalar(select(ApiToken.id).where(ApiToken.name == "nightly"))
    assert runner.invoke(cli, ["users", "token", "revoke", str(token_id)]).exit_code == 0
    with httpx.Client(base_url=base) as c:
        assert c.get("/api/me", headers=bearer(token)).status_code == 401
    bad = runner.invoke(cli, ["users", "token", "create", "holder1@mamoru.test", "--name", "x", "--scope", "triage"])
    assert bad.exit_code != 0 and "read" in bad.output
