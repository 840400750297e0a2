"""`python -m bench.accuracy [--quick] [--jobs N] [--no-baselines]`: build the labelled set, run the
matcher (the same scan_video that `mamoru scan` runs) and the two baselines, print the issue's metrics."""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import time
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "out" / "accuracy"

def metrics(clips: list[dict], preds: dict[str, dict[str, float]], threshold: float) -> dict:
    """Micro-averaged figures over (clip, reference) pairs."""
    pairs = []   # (score, is_true)
    positives = 0
    fam_tot: dict[str, int] = defaultdict(int)
    fam_hit: dict[str, int] = defaultdict(int)
    negative_max = 0.0
    near_flagged = 0
    dis_flagged = 0
    for c in clips:
        p = preds.get(c["name"], {})
        labels = set(c["labels"])
        positives += len(labels)
        for ref, s in p.items():
            pairs.append((s, ref in labels))
        for ref in labels:
            fam_tot[c["family"]] += 1
            if p.get(ref, 0) >= threshold:
                fam_hit[c["family"]] += 1
        if c["kind"] != "positive":
            top = max(p.values(), default=0.0)
            negative_max = max(negative_max, top)
            if top >= threshold:
                if c["kind"] == "near_miss":
                    near_flagged += 1
                else:
                    dis_flagged += 1
    tp = sum(1 for s, ok in pairs if ok and s >= threshold)
    fp = sum(1 for s, ok in pairs if not ok and s >= threshold)
    # recall at precision >= 0.99: best recall over all thresholds that keep precision
    pairs.sort(key=lambda x: -x[0])
    best_r99 = 0.0
    ctp = cfp = 0
    for i, (s, ok) in enumerate(pairs):
        ctp += ok
        cfp += not ok
        if i + 1 < len(pairs) and pairs[i + 1][0] == s:
            continue
        if ctp / (ctp + cfp) >= 0.99:
            best_r99 = max(best_r99, ctp / max(1, positives))
    r_clean = sum(1 for s, ok in pairs if ok and s > negative_max) / max(1, positives)
    return {"precision": tp / max(1, tp + fp), "recall": tp / max(1, positives), "tp": tp, "fp": fp,
            "recall_at_p99": best_r99, "recall_no_distractor": r_clean, "no_distractor_threshold": negative_max,
            "near_miss_flagged": near_flagged, "distractors_flagged": dis_flagged,
            "family_recall": {f: fam_hit[f] / fam_tot[f] for f in fam_tot}}


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="about a third of the clips")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None, help="also write per-clip results here")
    args = ap.parse_args()

    import matcher
    from bench.accuracy import dataset
    from bench.accuracy.baselines import PHASH_DEFAULT, SIFT_DEFAULT

    out = args.out or (OUT / ("quick" if args.quick else "full"))
    t0 = time.perf_counter()
    manifest = dataset.build(out, quick=args.quick)
    clips = manifest["clips"]
    t_build = time.perf_counter()
    idx = matcher.ReferenceIndex.build(manifest["refs"])
    index_path = out / "index.npz"
    idx.save(index_path)
    print(f"index: {len(idx.names)} references, {len(idx.phash)} hashes, {len(idx.kp_desc)} keypoints, "
          f"built in {time.perf_counter() - t_build:.1f} s")
    baselines = not args.no_baselines
    from bench.accuracy.runner import init_worker, run_clip

    with mp.get_context("spawn").Pool(args.jobs, init_worker, (str(index_path), manifest["refs"], baselines)) as pool:
        results = pool.map(run_clip, clips, chunksize=1)
    errors = [r for r in results if r["error"]]
    for r in errors:
        print("error:", r["error"])
    rows = {"matcher": (matcher.DEFAULT_THRESHOLD, {r["name"]: r["matcher"] for r in results})}
    if baselines:
        rows["phash-1fps"] = (PHASH_DEFAULT, {r["name"]: r["phash"] for r in results})
        rows["sift-ransac-1fps"] = (SIFT_DEFAULT, {r["name"]: r["sift"] for r in results})
    n_pos = sum(c["kind"] == "positive" for c in clips)
    print(f"\n{len(clips)} clips: {n_pos} positive ({sum(len(c['labels']) for c in clips)} clip-reference pairs), "
          f"{sum(c['kind'] == 'distractor' for c in clips)} distractors, {sum(c['kind'] == 'near_miss' for c in clips)} near-misses")
    all_m = {}
    for name, (thr, preds) in rows.items():
        m = metrics(clips, preds, thr)
        all_m[name] = m
        print(f"\n== {name} (default threshold {thr:.3f})")
        print(f"  precision (micro, pairs)      {m['precision']:.3f}   (tp {m['tp']}, fp {m['fp']})")
        print(f"  recall at default threshold   {m['recall']:.3f}")
        print(f"  recall at precision >= 0.99   {m['recall_at_p99']:.3f}")
        print(f"  recall, no distractor flagged {m['recall_no_distractor']:.3f}   (threshold > {m['no_distractor_threshold']:.3f})")
        print(f"  near-misses flagged           {m['near_miss_flagged']}   distractors flagged {m['distractors_flagged']}")
        print("  recall per family: " + ", ".join(f"{f} {v:.2f}" for f, v in sorted(m["family_recall"].items())))
    secs = [r["seconds"] for r in results]
    print(f"\nmatcher time per clip: mean {sum(secs) / len(secs):.2f} s, max {max(secs):.2f} s; "
          f"total wall {time.perf_counter() - t0:.0f} s")
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
        print("matcher misses and false positives: " + "; ".join(misses))
    if args.json:
        args.json.write_text(json.dumps({"metrics": all_m, "results": results}, indent=1))


if __name__ == "__main__":
    main()
