"""JSON API and management: OpenAPI, decisions, reports, reference uploads (checked), watchlists, users."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from core.db import session_scope
from core.models import AuditEvent, Reference, Watchlist
from core.services.errors import Invalid
from core.services.references import check_image

pytestmark = pytest.mark.anyio


def png_bytes(size=(64, 64), colour=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="PNG")
    return buf.getvalue()


def bomb_png() -> bytes:
    """A tiny file that claims a huge image (decompression bomb)."""
    buf = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


async def test_openapi_lists_the_api(browser_for):
    b = await browser_for()
    spec = (await b.client.get("/api/openapi.json")).json()
    paths = spec["paths"]
    for path in ("/api/session", "/api/findings", "/api/findings/{finding_id}", "/api/findings/{finding_id}/decision",
                 "/api/findings/bulk", "/api/reports", "/api/reports/{report_id}/files/{n}", "/api/references",
                 "/api/watchlists", "/api/users", "/api/audit"):
        assert path in paths, path
    assert not any(p.startswith(("/triage", "/admin", "/login")) for p in paths)


async def test_api_session_decision_and_bulk(browser_for, world):
    b = await browser_for()
    r = await b.client.post("/api/session", json={"email": "analyst@mamoru.test", "password": "nope nope"})
    assert r.status_code == 401
    r = await b.client.post("/api/session", json={"email": "Analyst@Mamoru.test",
                                                  "password": "correct horse battery"})
    assert r.status_code == 200 and r.json()["user"]["role"] == "analyst"
    b.csrf = r.json()["csrf_token"]
    data = (await b.client.get("/api/findings?state=pending&sort=score")).json()
    assert data["total"] == 4 and [f["score"] for f in data["findings"]] == sorted(
        (f["score"] for f in data["findings"]), reverse=True)
    fid = data["findings"][0]["finding_id"]
    r = await b.api_post(f"/api/findings/{fid}/decision", json={"action": "escalate", "note": "ask legal"})
    assert r.status_code == 200 and r.json()["state"] == "escalated" and r.json()["note"] == "ask legal"
    r = await b.api_post(f"/api/findings/{fid}/decision", json={"action": "explode"})
    assert r.status_code == 422
    rest = [f["finding_id"] for f in data["findings"][1:]]
    r = await b.api_post("/api/findings/bulk", json={"ids": rest, "action": "confirm"})
    assert r.json() == {"changed": 3}
    assert (await b.client.get("/api/findings")).json()["total"] == 0
    r = await b.api_post("/api/reports", json={"rights_holder_id": world.ids.holders[0], "week": "2026-W47",
                                               "formats": ["json"]})
    assert r.status_code == 200 and r.json()["files"][0]["format"] == "json"
    r = await b.api_post("/api/reports", json={"rights_holder_id": world.ids.holders[0], "week": "bad"})
    assert r.status_code == 422


async def test_holder_api_sees_only_own_confirmed(browser_for, world):
    b = await browser_for("holder1")
    data = (await b.client.get("/api/findings?state=all")).json()
    assert data["total"] == 3 + 3  # this week's 3 confirmed and 3 from earlier weeks
    assert {f["rights_holder"]["id"] for f in data["findings"]} == {world.ids.holders[0]}
    assert {f["state"] for f in data["findings"]} == {"confirmed"}
    data = (await b.client.get(f"/api/findings?holder={world.ids.holders[1]}")).json()
    assert data["total"] == 0


def test_check_image_rejects_bad_uploads():
    assert check_image(png_bytes())[0] == "PNG"
    for bad, why in ((b"", "empty"), (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a readable"),
                     (b"GIF89a" + b"\0" * 20, "not a readable"), (png_bytes((8, 8)), "too small"),
                     (bomb_png(), "pixels"), (png_bytes()[:60], "not a readable")):
        with pytest.raises(Invalid, match=why):
            check_image(bad)


async def test_admin_uploads_reference_and_manages_watchlists(redis_url, browser_for, world, art):
    import redis

    b = await browser_for("admin")
    await b.page("/admin/references")
    holder = str(world.ids.holders[0])
    files = {"image": ("../../evil name.png", art(7), "image/png")}
    r = await b.client.post("/admin/references", data={"csrf_token": b.csrf, "holder": holder,
                                                       "work": "New Work", "character": "Newbie",
                                                       "character_ja": "新人"}, files=files)
    assert r.status_code == 303 and "ok=" in r.headers["location"], r.headers["location"]
    with session_scope(world.settings) as s:
        ref = s.scalar(select(Reference).where(Reference.name == "evil-name"))
        assert ref is not None and ref.phash and world.settings.home_path(ref.path).parent == world.settings.references_dir
    r = await b.client.post("/admin/references", data={"csrf_token": b.csrf, "holder": holder, "work": "W",
                                                       "character": "C"},
                            files={"image": ("bomb.png", bomb_png(), "image/png")})
    assert "error=" in r.headers["location"]
    html = (await b.page("/admin/references")).text
    assert "evil-name" in html and "新人" in html

    r = await b.post("/admin/watchlists", {"rights_holder_id": holder, "platform": "tiktok", "kind": "hashtag",
                                           "value": "#skypirates", "schedule_minutes": "60"})
    assert "ok=" in r.headers["location"]
    with session_scope(world.settings) as s:
        w = s.scalar(select(Watchlist))
        wid = w.id
    await b.post(f"/admin/watchlists/{wid}/pause")
    r = await b.post(f"/admin/watchlists/{wid}/run")
    assert "crawl+queued" in r.headers["location"], r.headers["location"]
    queued = [json.loads(m)["headers"] for m in redis.Redis.from_url(redis_url).lrange("io", 0, -1)]
    assert {"task": "crawl_watchlist", "argsrepr": f"[{wid}]"}.items() <= next(
        h for h in queued if h["task"] == "crawl_watchlist").items()
    with session_scope(world.settings) as s:
        w = s.get(Watchlist, wid)
        assert w.enabled is False and w.last_run_at is None
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert {"reference_added", "watchlist_added", "watchlist_paused", "watchlist_run"} <= set(actions)
    html = (await b.page("/admin/audit")).text
    assert "watchlist_paused" in html


async def test_run_now_without_a_broker_answers_503_in_one_line(world, monkeypatch):
    """Nothing listens on the broker's port: "Run now" says so (503), quickly, and records no run."""
    import socket
    import time

    from core.config import get_settings
    from reports.web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("MAMORU_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    get_settings.cache_clear()
    app = create_app(get_settings())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        login = await c.post("/api/session", json={"email": "admin@mamoru.test", "password": "correct horse battery"})
        token = login.json()["csrf_token"]
        r = await c.post("/api/watchlists", headers={"X-CSRF-Token": token},
                         json={"rights_holder_id": world.ids.holders[0], "platform": "youtube", "kind": "search",
                               "value": "sky pirates"})
        assert r.status_code == 201, r.text
        wid = r.json()["id"]
        started = time.monotonic()
        r = await c.post(f"/api/watchlists/{wid}/run", headers={"X-CSRF-Token": token})
        assert r.status_code == 503 and "unreachable" in r.json()["detail"], r.text
        assert time.monotonic() - started < 15
    with session_scope(world.settings) as s:
        assert not s.scalars(select(AuditEvent).where(AuditEvent.action == "watchlist_run")).all()
    get_settings.cache_clear()


async def test_admin_creates_users_and_holders(browser_for, world):
    b = await browser_for("admin")
    await b.page("/admin/users")
    r = await b.post("/admin/users", {"email": "new@holder.test", "password": "short", "role": "rights_holder",
                                      "rights_holder_id": str(world.ids.holders[1])})
    assert "error=" in r.headers["location"]
    r = await b.post("/admin/users", {"email": "new@holder.test", "password": "long enough pw",
                                      "role": "rights_holder", "rights_holder_id": str(world.ids.holders[1])})
    assert "ok=" in r.headers["location"]
    newbie = await browser_for()
    assert (await newbie.login("new@holder.test", "long enough pw")).status_code == 303
    r = await b.post("/admin/holders", {"name": "<b>Bold</b> Holder", "contact_email": "a@b.test"})
    assert "ok=" in r.headers["location"]
    assert "&lt;b&gt;Bold&lt;/b&gt; Holder" in (await b.page("/admin/holders")).text


async def test_api_docs_are_served_without_a_cdn(browser_for):
    b = await browser_for()
    html = (await b.client.get("/api/docs")).text
    assert "/api/openapi.json" in html
    assert "cdn." not in html and "/api/docs-assets/swagger-ui-bundle.js" in html
    assert (await b.client.get("/api/docs-assets/swagger-ui-bundle.js")).status_code == 200
