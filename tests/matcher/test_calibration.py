"""The calibrated score (issue 12 item 2): a logistic fit shipped with its provenance, applied to the
detectors' evidence of each pair."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

import matcher
from matcher import calibration, refit


def _figure_sets(node):
    """Every table of out-of-sample figures under a provenance's cross_validation, however nested."""
    if isinstance(node, dict):
        if "log_loss" in node:
            yield node
        for v in node.values():
            yield from _figure_sets(v)


def test_the_shipped_calibration_says_where_it_comes_from():
    data = json.loads(calibration.CALIBRATION_FILE.read_text())
    cal = calibration.load()
    assert cal is not None and cal.id == data["id"]
    assert set(cal.weights) <= set(calibration.pair_features(_hits([0.5], 1.0), 1))
    prov = data["provenance"]
    assert "never" in prov["data"] and prov["algorithm"] == matcher.ALGORITHM_VERSION
    assert "holdout" not in prov.get("sets", []) and prov["command"].startswith("python -m bench.calibration")
    assert prov.get("intercept", False) == (cal.bias != 0.0)
    cv = prov["cross_validation"]
    assert cv["folds"] >= 3
    if "leave_one_set_out" in cv:
        assert set(cv["leave_one_set_out"]["per_set"]) == set(prov["sets"]) and len(prov["sets"]) >= 2
    figures = list(_figure_sets(cv))
    assert figures
    for fig in figures:
        for k in ("log_loss", "brier", "average_precision", "precision_at_0.5", "recall_at_0.5"):
            assert 0 <= fig[k] <= 1


def test_fit_recovers_a_known_logistic_model():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 3))
    true_w, true_b = np.array([2.0, -1.0, 0.0]), 0.5
    y = (rng.random(4000) < 1 / (1 + np.exp(-(X @ true_w + true_b)))).astype(float)
    w, b = refit.fit(X, y, l2=0.01)
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


def _hits(scores, factor, detail=0.7):
    from matcher.verdict import FrameHit

    return [FrameHit(float(t), 0, s, (0, 0, 10, 10), "phash", 1.0,
                     evidence={"siblings": {"detail": detail, "error": 0.5, "mismatch": 0.08, "hidden": 0.0, "factor": factor}})
            for t, s in enumerate(scores)]


def test_frames_of_one_doubtful_sibling_do_not_lift_it_past_the_threshold():
    """A card of the deck that is not indexed, half like a member (the sibling check's factor 0.41 on every frame
    of a 4 s clip), scored 0.39 a frame: the frames agreeing and its margin over the other members lifted it to
    0.51. The doubt is about which card it is, and more frames of the same card do not resolve it."""
    cal = calibration.load()
    doubtful = calibration.pair_features(_hits([0.386] * 4, 0.41, detail=0.53), 4)
    assert cal.probability(doubtful) < matcher.DEFAULT_THRESHOLD - 0.05
    assert doubtful["heuristic"] < 0.386 + 0.05
    # a member whose detail the check confirms keeps both lifts, as does a reference without siblings
    sure = calibration.pair_features(_hits([0.386] * 4, 1.0, detail=0.53), 4)
    assert sure["heuristic"] > 0.45 and sure["detail_margin"] > 0.25
    lone = calibration.pair_features([replace(h, evidence={}) for h in _hits([0.386] * 4, 1.0)], 4)
    assert lone["heuristic"] == sure["heuristic"]


def test_a_detail_closer_to_a_sibling_is_not_excused_by_a_low_credit():
    """The credit gates the lifts only: a clip closer to a sibling than to the reference keeps its whole penalty."""
    fig = calibration.pair_features(_hits([0.3] * 2, 0.15, detail=-0.4), 2)
    assert fig["detail_margin"] == -0.4 - matcher.constants.SIB_DETAIL_FULL


def test_the_refit_of_mamoru_calibrate_keeps_the_installed_form_and_never_lets_evidence_lower_a_score():
    """One fit (matcher.refit.fit_monotone) serves bench.calibration and `mamoru calibrate`: a refit keeps the
    installed model's features and intercept, and a figure that would take a negative weight is left out (0)."""


    rng = np.random.default_rng(1)
    n = 600
    rows = [{"heuristic_logit": float(h), "best_frame_margin": float(m), "detail_margin": 0.0,
             "sibling_log_factor": 0.0} for h, m in zip(rng.normal(0, 2, n), rng.uniform(-0.3, 0.5, n))]
    # true pairs sit lower than neutral (an intercept is needed) and best_frame_margin counts against them
    z = np.array([1.5 * r["heuristic_logit"] - 3.0 * r["best_frame_margin"] + 1.0 for r in rows])
    labels = list((rng.random(n) < 1 / (1 + np.exp(-z))).astype(int))
    shipped = calibration.load()
    with_b = replace(shipped, bias=0.5, provenance={**shipped.provenance, "intercept": True})
    for current in (shipped, with_b):
        features, intercept, balance = refit.form(current)
        new = refit.refit(rows, labels, [str(i) for i in range(n)], features=features, intercept=intercept,
                          balance=balance)
        assert list(new.weights) == list(current.weights) and new.provenance["intercept"] == intercept
        assert all(w >= 0 for w in new.weights.values()) and new.weights["best_frame_margin"] == 0.0
        assert (new.bias > 0.5) == intercept and (new.bias == 0.0) == (not intercept)


def test_a_balanced_fit_learns_no_prior_from_the_share_of_true_pairs_in_the_tuning_data():
    """Labelled sets hold mostly true pairs (most candidates of a copy clip are the copy); what a deployment scans
    holds mostly false ones. With an intercept the plain fit learns the set's share as a prior (four times the
    true pairs lift every score); the balanced fit weighs both kinds the same and does not."""
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(1.5, 1.0, 300), rng.normal(-1.5, 1.0, 300)])[:, None]
    y = np.concatenate([np.ones(300), np.zeros(300)])
    more = np.concatenate([x, np.repeat(x[:300], 3, axis=0)]), np.concatenate([y, np.ones(900)])
    b_plain = [refit.fit_monotone(X, t, 0.3, intercept=True)[1] for X, t in ((x, y), more)]
    b_bal = [refit.fit_monotone(X, t, 0.3, True, refit.balanced(t))[1] for X, t in ((x, y), more)]
    assert b_plain[1] - b_plain[0] > 1.0
    assert abs(b_bal[1] - b_bal[0]) < 0.1
