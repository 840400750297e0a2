"""In Chromium: the admin uploads a trailer through the references page's file input; the page says how many
keyframes it took and lists the video, its keyframes named by the time in it."""

from __future__ import annotations

import pytest

from footage import write_episode
from liveserver import chromium, serving
from reports.web.app import create_app

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def test_admin_uploads_a_trailer_in_the_browser(world, tmp_path):
    trailer = tmp_path / "Trailer 2.mp4"
    write_episode(trailer, pictures=("astronaut.png", "coffee.png", "chelsea.png"), black_after=99)
    with serving(create_app(world.settings)) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/login")
        page.fill("input[name=email]", "admin@mamoru.test")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(f"{base}/admin/references")
        form = page.locator('form[action="/admin/references"]')
        form.locator("input[name=work]").fill("Sky Pirates")
        form.locator("input[name=image]").set_input_files(str(trailer))
        with page.expect_navigation(timeout=120_000):
            form.locator("button[type=submit]").click()
        text = page.content()
        assert "reference video Trailer 2 added: 7.5 s, 3 keyframes" in text, page.url
        assert page.locator("#reference-videos tbody tr").count() == 1
        assert page.locator("span.video", has_text="Trailer 2 at 00:0").count() == 3
