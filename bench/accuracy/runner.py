"""Worker side of the accuracy benchmark (a module of its own so that spawned processes import it)."""

from __future__ import annotations

import time
from pathlib import Path

_state: dict = {}


def init_worker(index_path: str, ref_files: list[str], baselines: bool) -> None:
    import cv2

    import matcher
    from bench.accuracy.baselines import PhashBaseline, SiftBaseline

    cv2.setNumThreads(1)
    _state["index"] = matcher.ReferenceIndex.load(index_path)
    if baselines:
        names = {Path(p).stem: p for p in ref_files}
        _state["phash"] = PhashBaseline(names)
        _state["sift"] = SiftBaseline(names)


def run_clip(clip: dict) -> dict:
    import matcher
    from bench.accuracy.baselines import frames_1fps

    out = {"name": clip["name"]}
    cpu0 = time.process_time()
    t = time.perf_counter()
    try:
        res = matcher.scan_video(clip["path"], _state["index"], threshold=0)
        out["matcher"] = {m.reference: m.score for m in res.matches}
        out["error"] = None
    except matcher.MatcherError as e:
        out["matcher"] = {}
        out["error"] = str(e)
    out["seconds"] = time.perf_counter() - t
    if "phash" in _state:
        try:
            frames = frames_1fps(clip["path"])
        except Exception:  # noqa: BLE001 - a clip the baselines cannot read scores nothing for them
            frames = []
        out["phash"] = _state["phash"].scan(frames)
        out["sift"] = _state["sift"].scan(frames)
    out["cpu"] = time.process_time() - cpu0
    return out


