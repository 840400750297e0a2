"""The calibrated score: the probability that a clip shows a copy of a reference, from the detectors'
evidence about the pair, by a logistic model fitted on labelled pairs (see bench/calibration and the
provenance inside calibration.json). The matcher only applies the fit; fitting lives in matcher/refit.py (used by
bench/calibration and `mamoru calibrate`)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from matcher import constants as C

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")

# the evidence figures of one (clip, reference) pair the calibration reads, in this order, each 0 where the
# evidence is neutral: the fused detectors' score as a log-odds (0 at the 0.5 the detectors were tuned to),
# the best frame's score above 0.5, the sibling margin (detail score above SIB_DETAIL_FULL, times the
# check's credit when positive: `sibling_credit`; 0 for a reference without siblings), and the log of the
# sibling check's score factor (0 for a reference without siblings or whose detail the clip shows; down to
# log SIB_FLOOR for one whose detail it does not show: the fit can weigh the sibling check apart from the
# detectors' score). The model has no intercept and weights >= 0: more evidence never lowers a score, and a
# pair whose evidence is neutral stays at 0.5.
FEATURES = ("heuristic_logit", "best_frame_margin", "detail_margin", "sibling_log_factor")


def pair_features(hits: list, frames: int) -> dict[str, float]:
    """One pair's features from its frame hits (FrameHit, each with per-detector evidence)."""
    from matcher.verdict import clip_score

    scores = [h.score for h in hits]
    best = max(hits, key=lambda h: h.score)
    ev = [h.evidence for h in hits]

    def most(det: str, key: str, default: float = 0.0) -> float:
        vals = [e[det][key] for e in ev if det in e and key in e[det]]
        return float(max(vals)) if vals else default

    app = max(most("features", "appearance"), most("hashes", "appearance"), most("rectified", "appearance"))
    dists = [e[d]["phash_distance"] for e in ev for d in ("hashes", "rectified") if d in e and "phash_distance" in e[d]]
    sib = best.evidence.get("siblings")
    # the clip-level lifts of a pair in a sibling group (more frames agreeing, the margin over the closest sibling)
    # count in proportion to the sibling check's credit on the best frame: more frames of one doubtful card do not
    # resolve the doubt, and being unlike every indexed sibling is no evidence of being THIS one (a card of the deck
    # that is not indexed is unlike them all)
    credit = min(sibling_credit(sib), detail_credit(best.evidence.get("detail_check")))
    heuristic = float(best.score) + (clip_score(scores) - float(best.score)) * credit
    margin = (float(sib["detail"]) - C.SIB_DETAIL_FULL) if sib else 0.0
    h = min(max(heuristic, 1e-4), 1 - 1e-4)
    return {
        "heuristic_logit": math.log(h / (1 - h)),
        "best_frame_margin": float(best.score) - 0.5,
        "detail_margin": margin * credit if margin > 0 else margin,
        "sibling_log_factor": math.log(max(float(sib.get("factor", 1.0)), C.SIB_FLOOR)) if sib else 0.0,
        "heuristic": heuristic,
        "best_frame": float(best.score),
        "support": sum(1 for s in scores if s >= C.FRAME_HIT) / max(1, frames),
        "inliers": math.log1p(max(h.inliers for h in hits)) / math.log(200.0),
        "appearance": app,
        "hash_closeness": (1.0 - min(dists) / 32.0) if dists else 0.0,
        "silhouette_pixels": most("silhouettes", "pixels"),
        "detail": float(sib["detail"]) if sib else 1.0,
        "has_siblings": 1.0 if sib else 0.0,
        "detectors": len({d for e in ev for d in e if d != "siblings"}) / 4.0,
    }


def sibling_credit(sib: dict | None) -> float:
    """The sibling check's credit of a hit in [0, 1]: 0 at SIB_FLOOR (the reference's own detail not shown), 1 at
    a factor of 1 (shown) or for a reference without siblings (SIB: the hit's evidence["siblings"])."""
    if not sib:
        return 1.0
    return float(min(1.0, max(0.0, (float(sib.get("factor", 1.0)) - C.SIB_FLOOR) / (1.0 - C.SIB_FLOOR))))


def detail_credit(fig: dict | None) -> float:
    """The credit of a hit on a reference with no indexed sibling from its detail check (matcher.detail_check) in
    [0, 1]: 0 at LONE_FLOOR (what an edit cannot explain: a region recoloured, detail drawn otherwise), 1 at a factor
    of 1 or unchecked (FIG: the hit's evidence["detail_check"]): more frames of a doubtful match do not lift it."""
    if not fig:
        return 1.0
    return float(min(1.0, max(0.0, (float(fig.get("factor", 1.0)) - C.LONE_FLOOR) / (1.0 - C.LONE_FLOOR))))


@dataclass
class Calibration:
    """Logistic model on standardised features; `id` names the fit (reports say which scored a pair)."""
    id: str
    weights: dict[str, float]
    bias: float
    mean: dict[str, float]
    scale: dict[str, float]
    provenance: dict = field(default_factory=dict)

    def logit(self, feats: dict[str, float]) -> float:
        return self.bias + sum(w * (feats[k] - self.mean[k]) / self.scale[k] for k, w in self.weights.items())

    def probability(self, feats: dict[str, float]) -> float:
        """In [PROBABILITY_MIN, PROBABILITY_MAX]: a fit on a few hundred pairs cannot claim more certainty."""
        z = self.logit(feats)
        p = 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0
        return min(C.PROBABILITY_MAX, max(C.PROBABILITY_MIN, p))

    def to_json(self) -> dict:
        return {"id": self.id, "features": list(self.weights), "weights": self.weights, "bias": self.bias,
                "mean": self.mean, "scale": self.scale, "provenance": self.provenance}

    @classmethod
    def from_json(cls, d: dict) -> "Calibration":
        return cls(d["id"], {k: float(v) for k, v in d["weights"].items()}, float(d["bias"]),
                   {k: float(v) for k, v in d["mean"].items()}, {k: float(v) for k, v in d["scale"].items()},
                   d.get("provenance", {}))


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Calibration | None:
    """The shipped calibration (None when there is none: scores are then the detectors' heuristic)."""
    p = Path(path) if path else CALIBRATION_FILE
    if not p.exists():
        return None
    return Calibration.from_json(json.loads(p.read_text()))
