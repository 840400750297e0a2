"""Benchmarks for reports and the web app, on generated data in a temporary home.

1. Weekly report build time for 10,000 confirmed findings (data, JSON, CSV, HTML; PDF with --pdf).
2. Triage queue page (/triage, 50 rows) p50/p95 over 50 requests through uvicorn on 127.0.0.1,
   with 100,000 findings in the database.
3. With --hostile: the PDF of a report holding one finding whose title, uploader and description are
   20,000 characters each, against the same report with short texts (the yardstick, same run).

    .venv/bin/python -m bench.reports [--findings 10000] [--queue-findings 100000] [--requests 50] [--pdf]
    .venv/bin/python -m bench.reports --hostile [--chars 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path


def _settings(home: Path):
    os.environ["MAMORU_HOME"] = str(home)
    os.environ.pop("MAMORU_DATABASE_URL", None)
    from core.config import get_settings, load_settings
    from core.db import upgrade

    get_settings.cache_clear()
    settings = load_settings()
    upgrade(settings)
    return settings


def bench_report(n: int, with_pdf: bool) -> dict:
    from core.db import session_scope
    from reports import render
    from reports.build import build_weekly_report
    from reports.notices import render_notices
    from reports.sample import bulk_findings, seed_sample

    with tempfile.TemporaryDirectory(prefix="mamoru-bench-") as tmp:
        settings = _settings(Path(tmp) / "home")
        with session_scope(settings) as s:
            ids = seed_sample(s, settings, holder_names=("Bench Holder",), per_state={"confirmed": 1})
            refs = ids.references[:2]
            bulk_findings(s, refs, n - 1, state_weights={"confirmed": 1}, seed=1)
            # every bulk finding shows the same kept evidence frame (its image cost is still paid per finding)
            frame = s.execute(__import__("sqlalchemy").text(
                "select thumbnail_path from findings where thumbnail_path is not null limit 1")).scalar()
            s.execute(__import__("sqlalchemy").text("update findings set thumbnail_path = :p"), {"p": frame})
        out = {}
        t0 = time.perf_counter()
        with session_scope(settings) as s:
            data = build_weekly_report(s, ids.holders[0], "2026-W47")
        out["build data"] = time.perf_counter() - t0
        assert len(data["findings"]) == n, len(data["findings"])
        for name, fn in (("json", render.render_json), ("csv", render.render_csv)):
            t = time.perf_counter()
            blob = fn(data)
            out[name] = time.perf_counter() - t
            out[f"{name} MB"] = len(blob) / 1e6
        t = time.perf_counter()
        html = render.render_html(data, home=settings.home)
        out["html"] = time.perf_counter() - t
        out["html MB"] = len(html.encode()) / 1e6
        t = time.perf_counter()
        render_notices(data)
        out["notices"] = time.perf_counter() - t
        if with_pdf:
            t = time.perf_counter()
            pdf = render.render_pdf(data, html, home=settings.home)
            out["pdf"] = time.perf_counter() - t
            out["pdf MB"] = len(pdf) / 1e6
        out["total"] = sum(v for k, v in out.items() if not k.endswith("MB"))
        return out


def bench_hostile(chars: int, repeat: int) -> dict:
    """PDF seconds (best of `repeat`) for one finding with `chars`-long texts, and for the same finding with
    short texts: the difference is what a hostile title costs, the ratio says how much of the time it is."""
    from core.db import session_scope
    from core.models import Clip
    from reports.build import build_weekly_report
    from reports.render import render_html, render_pdf
    from reports.sample import seed_sample

    week = "2026-W47"
    with tempfile.TemporaryDirectory(prefix="mamoru-bench-") as tmp:
        settings = _settings(Path(tmp) / "home")
        with session_scope(settings) as s:
            sample = seed_sample(s, settings, week=week)
        texts = {"short": ("a short title", "uploader", "a short description"),
                 "hostile": ("A" * chars, "名" * chars, "説" * chars)}
        best = {}
        for label, (title, uploader, description) in texts.items():
            with session_scope(settings) as s:
                first = build_weekly_report(s, sample.holders[0], week)["findings"][0]["clip"]["id"]
                clip = s.get(Clip, first)
                clip.title, clip.uploader_name, clip.description = title, uploader, description
            with session_scope(settings) as s:
                report = build_weekly_report(s, sample.holders[0], week)
            report["findings"] = [e for e in report["findings"] if e["clip"]["id"] == first]
            report["top_clips"] = [c for c in report["top_clips"] if c["id"] == first]
            wall, cpu = [], []
            for _ in range(repeat):
                t, c = time.perf_counter(), time.process_time()
                render_pdf(report, html_text=render_html(report, for_pdf=True, images=False))
                wall.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            best[label], best[f"{label} cpu"] = min(wall), min(cpu)
        return best


def bench_queue(n: int, requests: int) -> dict:
    import httpx
    import uvicorn

    from core.db import session_scope
    from reports.sample import bulk_findings, seed_sample
    from reports.web.app import create_app
    from core.services.users import ensure_user

    with tempfile.TemporaryDirectory(prefix="mamoru-bench-") as tmp:
        settings = _settings(Path(tmp) / "home")
        t = time.perf_counter()
        with session_scope(settings) as s:
            ids = seed_sample(s, settings, holder_names=("Holder A", "Holder B", "Holder C"), images=True)
            bulk_findings(s, ids.references, n - sum(len(v) for v in ids.findings.values()) - 9,
                          spread_weeks=12, seed=2)
            ensure_user(s, "bench@mamoru.test", "bench password", "analyst")
        seeded = time.perf_counter() - t
        with session_scope(settings) as s:
            from sqlalchemy import func, select

            from core.models import Finding

            total = s.scalar(select(func.count(Finding.id)))
            pending = s.scalar(select(func.count(Finding.id)).where(Finding.state == "pending"))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        timings = {}
        try:
            with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as c:
                r = c.post("/api/session", json={"email": "bench@mamoru.test", "password": "bench password"})
                r.raise_for_status()
                for label, url in (("/triage (pending, by score)", "/triage"),
                                   ("/triage filtered (holder+platform+score)",
                                    f"/triage?holder={ids.holders[0]}&platform=tiktok&min_score=0.7&sort=newest"),
                                   ("/api/findings (50, JSON)", "/api/findings?limit=50")):
                    c.get(url).raise_for_status()  # warm-up
                    times = []
                    for _ in range(requests):
                        t = time.perf_counter()
                        r = c.get(url)
                        times.append(time.perf_counter() - t)
                        r.raise_for_status()
                    times.sort()
                    timings[label] = {"p50": statistics.median(times),
                                      "p95": times[max(0, round(0.95 * len(times)) - 1)], "max": times[-1]}
        finally:
            server.should_exit = True
            thread.join(timeout=10)
        return {"findings": total, "pending": pending, "seed_s": seeded, "timings": timings}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--findings", type=int, default=10_000, help="confirmed findings in the report")
    ap.add_argument("--queue-findings", type=int, default=100_000, help="findings in the database for the queue")
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--pdf", action="store_true", help="also print the PDF (slow for large reports)")
    ap.add_argument("--hostile", action="store_true",
                    help="only time the PDF of one finding with huge crawled texts against short ones")
    ap.add_argument("--chars", type=int, default=20_000, help="length of each hostile text (--hostile)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each PDF, best kept (--hostile)")
    args = ap.parse_args()

    if args.hostile:
        print(f"== PDF of one finding whose title, uploader and description are {args.chars:,} characters")
        h = bench_hostile(args.chars, args.repeat)
        print(f"  short texts (yardstick) {h['short']:6.2f} s   ({h['short cpu']:.2f} s CPU)")
        print(f"  hostile texts           {h['hostile']:6.2f} s   ({h['hostile cpu']:.2f} s CPU)")
        print(f"HOSTILE_PDF_SECONDS {h['hostile']:.2f} wall, {h['hostile cpu']:.2f} CPU  "
              f"(ratio to short texts {h['hostile'] / h['short']:.2f} wall, {h['hostile cpu'] / h['short cpu']:.2f} CPU)")
        return

    print(f"== weekly report build, {args.findings:,} confirmed findings (one holder, one week)")
    rep = bench_report(args.findings, args.pdf)
    for k, v in rep.items():
        print(f"  {k:12} {v:8.2f} {'MB' if k.endswith('MB') else 's'}")
    print(f"REPORT_BUILD_SECONDS {rep['total']:.2f}  ({args.findings / rep['total']:.0f} findings/s)")

    print(f"\n== triage queue page with {args.queue_findings:,} findings, {args.requests} requests each")
    q = bench_queue(args.queue_findings, args.requests)
    print(f"  database: {q['findings']:,} findings ({q['pending']:,} pending), seeded in {q['seed_s']:.1f} s")
    for label, t in q["timings"].items():
        print(f"  {label:44} p50 {t['p50'] * 1000:7.1f} ms   p95 {t['p95'] * 1000:7.1f} ms   max {t['max'] * 1000:7.1f} ms")
    p95 = q["timings"]["/triage (pending, by score)"]["p95"]
    print(f"TRIAGE_P95_MS {p95 * 1000:.1f}")


if __name__ == "__main__":
    main()
