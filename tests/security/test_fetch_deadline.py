"""The fetch deadline holds against a slow sender: a server dripping one byte every 2 s, whose every read
returns well inside any socket timeout, is cut near a 10 s deadline (a watchdog shuts the connection)."""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fetch_servers import Drip, LoopbackSite  # noqa: E402

from workers.fetch import FetchError, download  # noqa: E402

DEADLINE_S = 10
SLACK_S = 5  # the watchdog fires at the deadline; yt-dlp then needs a moment to give up


@pytest.mark.parametrize("path", ["/drip.mp4", "/page"])
def test_a_dripping_download_ends_at_the_deadline(path, settings, tmp_path):
    loopback = dataclasses.replace(settings, allowed_private_hosts=("127.0.0.1",))
    with LoopbackSite("127.0.0.1") as site:
        url = site.add(path, "video/mp4" if path.endswith(".mp4") else "text/html", Drip(size=10_000, every_s=2))
        started = time.monotonic()
        with pytest.raises(FetchError) as err:
            download(url, tmp_path / "dl", loopback, timeout_s=DEADLINE_S)
        took = time.monotonic() - started
    assert err.value.code == "timeout" and err.value.permanent, err.value
    assert "\n" not in str(err.value)
    assert took < DEADLINE_S + SLACK_S, f"the download ran {took:.1f} s past a {DEADLINE_S} s deadline"
