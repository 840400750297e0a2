"""The whole chain with real processes: a redis-server and a `celery worker` on 127.0.0.1, the demo site
on 127.0.0.1, crawl (Scrapy) -> fetch (yt-dlp) -> analyze (matcher) -> weekly report, then `mamoru status`
and a second crawl that changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, select, text

from core.db import session_scope
from mamoru.demo.catalog import CLIPS, DEMO_HOLDER
from mamoru.demo.generate import ensure_media
from mamoru.demo.server import DemoServer
from core.models import Clip, Finding, Keyframe, RightsHolder, Watchlist, utcnow
from bench.harness import Pipeline

pytestmark = pytest.mark.integration

if shutil.which("redis-server") is None:
    pytest.skip("redis-server is not installed (scripts/setup.sh installs it)", allow_module_level=True)


def table_counts(settings) -> dict[str, int]:  # noqa: ANN001
    with session_scope(settings) as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in (Clip, Finding, Keyframe)}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_env(request):
    """No setting for SQLite in the home; a fresh database on the test PostgreSQL when there is one."""
    if request.param == "sqlite":
        yield {}
        return
    base = os.environ.get("MAMORU_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("MAMORU_TEST_POSTGRES_URL is not set (scripts/test.sh starts PostgreSQL and sets it)")
    name = f"mamoru_chain_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    yield {"MAMORU_DATABASE_URL": base.rsplit("/", 1)[0] + "/" + name}
    with admin.connect() as conn:
        conn.execute(text(f'drop database "{name}" with (force)'))
    admin.dispose()


def test_crawl_fetch_analyze_report_on_a_loopback_site(tmp_path_factory, database_env):
    media = tmp_path_factory.getbasetemp() / "demo-media"
    ensure_media(media)
    home = tmp_path_factory.mktemp("chain") / "home"
    with DemoServer(media) as site, Pipeline(home, env=dict(database_env)) as p:
        p.add_references()
        p.start(workers=[("worker", "io,cpu", 2)])
        with session_scope(p.settings) as session:
            holder_id = session.scalar(select(RightsHolder.id).where(RightsHolder.name == DEMO_HOLDER))
            watchlist = Watchlist(rights_holder_id=holder_id, platform="web", kind="feed",
                                  value=f"{site.base_url}/feed.rss", last_run_at=utcnow())
            session.add(watchlist)
            session.flush()
            watchlist_id = watchlist.id
        outcome = p.send("crawl_watchlist", watchlist_id).get(timeout=300)
        assert not outcome.get("stopped"), outcome
        with session_scope(p.settings) as session:
            clips = {url.rsplit("/", 1)[-1]: cid for cid, url in session.execute(
                select(Clip.id, Clip.url).where(Clip.watchlist_id == watchlist_id))}
        assert sorted(clips) == sorted(c.id for c in CLIPS)
        assert sorted(outcome["fetch_clip_ids"]) == sorted(clips.values())
        states = p.wait_until(clips.values(), timeout=300)
        assert {s for s, _, _ in states.values()} == {"done"}, states
        for demo in CLIPS:
            clip_id = clips[demo.id]
            assert [name for name, _ in p.findings(clip_id)] == ([demo.shows] if demo.shows else []), demo.id
            clip = p.clip(clip_id)
            assert clip.fetched_at and clip.analyzed_at and clip.media_sha256 and clip.attempts == 2
            assert json.loads((home / "evidence" / str(clip_id) / "info.json").read_text())["id"]
            assert len(list((home / "evidence" / str(clip_id)).glob("*.jpg"))) == len(p.findings(clip_id))
        assert not [f for f in (home / "media").rglob("*") if f.is_file()], "media kept after analysis"

        year, week, _ = datetime.now(UTC).isocalendar()
        files = p.send("build_weekly_report", holder_id, f"{year}-W{week:02d}", ["json", "csv"]).get(timeout=300)
        assert {f["format"] for f in files} == {"json", "csv"}
        assert all((home / f["path"]).is_file() and not os.path.isabs(f["path"]) for f in files)  # relative to the home

        env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORU_")} | p.env
        status = subprocess.run([sys.executable, "-m", "mamoru.cli.main", "status", "--json"], env=env,
                                capture_output=True, text=True, timeout=120)
        assert status.returncode == 0, status.stderr
        report = json.loads(status.stdout)
        assert report["clips"]["done"] == len(CLIPS) and report["failures"] == []
        assert report["queues"]["io"] == 0 and report["queues"]["cpu"] == 0
        assert report["watchlists"][0]["last_run_at"]

        before = table_counts(p.settings)
        again = p.send("crawl_watchlist", watchlist_id).get(timeout=300)
        assert again["new"] == 0 and again["fetch_clip_ids"] == []
        assert table_counts(p.settings) == before
