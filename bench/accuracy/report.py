"""What one scored set of the accuracy benchmark prints and what its --json entry holds.

A readable set (main, dev2, the sprite development set, the synth pipeline) prints every figure and every
missed pair and false positive by clip name, and its JSON entry keeps the per-clip scores. A sealed set
(the ffmpeg holdout, `ffmpeg_set.HOLDOUT`) prints and keeps the aggregate figures only: no clip's name, no
missed pair, no near-miss's name, so running it to report a figure does not make it a set one tunes on.
"""

from __future__ import annotations

from collections import Counter


def summarize(pipeline: str, manifest: dict, results: list[dict], threshold: float, baselines: bool,
              sealed: bool, wall: float | None = None) -> dict:
    """Print the figures of one scored set and return its --json entry. results: one dict per clip as
    `runner.run_clip` returns it (name, matcher scores, error, seconds, cpu; phash and sift scores when
    baselines); threshold: the matcher's default threshold."""
    from bench.accuracy.baselines import PHASH_DEFAULT, SIFT_DEFAULT
    from bench.accuracy.metrics import metrics, print_metrics

    clips = manifest["clips"]
    errors = [r for r in results if r["error"]]
    if sealed and errors:
        print(f"{len(errors)} clips could not be scanned (a sealed set's clip names are not printed)")
    for r in [] if sealed else errors:
        print("error:", r["name"], r["error"])
    rows = {"matcher": (threshold, {r["name"]: r["matcher"] for r in results})}
    if baselines:
        rows["phash-1fps"] = (PHASH_DEFAULT, {r["name"]: r["phash"] for r in results})
        rows["sift-ransac-1fps"] = (SIFT_DEFAULT, {r["name"]: r["sift"] for r in results})
    kinds = Counter(c["kind"] for c in clips)
    print(f"{len(clips)} clips: {kinds['positive']} positive ({sum(len(c['labels']) for c in clips)} clip-reference "
          f"pairs), {kinds['distractor']} distractors, {kinds['near_miss']} sibling near-misses")
    groups = manifest.get("groups", {})
    all_m = {}
    for name, (thr, preds) in rows.items():
        all_m[name] = metrics(clips, preds, thr, groups)
        print_metrics(f"{pipeline}: {name}", thr, all_m[name])
    secs = [r["seconds"] for r in results]
    cpu = sum(r["cpu"] for r in results) if all("cpu" in r for r in results) else None
    print(f"\nmatcher time per clip: mean {sum(secs) / len(secs):.2f} s, max {max(secs):.2f} s (wall); "
          f"CPU of the scans{' and baselines' if baselines else ''} "
          f"{'not recorded' if cpu is None else f'{cpu:.0f} s in all'}"
          + ("" if wall is None else f"; pipeline wall {wall:.0f} s"))
    if sealed:
        print(f"this sealed set's misses and false positives are not printed (seed {manifest.get('seed')}; "
              "`--reveal` prints them and ends the set's life as a held-out set)")
        return {"set": manifest.get("set"), "seed": manifest.get("seed"), "sealed": True, "metrics": all_m,
                "clips": dict(kinds), "errors": len(errors), "cpu": cpu}
    misses = []
    for c in clips:
        p = rows["matcher"][1][c["name"]]
        for ref in c["labels"]:
            if p.get(ref, 0) < threshold:
                misses.append(f"{c['name']}:{ref}={p.get(ref, 0):.2f}")
        for ref, s in p.items():
            if ref not in c["labels"] and s >= threshold:
                misses.append(f"FP {c['name']}:{ref}={s:.2f}")
    if misses:
        print(f"matcher misses and false positives ({pipeline}): " + "; ".join(misses))
    return {"set": manifest.get("set"), "seed": manifest.get("seed"), "metrics": all_m, "results": results}
