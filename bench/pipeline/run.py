"""`python -m bench.pipeline [--quick] [--loops 3,5] [--io-concurrency 1]`: clips per hour through the real
pipeline (redis-server, an io worker fetching with yt-dlp from a site on 127.0.0.1, a cpu worker analysing,
findings stored) against the matcher alone (`matcher.scan_video` in one process) on the same clips, in the
same run. The ratio is the pipeline's overhead; the issue asks for at least 0.85. Also prints the peak
memory (VmHWM) of each worker process. Results go to bench/out/pipeline/result.json."""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing as mp
import os
import statistics
import resource
import subprocess
import tempfile
import threading
import time
from datetime import UTC
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "out" / "pipeline"
TARGET_RATIO = 0.85


def make_clips(folder: Path, loops: list[int]) -> list[Path]:
    """Each demo clip played N times over for each N in LOOPS: distinct media of 4*N seconds."""
    from mamoru.demo.generate import ensure_media

    base = ensure_media(folder / "demo")
    clips = []
    for clip_id, src in sorted(base.items()):
        for n in loops:
            dest = folder / f"{clip_id}-x{n}.mp4"
            if not dest.exists():
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(n - 1), "-i", str(src),
                                "-c", "copy", str(dest)], check=True, timeout=120)
            clips.append(dest)
    return clips


def _matcher_alone(paths: list[str], references: list[str], queue: mp.Queue) -> None:
    import matcher

    index = matcher.ReferenceIndex.build([Path(p) for p in references])
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    matches = {}
    for path in paths:
        result = matcher.scan_video(path, index)
        matches[Path(path).name] = sorted(m.reference for m in result.matches)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    queue.put({"seconds": elapsed, "cpu_seconds": round(cpu, 2), "matches": matches,
               "peak_rss_mb": after.ru_maxrss / 1024})


def matcher_alone(clips: list[Path]) -> dict:
    """scan_video over the clips, one after another, in a fresh process (index built before the clock)."""
    from mamoru.demo.catalog import REFERENCES

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_matcher_alone, args=([str(c) for c in clips], [str(r.path) for r in REFERENCES],
                                                    queue))
    proc.start()
    result = queue.get(timeout=3600)
    proc.join()
    result["clips_per_hour"] = len(clips) / result["seconds"] * 3600
    return result


def _serve(folder: Path) -> ThreadingHTTPServer:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:  # noqa: ANN001
            pass  # yt-dlp closes a probe request early: a broken pipe here is expected

    httpd = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def peak_memory(pid: int) -> list[dict]:
    """VmHWM (peak resident memory) of PID and its children."""
    procs = [pid] + [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == pid]
    out = []
    for p in procs:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        out.append({"pid": p, "role": "main" if p == pid else "pool",
                    "peak_rss_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1)})
    return out


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of PIDS and their children (live ones, and reaped ones via cutime/cstime)."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = pids + [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) in pids]
    total = 0
    for pid in set(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / tick


def _ppid(proc_dir: Path) -> int | None:
    try:
        return int((proc_dir / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def pipeline(clips: list[Path], io_concurrency: int) -> dict:
    """The same clips through fetch -> analyze with real processes; the clock runs from the first message
    sent to the last clip analysed (its analyzed_at)."""
    from sqlalchemy import func, select

    from core.db import session_scope
    from core.models import Clip
    from bench.harness import Pipeline

    httpd = _serve(clips[0].parent)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with tempfile.TemporaryDirectory(prefix="mamoru-bench-") as tmp, Pipeline(Path(tmp) / "home") as p:
        p.add_references()
        p.start(workers=[("io", "io", io_concurrency), ("cpu", "cpu", 1)])
        ids = {p.add_clip(f"{base}/{c.name}"): c.name for c in clips}
        pids = [p.stack.child(name).proc.pid for name in ("redis", "io", "cpu")]
        cpu_before = cpu_seconds(pids)
        start_wall = time.time()
        p.fetch(ids)
        p.wait_until(ids, timeout=3600)
        cpu_used = cpu_seconds(pids) - cpu_before
        with session_scope(p.settings) as session:
            end = session.scalar(select(func.max(Clip.analyzed_at)).where(Clip.id.in_(list(ids))))
            statuses = dict(session.execute(select(Clip.status, func.count()).where(Clip.id.in_(list(ids)))
                                            .group_by(Clip.status)).all())
        if end.tzinfo is None:  # SQLite gives naive UTC
            end = end.replace(tzinfo=UTC)
        elapsed = end.timestamp() - start_wall
        matches = {ids[i]: sorted(n for n, _ in p.findings(i)) for i in ids}
        memory = {name: peak_memory(p.stack.child(name).proc.pid) for name in ("io", "cpu")}
        busy = {name: task_seconds(p.stack.child(name).log_path) for name in ("io", "cpu")}
    httpd.shutdown()
    return {"seconds": elapsed, "cpu_seconds": round(cpu_used, 2), "clips_per_hour": len(clips) / elapsed * 3600,
            "statuses": statuses, "matches": matches, "workers": memory, "task_seconds": busy}


def task_seconds(log_path: Path) -> dict[str, float]:
    """Seconds spent in each task, summed, from the worker's "Task X[id] succeeded in Ns" lines."""
    import re

    total: dict[str, float] = {}
    for name, secs in re.findall(r"Task (\w+)\[[^\]]+\] succeeded in ([0-9.]+)s", log_path.read_text()):
        total[name] = round(total.get(name, 0.0) + float(secs), 2)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 clips of 12 s, one pipeline round")
    parser.add_argument("--loops", default="3,6", help="clip lengths as multiples of the 4 s demo clips")
    parser.add_argument("--rounds", type=int, default=2, help="pipeline rounds, each between two matcher rounds")
    parser.add_argument("--io-concurrency", type=int, default=1)
    args = parser.parse_args()
    loops = [3] if args.quick else [int(n) for n in args.loops.split(",")]
    rounds = 1 if args.quick else args.rounds
    folder = OUT / "clips"
    folder.mkdir(parents=True, exist_ok=True)
    clips = make_clips(folder, loops)
    seconds = sum(4 * n for n in loops) * 8
    print(f"{len(clips)} clips, {seconds} s of 720x1280 video in all; references: the demo's 4; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print("rounds alternate matcher alone (A) and pipeline (B): A B A" + " B A" * (rounds - 1))
    alone = [matcher_alone(clips)]
    piped = []
    for _ in range(rounds):
        print(f"  A matcher alone: {alone[-1]['seconds']:.1f} s wall, {alone[-1]['cpu_seconds']:.1f} s CPU, "
              f"{alone[-1]['clips_per_hour']:.0f} clips/h")
        piped.append(pipeline(clips, args.io_concurrency))
        print(f"  B pipeline:      {piped[-1]['seconds']:.1f} s wall, {piped[-1]['cpu_seconds']:.1f} s CPU, "
              f"{piped[-1]['clips_per_hour']:.0f} clips/h (clips {piped[-1]['statuses']}); "
              f"seconds in tasks: {piped[-1]['task_seconds']}")
        alone.append(matcher_alone(clips))
    print(f"  A matcher alone: {alone[-1]['seconds']:.1f} s wall, {alone[-1]['cpu_seconds']:.1f} s CPU, "
          f"{alone[-1]['clips_per_hour']:.0f} clips/h")
    # each pipeline round against the mean of the matcher rounds on either side of it
    ratios = [b["clips_per_hour"] / ((a0["clips_per_hour"] + a1["clips_per_hour"]) / 2)
              for b, a0, a1 in zip(piped, alone, alone[1:], strict=False)]
    ratio = statistics.median(ratios)
    cpu_ratio = statistics.median(a["cpu_seconds"] for a in alone) / statistics.median(b["cpu_seconds"] for b in piped)
    same = all(b["matches"][name] == alone[0]["matches"][name] for b in piped for name in alone[0]["matches"])
    print(f"throughput ratio pipeline / matcher alone (clips per hour, wall clock): {ratio:.3f} "
          f"(rounds: {', '.join(f'{r:.3f}' for r in ratios)}; target >= {TARGET_RATIO}) "
          f"{'OK' if ratio >= TARGET_RATIO else 'BELOW TARGET'}")
    print(f"CPU ratio matcher alone / pipeline (CPU seconds for the same clips, all pipeline processes): "
          f"{cpu_ratio:.3f}")
    print(f"same findings as the matcher alone: {same}")
    for name, procs in piped[-1]["workers"].items():
        print(f"peak memory, worker {name}: " + ", ".join(f"{p['role']} {p['peak_rss_mb']} MB" for p in procs))
    print(f"peak memory, matcher alone process: {max(a['peak_rss_mb'] for a in alone):.0f} MB; "
          f"load average now {os.getloadavg()[0]:.2f}")
    OUT.mkdir(parents=True, exist_ok=True)
    result = {"clips": len(clips), "video_seconds": seconds, "matcher_alone": alone, "pipeline": piped,
              "ratio": ratio, "ratios": ratios, "cpu_ratio": cpu_ratio, "target": TARGET_RATIO, "same_findings": same}
    (OUT / "result.json").write_text(json.dumps(result, indent=1, default=str))
    print(f"written {OUT / 'result.json'}")
