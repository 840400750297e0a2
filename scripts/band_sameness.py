"""Are regions.picture_band and picture_strips' answers unchanged? Runs the version at a given commit (default
55d70b9, before the integer rewrite; read with `git show`) and the working tree's on every sampled frame (at the
analysis size, as matcher.scan reads them; a superset of the analysed frames) of the given clips, and counts the
frames whose boxes differ.

    python scripts/band_sameness.py [--commit C] CLIP_OR_FOLDER ...
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import types
from pathlib import Path

from matcher import regions
from matcher.hashing import grey
from matcher.video import FrameReader


def old_regions(commit: str) -> types.ModuleType:
    src = subprocess.run(["git", "show", f"{commit}:matcher/regions.py"], capture_output=True, text=True,
                         check=True).stdout
    mod = types.ModuleType("old_regions")
    exec(compile(src, f"{commit}:matcher/regions.py", "exec"), mod.__dict__)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--commit", default="55d70b9")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    old = old_regions(a.commit)
    clips = []
    for p in map(Path, a.paths):
        if "holdout" in str(p):
            sys.exit(f"refusing a holdout path: {p}")
        clips += sorted(p.rglob("*.mp4")) if p.is_dir() else [p]
    frames = differ = banded = stripped = 0
    for clip in clips:
        for sf in FrameReader(clip):
            g = grey(sf.bgr)
            ob, os_ = old.picture_band(g), old.picture_strips(g)
            rows = regions.seams(g, 0)
            nb, ns = regions.picture_band(g), regions.picture_strips(g)
            nb2, ns2 = regions.picture_band(g, rows), regions.picture_strips(g, rows)
            frames += 1
            banded += ob is not None
            stripped += bool(os_)
            if not (ob == nb == nb2 and os_ == ns == ns2):
                differ += 1
                print(f"DIFFER {clip.name} t={sf.t:.2f}: band {ob} / {nb} / {nb2}, strips {os_} / {ns} / {ns2}")
    print(f"{len(clips)} clips, {frames} frames ({banded} with a band, {stripped} with strips): {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
