"""`python -m bench.accuracy [--quick] [--pipeline synth|ffmpeg|all] [--holdout | --sprite-dev] [--jobs N] [--no-baselines]`:
build the labelled sets of each edit pipeline, run the matcher (the same scan_video that `mamoru scan`
runs, through its public API only) and the two baselines, print the issue's figures per pipeline."""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "out" / "accuracy"

PIPELINES = ("synth", "ffmpeg")


def build_set(pipeline: str, quick: bool, holdout: bool, out: Path | None,
              families: frozenset[str] | None = None, sprite_dev: bool = False) -> tuple[Path, dict]:
    """Generate (or reuse) one pipeline's set; the holdout exists only for the ffmpeg pipeline and only here.
    families: only these families' positive clips (and every negative); the ffmpeg pipeline only.
    sprite_dev: the ffmpeg pipeline's sprite development set instead of its main set."""
    from bench.accuracy import dataset, ffmpeg_set

    if pipeline == "synth":
        if families is not None:
            raise SystemExit("bench.accuracy: --families is for the ffmpeg pipeline")
        folder = out or (OUT / ("quick" if quick else "full"))
        return folder, dataset.build(folder, quick=quick)
    name = "ffmpeg-holdout" if holdout else f"ffmpeg-{ffmpeg_set.SPRITE_DEV}" if sprite_dev else "ffmpeg"
    folder = out or (OUT / (name + ("-quick" if quick else "-full")))
    return folder, ffmpeg_set.build(folder, quick=quick, holdout=holdout, families=families,
                                    set_name=ffmpeg_set.SPRITE_DEV if sprite_dev else None)


def run_pipeline(pipeline: str, folder: Path, manifest: dict, jobs: int, baselines: bool,
                 saved: list[dict] | None = None) -> dict:
    import matcher
    from bench.accuracy.baselines import PHASH_DEFAULT, SIFT_DEFAULT
    from bench.accuracy.metrics import metrics, print_metrics
    from bench.accuracy.runner import init_worker, run_clip

    clips = manifest["clips"]
    t0 = time.perf_counter()
    index_path = folder / "index.npz"
    if saved is None:
        idx = matcher.ReferenceIndex.build(manifest["refs"])
        idx.save(index_path)
        print(f"\n##### pipeline {pipeline} ({folder.name}): index of {len(idx.names)} references built in "
              f"{time.perf_counter() - t0:.1f} s")
    else:
        print(f"\n##### pipeline {pipeline} ({folder.name}): scores read from a saved --json run")
    if saved is None:
        with mp.get_context("spawn").Pool(jobs, init_worker, (str(index_path), manifest["refs"], baselines)) as pool:
            results = pool.map(run_clip, clips, chunksize=1)
    else:
        results = saved
        baselines = "sift" in results[0]
    for r in results:
        if r["error"]:
            print("error:", r["name"], r["error"])
    rows = {"matcher": (matcher.DEFAULT_THRESHOLD, {r["name"]: r["matcher"] for r in results})}
    if baselines:
        rows["phash-1fps"] = (PHASH_DEFAULT, {r["name"]: r["phash"] for r in results})
        rows["sift-ransac-1fps"] = (SIFT_DEFAULT, {r["name"]: r["sift"] for r in results})
    print(f"{len(clips)} clips: {sum(c['kind'] == 'positive' for c in clips)} positive "
          f"({sum(len(c['labels']) for c in clips)} clip-reference pairs), "
          f"{sum(c['kind'] == 'distractor' for c in clips)} distractors, "
          f"{sum(c['kind'] == 'near_miss' for c in clips)} sibling near-misses")
    groups = manifest.get("groups", {})
    all_m = {}
    for name, (thr, preds) in rows.items():
        all_m[name] = metrics(clips, preds, thr, groups)
        print_metrics(f"{pipeline}: {name}", thr, all_m[name])
    secs = [r["seconds"] for r in results]
    cpu = (f"{sum(r['cpu'] for r in results):.0f} s in all" if all("cpu" in r for r in results)
           else "not recorded")
    print(f"\nmatcher time per clip: mean {sum(secs) / len(secs):.2f} s, max {max(secs):.2f} s (wall); "
          f"CPU of the scans{' and baselines' if baselines else ''} {cpu}; "
          f"pipeline wall {time.perf_counter() - t0:.0f} s")
    misses = []
    for c in clips:
        p = rows["matcher"][1][c["name"]]
        for ref in c["labels"]:
            if p.get(ref, 0) < matcher.DEFAULT_THRESHOLD:
                misses.append(f"{c['name']}:{ref}={p.get(ref, 0):.2f}")
        for ref, s in p.items():
            if ref not in c["labels"] and s >= matcher.DEFAULT_THRESHOLD:
                misses.append(f"FP {c['name']}:{ref}={s:.2f}")
    if misses:
        print(f"matcher misses and false positives ({pipeline}): " + "; ".join(misses))
    return {"metrics": all_m, "results": results}


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer clips of each family (a few minutes on one core)")
    ap.add_argument("--pipeline", choices=PIPELINES + ("all",), default="all",
                    help="synth: the matcher repository's own generator (bench/synth.py); ffmpeg: clips edited "
                         "by ffmpeg filter graphs over references drawn by bench.accuracy.artgen (default: both)")
    ap.add_argument("--holdout", action="store_true",
                    help="the held-out ffmpeg set (other seeds, deck, sprite, logos, films, photos, footage), "
                         "generated only here into bench/out/accuracy/ffmpeg-holdout-*")
    ap.add_argument("--sprite-dev", action="store_true",
                    help="the ffmpeg pipeline's sprite development set (walk-cycle frames of characters neither "
                         "the main set nor the holdout shows), into bench/out/accuracy/ffmpeg-spritedev-*")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--out", type=Path, default=None, help="where the set is generated (one pipeline only)")
    ap.add_argument("--json", type=Path, default=None, help="also write per-clip results here")
    ap.add_argument("--rescore", type=Path, default=None,
                    help="print the figures again from a --json file of an earlier run of the same sets (no scan)")
    ap.add_argument("--families", default=None, metavar="A,B",
                    help="ffmpeg pipeline: score only these families' positive clips (e.g. rotate,perspective,montage) "
                         "plus every near-miss and distractor; the same clips as in the whole set")
    args = ap.parse_args()
    families = frozenset(f.strip() for f in args.families.split(",") if f.strip()) if args.families else None
    if args.holdout and args.sprite_dev:
        ap.error("--holdout and --sprite-dev are two sets: one at a time")
    if families is not None and (args.pipeline != "ffmpeg" and not args.holdout and not args.sprite_dev):
        ap.error("--families needs --pipeline ffmpeg (or --holdout, --sprite-dev)")
    pipelines = ["ffmpeg"] if args.holdout or args.sprite_dev else (list(PIPELINES) if args.pipeline == "all" else [args.pipeline])
    if args.out and len(pipelines) > 1:
        ap.error("--out needs one --pipeline")
    t0 = time.perf_counter()
    report = {}
    saved = json.loads(args.rescore.read_text()) if args.rescore else {}
    for pl in pipelines:
        key = pl + ("-holdout" if args.holdout else "-spritedev" if args.sprite_dev else "")
        if args.rescore and key not in saved:
            continue
        folder, manifest = build_set(pl, args.quick, args.holdout, args.out, families, args.sprite_dev)
        report[key] = run_pipeline(pl, folder, manifest, args.jobs, not args.no_baselines,
                                   saved[key]["results"] if args.rescore else None)
    print(f"\ntotal wall {time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
