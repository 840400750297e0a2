"""`python -m bench.calibration [--jobs N] [--folds K] [--write]`: fit the matcher's calibrated score.

Builds the tuning set (bench/calibration/tuning.py: the bench.accuracy generator with seeds it never
renders, plus a generated deck of sibling cards; never the clips `python -m bench.accuracy` scores),
scans every clip with no threshold, and fits a logistic regression from the detectors' evidence of each
(clip, reference) pair (matcher.calibration.FEATURES) to whether the clip shows that reference. The L2
strength is chosen by K-fold cross-validation grouped by clip; the out-of-fold figures are printed and,
with --write, stored with the fit and its provenance in matcher/calibration.json."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import subprocess
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "out" / "calibration"
L2_GRID = (0.03, 0.3, 3.0)


def _metrics(p: np.ndarray, y: np.ndarray) -> dict:
    eps = 1e-9
    order = np.argsort(-p, kind="stable")
    ys = y[order]
    tp = np.cumsum(ys)
    prec = tp / np.arange(1, len(ys) + 1)
    ap = float((prec * ys).sum() / max(1, ys.sum()))
    at = p >= 0.5
    return {"log_loss": float(-(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)).mean()),
            "brier": float(((p - y) ** 2).mean()), "average_precision": ap,
            "precision_at_0.5": float((y[at]).mean()) if at.any() else 1.0,
            "recall_at_0.5": float(y[at].sum() / max(1, y.sum())),
            "max_negative": float(p[y == 0].max()) if (y == 0).any() else 0.0,
            "min_positive": float(p[y == 1].min()) if (y == 1).any() else 1.0}


def _standardise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m, s = X.mean(axis=0), X.std(axis=0)
    return m, np.where(s < 1e-6, 1.0, s)


def cross_validate(X, y, groups, folds: int, l2: float) -> np.ndarray:
    """Out-of-fold probabilities, folds grouped by clip (a clip's pairs are never split)."""
    from matcher.calibration import fit

    uniq = np.unique(groups)
    fold_of = {g: i % folds for i, g in enumerate(np.random.default_rng(0).permutation(uniq))}
    f = np.array([fold_of[g] for g in groups])
    p = np.zeros(len(y))
    for k in range(folds):
        tr, te = f != k, f == k
        w, _ = fit(X[tr], y[tr], l2, intercept=False)
        p[te] = 1.0 / (1.0 + np.exp(-(X[te] @ w)))
    return p


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.calibration", description=__doc__)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--per-family", type=int, default=8, help="clips a family in the tuning set")
    ap.add_argument("--write", action="store_true", help="store the fit in matcher/calibration.json")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    import matcher
    from bench.calibration import tuning
    from bench.calibration.runner import init_worker, run_clip
    from matcher.calibration import CALIBRATION_FILE, FEATURES, Calibration, fit

    manifest = tuning.build(args.out, per_family=args.per_family)
    idx = matcher.ReferenceIndex.build(manifest["refs"])
    index_path = args.out / "index.npz"
    idx.save(index_path)
    with mp.get_context("spawn").Pool(args.jobs, init_worker, (str(index_path),)) as pool:
        results = pool.map(run_clip, manifest["clips"], chunksize=1)
    labels = {c["name"]: set(c["labels"]) for c in manifest["clips"]}
    kinds = {c["name"]: c["kind"] for c in manifest["clips"]}
    X, y, groups, missed = [], [], [], 0
    for r in results:
        for ref, feats in r["pairs"].items():
            X.append([feats[k] for k in FEATURES])
            y.append(1.0 if ref in labels[r["name"]] else 0.0)
            groups.append(r["name"])
        missed += len(labels[r["name"]] - set(r["pairs"]))
    X, y, groups = np.array(X), np.array(y), np.array(groups)
    (args.out / "pairs.json").write_text(json.dumps(
        [{"clip": g, "label": int(t), **dict(zip(FEATURES, map(float, x)))} for g, t, x in zip(groups, y, X)], indent=0))
    print(f"{len(results)} clips, {len(y)} candidate pairs ({int(y.sum())} true; {missed} true pairs never "
          f"proposed, which no calibration can score)")
    heur = 1.0 / (1.0 + np.exp(-X[:, FEATURES.index("heuristic_logit")]))
    print("detectors' fused score alone:", json.dumps({k: round(v, 4) for k, v in _metrics(heur, y).items()}))
    best = None
    for l2 in L2_GRID:
        m = _metrics(cross_validate(X, y, groups, args.folds, l2), y)
        w_all, _ = fit(X, y, l2, intercept=False)
        print(f"logistic l2={l2}: {args.folds}-fold out-of-fold", json.dumps({k: round(v, 4) for k, v in m.items()}),
              "weights", np.round(w_all, 3).tolist())
        # monotone fits only: more evidence never lowers the score
        if (w_all >= 0).all() and (best is None or m["log_loss"] < best[1]["log_loss"]):
            best = (l2, m)
    if best is None:
        raise SystemExit("no monotone fit on this tuning set: nothing written")
    l2, cv = best
    mean, scale = np.zeros(len(FEATURES)), np.ones(len(FEATURES))
    w, b = fit(X, y, l2, intercept=False)
    oof = cross_validate(X, y, groups, args.folds, l2)
    worst = sorted(zip(oof, y, groups), key=lambda r: -abs(r[0] - r[1]))[:8]
    print("worst out-of-fold pairs:", "; ".join(f"{g} label {int(t)} p {p:.3f}" for p, t, g in worst))
    print("weights (standardised):", {k: round(float(v), 3) for k, v in zip(FEATURES, w)}, "bias", round(b, 3))
    near = [(r["name"], ref) for r in results if kinds[r["name"]] == "near_miss" for ref in r["pairs"]]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    cal = Calibration(
        id=f"logistic-{dt.date.today().isoformat()}-{commit or 'nogit'}",
        weights={k: float(v) for k, v in zip(FEATURES, w)}, bias=float(b),
        mean={k: float(v) for k, v in zip(FEATURES, mean)}, scale={k: float(v) for k, v in zip(FEATURES, scale)},
        provenance={
            "data": "bench/calibration/tuning.py: bench.accuracy's generator (references of bench/accuracy/SOURCES.md, "
                    f"its 15 edit families) rendered with seeds >= {tuning.TUNING_SEED} (bench.accuracy renders seeds "
                    "below 10000: its clips are the held-out part and are never read here), distractors and near-misses "
                    "of the same generator, and a generated deck of playing cards (siblings) with 4 cards not indexed",
            "command": f"python -m bench.calibration --jobs {args.jobs} --folds {args.folds} --per-family {args.per_family} --write",
            "algorithm": matcher.ALGORITHM_VERSION, "commit": commit, "clips": len(results), "pairs": int(len(y)),
            "true_pairs": int(y.sum()), "true_pairs_not_proposed": missed, "near_miss_pairs": len(near),
            "model": "logistic regression (L2, Newton), no intercept (neutral evidence stays at 0.5), weights >= 0", "l2": l2,
            "cross_validation": {"folds": args.folds, "grouped_by": "clip", "l2_grid": list(L2_GRID),
                                 "out_of_fold": {k: round(v, 4) for k, v in cv.items()}},
        })
    if args.write:
        CALIBRATION_FILE.write_text(json.dumps(cal.to_json(), indent=1) + "\n")
        print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
