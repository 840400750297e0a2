"""Worker side of the calibration fit (spawned processes import this module)."""

from __future__ import annotations

_state: dict = {}


def init_worker(index_path: str) -> None:
    import cv2

    import matcher
    from matcher import calibration

    cv2.setNumThreads(1)
    # the fit reads the detectors' evidence, never a previous fit's score: pairs are scored uncalibrated
    calibration.load = lambda *a, **k: None
    _state["index"] = matcher.ReferenceIndex.load(index_path)


def run_clip(clip: dict) -> dict:
    """The clip's candidate pairs with the calibration's input figures (uncalibrated: they do not depend on it)."""
    import matcher

    res = matcher.scan_video(clip["path"], _state["index"], threshold=0)
    return {"name": clip["name"], "pairs": {m.reference: m.evidence["score"] for m in res.matches}}
