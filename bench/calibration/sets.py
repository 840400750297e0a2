"""The tuning data of the calibration, one labelled set per edit pipeline, each scanned with its own index:

- "synth": bench/calibration/tuning.py (the matcher's own generator, bench.synth / bench.accuracy.dataset,
  rendered with seeds >= 10,000 that `python -m bench.accuracy` never renders);
- "ffmpeg": the MAIN set of the independent ffmpeg pipeline (bench/accuracy/ffmpeg_set.py, SETS["main"]).
  Its holdout (SETS["holdout"], `python -m bench.accuracy --holdout`) is never built nor read here.

Each labelled pair gets a group for cross-validation: the source image it shows (the clip's first label,
or for a near-miss the reference it is a sibling of), so that folds do not share a reference."""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path


def build(name: str, out: Path, per_family: int, ffmpeg_quick: bool) -> dict:
    if name == "synth":
        from bench.calibration import tuning

        return tuning.build(out / "synth", per_family=per_family)
    from bench.accuracy import ffmpeg_set

    manifest = ffmpeg_set.build(out / ("ffmpeg-main-quick" if ffmpeg_quick else "ffmpeg-main-full"),
                                quick=ffmpeg_quick, holdout=False)
    if manifest["set"] != "main":  # the holdout must never reach the fit
        raise SystemExit("bench.calibration: the ffmpeg set is not the main set")
    return manifest


def source_of(clip: dict) -> str:
    """The image a clip is made from (its first label; a near-miss: the reference it resembles)."""
    extra = clip.get("extra") or {}
    if clip.get("labels"):
        return clip["labels"][0]
    if extra.get("sibling_of"):
        return extra["sibling_of"][0]
    if clip.get("card") and clip.get("family") == "sibling_near_miss":
        return "deck_near"   # the deck's cards not indexed resemble several indexed cards
    return clip.get("image") or extra.get("image") or clip["name"]


def scan(name: str, folder: Path, manifest: dict, jobs: int, reuse: bool) -> list[dict]:
    """Every clip scanned uncalibrated with no threshold -> [{name, pairs: {ref: features}}] (cached)."""
    import matcher
    from bench.calibration.runner import init_worker, run_clip

    cache = folder / "scans.json"
    if reuse and cache.exists():
        saved = json.loads(cache.read_text())
        if saved.get("algorithm") == matcher.ALGORITHM_VERSION and len(saved["results"]) == len(manifest["clips"]):
            print(f"{name}: scans reused from {cache}")
            return saved["results"]
    idx = matcher.ReferenceIndex.build(manifest["refs"])
    index_path = folder / "index.npz"
    idx.save(index_path)
    with mp.get_context("spawn").Pool(jobs, init_worker, (str(index_path),)) as pool:
        results = pool.map(run_clip, manifest["clips"], chunksize=1)
    cache.write_text(json.dumps({"algorithm": matcher.ALGORITHM_VERSION, "results": results}))
    return results


def folder_of(name: str, out: Path, ffmpeg_quick: bool) -> Path:
    return out / ("synth" if name == "synth" else ("ffmpeg-main-quick" if ffmpeg_quick else "ffmpeg-main-full"))
