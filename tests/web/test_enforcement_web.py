"""Enforcement in the web app, in-process: steps recorded on the finding page and through the API by the
roles allowed, refusals with one line, and the figures (portal, page with a plot, JSON) moving."""

from __future__ import annotations

import dataclasses
import re
import socket

import pytest

from core.db import session_scope
from core.models import Finding

pytestmark = pytest.mark.anyio


@pytest.fixture
def app(world):
    """The app with a broker address where nothing listens: a notice recorded as sent says its re-check
    was not queued (tests/web/test_enforcement_browser.py queues them to a real worker)."""
    from reports.web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return create_app(dataclasses.replace(world.settings, redis_url=f"redis://127.0.0.1:{port}/0"))


def first_confirmed(world, holder: int = 0) -> int:
    return world.ids.findings["confirmed"][holder * 3]


async def test_admin_records_a_notice_sent_on_the_finding_page(browser_for, world):
    fid = first_confirmed(world)
    admin = await browser_for("admin")
    page = await admin.page(f"/findings/{fid}")
    assert 'id="enforce"' in page.text and "no notice yet" in page.text
    r = await admin.post(f"/findings/{fid}/enforcement", {"state": "sent", "channel": "webform",
                                                          "platform_ref": "TT-2026-0042", "note": "DMCA form"})
    assert r.status_code == 303 and r.headers["location"].startswith(f"/findings/{fid}?ok=recorded")
    page = await admin.page(r.headers["location"])
    assert re.search(r'id="enforcement-state">sent<', page.text)
    assert "TT-2026-0042" in page.text and "admin@mamoru.test" in page.text
    assert "re-check of the clip not queued" in page.text  # no broker here; the step is kept all the same
    assert '<option value="acknowledged">' in page.text and 'id="recheck"' in page.text
    with session_scope(world.settings) as s:
        assert s.get(Finding, fid).enforcement_state == "sent"


async def test_who_may_record_steps(browser_for, world):
    own, other = first_confirmed(world, 0), first_confirmed(world, 1)
    holder = await browser_for("holder1")
    r = await holder.api_post(f"/api/findings/{own}/enforcement", json={"state": "sent", "channel": "email"})
    assert r.status_code == 201, r.text
    assert r.json()["event"]["by"] == "holder1@mamoru.test" and r.json()["recheck"].startswith("not queued")
    r = await holder.api_post(f"/api/findings/{other}/enforcement", json={"state": "sent", "channel": "email"})
    assert r.status_code == 404  # another holder's finding does not exist for this user
    analyst = await browser_for("analyst")
    r = await analyst.api_post(f"/api/findings/{own}/enforcement", json={"state": "acknowledged"})
    assert r.status_code == 403
    page = await analyst.page(f"/findings/{own}")
    assert 'id="enforce"' not in page.text and "enforcement-state" in page.text
    history = (await holder.page(f"/api/findings/{own}/enforcement")).json()
    assert history["state"] == "sent" and history["next"] == ["acknowledged", "removed", "rejected"]
    admin = await browser_for("admin")
    r = await admin.api_post(f"/api/findings/{own}/enforcement", json={"state": "acknowledged"})
    assert r.status_code == 201 and r.json()["event"]["by"] == "admin@mamoru.test"
    seen = [e["by"] for e in (await holder.page(f"/api/findings/{own}/enforcement")).json()["events"]]
    assert seen == ["holder1@mamoru.test", "Mamoru staff"]  # staff accounts are not shown to holders


async def test_refusals_are_one_line(browser_for, world):
    fid = first_confirmed(world)
    admin = await browser_for("admin")
    r = await admin.api_post(f"/api/findings/{fid}/enforcement", json={"state": "removed"})
    assert r.status_code == 409 and "from there it can go to drafted, sent" in r.json()["detail"]
    r = await admin.api_post(f"/api/findings/{fid}/enforcement", json={"state": "sent", "channel": "pigeon"})
    assert r.status_code == 422 and "channel must be one of" in r.json()["detail"]
    r = await admin.api_post(f"/api/findings/{fid}/enforcement", json={"state": "sent", "at": "yesterday"})
    assert r.status_code == 422
    r = await admin.post(f"/findings/{fid}/enforcement", {"state": "sent", "channel": "email", "at": "soon"})
    assert r.status_code == 422 and "is not a date and time" in r.text
    pending = world.ids.findings["pending"][0]
    r = await admin.api_post(f"/api/findings/{pending}/enforcement", json={"state": "sent", "channel": "email"})
    assert r.status_code == 422 and "only confirmed findings" in r.json()["detail"]
    assert (await admin.page("/api/figures?group_by=uploader")).status_code == 422


async def test_the_removal_rate_moves_in_portal_figures_and_api(browser_for, world):
    holder = await browser_for("holder1")
    portal = await holder.page("/portal")
    assert re.search(r'id="removal-rate">–<', portal.text)
    ids = world.ids.findings["confirmed"][:2]
    for fid in ids:
        r = await holder.api_post(f"/api/findings/{fid}/enforcement", json={"state": "sent", "channel": "webform"})
        assert r.status_code == 201
    r = await holder.api_post(f"/api/findings/{ids[0]}/enforcement", json={"state": "removed"})
    assert r.status_code == 201
    portal = await holder.page("/portal")
    assert re.search(r'id="removal-rate">50 %<', portal.text) and re.search(r'id="fig-noticed">2<', portal.text)
    data = (await holder.page("/api/figures")).json()
    assert data["total"]["noticed"] == 2 and data["total"]["removed"] == 1 and data["total"]["removal_rate"] == 0.5
    assert data["states"] == {"sent": 1, "removed": 1}
    week = next(row for row in data["rows"] if row["key"] == "2026-W47")
    assert week["removal_rate"] == 0.5
    other = await browser_for("holder2")
    assert (await other.page("/api/figures")).json()["total"]["noticed"] == 0  # a holder sees its own figures
    page = await holder.page("/figures?group_by=platform")
    assert page.status_code == 200 and 'id="figures-plot" src="data:image/png;base64,' in page.text
    assert 'id="figures-rate">50 %<' in page.text
    staff = (await (await browser_for("admin")).page("/api/figures?group_by=holder")).json()
    assert [r["noticed"] for r in staff["rows"] if r["noticed"]] == [2]


async def test_one_notice_for_several_findings_all_or_none(browser_for, world):
    own = world.ids.findings["confirmed"][:3]
    other = first_confirmed(world, 1)
    holder = await browser_for("holder1")
    r = await holder.api_post("/api/enforcement", json={"finding_ids": [own[0], other], "state": "sent",
                                                        "channel": "email"})
    assert r.status_code == 404  # one of them is another holder's: nothing recorded
    r = await holder.api_post("/api/enforcement", json={"finding_ids": own, "state": "removed"})
    assert r.status_code == 409 and f"finding {own[0]} is at none" in r.json()["detail"]
    with session_scope(world.settings) as s:
        assert {s.get(Finding, f).enforcement_state for f in own} == {None}
    r = await holder.api_post("/api/enforcement", json={"finding_ids": own, "state": "sent", "channel": "email",
                                                        "platform_ref": "NOTICE-9"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert [e["finding_id"] for e in body["events"]] == own and {e["platform_ref"] for e in body["events"]} == \
        {"NOTICE-9"}
    assert len(body["rechecks"]) == 3 and all(v.startswith("not queued") for v in body["rechecks"].values())
    assert (await holder.api_post("/api/enforcement", json={"finding_ids": [], "state": "sent"})).status_code == 422


async def test_a_recheck_visit_is_downloadable_evidence(browser_for, world, tmp_path):
    from core.models import Clip
    from mamoru.demo.server import DemoServer
    from workers.recheck import recheck

    fid = first_confirmed(world)
    holder = await browser_for("holder1")
    assert (await holder.api_post(f"/api/findings/{fid}/enforcement",
                                  json={"state": "sent", "channel": "email"})).status_code == 201
    with DemoServer(tmp_path / "media") as site:
        with session_scope(world.settings) as s:
            clip = s.get(Clip, s.get(Finding, fid).clip_id)
            clip.url = clip.page_url = f"{site.base_url}/v/nope"  # the platform answers 404: gone
            clip_id = clip.id
        result = recheck(dataclasses.replace(world.settings, allowed_private_hosts=("127.0.0.1",)), clip_id)
    assert result["verdict"] == "gone" and result["findings"] == [(fid, "removed")]
    page = await holder.page(f"/findings/{fid}")
    link = re.search(r'href="(/findings/\d+/enforcement/(\d+)/evidence)"', page.text)
    record = (await holder.page(link.group(1))).json()
    assert record["status"] == 404 and record["url"].endswith("/v/nope")
    body = await holder.page(link.group(1) + "?part=body")
    assert body.headers["content-type"] == "application/octet-stream" and "attachment" in \
        body.headers["content-disposition"] and body.content == b"not found"
    other = await browser_for("holder2")
    assert (await other.page(link.group(1))).status_code == 404
    assert (await holder.page(f"/findings/{fid}/enforcement/{link.group(2)}/evidence?part=x")).status_code == 404
