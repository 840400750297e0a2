"""The matcher's detectors, one module per method, all behind matcher.detectors.base.Detector:

- features: ORB keypoints + RANSAC geometry, appearance and spread checks (whole frame and rectangles);
- hashes: pHash/dHash of regions against every reference variant, appearance checked;
- rectified: hashes and silhouettes again on the frame turned upright / a perspective quad rectified;
- silhouettes: sprites by the shape of their edges, pixel-checked (on the frame's regions, and on regions
  their own shapes propose: a transparent sprite over footage).

They run in this order on one FrameContext (a later one may skip what an earlier one explains);
matcher.verdict.fuse turns their hits into one hit per reference."""

from __future__ import annotations

from matcher.detectors.base import Detector, FrameContext
from matcher.detectors.features import FeatureDetector
from matcher.detectors.hashes import HashDetector
from matcher.detectors.rectified import RectifiedDetector
from matcher.detectors.silhouettes import SilhouetteDetector

DETECTORS: tuple[Detector, ...] = (FeatureDetector(), HashDetector(), RectifiedDetector(), SilhouetteDetector())


def run(ctx: FrameContext, detectors: tuple[Detector, ...] = DETECTORS) -> FrameContext:
    """Every detector on the frame, in order; their hits end in ctx.found under each one's name."""
    for d in detectors:
        ctx.found[d.name] = d.detect(ctx)
    return ctx


__all__ = ["DETECTORS", "Detector", "FeatureDetector", "FrameContext", "HashDetector", "RectifiedDetector",
           "SilhouetteDetector", "run"]
