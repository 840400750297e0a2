"""The calibrated score (issue 12 item 2): a logistic fit shipped with its provenance, applied to the
detectors' evidence of each pair."""

from __future__ import annotations

import json

import numpy as np

import matcher
from matcher import calibration


def test_the_shipped_calibration_says_where_it_comes_from():
    data = json.loads(calibration.CALIBRATION_FILE.read_text())
    cal = calibration.load()
    assert cal is not None and cal.id == data["id"]
    assert list(cal.weights) == list(calibration.FEATURES)
    prov = data["provenance"]
    assert "never read" in prov["data"] and prov["algorithm"] == matcher.ALGORITHM_VERSION
    cv = prov["cross_validation"]
    assert cv["folds"] >= 3 and cv["grouped_by"] == "clip"
    for k in ("log_loss", "brier", "average_precision", "precision_at_0.5", "recall_at_0.5"):
        assert 0 <= cv["out_of_fold"][k] <= 1


def test_fit_recovers_a_known_logistic_model():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 3))
    true_w, true_b = np.array([2.0, -1.0, 0.0]), 0.5
    y = (rng.random(4000) < 1 / (1 + np.exp(-(X @ true_w + true_b)))).astype(float)
    w, b = calibration.fit(X, y, l2=0.01)
    assert np.allclose(w, true_w, atol=0.25) and abs(b - true_b) < 0.2


def test_probability_is_monotone_in_the_evidence_that_favours_a_copy():
    cal = calibration.load()
    base = {k: cal.mean[k] for k in calibration.FEATURES}
    for k, w in cal.weights.items():
        lo, hi = dict(base), dict(base)
        lo[k], hi[k] = base[k] - cal.scale[k], base[k] + cal.scale[k]
        assert (cal.probability(hi) - cal.probability(lo)) * np.sign(w) >= 0


def test_scores_stay_inside_the_open_interval(index, clip_dir):
    """A fitted probability claims no certainty: a clean copy scores high, never exactly 1.0 (ties at 1.0
    between true pairs and near-misses were the defect)."""
    from bench import synth
    from tests.matcher.conftest import read

    p = clip_dir / "clean_copy.mp4"
    synth.write_clip(p, [synth.letterbox(read("coffee.png"))], seconds=3.0, fps=6, w=360, h=640)
    res = matcher.scan_video(p, index)
    m = {m.reference: m for m in res.matches}["coffee"]
    assert 0.9 <= m.score < 1.0
    assert m.evidence["calibration"]["id"] == calibration.load().id
