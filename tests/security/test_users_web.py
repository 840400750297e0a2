"""Accounts in the web app: change password (other sessions end), log out everywhere, admin disable and
reset, and an add-user form that starts at the least privilege."""

from __future__ import annotations

import re

import pytest

from core.db import session_scope
from core.services import users

pytestmark = pytest.mark.anyio
RIGHT = "correct horse battery"
NEW = "a brand new passphrase"


async def test_a_password_change_ends_the_other_sessions(browser_for):
    here, elsewhere = await browser_for("analyst"), await browser_for("analyst")
    assert (await elsewhere.page("/triage")).status_code == 200
    r = await here.post("/account/password", {"current": RIGHT, "new": NEW, "repeat": NEW})
    assert r.status_code == 303 and "ok=" in r.headers["location"]
    assert (await here.page("/triage")).status_code == 200  # this browser got a fresh session
    assert (await elsewhere.page("/triage")).status_code == 303  # the other one is logged out
    fresh = await browser_for()
    assert (await fresh.login("analyst@mamoru.test", NEW)).status_code == 303


async def test_a_weak_or_unproven_change_is_refused(browser_for):
    b = await browser_for("analyst")
    for form in ({"current": "wrong wrong wrong", "new": NEW, "repeat": NEW},
                 {"current": RIGHT, "new": "password", "repeat": "password"},
                 {"current": RIGHT, "new": "analyst@mamoru.test", "repeat": "analyst@mamoru.test"},
                 {"current": RIGHT, "new": NEW, "repeat": NEW + "x"}):
        r = await b.post("/account/password", form)
        assert "error=" in r.headers["location"], form
    assert (await b.page("/triage")).status_code == 200


async def test_api_password_change_and_log_out_everywhere(browser_for):
    api, other = await browser_for("holder1"), await browser_for("holder1")
    r = await api.api_post("/api/me/password", json={"current": RIGHT, "new": NEW})
    assert r.status_code == 200
    api.csrf = r.json()["csrf_token"]
    assert (await api.client.get("/api/me")).status_code == 200
    assert (await other.client.get("/api/me")).status_code == 401
    r = await api.client.delete("/api/me/sessions", headers={"X-CSRF-Token": api.csrf})
    assert r.status_code == 200 and (await api.client.get("/api/me")).status_code == 401


async def test_log_out_everywhere_from_the_account_page(browser_for):
    a, b = await browser_for("admin"), await browser_for("admin")
    assert "Log out of every browser" in (await a.page("/account")).text
    r = await a.post("/account/logout-everywhere")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert (await a.page("/admin/users")).status_code == 303 and (await b.page("/admin/users")).status_code == 303


async def test_admin_disables_and_resets(browser_for, world):
    admin, victim = await browser_for("admin"), await browser_for("holder2")
    with session_scope(world.settings) as s:
        uid = users.find_user(s, "holder2@mamoru.test").id
    assert (await admin.post(f"/admin/users/{uid}/disable")).status_code == 303
    assert (await victim.page("/portal")).status_code == 303  # its session ended
    assert (await (await browser_for()).login("holder2@mamoru.test")).status_code == 400
    assert (await admin.post(f"/admin/users/{uid}/enable")).status_code == 303
    r = await admin.post(f"/admin/users/{uid}/password", {"password": "short"})
    assert "error=" in r.headers["location"]
    r = await admin.post(f"/admin/users/{uid}/password", {"password": NEW})
    assert "ok=" in r.headers["location"]
    assert (await (await browser_for()).login("holder2@mamoru.test", NEW)).status_code == 303
    r = await admin.client.patch(f"/api/users/{uid}", json={"disabled": True}, headers={"X-CSRF-Token": admin.csrf})
    assert r.status_code == 200 and r.json()["disabled"] is True
    r = await admin.client.delete(f"/api/users/{uid}", headers={"X-CSRF-Token": admin.csrf})
    assert r.status_code == 200
    assert (await admin.client.delete(f"/api/users/{uid}", headers={"X-CSRF-Token": admin.csrf})).status_code == 404


async def test_the_add_user_form_starts_at_the_least_privilege(browser_for):
    html = (await (await browser_for("admin")).page("/admin/users")).text
    select = re.search(r'<select name="role">(.*?)</select>', html, re.S).group(1)
    assert re.search(r"<option selected>rights_holder</option>", select)
    assert "<option selected>admin" not in select and 'minlength="12"' in html


async def test_api_user_rules(browser_for):
    b = await browser_for("admin")
    bad = await b.api_post("/api/users", json={"email": "n@x.test", "password": "12345678", "role": "analyst"})
    assert bad.status_code == 422 and "12 characters" in bad.json()["detail"]
    ok = await b.api_post("/api/users", json={"email": "n@x.test", "password": NEW, "role": "analyst"})
    assert ok.status_code == 201
    dup = await b.api_post("/api/users", json={"email": "N@x.test", "password": NEW, "role": "analyst"})
    assert dup.status_code == 409
