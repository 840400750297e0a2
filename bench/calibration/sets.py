"""The tuning data of the calibration, one labelled set per edit pipeline or set, each scanned with its own index:

- "synth": bench/calibration/tuning.py (the matcher's own generator, bench.synth / bench.accuracy.dataset,
  rendered with seeds >= 10,000 that `python -m bench.accuracy` never renders);
- "main", "dev2", "spritedev": the readable sets of the independent ffmpeg pipeline (bench/accuracy/ffmpeg_set.py,
  SETS), generated into (or reused from) the folders `python -m bench.accuracy` uses, bench/out/accuracy/ffmpeg-*-full.
  Its holdout (SETS["holdout"], `python -m bench.accuracy --holdout`) is refused here (`refuse_holdout`): it is
  never built, read nor scanned by the fit.

Each labelled pair gets a group for cross-validation: the source image it shows (the clip's first label,
or for a near-miss the reference it is a sibling of), so that folds do not share a reference; the set is the
coarser group (leave-one-set-out: how a fit carries to material of another pipeline or other pictures)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FFMPEG_SETS = ("main", "dev2", "spritedev")
ALIASES = {"ffmpeg": "main"}   # the name of the main set in commands before 2026-12-07
NAMES = ("synth",) + FFMPEG_SETS


def refuse_holdout(name: str, folder: Path | None = None, manifest: dict | None = None) -> None:
    """SystemExit for anything of the sealed holdout: its name, its folder (ffmpeg-holdout-*), or a manifest of it."""
    from bench.accuracy.ffmpeg_set import HOLDOUT

    if (name == HOLDOUT or (folder is not None and HOLDOUT in folder.name)
            or (manifest is not None and manifest.get("set") == HOLDOUT)):
        raise SystemExit("bench.calibration: the holdout set is sealed: the calibration never builds, reads nor "
                         "scans it (only `python -m bench.accuracy --holdout` does, for the lead)")


def canonical(name: str) -> str:
    name = ALIASES.get(name, name)
    refuse_holdout(name)
    if name not in NAMES:
        raise SystemExit(f"bench.calibration: no tuning set {name!r} (sets: {', '.join(NAMES)})")
    return name


def clips_folder(name: str, out: Path, per_family: int) -> Path:
    """Where a set's clips are generated: synth under OUT, the ffmpeg sets where bench.accuracy generates them."""
    from bench.accuracy.__main__ import set_folder

    name = canonical(name)
    if name == "synth":
        return out / "synth"
    return set_folder("ffmpeg", name, quick=False)


def build(name: str, out: Path, per_family: int) -> dict:
    """The set's manifest (clips that exist are kept, so the clips bench.accuracy generated are reused)."""
    name = canonical(name)
    folder = clips_folder(name, out, per_family)
    refuse_holdout(name, folder)
    if name == "synth":
        from bench.calibration import tuning

        return tuning.build(folder, per_family=per_family)
    from bench.accuracy import ffmpeg_set

    manifest = ffmpeg_set.build(folder, quick=False, set_name=name)
    refuse_holdout(name, folder, manifest)
    if manifest["set"] != name:
        raise SystemExit(f"bench.calibration: {folder} holds the set {manifest['set']}, not {name}")
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


def matcher_fingerprint() -> str:
    """A digest of the matcher's code and constants (not of calibration.json nor of the fitting code refit.py, which
    the scans do not read): saved scans are reused only while it is unchanged, so a refit after a detector change
    rescans."""
    h = hashlib.sha256()
    pkg = ROOT / "matcher"
    for p in sorted(q for q in pkg.rglob("*.py") if q.name != "refit.py"):
        h.update(str(p.relative_to(pkg)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def scan_key(manifest: dict) -> dict:
    """What saved scans must match to be reused: the algorithm, the matcher's code, the set's clips (names, and
    each file's size and time, so a clip rendered again by a changed generator is scanned again)."""
    import matcher

    def stamp(c: dict) -> list:
        p = Path(c.get("path", ""))
        st = p.stat() if c.get("path") and p.exists() else None
        return [c["name"], st.st_size if st else None, st.st_mtime_ns if st else None]

    clips = json.dumps([stamp(c) for c in manifest["clips"]])
    return {"algorithm": matcher.ALGORITHM_VERSION, "matcher": matcher_fingerprint(),
            "clips": hashlib.sha256(clips.encode()).hexdigest()[:16]}


def scan(name: str, out: Path, manifest: dict, jobs: int, reuse: bool) -> list[dict]:
    """Every clip scanned uncalibrated with no threshold -> [{name, pairs: {ref: features}}], cached in
    OUT/scans-NAME.json (--reuse reads it while the matcher's code and the set's clips are unchanged)."""
    import matcher
    from bench.calibration.runner import init_worker, run_clip

    refuse_holdout(name, manifest=manifest)
    out.mkdir(parents=True, exist_ok=True)
    cache = out / f"scans-{name}.json"
    key = scan_key(manifest)
    if reuse and cache.exists():
        saved = json.loads(cache.read_text())
        if saved.get("key") == key:
            print(f"{name}: scans reused from {cache}")
            return saved["results"]
        print(f"{name}: saved scans are of other code or clips: rescanning")
    idx = matcher.ReferenceIndex.build(manifest["refs"])
    index_path = out / f"index-{name}.npz"
    idx.save(index_path)
    with mp.get_context("spawn").Pool(jobs, init_worker, (str(index_path),)) as pool:
        results = pool.map(run_clip, manifest["clips"], chunksize=1)
    cache.write_text(json.dumps({"key": key, "results": results}))
    return results
