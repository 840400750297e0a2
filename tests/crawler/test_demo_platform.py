"""The contract with the demo: a "web" feed watchlist on the demo platform (mamoru.demo.server) gives
one clip per video, with stable ids and titles kept exactly as the site wrote them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler_testkit import FAST, crawl_env, run_module
from core.db import session_scope
from core.models import Clip, RightsHolder, Watchlist


def test_demo_feed_watchlist(settings, tmp_path):
    server_mod = pytest.importorskip("mamoru.demo.server")
    catalog = pytest.importorskip("mamoru.demo.catalog")
    server = server_mod.DemoServer(tmp_path / "media").start()
    try:
        with session_scope(settings) as session:
            holder = RightsHolder(name="Demo")
            session.add(holder)
            session.flush()
            wl = Watchlist(rights_holder_id=holder.id, platform="web", kind="feed", value=f"{server.base_url}/feed.rss")
            session.add(wl)
            session.flush()
            wl_id = wl.id
        result = run_module([f"--watchlist={wl_id}", *FAST], crawl_env(settings.home))
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    assert result.returncode == 0, result.stderr
    assert result.outcome["errors"] == 0 and result.outcome["new"] == len(catalog.CLIPS)
    with session_scope(settings) as session:
        clips = {c.platform_id: c for c in session.scalars(select(Clip))}
    assert set(clips) == {f"127.0.0.1/v/{c.id}" for c in catalog.CLIPS}
    for demo_clip in catalog.CLIPS:
        clip = clips[f"127.0.0.1/v/{demo_clip.id}"]
        assert clip.title == demo_clip.title and clip.url == f"{server.base_url}/v/{demo_clip.id}"
        assert clip.status == "new" and clip.id in result.outcome["fetch_clip_ids"]
