"""The notice profile and a kept notice in Chromium (Playwright, Debian's chromium on 127.0.0.1): a holder
fills in its profile, drafts notices, and reads the Japanese notice with its evidence. Screenshots go to
test-artifacts/ (git-ignored): holder-profile.png and notice.png."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from pathlib import Path

import pytest

from core.blobstore import open_store

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"


@pytest.fixture
def served(world):
    """The app under uvicorn on a free 127.0.0.1 port (a thread of this process)."""
    import uvicorn

    from reports.web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(world.settings), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def keep_a_capture(world) -> int:  # noqa: ANN001
    """A WARC record of the page of the clip in the first Japanese notice (as workers.capture keeps it)."""
    from datetime import UTC, datetime

    from core.db import session_scope
    from core.models import Clip
    from core.services.captures import record_capture
    from reports.notices import confirmed_entries, group_entries
    from workers.capture import ServedPage, warc_bytes

    with session_scope(world.settings) as s:
        entries = confirmed_entries(s, world.ids.holders[0])
        clip = s.get(Clip, next(iter(group_entries(entries).values()))[0]["clip"]["id"])
        body = "<html><body><h1>踊ってみた</h1><p>12,345 回視聴</p></body></html>".encode()
        warc = warc_bytes(ServedPage(clip.url, 200, "OK", [("Content-Type", "text/html")], body), datetime.now(UTC))
        key = open_store(world.settings).put(f"captures/{clip.id}/browser-test.warc.gz", warc)
        return record_capture(s, clip.id, url=clip.url, status=200, warc_key=key,
                              warc_sha256=hashlib.sha256(warc).hexdigest(),
                              body_sha256=hashlib.sha256(body).hexdigest(), size=len(body)).id


def test_holder_completes_profile_and_reads_notice(served, chromium, world):
    ARTIFACTS.mkdir(exist_ok=True)
    holder_id = world.ids.holders[0]
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError(f"dialog opened: {d.message}")))
    page.goto(f"{served}/login")
    page.fill("input[name=email]", "holder1@mamoru.test")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.click("#holder-links a:has-text('Notice profile')")
    assert page.locator("#missing").count() == 1
    for name, value in {"legal_name": "Kumo Studio Co., Ltd.", "legal_name_ja": "株式会社雲スタジオ",
                        "representative": "代表取締役 山田 太郎", "representative_title": "Representative Director",
                        "address": "1-2-3 Example-cho, Chiyoda-ku, Tokyo 100-0001, Japan",
                        "address_ja": "〒100-0001 東京都千代田区例町1-2-3", "telephone": "+81 3-1234-5678",
                        "email": "legal@kumo.example", "agent_name": "Example Law Office",
                        "authority_proof": "委任状（2026年4月1日付）"}.items():
        page.fill(f"#f-{name}", value)
    with page.expect_navigation():
        page.click("#profile button[type=submit]")
    assert page.locator("#saved").count() == 1 and page.locator("#complete").count() == 1
    page.screenshot(path=str(ARTIFACTS / "holder-profile.png"), full_page=True)
    capture_id = keep_a_capture(world)
    page.goto(f"{served}/holders/{holder_id}/notices")
    with page.expect_navigation():
        page.click("#draft button[type=submit]")
    text = page.locator("#notice-text").inner_text()
    assert "侵害情報の通知書 兼 送信防止措置依頼書" in text and "株式会社雲スタジオ" in text
    assert "代表取締役 山田 太郎" in text and "未設定" not in text and "［" not in text.split("［権利者等］")[1]
    assert page.locator("#notice-text").get_attribute("lang") == "ja"
    frames = page.locator("img.evidence")
    assert frames.count() >= 2
    page.wait_for_load_state("networkidle")
    assert all(frames.nth(i).evaluate("i => i.naturalWidth") > 0 for i in range(frames.count()))
    assert page.locator(f'#captures a[href="/captures/{capture_id}/warc"]').count() == 1
    page.screenshot(path=str(ARTIFACTS / "notice.png"), full_page=True)
    pdf = page.request.get(served + page.locator("#pdf").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    (ARTIFACTS / "notice.pdf").write_bytes(pdf.body())
