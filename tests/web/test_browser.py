"""Browser tests: Debian's chromium driven by Playwright against uvicorn on 127.0.0.1.

Screenshots and the downloaded report go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import AuditEvent, Finding
from reports import write_weekly_report
from reports.web.app import create_app
from liveserver import chromium, serving

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"


@pytest.fixture
def live_server(world):
    """uvicorn serving the app on a free 127.0.0.1 port, in a thread of this process."""
    write_weekly_report(world.settings, world.ids.holders[0], "2026-W47", formats=("json", "csv", "html", "pdf", "notices"))
    with serving(create_app(world.settings)) as base:
        yield base


@pytest.fixture
def browser():
    with chromium() as b:
        yield b


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_analyst_confirms_a_finding_with_the_keyboard(live_server, browser, world):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    log_in(page, live_server, "analyst@mamoru.test")
    assert page.url.endswith("/triage")
    rows = page.locator("#queue tbody tr.row")
    assert rows.count() == 4
    assert "current" in (rows.nth(0).get_attribute("class") or "")
    page.keyboard.press("j")
    assert "current" in (rows.nth(1).get_attribute("class") or "")
    page.keyboard.press("k")
    page.keyboard.press("j")
    target = int(rows.nth(1).get_attribute("data-id"))
    page.screenshot(path=str(ARTIFACTS / "triage-desk.png"), full_page=True)
    page.fill("#note", "seen at 3 s, clear copy")
    page.locator("#note").press("Escape")
    with page.expect_navigation():
        page.keyboard.press("c")
    assert page.locator("#queue tbody tr.row").count() == 3
    assert page.locator(f'#queue tr[data-id="{target}"]').count() == 0
    with session_scope(world.settings) as s:
        f = s.get(Finding, target)
        assert f.state == "confirmed" and f.note == "seen at 3 s, clear copy"
        event = s.scalar(select(AuditEvent).where(AuditEvent.object_type == "finding",
                                                  AuditEvent.object_id == target))
        assert event.action == "confirm" and event.detail["after"] == "confirmed"
    # the finding page: frame and reference side by side, decided with the keyboard too
    other = int(page.locator("#queue tbody tr.row").nth(0).get_attribute("data-id"))
    page.goto(f"{live_server}/findings/{other}")
    assert page.locator("img[alt='matched frame with region']").evaluate("i => i.naturalWidth") > 0
    assert page.locator("img[alt='reference art']").evaluate("i => i.naturalWidth") > 0
    page.screenshot(path=str(ARTIFACTS / "finding-page.png"), full_page=True)
    with page.expect_navigation():
        page.keyboard.press("e")
    # deciding on a finding page moves on to the next pending finding and says what was done
    assert f"/findings/{other}" not in page.url
    assert page.locator("#decided").inner_text().startswith(f"Finding #{other} is now escalated")
    with session_scope(world.settings) as s:
        assert s.get(Finding, other).state == "escalated"


def test_rights_holder_downloads_pdf_and_csv(live_server, browser, world):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page()
    # hostile content must never execute: fail on any dialog
    page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError(f"dialog opened: {d.message}")))
    log_in(page, live_server, "holder1@mamoru.test")
    assert page.url.endswith("/portal")
    row = page.locator('#reports tr[data-week="2026-W47"]')
    pdf_href = row.locator('a.download[data-format="pdf"]').get_attribute("href")
    csv_href = row.locator('a.download[data-format="csv"]').get_attribute("href")
    assert pdf_href and csv_href
    pdf = page.request.get(live_server + pdf_href)  # same cookies as the page
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    csv = page.request.get(live_server + csv_href)
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    text = csv.body().decode("utf-8-sig")
    assert "finding_id,week,platform" in text and "'=cmd|" in text
    pdf_path = ARTIFACTS / "report-2026-W47.pdf"
    pdf_path.write_bytes(pdf.body())
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) not installed")
    out = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert "Kumo Studio 雲スタジオ" in out and "2026-W47" in out and "確認済み" in out
    assert "Confirmed findings" in out and "https://www.youtube.example/v/" in out
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
                    str(ARTIFACTS / "report-first-page")], check=True)
    assert (ARTIFACTS / "report-first-page.png").stat().st_size > 10_000
    # another holder's report by id is not found, through the same browser session
    page.goto(f"{live_server}/portal")
    page.screenshot(path=str(ARTIFACTS / "portal.png"), full_page=True)
    with session_scope(world.settings) as s:
        wrong = s.scalar(select(Finding.id).where(Finding.id.in_(world.ids.findings["confirmed"][3:])))
    assert page.request.get(f"{live_server}/findings/{wrong}").status == 404
