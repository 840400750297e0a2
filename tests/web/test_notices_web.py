"""Holder profiles and notices through the web app and the JSON API: who may read and change a profile,
drafting kept notices, the notice page with its evidence and page captures."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from core.blobstore import open_store
from core.db import session_scope
from core.models import Clip, Finding, NoticeDraft, TriageState
from core.services.captures import record_capture

pytestmark = pytest.mark.anyio

PROFILE = {"legal_name": "Kumo Studio Co., Ltd.", "legal_name_ja": "株式会社雲スタジオ",
           "representative": "代表取締役 山田 太郎", "address": "1-2-3 Example-cho, Chiyoda-ku, Tokyo",
           "address_ja": "東京都千代田区例町1-2-3", "telephone": "+81 3-1234-5678", "email": "legal@kumo.example"}


async def test_profile_api_permissions(browser_for, world):
    h1, h2 = world.ids.holders[:2]
    holder, other, analyst, admin = [await browser_for(r) for r in ("holder1", "holder2", "analyst", "admin")]

    def put(b, holder_id, body):  # noqa: ANN001, ANN202
        return b.client.put(f"/api/holders/{holder_id}/profile", json=body, headers={"X-CSRF-Token": b.csrf})

    r = await put(holder, h1, PROFILE)
    assert r.status_code == 200, r.text
    assert r.json()["complete"] and r.json()["legal_name_ja"] == "株式会社雲スタジオ"
    assert (await put(admin, h1, {"telephone": "+81 3-9999-0000"})).status_code == 200
    assert (await put(analyst, h1, {"telephone": "+81 3-0000-0000"})).status_code == 403
    assert (await put(other, h1, {"telephone": "+81 3-0000-0000"})).status_code == 404
    assert (await other.client.get(f"/api/holders/{h1}/profile")).status_code == 404
    assert (await other.client.get(f"/holders/{h1}/profile")).status_code == 404
    bad = await put(admin, h1, {"telephone": "call me"})
    assert bad.status_code == 422 and "telephone" in bad.json()["detail"]
    assert (await put(admin, h1, ["not", "an", "object"])).status_code == 422
    got = (await analyst.client.get(f"/api/holders/{h1}/profile")).json()
    assert got["telephone"] == "+81 3-9999-0000" and got["missing"] == []
    assert (await put(admin, h2, {"legal_name": "Other Co."})).status_code == 200


async def test_profile_form_and_kept_drafts(browser_for, world):
    h1 = world.ids.holders[0]
    holder = await browser_for("holder1")
    page = await holder.page(f"/holders/{h1}/profile")
    assert page.status_code == 200 and 'id="missing"' in page.text
    r = await holder.post(f"/holders/{h1}/profile", {**PROFILE, "disclose_name": "on"})
    assert r.status_code == 303, r.text
    page = await holder.page(f"/holders/{h1}/profile?saved=1")
    assert 'id="complete"' in page.text and "株式会社雲スタジオ" in page.text
    bad = await holder.post(f"/holders/{h1}/profile", {**PROFILE, "email": "not-an-address"})
    assert bad.status_code == 422 and "email" in bad.text

    store = open_store(world.settings)
    with session_scope(world.settings) as s:
        finding = s.scalars(select(Finding).where(Finding.state == TriageState.confirmed.value)).first()
        clip = s.get(Clip, finding.clip_id)
        warc = b"WARC/1.0 stand-in"
        key = store.put(f"captures/{clip.id}/t.warc.gz", warc)
        capture_id = record_capture(s, clip.id, url=clip.url, status=200, warc_key=key,
                                    warc_sha256=hashlib.sha256(warc).hexdigest(), body_sha256="0" * 64, size=1).id
    analyst = await browser_for("analyst")
    finding_page = await analyst.page(f"/findings/{finding.id}")
    assert f'/captures/{capture_id}/warc' in finding_page.text
    for _ in range(2):
        r = await analyst.post(f"/holders/{h1}/notices", {})
        assert r.status_code == 303 and r.headers["location"].startswith("/notices/")
    with session_scope(world.settings) as s:
        draft_id = next(d.id for d in s.scalars(select(NoticeDraft).where(NoticeDraft.lang == "ja",
                                                                           NoticeDraft.version == 2))
                        if finding.id in d.finding_ids)
    notice = await holder.page(f"/notices/{draft_id}")
    assert notice.status_code == 200
    assert "侵害情報の通知書 兼 送信防止措置依頼書" in notice.text and "株式会社雲スタジオ" in notice.text
    assert f"/captures/{capture_id}/warc" in notice.text and "v2 (this one)" in notice.text
    listing = (await holder.client.get(f"/api/holders/{h1}/notices")).json()
    assert {d["version"] for d in listing} == {1, 2} and all(d["pdf_sha256"] for d in listing)
    pdf = await holder.client.get(listing[0]["pdf_url"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline")
    assert hashlib.sha256(pdf.content).hexdigest() == pdf.headers["x-content-sha256"]
    got = await holder.client.get(f"/captures/{capture_id}/warc")
    assert got.status_code == 200 and got.content == warc
    other = await browser_for("holder2")
    assert (await other.client.get(f"/notices/{draft_id}")).status_code == 404
    assert (await other.client.get(f"/captures/{capture_id}/warc")).status_code == 404
    assert (await other.post(f"/holders/{h1}/notices", {})).status_code == 404
    with session_scope(world.settings) as s:
        assert len(s.scalars(select(NoticeDraft)).all()) == len(listing)
