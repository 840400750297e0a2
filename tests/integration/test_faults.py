"""Faults, with a real redis-server and real `celery worker` processes on 127.0.0.1 (never eager mode):
bad inputs each end failed or skipped with one clear reason while the other clips finish; the same media
under two URLs is analysed once; a worker SIGKILLed in the middle of analyze, and Redis killed and
restarted in the middle of a run, lose no clip and duplicate no finding.

The figures (faults injected, clips lost, findings duplicated) are printed: run with `-s` to see them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mamoru.demo.catalog import CLIPS
from mamoru.demo.generate import write_clip
from bench.harness import Pipeline

pytestmark = pytest.mark.integration

if shutil.which("redis-server") is None or shutil.which("ffmpeg") is None:
    pytest.skip("redis-server and ffmpeg are needed (scripts/setup.sh installs them)", allow_module_level=True)

# short limits so each fault shows within seconds; caps small enough to test cheaply
FAULT_ENV = {
    "MAMORU_FETCH_TIMEOUT_S": "5",
    "MAMORU_RETRY_BACKOFF_S": "0.3",
    "MAMORU_MAX_FILESIZE_MB": "3",
    "MAMORU_TASK_TIME_LIMIT_S": "180",
    "MAMORU_STALL_AFTER_S": "20",
}
DEMO = {c.id: c for c in CLIPS}


BIG_BYTES = 5 * 1024 * 1024


class FaultSite:
    def __init__(self, files: dict[str, Path], host: str = "127.0.0.1"):
        self.files = {name: path.read_bytes() for name, path in files.items()}  # name -> mp4 bytes
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.httpd = ThreadingHTTPServer((host, 0), self._handler())
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self.redirect_target = ""  # set by the test: where /redirect-loopback.mp4 points

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt: str, *args: object) -> None:
                pass

            def _send(self, body: bytes, ctype: str = "video/mp4", status: int = 200,
                      headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        self.close_connection = True  # the client gave up (a cap): nothing to report

            def _stream(self, chunk: bytes, pause: float, limit: int | None) -> None:
                """Send CHUNK again and again with no Content-Length, until LIMIT bytes or the client leaves."""
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                if self.command == "HEAD":
                    return
                sent = 0
                try:
                    while not site._stop.is_set() and (limit is None or sent < limit):
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        sent += len(chunk)
                        time.sleep(pause)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_HEAD(self) -> None:  # noqa: N802
                self.do_GET()

            def do_GET(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path
                with site._lock:
                    site.hits[path] += 1
                    count = site.hits[path]
                name = path.rsplit("/", 1)[-1].removesuffix(".mp4")
                if path.startswith(("/ok/", "/same/")) and name in site.files:
                    return self._send(site.files[name])
                good = next(iter(site.files.values()), b"")
                if path == "/corrupt.mp4":
                    return self._send(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 400)
                if path == "/truncated.mp4":
                    return self._send(good[: len(good) // 2])
                if path == "/empty.mp4":
                    return self._send(b"")
                if path == "/html.mp4":
                    return self._send(b"<!DOCTYPE html><html><head><title>Sorry</title></head>"
                                      b"<body><p>This video is not available in your region.</p></body></html>")
                if path == "/big.mp4":
                    return self._send(good + b"\x00" * (BIG_BYTES - len(good)))
                if path == "/big-nolength.mp4":
                    return self._stream(b"\x00" * 65536, 0.0, BIG_BYTES)
                if path == "/never-ends.mp4":
                    return self._stream(good[:1024], 0.05, None)
                if path == "/redirect-loopback.mp4":
                    return self._send(b"", "text/plain", 302, {"Location": site.redirect_target})
                if path == "/redirect-metadata.mp4":
                    return self._send(b"", "text/plain", 302,
                                      {"Location": "http://169.254.169.254/latest/meta-data/iam/"})
                if path == "/flaky.mp4":
                    if count == 1:
                        return self._send(b"busy", "text/plain", 503)
                    return self._send(good)
                if path == "/throttled.mp4":
                    return self._send(b"slow down", "text/plain", 429, {"Retry-After": "1"})
                self._send(b"not found", "text/plain", 404)

        return Handler

    def start(self) -> FaultSite:
        threading.Thread(target=self.httpd.serve_forever, name=f"fault-site-{self.port}", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FaultSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- fixtures ---------------------------------------------------------------------------------------


def loop_clip(src: Path, dest: Path, times: int) -> Path:
    """SRC played TIMES over, without re-encoding: a longer clip, and distinct media for each TIMES."""
    if not dest.exists():
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(times - 1), "-i", str(src),
                        "-c", "copy", str(dest)], check=True, timeout=60)
    return dest


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> dict[str, Path]:
    """A few demo clips (4 s, 720x1280) and longer loops of one, made once per session."""
    folder = tmp_path_factory.getbasetemp() / "fault-media"
    folder.mkdir(exist_ok=True)
    files = {}
    for clip_id in ("v1001", "v1003", "v2001", "v2002"):
        path = folder / f"{clip_id}.mp4"
        if not path.exists():
            write_clip(DEMO[clip_id], path)
        files[clip_id] = path
    files["loop2"] = loop_clip(files["v1001"], folder / "loop2.mp4", 2)
    files["loop3"] = loop_clip(files["v1001"], folder / "loop3.mp4", 3)
    files["long"] = loop_clip(files["v1001"], folder / "long.mp4", 8)  # 32 s: analysis takes seconds
    files["long7"] = loop_clip(files["v1001"], folder / "long7.mp4", 7)
    return files


@pytest.fixture(scope="module")
def site(media):
    with FaultSite(media) as fault_site, FaultSite({}, host="127.0.0.2") as other_loopback:
        fault_site.redirect_target = other_loopback.url("ok/v1001.mp4")
        fault_site.other = other_loopback
        yield fault_site


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    with Pipeline(tmp_path_factory.mktemp("faults") / "home", env=dict(FAULT_ENV)) as p:
        p.add_references()
        p.start(workers=[("worker", "io,cpu", 2)])
        yield p


# --- bad inputs -------------------------------------------------------------------------------------

# path -> (end status, reason code, words the reason must contain)
BAD_INPUTS = {
    "corrupt.mp4": ("failed", "corrupt", "analyze"),
    "truncated.mp4": ("failed", "corrupt", "analyze"),
    "empty.mp4": ("failed", "empty", "0 bytes"),
    "html.mp4": ("failed", "not_video", "HTML"),
    "big.mp4": ("skipped", "too_large", "size cap"),
    "big-nolength.mp4": ("skipped", "too_large", "size cap"),
    "never-ends.mp4": ("failed", "timeout", "longer than 5 s"),
    "redirect-loopback.mp4": ("skipped", "unsafe_url", "127.0.0.2"),
    "redirect-metadata.mp4": ("skipped", "unsafe_url", "169.254.169.254"),
    "gone.mp4": ("failed", "gone", "404"),
    "throttled.mp4": ("failed", "network", "429"),
}


def test_bad_inputs_end_with_one_reason_while_the_rest_finish(pipeline, site):
    bad = {path: pipeline.add_clip(site.url(path)) for path in BAD_INPUTS}
    tricky_title = "<script>alert('x')</script> ../../../etc/passwd %2e%2e%2f =HYPERLINK(\"http://evil\")"
    good = {
        "v1001": pipeline.add_clip(site.url("ok/v1001.mp4"), title=tricky_title),
        "v2001": pipeline.add_clip(site.url("ok/v2001.mp4?name=../../../../tmp/pwned.mp4"),
                                   platform_id="../../../etc/passwd", title="<b>x</b>/../../../etc"),
        "flaky": pipeline.add_clip(site.url("flaky.mp4")),  # 503 once, then fine: retried
    }
    pipeline.fetch([*bad.values(), *good.values()])
    states = pipeline.wait_until([*bad.values(), *good.values()], timeout=180)

    wrong = {}
    for path, clip_id in bad.items():
        status, code, reason = states[clip_id]
        want_status, want_code, words = BAD_INPUTS[path]
        if (status, code) != (want_status, want_code) or words not in (reason or "") or "\n" in (reason or ""):
            wrong[path] = states[clip_id]
    assert not wrong, f"bad inputs that did not end as expected: {wrong}"
    assert {k: states[v][0] for k, v in good.items()} == {k: "done" for k in good}, states
    assert pipeline.findings(good["v1001"])[0][0] == "astronaut"
    assert pipeline.findings(good["v2001"]) == []
    assert pipeline.clip(good["flaky"]).attempts == 2  # one transient 503, one retry
    assert site.other.hits == Counter(), "the redirect to another loopback address was followed"
    assert site.hits["/throttled.mp4"] >= 3, "429 was not retried"
    home = pipeline.home
    assert not list(home.parent.rglob("pwned*")) and not (home / "etc").exists()
    fetched = {*good.values(), bad["corrupt.mp4"], bad["truncated.mp4"]}  # downloaded, then failed analysis
    assert sorted(p.name for p in (home / "evidence").iterdir()) == sorted(map(str, fetched)), \
        "evidence only for downloaded clips, in folders named by clip id"
    assert not [p for p in (home / "media").rglob("*") if p.is_file()], "media left after analysis"
    print(f"\nFAULTS bad inputs: {len(bad)} injected, {len(bad)} ended with one reason, "
          f"{len(good)}/{len(good)} other clips done")

    # `mamoru retry --failed --reason gone` queues exactly those clips again, with a fresh attempt count
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORU_")} | pipeline.env
    proc = subprocess.run([sys.executable, "-m", "mamoru.cli.main", "retry", "--failed", "--reason", "gone"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and f"1 clips queued for fetch again: [{bad['gone.mp4']}]" in proc.stdout, proc
    again = pipeline.wait_until([bad["gone.mp4"]], timeout=60)
    assert again[bad["gone.mp4"]][:2] == ("failed", "gone") and pipeline.clip(bad["gone.mp4"]).attempts == 1
    assert site.hits["/gone.mp4"] == 2


def test_same_media_under_two_urls_is_analysed_once(pipeline, site):
    first = pipeline.add_clip(site.url("ok/v1003.mp4"))
    second = pipeline.add_clip(site.url("same/v1003.mp4"))
    third = pipeline.add_clip(site.url("ok/v1003.mp4?utm_source=x"))
    ids = [first, second, third]
    pipeline.fetch(ids)
    states = pipeline.wait_until(ids, timeout=120)
    assert {s for s, _, _ in states.values()} == {"done"}, states
    clips = [pipeline.clip(i) for i in ids]
    assert len({c.media_sha256 for c in clips}) == 1
    analysed = [c for c in clips if "same_media_as" not in (c.evidence or {})]
    assert len(analysed) == 1, [c.evidence for c in clips]
    owner = analysed[0]
    assert all(c.evidence["same_media_as"] == owner.id for c in clips if c is not owner)
    findings = [pipeline.findings(i) for i in ids]
    assert findings[0] and findings[0] == findings[1] == findings[2], findings
    assert findings[0][0][0] == "chelsea"
    for c in clips:  # each clip has its own evidence: info JSON and matched-frame thumbnail
        assert (pipeline.home / c.evidence["info_json"]).is_file()  # a blob key: the path in the home
        assert list((pipeline.home / "evidence" / str(c.id)).glob("*.jpg"))
    worker_log = (pipeline.home / "logs" / "worker.log").read_text()
    assert sum(f"clip {i} analysed:" in worker_log for i in ids) == 1


# --- process faults ---------------------------------------------------------------------------------


def pool_processes(pid: int) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == pid]


def _ppid(proc_dir: Path) -> int | None:
    try:
        return int((proc_dir / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_worker_sigkilled_in_analyze_is_analysed_again_once(tmp_path, site):
    """Twice: the whole worker (main process and pool) killed, then restarted under the same name; and
    only the pool process running the analysis killed (Celery puts the message back itself)."""
    with Pipeline(tmp_path / "home", env=dict(FAULT_ENV)) as p:
        p.add_references()
        p.start(workers=[("worker", "io,cpu", 1)])
        for victim, path in (("worker", "ok/long.mp4"), ("pool process", "ok/long7.mp4")):
            clip_id = p.add_clip(site.url(path))
            p.fetch([clip_id])
            p.wait_until([clip_id], {"analyzing"}, timeout=120)
            if victim == "worker":
                p.stack.kill("worker", signal.SIGKILL)  # the worker and its pool, in the middle of the analysis
            else:
                for pid in pool_processes(p.stack.child("worker").proc.pid):
                    os.kill(pid, signal.SIGKILL)
            killed = p.clip(clip_id)
            assert killed.status == "analyzing", f"the analysis ended before the kill: {killed.status}"
            assert p.counts(clip_id)["findings"] == 0
            if victim == "worker":
                p.stack.restart("worker")
            states = p.wait_until([clip_id], timeout=180)
            clip = p.clip(clip_id)
            assert states[clip_id][0] == "done", states
            assert clip.attempts == 3, "one fetch, the killed analysis, the analysis after the kill"
            counts = p.counts(clip_id)
            assert [name for name, _ in p.findings(clip_id)] == ["astronaut"]
            assert counts["keyframes"] == counts["distinct_keyframes"] == clip.evidence["frames"] > 0
            print(f"\nFAULTS SIGKILL of the {victim} in analyze: 1 injected, clips lost 0, findings "
                  f"{counts['findings']} (duplicated {counts['findings'] - 1}), keyframes {counts['keyframes']} "
                  "(duplicated 0)")


def test_redis_killed_and_restarted_mid_run_loses_and_duplicates_nothing(tmp_path, site):
    sources = {"ok/v1001.mp4": ["astronaut"], "ok/v1003.mp4": ["chelsea"], "ok/v2001.mp4": [],
               "ok/v2002.mp4": [], "ok/loop2.mp4": ["astronaut"], "ok/loop3.mp4": ["astronaut"],
               "same/v2001.mp4": []}
    with Pipeline(tmp_path / "home", env=dict(FAULT_ENV)) as p:
        p.add_references()
        p.start(workers=[("worker", "io,cpu", 2)], beat=True)
        ids = {path: p.add_clip(site.url(path)) for path in sources}
        p.fetch(ids.values())
        faults = 0
        for done_before_kill in (1, 4):
            deadline = time.monotonic() + 120
            while sum(s == "done" for s, _, _ in p.states(ids.values()).values()) < done_before_kill:
                assert time.monotonic() < deadline, f"run stalled before fault {faults + 1}: {p.states(ids.values())}"
                time.sleep(0.05)
            p.stack.kill("redis", signal.SIGKILL)
            faults += 1
            time.sleep(3)  # workers lose the broker mid-task
            p.stack.restart("redis")  # same port, same append-only file
        states = p.wait_until(ids.values(), timeout=240)
        lost = [path for path, i in ids.items() if states[i][0] != "done"]
        duplicated = 0
        for path, clip_id in ids.items():
            counts = p.counts(clip_id)
            duplicated += (counts["findings"] - len(p.findings(clip_id))
                           + counts["keyframes"] - counts["distinct_keyframes"])
            assert [name for name, _ in p.findings(clip_id)] == sources[path], path
        assert not lost, f"clips that did not finish: {[(p_, states[ids[p_]]) for p_ in lost]}"
        assert duplicated == 0
        print(f"\nFAULTS Redis SIGKILL + restart mid-run: {faults} injected, clips lost {len(lost)} of {len(ids)}, "
              f"findings duplicated {duplicated}")


# --- database fault ---------------------------------------------------------------------------------

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None) if Path("/usr/lib/postgresql").is_dir() \
    else None


class ThrowAwayPostgres:
    """A PostgreSQL cluster of this test's own on 127.0.0.1, which the test may stop and start at will."""

    def __init__(self):
        import tempfile

        from mamoru.up import free_port

        # in /tmp itself: the postgres user cannot enter pytest's private temporary folders
        folder = Path(tempfile.mkdtemp(prefix="mamoru-pg-fault-"))
        self.folder, self.port = folder, free_port()
        shutil.chown(folder, "postgres")
        self._as_postgres(f"{PG_BIN}/initdb -D {folder}/data -A trust -U mamoru -E UTF8 >/dev/null")
        self.start()
        subprocess.run([f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "mamoru", "mamoru"],
                       check=True, timeout=60)
        self.url = f"postgresql+psycopg://mamoru@127.0.0.1:{self.port}/mamoru"

    def _as_postgres(self, command: str) -> None:
        subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", command], check=True, timeout=120)

    def start(self) -> None:
        self._as_postgres(f"{PG_BIN}/pg_ctl -D {self.folder}/data -w -l {self.folder}/log -o '-p {self.port} "
                          f"-k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off' start >/dev/null")

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(f"{PG_BIN}/pg_ctl -D {self.folder}/data -m {mode} -w stop >/dev/null")


@pytest.mark.skipif(PG_BIN is None or os.geteuid() != 0 or shutil.which("su") is None,
                    reason="needs PostgreSQL's binaries and root (to run them as the postgres user)")
def test_database_stopped_and_started_mid_run_loses_and_duplicates_nothing(tmp_path, site):
    sources = {"ok/v1001.mp4": ["astronaut"], "ok/v1003.mp4": ["chelsea"], "ok/v2001.mp4": [],
               "ok/v2002.mp4": [], "ok/loop2.mp4": ["astronaut"], "ok/loop3.mp4": ["astronaut"]}
    db = ThrowAwayPostgres()
    try:
        with Pipeline(tmp_path / "home", env={**FAULT_ENV, "MAMORU_DATABASE_URL": db.url}) as p:
            p.add_references()
            p.start(workers=[("worker", "io,cpu", 2)])
            ids = {path: p.add_clip(site.url(path)) for path in sources}
            p.fetch(ids.values())
            deadline = time.monotonic() + 120
            while sum(s == "done" for s, _, _ in p.states(ids.values()).values()) < 1:
                assert time.monotonic() < deadline, f"run stalled before the fault: {p.states(ids.values())}"
                time.sleep(0.05)
            db.stop("immediate")  # every connection cut, in the middle of fetches and analyses
            time.sleep(4)
            db.start()
            states = p.wait_until(ids.values(), timeout=240)
            lost = [path for path, i in ids.items() if states[i][0] != "done"]
            duplicated = 0
            for path, clip_id in ids.items():
                counts = p.counts(clip_id)
                duplicated += counts["keyframes"] - counts["distinct_keyframes"]
                assert [name for name, _ in p.findings(clip_id)] == sources[path], path
            assert not lost, f"clips that did not finish: {[(x, states[ids[x]]) for x in lost]}"
            assert duplicated == 0
            worker_log = (p.home / "logs" / "worker.log").read_text()
            print(f"\nFAULTS PostgreSQL stopped (immediate) and started mid-run: 1 injected, clips lost "
                  f"{len(lost)} of {len(ids)}, findings duplicated {duplicated}; "
                  f"{worker_log.count('; retrying')} task retries after database errors")
    finally:
        try:
            db.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(db.folder, ignore_errors=True)
