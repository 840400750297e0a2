"""Reuploaded footage (issue 12 item 5), through the product: `mamoru refs add TRAILER.mp4` indexes the
trailer's shots, a 9:16 reupload (a mirrored centre crop of 45 % of the width on a blurred fill) is fetched by
yt-dlp from a 127.0.0.1 site and analysed by a real Celery worker, and the finding, its signal, the weekly report
(JSON, CSV, HTML) and the finding page name the trailer and a time in it within one shot of the truth."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.harness import Pipeline
from core.db import session_scope
from core.models import Finding, RightsHolder
from core.services.triage import decide
from footage import shot_at, write_episode, write_reupload
from reports.build import finding_entry, findings_query

pytestmark = pytest.mark.integration

if shutil.which("redis-server") is None:
    pytest.skip("redis-server is not installed (scripts/setup.sh installs it)", allow_module_level=True)

START, SECONDS = 6.0, 4.0  # the reupload shows the episode from 6 s to 10 s: shots 2 and 3


class FileSite:
    """Video files served over HTTP on 127.0.0.1 (name -> bytes), as a platform's CDN would."""

    def __init__(self, files: dict[str, Path]):
        blobs = {f"/{name}": path.read_bytes() for name, path in files.items()}

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                body = blobs.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "video/mp4" if body is not None else "text/plain")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                if self.command != "HEAD" and body:
                    self.wfile.write(body)

            do_HEAD = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def __enter__(self) -> FileSite:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_reupload_is_found_and_named_by_the_trailer_and_time(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reupload")
    episode = folder / "trailer-2.mp4"
    truth = write_episode(episode)
    reupload = write_reupload(episode, folder / "reupload.mp4", START, SECONDS, width_share=0.45, mirror=True)
    shown = range(shot_at(truth, START) - 1, shot_at(truth, START + SECONDS) + 2)  # within one shot
    with FileSite({"reupload.mp4": reupload}) as site, Pipeline(folder / "home") as p:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORU_")} | p.env
        added = subprocess.run([sys.executable, "-m", "mamoru.cli.main", "refs", "add", str(episode), "--holder",
                                "Studio", "--work", "Sky Pirates", "--title", "Trailer 2"], env=env,
                               capture_output=True, text=True, timeout=600)
        assert added.returncode == 0, added.stderr
        assert f"reference video 1 'Trailer 2' added: {truth[-1].end:.1f} s, {len(truth)} keyframes" in added.stdout
        assert "index rebuilt" in added.stdout
        p.start(workers=[("worker", "io,cpu", 2)])
        clip_id = p.add_clip(site.url("reupload.mp4"), title="best scene 😭 #anime")
        p.fetch([clip_id])
        states = p.wait_until([clip_id], timeout=300)
        assert states[clip_id][0] == "done", states

        with session_scope(p.settings) as session:
            holder_id = session.scalar(select(RightsHolder.id).where(RightsHolder.name == "Studio"))
            entries = [finding_entry(*row) for row in session.execute(
                findings_query(holder_id).where(Finding.clip_id == clip_id).order_by(Finding.score.desc()))]
            assert entries, "the reupload was not found"
            for e in entries:
                video = e["reference"]["video"]
                assert video["title"] == "Trailer 2" and shot_at(truth, video["t"]) in shown, video
                assert video["label"] == f"Trailer 2 at {video['at']}"
                signal = next(s for s in e["signals"] if s["type"] == "reference_match")
                assert signal["video"] == video
            best = entries[0]
            decide(session, None, [best["finding_id"]], "confirm", "reupload of the trailer")
        label = best["reference"]["video"]["label"]

        year, week, _ = datetime.now(UTC).isocalendar()
        files = p.send("build_weekly_report", holder_id, f"{year}-W{week:02d}", ["json", "csv", "html"]).get(
            timeout=300)
        by_format = {f["format"]: (folder / "home" / f["path"]).read_bytes() for f in files}
        report = json.loads(by_format["json"])
        assert report["findings"][0]["reference"]["video"]["label"] == label
        rows = list(csv.DictReader(io.StringIO(by_format["csv"].decode("utf-8-sig"))))
        assert rows[0]["reference_video"] == label
        assert label in by_format["html"].decode()
