"""A holder's policy and the generator watermarks in the web app (thin callers of core.services.policy and
core.services.watermarks): the policy page (version, rules, history; edited as YAML by admins and the
holder's users, with one line for a bad file; re-applied on request; 404 for another holder), the versions'
JSON, the admin's watermark page (register a PNG, list, retire, restore; CSRF and audit), and the non-copy
findings' confidence on the desk, the finding page and in the API. Browser tests drive Debian's chromium."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import AuditEvent, Clip, Finding, RightsHolder, Watermark
from core.services.catalogue import import_catalogue, parse_catalogue
from bench.provenance import kit
from tests.web.test_browser import browser, live_server, log_in  # noqa: F401  (fixtures)
from tests.web.test_kinds_web import CATALOGUE
from workers.analyze import store_kinds

pytestmark = pytest.mark.anyio
POLICY = """rules:
  - {kind: [copy, ai_depiction], action: notice}
  - {kind: mention, action: notice}
default: monitor
"""


@pytest.fixture
def non_copies(world):
    """Three non-copy findings of the first holder of rising confidence: a mention in a description, a
    mention in the title with the work named, an AI depiction with a C2PA claim."""
    with session_scope(world.settings) as s:
        holder = s.get(RightsHolder, world.ids.holders[0])
        import_catalogue(s, None, holder, parse_catalogue(CATALOGUE))
        for pid, title, description, provenance in (
                ("low", "my sketchbook", "today: ナルト", None),
                ("mid", "ナルト fan art (NARUTO)", "", None),
                ("high", "ルフィ dance", "", {"c2pa": {"ai_generated": True, "validation_state": "Valid",
                                                       "claim_generator": "TestGen"}, "watermarks": []})):
            clip = Clip(platform="tiktok", platform_id=pid, url=f"https://www.tiktok.example/@u/video/{pid}",
                        title=title, description=description, uploader_id="u", uploader_name="u", hashtags=[],
                        provenance=provenance)
            s.add(clip)
            s.flush()
            store_kinds(s, clip, [])
    return world


async def test_policy_page_read_only_for_staff_editable_for_the_holder(browser_for, world):
    holder_id, other = world.ids.holders
    analyst = await browser_for("analyst")
    page = (await analyst.page(f"/holders/{holder_id}/policy")).text
    assert "the built-in default (version 0)" in page and 'id="read-only"' in page and 'id="policy-form"' not in page
    assert "No version stored yet" in page and "ai_depiction" in page
    holder = await browser_for("holder1")
    page = (await holder.page(f"/holders/{holder_id}/policy")).text
    assert 'id="policy-form"' in page and "default: monitor" in page
    assert (await holder.page(f"/holders/{other}/policy")).status_code == 404
    assert 'href="/holders/%d/policy"' % holder_id in (await holder.page("/portal")).text


async def test_policy_form_saves_versions_applies_and_refuses_a_bad_file(browser_for, non_copies):
    holder_id = non_copies.ids.holders[0]
    b = await browser_for("holder1")
    await b.page(f"/holders/{holder_id}/policy")
    bad = await b.post(f"/holders/{holder_id}/policy", {"policy": "rules:\n  - {kind: parody, action: notice}"})
    assert bad.status_code == 422
    assert "policy: rule 1: kind: &#39;parody&#39; is not one of copy, ai_depiction, mention" in bad.text
    assert "kind: parody" in bad.text  # the text comes back to be fixed, not lost
    forged = await b.client.post(f"/holders/{holder_id}/policy", data={"policy": POLICY, "csrf_token": "forged"})
    assert forged.status_code == 403
    r = await b.post(f"/holders/{holder_id}/policy", {"policy": POLICY, "apply": "on"})
    assert r.status_code == 303 and "policy+version+1+in+force" in r.headers["location"]
    assert "decided+again" in r.headers["location"]
    page = (await b.page(r.headers["location"])).text
    assert "version 1" in page and "pending findings decided again" in page and "(in force)" in page
    with session_scope(non_copies.settings) as s:
        mention = s.scalar(select(Finding).join(Clip).where(Clip.platform_id == "low"))
        assert (mention.kind, mention.action, mention.policy_version) == ("mention", "notice", 1)
        audit = s.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "rights_holder",
                                                          AuditEvent.object_id == holder_id)).all()
        assert "policy_set" in audit and "policy_applied" in audit
    again = await b.post(f"/holders/{holder_id}/policy", {"policy": POLICY})
    assert "policy+version+1+in+force" in again.headers["location"]  # the same document: no new version
    versions = (await b.client.get(f"/api/holders/{holder_id}/policy/versions")).json()
    assert [(v["version"], v["rules"], v["created_by"]) for v in versions] == [(1, 2, None)]
    analyst = await browser_for("analyst")
    await analyst.page(f"/holders/{holder_id}/policy")
    refused = await analyst.post(f"/holders/{holder_id}/policy", {"policy": POLICY})
    assert refused.status_code == 403 and "admin or the holder" in refused.text
    staff_view = (await analyst.client.get(f"/api/holders/{holder_id}/policy/versions")).json()
    assert staff_view[0]["created_by"] == "holder1@mamoru.test"
    holder2 = await browser_for("holder2")
    assert (await holder2.client.get(f"/api/holders/{holder_id}/policy/versions")).status_code == 404


async def test_admin_registers_lists_and_retires_watermarks(browser_for, world, tmp_path):
    b = await browser_for("admin")
    page = (await b.page("/admin/watermarks")).text
    assert "No watermarks yet" in page and 'id="watermark-form"' in page
    logo = kit.make_logo(tmp_path / "genai.png").read_bytes()
    holder = str(world.ids.holders[0])
    r = await b.client.post("/admin/watermarks", data={"name": "genai", "holder": holder, "csrf_token": b.csrf},
                            files={"image": ("genai.png", logo, "image/png")})
    assert r.status_code == 303 and "watermark+genai+registered" in r.headers["location"], r.headers["location"]
    for data, why in ((logo, "already+registered"), (b"not an image" * 20, "error=")):
        bad = await b.client.post("/admin/watermarks", data={"name": "other", "csrf_token": b.csrf},
                                  files={"image": ("x.png", data, "image/png")})
        assert why in bad.headers["location"]
    from PIL import Image
    import io

    blank = io.BytesIO()
    Image.new("RGBA", (80, 20), (0, 0, 0, 0)).save(blank, "PNG")
    bad = await b.client.post("/admin/watermarks", data={"name": "blank", "csrf_token": b.csrf},
                              files={"image": ("blank.png", blank.getvalue(), "image/png")})
    assert "matcher+cannot+use+this+logo" in bad.headers["location"]
    forged = await b.client.post("/admin/watermarks", data={"name": "forged", "csrf_token": "forged"},
                                 files={"image": ("f.png", kit.make_logo(tmp_path / "f.png", "FORGED").read_bytes(),
                                                  "image/png")})
    assert forged.status_code == 403
    with session_scope(world.settings) as s:
        (row,) = s.scalars(select(Watermark)).all()
        assert (row.name, row.rights_holder_id) == ("genai", world.ids.holders[0])
        wid = row.id
    image = await b.client.get(f"/admin/watermarks/{wid}/image")
    assert image.status_code == 200 and image.content == logo and image.headers["content-type"] == "image/png"
    page = (await b.page("/admin/watermarks")).text
    assert 'data-name="genai"' in page and f'action="/admin/watermarks/{wid}/retire"' in page
    r = await b.post(f"/admin/watermarks/{wid}/retire")
    assert "watermark+genai+retired" in r.headers["location"]
    assert f'action="/admin/watermarks/{wid}/restore"' in (await b.page("/admin/watermarks")).text
    await b.post(f"/admin/watermarks/{wid}/restore")
    with session_scope(world.settings) as s:
        assert s.get(Watermark, wid).retired_at is None
        audit = s.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "watermark")
                          .order_by(AuditEvent.id)).all()
        assert audit == ["watermark_added", "watermark_retired", "watermark_restored"]
    analyst = await browser_for("analyst")
    assert (await analyst.page("/admin/watermarks")).status_code == 403


async def test_desk_sorts_non_copies_by_their_confidence_and_shows_its_parts(browser_for, non_copies):
    b = await browser_for("analyst")
    body = (await b.client.get("/api/findings", params={"sort": "score", "limit": 200})).json()
    kinds = [f["kind"] for f in body["findings"]]
    first_non_copy = next(i for i, k in enumerate(kinds) if k != "copy")
    assert all(k != "copy" for k in kinds[first_non_copy:])  # copies by their calibrated score first
    others = [f for f in body["findings"] if f["kind"] != "copy"]
    assert [f["clip"]["platform_id"] for f in others] == ["high", "mid", "low"]
    values = [f["confidence"]["value"] for f in others]
    assert values == sorted(values, reverse=True) and all(0 < v < 1 for v in values)
    assert all(f["score"] == 0 and "not a calibrated probability" in f["confidence"]["label"] for f in others)
    assert {p["evidence"] for p in others[0]["confidence"]["parts"]} == {"named_in_title", "c2pa"}
    assert {p["evidence"] for p in others[1]["confidence"]["parts"]} == {"named_in_title", "work_named"}
    assert all(f["confidence"] is None for f in body["findings"] if f["kind"] == "copy")
    by_confidence = (await b.client.get("/api/findings", params={"sort": "confidence"})).json()["findings"]
    assert [f["clip"]["platform_id"] for f in by_confidence[:3]] == ["high", "mid", "low"]
    desk = (await b.page("/triage?sort=confidence")).text
    assert desk.index("ルフィ dance") < desk.index("ナルト fan art (NARUTO)") < desk.index("my sketchbook")
    assert 'class="confidence"' in desk and "named in title" in desk and "c2pa 0.50" in desk
    page = (await b.page(f"/findings/{others[0]['finding_id']}")).text
    assert 'id="confidence-parts"' in page and "not a calibrated probability" in page and "C2PA: TestGen" in page


def test_policy_and_watermarks_in_chromium(live_server, browser, world, tmp_path):  # noqa: F811
    holder_id = world.ids.holders[0]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    log_in(page, live_server, "holder1@mamoru.test")
    page.goto(f"{live_server}/holders/{holder_id}/policy")
    assert "built-in default" in page.locator("#policy-version").inner_text()
    page.fill("#policy-text", "rules: [")
    with page.expect_navigation():
        page.click("#policy-form button[type=submit]")
    assert page.locator(".flash.error").inner_text().startswith("policy: not valid YAML")
    assert page.locator("#policy-text").input_value() == "rules: ["
    page.fill("#policy-text", POLICY)
    page.check("#policy-apply")
    with page.expect_navigation():
        page.click("#policy-form button[type=submit]")
    assert "policy version 1 in force" in page.locator(".flash.ok").inner_text()
    assert "version 1" in page.locator("#policy-version").inner_text()
    assert page.locator("#policy-history tbody tr").count() == 1
    assert page.locator("#policy-rules tbody tr").count() == 3  # two rules and the default
    admin = browser.new_page(viewport={"width": 1200, "height": 900})
    log_in(admin, live_server, "admin@mamoru.test")
    admin.goto(f"{live_server}/admin/watermarks")
    admin.fill("input[name=name]", "genai")
    admin.set_input_files("input[name=image]", str(kit.make_logo(tmp_path / "genai.png")))
    with admin.expect_navigation():
        admin.click("#watermark-form button[type=submit]")
    assert "watermark genai registered" in admin.locator(".flash.ok").inner_text()
    row = admin.locator('#watermarks tr[data-name="genai"]')
    assert row.locator("img").evaluate("img => img.naturalWidth") > 0
    with admin.expect_navigation():
        row.locator("button", has_text="Retire").click()
    assert admin.locator('#watermarks tr[data-name="genai"]').inner_text().count("retired") == 1


def test_desk_confidence_in_chromium(live_server, browser, non_copies):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    log_in(page, live_server, "analyst@mamoru.test")
    page.goto(f"{live_server}/triage?sort=confidence")
    rows = page.locator("#queue tbody tr.row")
    first = rows.first
    assert "ルフィ dance" in first.inner_text() and first.locator(".confidence").is_visible()
    assert first.locator(".confidence").get_attribute("title").startswith("non-copy confidence")
    assert "c2pa" in first.locator(".confidence-parts").inner_text()
    values = [float(t.split()[-1]) for t in page.locator("#queue .confidence").all_inner_texts()]
    assert len(values) == 3 and values == sorted(values, reverse=True)
    first.locator("a.title-link").click()
    page.wait_for_selector("#confidence-parts")
    assert page.locator("#confidence-parts li").count() == 2
