"""Pages in-process: log-in, CSRF, triage desk, decisions with audit, bulk actions, portal, escaping."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import AuditEvent, Finding
from reports import write_weekly_report
from reports.sample import HOSTILE_TITLE, HOSTILE_UPLOADER
from reports.web.sessions import COOKIE_NAME

pytestmark = pytest.mark.anyio


async def test_login_logout_and_session_rotation(browser_for):
    b = await browser_for()
    r = await b.page("/triage")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Ftriage")
    await b.page("/login")
    anon_token = b.client.cookies.get(COOKIE_NAME)
    r = await b.client.post("/login", data={"email": "analyst@mamoru.test", "password": "wrong password",
                                            "csrf_token": b.csrf})
    assert r.status_code == 400 and "Wrong e-mail or password" in r.text
    r = await b.client.post("/login", data={"email": "analyst@mamoru.test", "password": "correct horse battery",
                                            "csrf_token": b.csrf, "next": "//evil.example/x"})
    assert r.status_code == 303 and r.headers["location"] == "/"  # no open redirect
    assert b.client.cookies.get(COOKIE_NAME) != anon_token  # fresh session at log-in
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    r = await b.page("/triage")
    assert r.status_code == 200
    r = await b.post("/logout")
    assert r.status_code == 303
    assert (await b.client.get("/triage")).status_code == 303


async def test_login_without_csrf_token_is_refused(browser_for):
    b = await browser_for()
    await b.page("/login")
    r = await b.client.post("/login", data={"email": "analyst@mamoru.test", "password": "correct horse battery"})
    assert r.status_code == 403


async def test_every_form_carries_csrf_and_posts_without_it_fail(browser_for, world):
    b = await browser_for("admin")
    for url in ("/triage", f"/findings/{world.ids.findings['pending'][0]}", "/reports", "/admin/users",
                "/admin/holders", "/admin/references", "/admin/watchlists"):
        html = (await b.page(url)).text
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, flags=re.S | re.I)
        assert forms, url
        for body in forms:
            assert 'name="csrf_token"' in body, (url, body[:200])
    fid = world.ids.findings["pending"][0]
    r = await b.client.post(f"/findings/{fid}/decision", data={"action": "confirm"})
    assert r.status_code == 403
    r = await b.client.post(f"/findings/{fid}/decision", data={"action": "confirm", "csrf_token": "forged"})
    assert r.status_code == 403
    r = await b.client.post("/api/findings/bulk", json={"ids": [fid], "action": "confirm"})
    assert r.status_code == 403
    with session_scope(world.settings) as s:
        assert s.get(Finding, fid).state == "pending"


async def test_triage_filters_and_sort(browser_for, world):
    b = await browser_for("analyst")
    html = (await b.page("/triage")).text
    assert len(re.findall(r'<tr data-id="', html)) == 4  # 2 pending per holder
    html = (await b.page(f"/triage?holder={world.ids.holders[0]}")).text
    assert len(re.findall(r'<tr data-id="', html)) == 2
    html = (await b.page("/triage?state=all&platform=tiktok")).text
    assert "<td>tiktok</td>" in html and "<td>youtube</td>" not in html
    html = (await b.page("/triage?state=all&min_score=0.9")).text
    scores = [float(s) for s in re.findall(r'<td class="n"[^>]*>(\d\.\d{3})<', html)]
    assert scores and all(s >= 0.9 for s in scores)
    html = (await b.page("/triage?state=all&sort=score_asc")).text
    scores = [float(s) for s in re.findall(r'<td class="n"[^>]*>(\d\.\d{3})<', html)]
    assert scores == sorted(scores)
    html = (await b.page("/triage?state=all&date_from=2026-11-30")).text
    assert "Nothing in the queue" in html
    html = (await b.page("/triage?min_score=banana&date_from=nope&sort=;drop")).text  # junk is ignored
    assert len(re.findall(r'<tr data-id="', html)) == 4


async def test_decision_is_audited_and_shown(browser_for, world):
    b = await browser_for("analyst")
    fid = world.ids.findings["pending"][0]
    await b.page(f"/findings/{fid}")
    r = await b.post(f"/findings/{fid}/decision", {"action": "confirm", "note": "clear <b>match</b>",
                                                   "next": "/triage"})
    assert r.status_code == 303 and r.headers["location"] == f"/triage?done={fid}"  # the desk confirms it
    with session_scope(world.settings) as s:
        f = s.get(Finding, fid)
        assert f.state == "confirmed" and f.note == "clear <b>match</b>" and f.decided_at and f.analyst_id
        events = s.scalars(select(AuditEvent).where(AuditEvent.object_type == "finding",
                                                    AuditEvent.object_id == fid)).all()
        assert [(e.action, e.detail["before"], e.detail["after"]) for e in events] == [
            ("confirm", "pending", "confirmed")]
    html = (await b.page(f"/findings/{fid}")).text
    assert "clear &lt;b&gt;match&lt;/b&gt;" in html and "pending → confirmed" in html


async def test_bulk_actions(browser_for, world):
    b = await browser_for("analyst")
    await b.page("/triage")
    ids = world.ids.findings["pending"]
    r = await b.client.post("/triage/bulk", data={"ids": [str(i) for i in ids], "action": "dismiss",
                                                  "note": "bulk", "csrf_token": b.csrf, "next": "/triage"})
    assert r.status_code == 303
    with session_scope(world.settings) as s:
        assert {s.get(Finding, i).state for i in ids} == {"dismissed"}
        assert len(s.scalars(select(AuditEvent).where(AuditEvent.action == "dismiss")).all()) == len(ids)
    assert "Nothing in the queue" in (await b.page("/triage")).text


async def test_hostile_text_is_escaped_everywhere(browser_for, world):
    write_weekly_report(world.settings, world.ids.holders[0], "2026-W47", formats=("json", "csv", "html"))
    hostile_id = world.ids.findings["confirmed"][0]
    pages = {}
    staff = await browser_for("analyst")
    for url in ("/triage?state=all", f"/findings/{hostile_id}", "/findings?state=all"):
        pages[url] = (await staff.page(url)).text
    holder = await browser_for("holder1")
    for url in ("/portal", f"/findings/{hostile_id}", "/findings"):
        pages["holder " + url] = (await holder.page(url)).text
    for url, html in pages.items():
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "<b>bold</b>" not in html, url
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in pages[f"/findings/{hostile_id}"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[f"/findings/{hostile_id}"]
    # the API returns the text as data, JSON-encoded
    r = await staff.client.get(f"/api/findings/{hostile_id}")
    assert r.json()["clip"]["title"] == HOSTILE_TITLE and r.json()["clip"]["uploader_name"] == HOSTILE_UPLOADER


async def test_security_headers(browser_for):
    b = await browser_for("analyst")
    r = await b.page("/triage")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"


async def test_portal_lists_reports_and_downloads(browser_for, world):
    write_weekly_report(world.settings, world.ids.holders[0], "2026-W47", formats=("csv", "json", "notices"))
    b = await browser_for("holder1")
    html = (await b.page("/portal")).text
    links = re.findall(r'<a class="download" data-format="(\w+)" href="(/reports/\d+/files/\d+)"', html)
    formats = [f for f, _ in links]
    assert formats[:2] == ["csv", "json"] and formats.count("notices") == 6
    r = await b.client.get(dict(links)["csv"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith("inline;") and r.content.startswith(b"\xef\xbb\xbf")
    saved = await b.client.get(dict(links)["csv"] + "?download=1")
    assert saved.headers["content-disposition"].startswith("attachment;")
    notice = next(href for f, href in links if f == "notices")
    assert "17 U.S.C." in (await b.client.get(notice)).text or "御中" in (await b.client.get(notice)).text
    other = await browser_for("holder2")
    assert "No reports yet" in (await other.page("/portal")).text
    with session_scope(world.settings) as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "report_downloaded")).all()


async def test_staff_build_report_from_page(browser_for, world):
    b = await browser_for("analyst")
    await b.page("/reports")
    r = await b.post("/reports/generate", {"holder": str(world.ids.holders[1]), "week": "2026-W47",
                                           "formats": "csv"})
    assert r.status_code == 303
    html = (await b.page("/reports")).text
    assert "Other Holder" in html and 'data-format="csv"' in html
