"""The enforcement loop in Chromium against real parts: an admin records a notice as sent on the finding page,
a real Celery worker re-checks the clip on the demo platform (127.0.0.1), the platform takes the clip down,
"Re-check now" records the removal with its evidence, and the holder's portal shows the removal rate move.
Screenshots go to test-artifacts/ (portal-removal-rate.png, finding-enforcement.png, figures-plot.png)."""

from __future__ import annotations

import shutil
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import Clip, EnforcementEvent, Finding
from mamoru.demo.catalog import CLIPS
from mamoru.demo.server import DemoServer
from reports.web.app import create_app

pytestmark = [pytest.mark.browser, pytest.mark.integration]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"
DEMO_CLIP = CLIPS[0].id


def serve(app) -> tuple[object, threading.Thread, str]:  # noqa: ANN001
    import socket

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    return server, thread, f"http://127.0.0.1:{port}"


def log_in(page, base: str, email: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def wait_for_event(settings, finding_id: int, state: str, timeout: float = 90) -> EnforcementEvent:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(settings) as s:
            event = s.scalars(select(EnforcementEvent).where(EnforcementEvent.finding_id == finding_id,
                                                             EnforcementEvent.state == state)).first()
            if event is not None:
                s.expunge(event)
                return event
        time.sleep(0.2)
    raise AssertionError(f"no {state!r} event for finding {finding_id} after {timeout:.0f} s")


def test_notice_sent_rechecked_removed_and_the_portal_rate_moves(world, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from bench.harness import Pipeline

    ARTIFACTS.mkdir(exist_ok=True)
    finding_id = world.ids.findings["confirmed"][0]
    with DemoServer(tmp_path / "media") as site, Pipeline(world.settings.home) as pipeline:
        with session_scope(world.settings) as s:  # the finding's clip lives on the demo platform
            clip = s.get(Clip, s.get(Finding, finding_id).clip_id)
            clip.url = clip.page_url = f"{site.base_url}/v/{DEMO_CLIP}"
        pipeline.start(workers=[("worker", "io", 1)])  # the web app finds its Redis through the home
        server, thread, base = serve(create_app(world.settings))
        try:
            with sync_api.sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
                holder = browser.new_page(viewport={"width": 1200, "height": 900})
                log_in(holder, base, "holder1@mamoru.test")
                assert holder.locator("#removal-rate").inner_text() == "–"

                admin = browser.new_page(viewport={"width": 1200, "height": 1100})
                log_in(admin, base, "admin@mamoru.test")
                admin.goto(f"{base}/findings/{finding_id}")
                admin.select_option("#enforce-state", "sent")
                admin.select_option("#enforce-channel", "webform")
                admin.fill("#enforce-ref", "DT-2026-0001")
                with admin.expect_navigation():
                    admin.click("#enforce-submit")
                assert admin.locator("#enforcement-state").inner_text() == "sent"
                assert "re-check of the clip queued" in admin.locator(".flash.ok").inner_text()
                first = wait_for_event(world.settings, finding_id, "checked")  # the clip is still up
                assert first.detail["status"] == 200

                urllib.request.urlopen(urllib.request.Request(f"{site.base_url}/admin/takedown/{DEMO_CLIP}",
                                                              method="POST"), timeout=10)
                with admin.expect_navigation():
                    admin.click("#recheck")
                removed = wait_for_event(world.settings, finding_id, "removed")
                assert removed.detail["status"] == 410 and removed.evidence_key.startswith("enforcement/")
                assert (world.settings.home / removed.evidence_key).is_file()
                admin.reload()
                assert admin.locator("#enforcement-state").inner_text() == "removed"
                assert admin.locator("table.enforcement-history tr.enf-removed").count() == 1
                admin.locator("#enforcement").screenshot(path=str(ARTIFACTS / "finding-enforcement.png"))
                record = admin.request.get(base + admin.locator("tr.enf-removed a.evidence-link").get_attribute("href"))
                assert record.ok and record.json()["status"] == 410 and record.json()["verdict"] == "gone"

                holder.reload()
                assert holder.locator("#removal-rate").inner_text() == "100 %"
                assert holder.locator("#fig-removed").inner_text() == "1"
                holder.screenshot(path=str(ARTIFACTS / "portal-removal-rate.png"), full_page=True)
                holder.click("text=figures and plot per week, platform and character")
                assert holder.locator("#figures-plot").evaluate("i => i.naturalWidth") > 0
                holder.screenshot(path=str(ARTIFACTS / "figures-plot.png"), full_page=True)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
