"""Versioned reports: every build a new version under <holder>/<week>/v<N>/, never overwritten; downloads
audited with the version and the sha256; inline unless ?download=1; a decision after the build makes the
portal say so and offer a rebuild."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from core.blobstore import open_store
from core.db import session_scope
from core.models import AuditEvent, Report, ReportVersion
from core.services import locks, report_versions
from core.services.errors import Conflict
from reports import write_weekly_report

pytestmark = pytest.mark.anyio
WEEK = "2026-W47"


def report_of(settings, holder_id: int) -> Report:  # noqa: ANN001
    with session_scope(settings) as s:
        report = s.scalar(select(Report).where(Report.rights_holder_id == holder_id, Report.week == WEEK))
        s.expunge(report)
        return report


def test_two_builds_are_two_versions_and_neither_overwrites(world):
    holder = world.ids.holders[0]
    v1 = write_weekly_report(world.settings, holder, WEEK, formats=["json", "csv"])
    v2 = write_weekly_report(world.settings, holder, WEEK, formats=["json", "csv"])
    assert {f["version"] for f in v1} == {1} and {f["version"] for f in v2} == {2}
    store = open_store(world.settings)
    for files, n in ((v1, 1), (v2, 2)):
        for f in files:
            assert f"/{WEEK}/v{n}/" in f["path"] and f["path"].startswith("reports/")
            assert hashlib.sha256(store.get(f["path"])).hexdigest() == f["sha256"]
    assert {f["path"] for f in v1}.isdisjoint(f["path"] for f in v2)
    with session_scope(world.settings) as s:
        report = s.scalar(select(Report).where(Report.rights_holder_id == holder, Report.week == WEEK))
        versions = report_versions.list_versions(s, report.id)
        assert [v.version for v in versions] == [2, 1]
        assert [f["sha256"] for f in versions[1].files] == [f["sha256"] for f in v1]
        assert [f["sha256"] for f in report.files] == [f["sha256"] for f in v2]  # the latest is the report's


def test_one_build_at_a_time_is_kept(world):
    holder = world.ids.holders[0]
    owner = locks.acquire(world.settings, report_versions.lock_name(holder, WEEK))
    try:
        with pytest.raises(Conflict, match="being built now"):
            write_weekly_report(world.settings, holder, WEEK, formats=["json"])
    finally:
        locks.release(world.settings, report_versions.lock_name(holder, WEEK), owner)
    assert write_weekly_report(world.settings, holder, WEEK, formats=["json"])[0]["version"] == 1


async def test_every_version_downloads_with_its_hash_and_is_audited(browser_for, world):
    holder = world.ids.holders[0]
    v1 = write_weekly_report(world.settings, holder, WEEK, formats=["json", "html", "pdf"])
    v2 = write_weekly_report(world.settings, holder, WEEK, formats=["json", "html", "pdf"])
    report = report_of(world.settings, holder)
    b = await browser_for("holder1")
    for version, files in ((1, v1), (2, v2)):
        for n, f in enumerate(files):
            r = await b.client.get(f"/reports/{report.id}/versions/{version}/files/{n}")
            assert r.status_code == 200, (version, n, r.text[:200])
            assert hashlib.sha256(r.content).hexdigest() == f["sha256"] == r.headers["x-content-sha256"]
            assert r.headers["x-report-version"] == str(version)
    latest = await b.client.get(f"/api/reports/{report.id}/files/0")
    assert latest.headers["x-content-sha256"] == v2[0]["sha256"]
    with session_scope(world.settings) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "report_downloaded",
                                                    AuditEvent.object_id == report.id)).all()
        seen = {(e.detail["version"], e.detail["sha256"]) for e in events}
        built = s.scalars(select(AuditEvent).where(AuditEvent.action == "report_generated",
                                                   AuditEvent.object_id == report.id)).all()
    assert {(1, f["sha256"]) for f in v1} | {(2, f["sha256"]) for f in v2} <= seen
    assert sorted(e.detail["version"] for e in built) == [1, 2]
    assert all(len(f["sha256"]) == 64 for e in built for f in e.detail["files"])
    listed = (await b.client.get(f"/api/reports/{report.id}")).json()
    assert [v["version"] for v in listed["versions"]] == [2, 1] and listed["version"] == 2


async def test_html_and_pdf_open_inline_and_download_on_request(browser_for, world):
    files = write_weekly_report(world.settings, world.ids.holders[0], WEEK, formats=["html", "pdf"])
    report = report_of(world.settings, world.ids.holders[0])
    b = await browser_for("holder1")
    for n, f in enumerate(files):
        shown = await b.client.get(f"/reports/{report.id}/files/{n}")
        assert shown.headers["content-disposition"].startswith("inline;"), f["format"]
        saved = await b.client.get(f"/reports/{report.id}/files/{n}?download=1")
        assert saved.headers["content-disposition"].startswith("attachment;")
        assert saved.content == shown.content
    html = await b.client.get(f"/reports/{report.id}/files/0")
    assert html.headers["content-type"].startswith("text/html")
    csp = html.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and "sandbox" in csp  # no script runs


async def test_a_decision_after_the_build_shows_a_stale_report_and_a_rebuild(browser_for, world):
    holder = world.ids.holders[0]
    write_weekly_report(world.settings, holder, WEEK, formats=["json"])
    report = report_of(world.settings, holder)
    viewer = await browser_for("holder1")
    assert 'data-stale="1"' not in (await viewer.page("/portal")).text
    analyst = await browser_for("analyst")
    pending = (await analyst.client.get(f"/api/findings?holder={holder}&state=pending")).json()["findings"]
    assert pending, "the sample has pending findings for holder 1"
    r = await analyst.api_post(f"/api/findings/{pending[0]['finding_id']}/decision", {"action": "confirm"})
    assert r.status_code == 200
    portal = (await viewer.page("/portal")).text
    assert 'data-stale="1"' in portal and "changed after version 1" in portal
    assert f'action="/reports/{report.id}/rebuild"' in portal
    assert (await viewer.client.get(f"/api/reports/{report.id}")).json()["stale"] is True
    r = await viewer.post(f"/reports/{report.id}/rebuild", {"back": "/portal"})
    assert r.status_code == 303 and r.headers["location"] == "/portal"
    portal = (await viewer.page("/portal")).text
    assert 'data-stale="1"' not in portal and re.search(r'data-version="2"', portal)
    data = (await viewer.client.get(f"/reports/{report.id}/files/0")).json()
    assert data["version"] == 2 and pending[0]["finding_id"] in [f["finding_id"] for f in data["findings"]]
    # another holder's report cannot be rebuilt by this holder
    other = await browser_for("holder2")
    assert (await other.post(f"/reports/{report.id}/rebuild")).status_code == 404
    with session_scope(world.settings) as s:
        assert s.scalar(select(ReportVersion.version).where(ReportVersion.report_id == report.id)
                        .order_by(ReportVersion.version.desc())) == 2


def test_unknown_views_are_not_zero(world):
    from reports.build import build_weekly_report
    from core.models import Clip

    with session_scope(world.settings) as s:
        s.execute(Clip.__table__.update().values(view_count=None))
    with session_scope(world.settings) as s:
        data = build_weekly_report(s, world.ids.holders[0], WEEK)
    assert data["totals"]["clips"] > 0 and data["totals"]["views"] is None
    assert data["totals"]["views_unknown"] == data["totals"]["clips"]
    assert all(p["views"] is None for p in data["by_platform"] if p["clips"])
    from reports.render import render_html

    html = render_html(data, images=False)
    assert "<b>unknown</b>views of those clips" in html and "<b>0</b>views" not in html


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_reports_built_before_versions_become_version_1(tmp_path, request, db):
    """Migration 0010 keeps every earlier report as its version 1, then downgrades cleanly."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from core.config import load_settings
    from core.db import alembic_config

    env = {"MAMORU_HOME": str(tmp_path / "home")}
    if db == "postgresql":
        env["MAMORU_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    settings = load_settings(env)
    settings.home.mkdir(parents=True, exist_ok=True)
    cfg = alembic_config(settings.db_url)
    command.upgrade(cfg, "0009")
    engine = create_engine(settings.db_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO rights_holders (name, created_at) VALUES ('Old', CURRENT_TIMESTAMP)"))
        holder = conn.execute(text("SELECT id FROM rights_holders")).scalar()
        conn.execute(text("INSERT INTO reports (rights_holder_id, week, files, generated_at) VALUES "
                          "(:h, '2026-W40', :f, CURRENT_TIMESTAMP)"),
                     {"h": holder, "f": '[{"format": "json", "path": "reports/old-1/2026-W40/a.json", "sha256": "ab"}]'})
    command.upgrade(cfg, "0010")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT version, files FROM report_versions")).all()
    assert len(rows) == 1 and rows[0][0] == 1 and "a.json" in str(rows[0][1])
    command.downgrade(cfg, "0009")
    engine.dispose()


@pytest.mark.allow_error_logs  # an altered evidence file is logged at ERROR for the operator
async def test_a_file_altered_in_storage_is_not_served(browser_for, world, caplog):
    files = write_weekly_report(world.settings, world.ids.holders[0], WEEK, formats=["json"])
    open_store(world.settings).put(files[0]["path"], b'{"tampered": true}')
    report = report_of(world.settings, world.ids.holders[0])
    b = await browser_for("holder1")
    r = await b.client.get(f"/api/reports/{report.id}/versions/1/files/0")
    assert r.status_code == 409 and "sha256" in r.json()["detail"]
    assert any("recorded " + files[0]["sha256"] in rec.getMessage() for rec in caplog.records)
