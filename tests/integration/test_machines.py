"""Three "machines" on one: separate processes with separate homes and no shared disk (an io worker, a cpu
worker, the web app), sharing only one PostgreSQL, one Redis and one S3 endpoint (moto's ThreadedMotoServer,
a real S3 HTTP server on 127.0.0.1). A watchlist is crawled and its clips fetched on the io machine,
analysed on the cpu machine, triaged and reported through the web machine's HTTP API; the cpu machine is
SIGKILLed in the middle of an analysis and replaced by one with an empty disk, and nothing is lost."""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bench.harness import Pipeline
from core.blobstore import open_store
from core.db import session_scope
from core.models import Clip, Finding, RightsHolder, Watchlist, utcnow
from mamoru.demo.catalog import CLIPS, DEMO_HOLDER
from mamoru.demo.generate import ensure_media
from mamoru.demo.server import DemoServer
from core.services.users import ensure_user
from tests.integration.test_faults import FaultSite, loop_clip
from workers import index_store

pytestmark = pytest.mark.integration

if shutil.which("redis-server") is None or shutil.which("ffmpeg") is None:
    pytest.skip("redis-server and ffmpeg are needed (scripts/setup.sh installs them)", allow_module_level=True)

ANALYST = ("analyst@machines.test", "three machines, one database")
BLOB_FOLDERS = ("evidence", "media", "reports", "references")


def local_blobs(home: Path) -> list[Path]:
    """Files in a home's blob folders: with object storage there must be none."""
    return [p for folder in BLOB_FOLDERS for p in (home / folder).rglob("*") if p.is_file()]


@pytest.fixture
def shared(postgres_url, redis_url, s3_url) -> dict[str, str]:
    """What every machine is told: the one database, Redis and object store (nothing else is shared)."""
    return {"MAMORU_DATABASE_URL": postgres_url, "MAMORU_REDIS_URL": redis_url, "MAMORU_STORAGE_URL": s3_url,
            "MAMORU_TASK_TIME_LIMIT_S": "180", "MAMORU_RETRY_BACKOFF_S": "0.3"}


def test_crawl_fetch_analyse_triage_report_on_three_machines(tmp_path, tmp_path_factory, shared):
    media = ensure_media(tmp_path_factory.getbasetemp() / "demo-media")
    long_clip = loop_clip(media["v1001"], tmp_path / "long.mp4", 8)  # 32 s: its analysis takes seconds
    with DemoServer(tmp_path_factory.getbasetemp() / "demo-media") as site, \
            FaultSite({"long": long_clip}) as slow_site, \
            Pipeline(tmp_path / "web", env=dict(shared)) as web, \
            Pipeline(tmp_path / "io", env=dict(shared)) as io, \
            Pipeline(tmp_path / "cpu", env=dict(shared)) as cpu:
        # the operator adds the art on the web machine: it goes to the object store, the index is published
        web.add_references()
        assert index_store.published_version(web.settings) is not None
        io.start(workers=[("io", "io", 2)])
        cpu.start(workers=[("cpu", "cpu", 1)])
        web.start(workers=[])
        web_url = web.stack.start_web()
        for machine, node in ((io, "io"), (cpu, "cpu")):  # what the units' health timers run
            checked = subprocess.run([sys.executable, "-m", "mamoru.cli.main", "health", "--worker",
                                      f"{node}@{socket.gethostname()}"], env=machine.stack.child_env(),
                                     capture_output=True, text=True, timeout=120)
            assert checked.returncode == 0, checked.stdout + checked.stderr
        assert httpx.get(f"{web_url}healthz", timeout=30).json()["ok"] is True
        with session_scope(web.settings) as session:
            holder_id = session.scalar(select(RightsHolder.id).where(RightsHolder.name == DEMO_HOLDER))
            ensure_user(session, ANALYST[0], ANALYST[1], "analyst")
            watchlist = Watchlist(rights_holder_id=holder_id, platform="web", kind="feed",
                                  value=f"{site.base_url}/feed.rss", last_run_at=utcnow())
            session.add(watchlist)
            session.flush()
            watchlist_id = watchlist.id

        # crawl and fetch on io, analyse on cpu
        outcome = web.send("crawl_watchlist", watchlist_id).get(timeout=300)
        assert not outcome.get("stopped"), outcome
        with session_scope(web.settings) as session:
            clips = {url.rsplit("/", 1)[-1]: cid for cid, url in session.execute(
                select(Clip.id, Clip.url).where(Clip.watchlist_id == watchlist_id))}
        assert sorted(clips) == sorted(c.id for c in CLIPS)
        states = web.wait_until(clips.values(), timeout=420)
        assert {s for s, _, _ in states.values()} == {"done"}, states
        for demo in CLIPS:
            assert [name for name, _ in web.findings(clips[demo.id])] == ([demo.shows] if demo.shows else [])
        io_log, cpu_log = (io.home / "logs" / "io.log").read_text(), (cpu.home / "logs" / "cpu.log").read_text()
        assert "Task fetch_clip[" in io_log and "Task analyze_clip[" not in io_log
        assert "Task analyze_clip[" in cpu_log and "Task fetch_clip[" not in cpu_log

        # the cpu machine dies mid-analysis; a replacement with an empty disk takes the clip back
        clip_id = io.add_clip(slow_site.url("ok/long.mp4"))
        io.fetch([clip_id])
        cpu.wait_until([clip_id], {"analyzing"}, timeout=180)
        cpu.stack.kill("cpu")
        assert cpu.clip(clip_id).status == "analyzing", "the analysis ended before the kill"
        with Pipeline(tmp_path / "cpu-replacement", env=dict(shared)) as replacement:
            replacement.start(workers=[("cpu", "cpu", 1)])  # the same node name: it takes back the clip now
            states = replacement.wait_until([clip_id], timeout=240)
            assert states[clip_id][0] == "done", states
            assert replacement.clip(clip_id).attempts == 3, "one fetch, the killed analysis, the one after"
            assert [name for name, _ in web.findings(clip_id)] == ["astronaut"]
            assert not local_blobs(replacement.home)
            # the media in flight goes just after "done" is committed: wait for it before stopping this machine
            media_key = replacement.clip(clip_id).evidence["media_path"]
            store = open_store(web.settings)
            deadline = time.monotonic() + 60
            while store.exists(media_key) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not store.exists(media_key), "the analysed clip's media stayed in the object store"

        # triage and report through the web machine's API
        week = "{}-W{:02d}".format(*datetime.now(UTC).isocalendar()[:2])
        with httpx.Client(base_url=web_url, timeout=120) as client:
            login = client.post("/api/session", json={"email": ANALYST[0], "password": ANALYST[1]})
            assert login.status_code == 200, login.text
            csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
            pending = client.get("/api/findings", params={"state": "pending"}).json()["findings"]
            assert len(pending) == sum(1 for c in CLIPS if c.shows) + 1
            for finding in pending:
                r = client.post(f"/api/findings/{finding['finding_id']}/decision", json={"action": "confirm"}, headers=csrf)
                assert r.status_code == 200, r.text
                frame = client.get(f"/findings/{finding['finding_id']}/frame.jpg")
                assert frame.status_code == 200 and frame.content.startswith(b"\xff\xd8")  # read from S3
            built = client.post("/api/reports", json={"rights_holder_id": holder_id, "week": week,
                                                      "formats": ["json", "html"]}, headers=csrf)
            assert built.status_code == 200, built.text
            report = client.get("/api/reports", params={"holder": holder_id}).json()["reports"][0]
            files = client.get(f"/api/reports/{report['id']}").json()["files"]
            for n, entry in enumerate(files):
                body = client.get(f"/api/reports/{report['id']}/files/{n}")
                assert body.status_code == 200 and hashlib.sha256(body.content).hexdigest() == entry["sha256"]
            html = next(client.get(f"/api/reports/{report['id']}/files/{n}").text
                        for n, e in enumerate(files) if e["format"] == "html")
            assert html.count("data:image/jpeg;base64,") >= len(pending)  # evidence frames, from S3

        # nothing any machine needed was on another machine's disk
        for machine in (web, io, cpu):
            assert not local_blobs(machine.home), (machine.home, local_blobs(machine.home))
        assert not list((io.home / "cache").rglob("*.npz"))  # the io machine never needed the index
        assert list((cpu.home / "cache" / "indexes").glob("*.npz"))  # the cpu machine loaded the published one
        with session_scope(web.settings) as session:
            thumbs = session.scalars(select(Finding.thumbnail_path)).all()
            assert thumbs and all(store.exists(t) for t in thumbs)
            kept = [(c.id, c.status) for c in session.scalars(select(Clip))
                    if c.evidence.get("media_path") and store.exists(c.evidence["media_path"])]
            assert not kept, f"media in flight not deleted once analysed: {kept}"
        print(f"\nMACHINES io, cpu (killed mid-analysis, replaced), web: {len(clips) + 1} clips done, "
              f"{len(pending)} findings triaged, report files {len(files)} downloaded with matching sha256, "
              "0 blob files on any machine's disk")
