"""Pages that build their video list in JavaScript: nothing without a browser, every video with
`--render` (scrapy-playwright on Debian's Chromium); the browser's own requests obey the address rule."""

from __future__ import annotations

import os
import time

import pytest

pytestmark = pytest.mark.browser

JS_PAGE = """<html><head><title>JSで作る一覧</title></head><body><div id="list"></div><script>
  const list = document.getElementById('list');
  for (const name of ['a', 'b']) {
    const video = document.createElement('video');
    video.src = '/m/' + name + '.mp4';
    list.appendChild(video);
  }
  fetch('http://127.0.0.2:{canary}/leak').catch(() => {});
</script></body></html>"""


@pytest.fixture
def chromium():
    if not os.access("/usr/bin/chromium", os.X_OK):
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed")
    pytest.importorskip("scrapy_playwright")


def test_a_javascript_page_needs_render(server, discover, chromium):
    from tests_canary import Canary

    with Canary("127.0.0.2") as canary:
        server.add("/js", JS_PAGE.replace("{canary}", str(canary.port)))
        started = time.monotonic()
        plain = discover(f"{server.base}/js")
        plain_s = time.monotonic() - started
        assert plain.items == [] and plain.outcome["errors"] == 0
        started = time.monotonic()
        rendered = discover(f"{server.base}/js", extra=["--render"])
        seconds = time.monotonic() - started
    assert [i["media_url"] for i in rendered.items] == [f"{server.base}/m/a.mp4", f"{server.base}/m/b.mp4"]
    assert rendered.outcome["rendered"] == 1 and any("Chromium" in n for n in rendered.outcome["notes"])
    assert canary.hits == 0  # the page's request to another loopback address was aborted
    print(f"plain crawl: {plain_s:.1f} s, rendered crawl: {seconds:.1f} s")


def test_render_per_platform_by_environment(server, discover, chromium):
    server.add("/x/someone/status/1900000000000000009", JS_PAGE.replace("{canary}", "9").replace(
        "<title>", '<title>').replace("'/m/'", "'/m/x'"))
    env = {"MAMORU_X_BASE_URL": f"{server.base}/x", "MAMORU_RENDER_PLATFORMS": "x"}
    result = discover(f"{server.base}/x/someone/status/1900000000000000009", env=env)
    assert result.outcome["rendered"] == 1
