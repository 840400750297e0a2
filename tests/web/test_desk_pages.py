"""Triage and admin fixes through the pages, in-process (issue 16 item 5): each failed before its fix."""

from __future__ import annotations

import io
import re
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from sqlalchemy import func, select

from core.db import session_scope
from core.models import AuditEvent, Clip, Finding, Reference, RightsHolder
from core.services.triage import decide
from core.services.users import find_user

pytestmark = pytest.mark.anyio
MICROSECONDS = re.compile(r"\d\d:\d\d:\d\d\.\d+")


def message(location: str, key: str) -> str:
    return parse_qs(urlsplit(location).query).get(key, [""])[0]


async def test_bulk_apply_with_nothing_selected_says_so(browser_for, world):
    b = await browser_for("analyst")
    await b.page("/triage")
    r = await b.post("/triage/bulk", {"action": "confirm", "next": "/triage?state=pending"})
    assert r.status_code == 303 and "nothing selected" in message(r.headers["location"], "error")
    html = (await b.page(r.headers["location"])).text
    assert "nothing selected: tick the findings" in html
    r = await b.post("/triage/bulk", {"ids": str(world.ids.findings["pending"][0]), "action": "", "next": "/triage"})
    assert "choose an action" in message(r.headers["location"], "error")
    with session_scope(world.settings) as s:
        assert s.get(Finding, world.ids.findings["pending"][0]).state == "pending"


async def test_a_desk_decision_is_confirmed_and_can_be_undone(browser_for, world):
    b = await browser_for("analyst")
    await b.page("/triage")
    fid = world.ids.findings["pending"][0]
    r = await b.post(f"/findings/{fid}/decision", {"action": "dismiss", "note": "", "next": "/triage?sort=newest"})
    assert r.headers["location"] == f"/triage?sort=newest&done={fid}"
    html = (await b.page(r.headers["location"])).text
    assert f"Finding #{fid} is now <strong>dismissed</strong>" in html and 'id="undo"' in html
    assert 'name="next" value="/triage?sort=newest"' in html  # the message is not carried into links
    r = await b.post(f"/findings/{fid}/undo", {"next": "/triage?sort=newest"})
    assert "pending again" in message(r.headers["location"], "ok")
    with session_scope(world.settings) as s:
        assert s.get(Finding, fid).state == "pending"
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.object_id == fid,
                                                                        AuditEvent.object_type == "finding"))]
    assert actions == ["dismiss", "undo"]
    r = await b.post(f"/findings/{fid}/undo", {"next": "/triage"})
    assert "no decision to undo" in message(r.headers["location"], "error")


async def test_finding_page_moves_on_and_offers_undo(browser_for, world):
    b = await browser_for("analyst")
    pending = world.ids.findings["pending"]
    html = (await b.page(f"/findings/{pending[0]}?next=/triage")).text
    assert 'name="advance" value="1"' in html
    r = await b.post(f"/findings/{pending[0]}/decision", {"action": "confirm", "next": "/triage", "advance": "1"})
    target = urlsplit(r.headers["location"])
    nxt = int(target.path.rsplit("/", 1)[1])
    assert nxt != pending[0] and nxt in pending and parse_qs(target.query)["done"] == [str(pending[0])]
    html = (await b.page(r.headers["location"])).text
    assert f"Finding #{pending[0]} is now <strong>confirmed</strong>" in html
    # the undo form brings the analyst back to the finding that was undone
    assert f'value="/findings/{pending[0]}?next=/triage"' in html
    # the last pending one: back to the queue
    with session_scope(world.settings) as s:
        left = [f for f in s.scalars(select(Finding.id).where(Finding.state == "pending"))]
        decide(s, None, [f for f in left if f != nxt], "dismiss", None)
    r = await b.post(f"/findings/{nxt}/decision", {"action": "dismiss", "next": "/triage", "advance": "1"})
    assert r.headers["location"] == f"/triage?done={nxt}"


async def test_finding_page_note_starts_empty_and_current_state_is_disabled(browser_for, world):
    b = await browser_for("analyst")
    fid = world.ids.findings["escalated"][0]
    with session_scope(world.settings) as s:
        s.get(Finding, fid).note = "asked legal on Monday"
    html = (await b.page(f"/findings/{fid}")).text
    note = re.search(r'<input type="text" name="note"[^>]*>', html).group(0)
    assert 'value=""' in note and "current note: asked legal on Monday" in note
    assert re.search(r'<button name="action" value="escalate" class="escalate" disabled', html)
    assert not re.search(r'value="confirm" class="confirm" disabled', html)


async def test_times_views_thumbnails_and_words(browser_for, world):
    b = await browser_for("analyst")
    fid = world.ids.findings["pending"][0]
    with session_scope(world.settings) as s:
        f = s.get(Finding, fid)
        s.get(Clip, f.clip_id).view_count = None
        f.method = "phash+orb-ransac"
        f.clip_share = 1.0
    desk = (await b.page("/triage")).text
    page = (await b.page(f"/findings/{fid}")).text
    decided = (await b.page(f"/findings/{world.ids.findings['confirmed'][0]}")).text
    for html in (desk, page, decided):
        assert not MICROSECONDS.search(html) and "+00:00" not in html
    row = re.search(rf'<tr data-id="{fid}".*?</tr>', desk, re.S).group(0)
    assert "views unknown" in row and "frame.jpg?size=320" in row
    assert re.search(r">\s*6\.5 s<", row) and "100 %" in row  # match length and share of the clip
    assert '<th scope="col">match</th><th scope="col">share of clip</th>' in desk
    assert "views unknown" in page and "the reference is visible in 100% of the clip" in page
    assert "perceptual hash matched; then local features matched with a consistent geometry" in page
    assert re.search(r"found at 3\.0–7\.5 s, 12\.0–14\.0 s \(6\.5 s in all\)", page)


async def test_reach_in_the_markup(browser_for, world):
    b = await browser_for("admin")
    for path in ("/triage", "/findings", f"/findings/{world.ids.findings['pending'][0]}", "/admin/users",
                 "/admin/references", "/admin/audit", "/admin/watchlists", "/admin/holders", "/reports"):
        html = (await b.page(path)).text
        assert '<a class="skip" href="#main">' in html and '<main id="main"' in html, path
        assert not re.search(r"<th(?![^>]*scope=)[ >]", html), path
    html = (await b.page("/triage")).text
    assert '<span lang="ja">ハナ</span>' in html and '<span lang="ja">Clip' in html
    assert 'id="shortcuts"' in html and 'id="announce"' in html and "/static/shortcuts.js" in html


def png_as_jpeg(data: bytes) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


async def test_reference_uploads_never_move_or_duplicate_silently(browser_for, world, art):
    b = await browser_for("admin")
    await b.page("/admin/references")
    holder = str(world.ids.holders[0])

    async def upload(data, name, work, character, fmt="image/png"):
        return await b.client.post("/admin/references", data={"csrf_token": b.csrf, "holder": holder, "work": work,
                                                               "character": character},
                                   files={"image": (name, data, fmt)})

    first = await upload(art(21), "hero.png", "Sea Tale", "Hero")
    assert "ok=" in first.headers["location"]
    again = await upload(art(21), "hero.png", "Sea Tale", "Villain")
    assert "is already reference" in message(again.headers["location"], "error")
    assert "move it explicitly" in message(again.headers["location"], "error")
    recoded = await upload(png_as_jpeg(art(21)), "hero.jpg", "Sea Tale", "Hero", "image/jpeg")
    assert "same picture (re-encoded)" in message(recoded.headers["location"], "error")
    long = await upload(art(22), "long.png", "W" * 5000, "Hero")
    assert "longer than 200 characters (5000)" in message(long.headers["location"], "error")
    with session_scope(world.settings) as s:
        refs = s.scalars(select(Reference).where(Reference.name == "hero")).all()
        assert len(refs) == 1 and s.scalar(select(func.count()).select_from(Reference)
                                           .where(Reference.name.like("hero%"))) == 1
        added = s.scalars(select(AuditEvent).where(AuditEvent.action == "reference_added")).all()
        assert len(added) == 1 and not s.scalars(select(AuditEvent).where(AuditEvent.action == "reference_moved")).all()
    html = (await b.page("/admin/references")).text
    assert "W" * 300 not in html


async def test_long_holder_names_are_refused_with_a_clear_line(browser_for):
    b = await browser_for("admin")
    await b.page("/admin/holders")
    r = await b.post("/admin/holders", {"name": "x" * 5000})
    assert message(r.headers["location"], "error") == "a holder name is longer than 200 characters (5000)"


async def test_run_now_page_answers_503_with_a_sentence(world, browser_for, monkeypatch):
    from core.config import get_settings
    from reports.web.app import create_app
    from tests.conftest import Browser

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("MAMORU_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    get_settings.cache_clear()
    b = Browser(create_app(get_settings()))
    try:
        assert (await b.login("admin@mamoru.test")).status_code == 303
        await b.page("/admin/watchlists")
        r = await b.post("/admin/watchlists", {"rights_holder_id": str(world.ids.holders[0]), "platform": "youtube",
                                               "kind": "search", "value": "sky pirates"})
        with session_scope(world.settings) as s:
            wid = s.scalar(select(func.max(AuditEvent.object_id)).where(AuditEvent.action == "watchlist_added"))
        r = await b.post(f"/admin/watchlists/{wid}/run")
        assert r.status_code == 503
        assert f"watchlist {wid} was not run: the task queue (Redis) is unreachable" in r.text
        assert "<h1>Watchlists</h1>" in r.text
    finally:
        await b.aclose()
        get_settings.cache_clear()


async def test_users_are_edited_and_weak_passwords_refused_from_the_page(browser_for, world):
    b = await browser_for("admin")
    html = (await b.page("/admin/users")).text
    assert re.search(r'<select name="role">.*?<option selected>rights_holder</option>', html, re.S)
    r = await b.post("/admin/users", {"email": "weak@x.test", "password": "12345678", "role": "analyst"})
    assert "12 characters" in message(r.headers["location"], "error")
    with session_scope(world.settings) as s:
        uid = find_user(s, "analyst@mamoru.test").id
    assert f'action="/admin/users/{uid}/role"' in html
    r = await b.post(f"/admin/users/{uid}/role", {"role": "rights_holder",
                                                  "rights_holder_id": str(world.ids.holders[1])})
    assert message(r.headers["location"], "ok") == "user analyst@mamoru.test now rights_holder"
    r = await b.post(f"/admin/users/{uid}/role", {"role": "rights_holder", "rights_holder_id": ""})
    assert "needs its rights holder" in message(r.headers["location"], "error")
    analyst = await browser_for("analyst")  # the new role applies at once
    assert (await analyst.page("/triage")).status_code == 403


async def test_audit_log_shows_japanese_readably(browser_for, world):
    b = await browser_for("admin")
    await b.page("/admin/holders")
    await b.post("/admin/holders", {"name": "法務部スタジオ", "contact_email": "legal@studio.test"})
    html = (await b.page("/admin/audit")).text
    assert '<span lang="ja">法務部スタジオ</span>' in html
    assert "\\u6cd5" not in html and "{&#34;" not in html and '{"' not in html
    with session_scope(world.settings) as s:
        assert s.scalar(select(RightsHolder).where(RightsHolder.name == "法務部スタジオ")) is not None
