"""bench.calibration: the holdout never reaches the fit, saved scans are reused only for the same matcher code,
and the model choice scores a fit on sets it was not fitted on. Nothing here builds or scans a set."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench.accuracy import ffmpeg_set
from bench.calibration import models as M
from bench.calibration import sets


@pytest.mark.parametrize("call", [
    lambda tmp: sets.canonical(ffmpeg_set.HOLDOUT),
    lambda tmp: sets.build(ffmpeg_set.HOLDOUT, tmp, 8),
    lambda tmp: sets.clips_folder(ffmpeg_set.HOLDOUT, tmp, 8),
    lambda tmp: sets.scan("main", tmp, {"set": ffmpeg_set.HOLDOUT, "refs": [], "clips": []}, 1, False),
    lambda tmp: sets.refuse_holdout("main", Path(tmp) / f"ffmpeg-holdout-s{ffmpeg_set.SETS['holdout'].seed}-full"),
])
def test_the_holdout_is_refused_by_name_folder_and_manifest(tmp_path, call):
    with pytest.raises(SystemExit, match="holdout set is sealed"):
        call(tmp_path)


def test_the_readable_sets_are_the_accuracy_bench_folders_and_never_the_holdouts(tmp_path):
    for name in sets.FFMPEG_SETS:
        folder = sets.clips_folder(name, tmp_path, 8)
        assert folder.parent.name == "accuracy" and folder.name.endswith("-full") and "holdout" not in folder.name
        sets.refuse_holdout(name, folder)  # passes
    assert sets.canonical("ffmpeg") == "main"
    with pytest.raises(SystemExit, match="no tuning set"):
        sets.canonical("dev3")


def test_saved_scans_are_reused_only_for_the_same_matcher_code(tmp_path, monkeypatch):
    import matcher

    manifest = {"set": "main", "refs": [], "clips": [{"name": "a"}]}
    key = sets.scan_key(manifest)
    assert sets.scan_key({"clips": [{"name": "b"}]})["clips"] != key["clips"]
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"x")
    before = sets.scan_key({"clips": [{"name": "a", "path": str(clip)}]})["clips"]
    clip.write_bytes(b"rendered again")
    assert sets.scan_key({"clips": [{"name": "a", "path": str(clip)}]})["clips"] != before
    (tmp_path / "scans-main.json").write_text(json.dumps({"key": key, "results": [{"name": "a", "pairs": {}}]}))
    assert sets.scan("main", tmp_path, manifest, 1, reuse=True) == [{"name": "a", "pairs": {}}]
    monkeypatch.setattr(sets, "matcher_fingerprint", lambda: "other code")
    monkeypatch.setattr(matcher.ReferenceIndex, "build", lambda refs: (_ for _ in ()).throw(RuntimeError("rescan")))
    with pytest.raises(RuntimeError, match="rescan"):
        sets.scan("main", tmp_path, manifest, 1, reuse=True)


def _pairs(shift: dict[str, float], n: int = 400, seed: int = 0) -> M.Pairs:
    """Sets whose true pairs' evidence sits lower by SHIFT[set] (a pipeline the detectors read less well)."""
    rng = np.random.default_rng(seed)
    y, s, h = [], [], []
    for name, off in shift.items():
        lab = rng.random(n) < 0.6
        y += list(lab.astype(float))
        s += [name] * n
        h += list(np.where(lab, rng.normal(2.0 - off, 1.0, n), rng.normal(-6.0, 1.0, n)))
    k = len(y)
    return M.Pairs({"heuristic_logit": np.array(h), "best_frame_margin": np.zeros(k)}, np.array(y), np.array(s),
                   np.array([f"{a}:{i % 20}" for i, a in enumerate(s)]), np.arange(k).astype(str),
                   np.where(np.array(y) == 1, "positive", "distractor"))


def test_leave_one_set_out_scores_each_set_by_a_fit_that_never_saw_it():
    """A set whose true pairs score lower than the others' is scored worse out of set than in its own folds."""
    d = _pairs({"a": 0.0, "b": 0.0, "c": 2.5})
    form = M.Form("h", ("heuristic_logit",), True)
    loso = M.summary(M.leave_one_set_out(form, 0.3, d), d)
    folds = M.summary(M.grouped_folds(form, 0.3, d, 5), d)
    assert loso["per_set"]["c"]["log_loss"] > folds["per_set"]["c"]["log_loss"]
    assert set(loso["per_set"]) == {"a", "b", "c"}


def test_an_intercept_lifts_true_pairs_whose_evidence_sits_under_neutral():
    """True pairs centred under the detectors' 0.5 and negatives far below: without an intercept the fit cannot
    put the boundary between them; with one it finds them at 0.5."""
    d = _pairs({"a": 2.5, "b": 2.5})
    X = d.X(("heuristic_logit",))
    r0 = M.metrics(M.fit(M.Form("0", ("heuristic_logit",), False), X, d.y, 0.3).predict(X), d.y, d.kind)
    r1 = M.metrics(M.fit(M.Form("b", ("heuristic_logit",), True), X, d.y, 0.3).predict(X), d.y, d.kind)
    assert r1["recall_at_0.5"] > r0["recall_at_0.5"] + 0.2 and r1["precision_at_0.5"] >= 0.99


def test_isotonic_map_is_monotone_and_matches_the_rate():
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    y = np.array([0, 1, 0, 0, 1, 1.0])
    kx, ky = M.isotonic(p, y)
    assert (np.diff(kx) >= 0).all() and (np.diff(ky) >= 0).all()
    assert np.interp(0.1, kx, ky) == 0.0 and np.interp(0.6, kx, ky) == 1.0


def test_acceptable_refuses_a_fit_that_flags_more_near_misses_or_loses_precision():
    def summ(prec, near):
        return {"per_set": {"a": {"precision_at_0.5": prec}}, "pooled": {"near_misses_at_0.5": near}}

    installed = summ(1.0, 1)
    assert M.acceptable(summ(0.995, 1), installed)
    assert not M.acceptable(summ(0.98, 1), installed)
    assert not M.acceptable(summ(1.0, 2), installed)


def test_accuracy_scores_turn_saved_scans_into_a_rescorable_accuracy_json(tmp_path):
    """`--accuracy-json`: a fit's scores of the saved scans, in the shape `bench.accuracy --rescore` reads."""
    from bench.accuracy.__main__ import _saved_results
    from bench.calibration.__main__ import accuracy_scores
    from matcher.calibration import Calibration

    feats = {"heuristic_logit": 2.0, "best_frame_margin": 0.3, "detail_margin": 0.0, "sibling_log_factor": 0.0}
    (tmp_path / "scans-dev2.json").write_text(json.dumps({"key": {}, "results": [{"name": "c", "pairs": {"r": feats}}]}))
    cal = Calibration("t", {"heuristic_logit": 1.0}, 0.0, {"heuristic_logit": 0.0}, {"heuristic_logit": 1.0})
    saved = accuracy_scores(cal, ["synth", "dev2"], tmp_path)
    assert list(saved) == ["ffmpeg-dev2"]
    [r] = _saved_results(saved, "ffmpeg-dev2", "dev2", ffmpeg_set.SETS["dev2"].seed)
    assert r["name"] == "c" and r["matcher"]["r"] == round(1 / (1 + np.exp(-2.0)), 4)
