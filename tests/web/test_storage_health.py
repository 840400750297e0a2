"""The web app reads evidence frames and report files from the blob store (object storage here, on moto's
S3 server), and answers GET /healthz for load balancers and service managers."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from sqlalchemy import select

from core.blobstore import open_store
from core.db import session_scope
from core.models import Finding
from reports import write_weekly_report
from reports.web.app import create_app
from tests.conftest import Browser

pytestmark = pytest.mark.anyio


async def get(app, url: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        return await client.get(url)


async def test_healthz_answers_200_when_the_database_and_storage_answer(app):
    r = await get(app, "/healthz")
    assert r.status_code == 200 and r.json() == {"ok": True, "checks": {"database": "ok", "storage": "ok"}}


async def test_healthz_answers_503_without_saying_where_the_database_is(settings, caplog):
    broken = dataclasses.replace(settings, database_url="postgresql+psycopg://mamoru:secret@127.0.0.1:1/mamoru")
    r = await get(create_app(broken), "/healthz")
    assert r.status_code == 503 and r.json()["checks"]["database"] == "failing"
    assert "secret" not in r.text and "127.0.0.1" not in r.text
    assert any("healthz: " in rec.getMessage() for rec in caplog.records)


async def test_frames_and_report_files_come_from_object_storage(world, s3_url):
    settings = dataclasses.replace(world.settings, storage_url=s3_url)
    store = open_store(settings)
    for folder in ("evidence", "references"):  # the sample's files, as a home moved to object storage
        for path in (settings.home / folder).rglob("*"):
            if path.is_file():
                store.put_file(settings.stored_path(path), path)
                path.unlink()  # nothing left on this machine's disk
    written = write_weekly_report(settings, world.ids.holders[0], "2026-W47", formats=("csv", "html", "pdf"))
    assert all(store.exists(f["path"]) and not (settings.home / f["path"]).exists() for f in written)
    with session_scope(settings) as s:
        finding = s.scalars(select(Finding).where(Finding.thumbnail_path.is_not(None))).first()
        frame_url = f"/findings/{finding.id}/frame.jpg?size=96"
    browser = Browser(create_app(settings))
    try:
        assert (await browser.login("admin@mamoru.test")).status_code == 303
        r = await browser.client.get(frame_url)
        assert r.status_code == 200 and r.content.startswith(b"\xff\xd8")
        portal = (await browser.page("/reports")).text
        import re

        link = re.search(r'data-format="pdf" href="(/reports/\d+/files/\d+)"', portal).group(1)
        r = await browser.client.get(link)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        assert r.headers["content-disposition"].startswith("inline;")
        html_link = re.search(r'data-format="html" href="(/reports/\d+/files/\d+)"', portal).group(1)
        html = (await browser.client.get(html_link)).text
        assert html.count("data:image/jpeg;base64,") >= 2  # frames and art embedded, read from object storage
    finally:
        await browser.aclose()
