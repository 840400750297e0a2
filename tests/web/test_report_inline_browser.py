"""A report's HTML opens in Chromium (inline, under its no-script CSP, styles applied); ?download=1 downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from liveserver import chromium, serving
from reports import write_weekly_report
from reports.web.app import create_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"


def test_report_html_opens_in_the_browser_and_downloads_on_request(world):
    ARTIFACTS.mkdir(exist_ok=True)
    write_weekly_report(world.settings, world.ids.holders[0], "2026-W47", formats=["html"])
    with serving(create_app(world.settings)) as base, chromium() as browser:
        page = browser.new_page(accept_downloads=True)
        page.goto(f"{base}/login")
        page.fill("input[name=email]", "holder1@mamoru.test")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        link = page.locator('#reports a.download[data-format="html"]')
        href = link.get_attribute("href")
        link.click()
        page.wait_for_url(f"{base}{href}")
        assert "2026-W47" in page.inner_text("body") and "version 1" in page.inner_text("body")
        # the report's own stylesheet applies (inline styles are allowed, scripts are not)
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
        page.screenshot(path=str(ARTIFACTS / "report-inline.png"))
        page.goto(f"{base}/portal")
        with page.expect_download() as download:
            page.click('#reports a.save[href$="?download=1"] >> nth=0')
        assert download.value.suggested_filename.startswith("mamoru-")


def test_holder_sees_a_stale_report_and_rebuilds_it(world):
    from sqlalchemy import select

    from core.db import session_scope
    from core.models import Character, Finding, Reference, Work
    from core.services.triage import decide

    ARTIFACTS.mkdir(exist_ok=True)
    holder = world.ids.holders[0]
    write_weekly_report(world.settings, holder, "2026-W47", formats=["json", "html"])
    with serving(create_app(world.settings)) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=email]", "holder1@mamoru.test")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.locator(".flash.stale").count() == 0
        with session_scope(world.settings) as s:  # an analyst decides after the build
            pending = s.scalar(select(Finding.id).join(Reference).join(Character).join(Work)
                               .where(Work.rights_holder_id == holder, Finding.state == "pending"))
            decide(s, None, [pending], "confirm", None)
        page.goto(f"{base}/portal")
        banner = page.locator(".flash.stale")
        assert banner.count() == 1 and "changed after version 1" in banner.inner_text()
        page.screenshot(path=str(ARTIFACTS / "portal-stale-report.png"), full_page=True)
        with page.expect_navigation():
            banner.locator("button").click()
        assert page.url.endswith("/portal") and page.locator(".flash.stale").count() == 0
        assert page.locator('#reports tr[data-week="2026-W47"]').get_attribute("data-version") == "2"
