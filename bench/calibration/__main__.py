"""`python -m bench.calibration [--jobs N] [--folds K] [--sets synth,ffmpeg] [--reuse] [--write]`: fit the
matcher's calibrated score.

Builds the tuning sets (bench/calibration/sets.py: the matcher's own generator with seeds bench.accuracy
never renders, plus a generated deck of sibling cards; and the MAIN set of the independent ffmpeg pipeline,
never its holdout), scans every clip uncalibrated with no threshold, and fits a logistic regression from the
detectors' evidence of each (clip, reference) pair (--features, figures of matcher.calibration.pair_features)
to whether the clip shows that reference. The L2 strength is chosen by K-fold cross-validation grouped by
source image; the out-of-fold figures are printed and, with --write, stored with the fit and its
provenance in matcher/calibration.json."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import subprocess
from pathlib import Path

import numpy as np

from matcher.calibration import FEATURES as FEATURES_DEFAULT

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


def fit_monotone(X: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """No-intercept logistic fit with weights >= 0 (active set: a feature whose weight comes out negative is
    dropped, weight 0, and the rest refitted), so more evidence never lowers the score."""
    from matcher.calibration import fit

    active = list(range(X.shape[1]))
    w = np.zeros(X.shape[1])
    while active:
        wa, _ = fit(X[:, active], y, l2, intercept=False)
        if (wa >= 0).all():
            w[active] = wa
            return w
        active.pop(int(np.argmin(wa)))
    return w


def fold_ids(groups: np.ndarray, folds: int) -> np.ndarray:
    uniq = np.unique(groups)
    fold_of = {g: i % folds for i, g in enumerate(np.random.default_rng(0).permutation(uniq))}
    return np.array([fold_of[g] for g in groups])


def cross_validate(X, y, groups, folds: int, l2: float) -> np.ndarray:
    """Out-of-fold probabilities; folds grouped by `groups` (source image: a clip's pairs, and every clip made
    from one reference, stay in one fold)."""
    f = fold_ids(groups, folds)
    p = np.zeros(len(y))
    for k in range(folds):
        tr, te = f != k, f == k
        w = fit_monotone(X[tr], y[tr], l2)
        p[te] = 1.0 / (1.0 + np.exp(-(X[te] @ w)))
    return p


def _round(m: dict) -> dict:
    return {k: round(v, 4) for k, v in m.items()}


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.calibration", description=__doc__)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--per-family", type=int, default=8, help="clips a family in the synth tuning set")
    ap.add_argument("--sets", default="synth,ffmpeg",
                    help="tuning sets, comma-separated: synth (the matcher's generator, seeds >= 10000), ffmpeg "
                         "(the ffmpeg pipeline's MAIN set; its holdout is never read)")
    ap.add_argument("--ffmpeg-quick", action="store_true", help="the quick main set of the ffmpeg pipeline")
    ap.add_argument("--features", default=",".join(FEATURES_DEFAULT),
                    help="pair figures of matcher.calibration.pair_features the model reads (each 0 when neutral)")
    ap.add_argument("--reuse", action="store_true", help="reuse the scans saved by an earlier run (same algorithm)")
    ap.add_argument("--write", action="store_true", help="store the fit in matcher/calibration.json")
    ap.add_argument("--force", action="store_true",
                    help="write even when the refit's out-of-fold log-loss is not below the installed fit's")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    import matcher
    import matcher.calibration
    from bench.calibration import sets, tuning
    from matcher.calibration import CALIBRATION_FILE, Calibration

    features = tuple(args.features.split(","))
    names = args.sets.split(",")
    X, y, groups, clips_of, setname, missed, near, n_clips = [], [], [], [], [], 0, 0, 0
    for name in names:
        manifest = sets.build(name, args.out, args.per_family, args.ffmpeg_quick)
        results = sets.scan(name, sets.folder_of(name, args.out, args.ffmpeg_quick), manifest, args.jobs, args.reuse)
        by_name = {c["name"]: c for c in manifest["clips"]}
        n_clips += len(results)
        for r in results:
            c = by_name[r["name"]]
            for ref, feats in r["pairs"].items():
                X.append([feats[k] for k in features])
                y.append(1.0 if ref in c["labels"] else 0.0)
                groups.append(f"{name}:{sets.source_of(c)}")
                clips_of.append(f"{name}:{r['name']}")
                setname.append(name)
                near += c["kind"] == "near_miss"
            missed += len(set(c["labels"]) - set(r["pairs"]))
    X, y, groups, setname = np.array(X), np.array(y), np.array(groups), np.array(setname)
    (args.out / "pairs.json").write_text(json.dumps(
        [{"clip": c, "group": g, "label": int(t), **dict(zip(features, map(float, x)))}
         for c, g, t, x in zip(clips_of, groups, y, X)], indent=0))
    print(f"{n_clips} clips ({', '.join(names)}), {len(y)} candidate pairs ({int(y.sum())} true; {missed} true pairs "
          f"never proposed, which no calibration can score), {len(np.unique(groups))} source images")
    if "heuristic_logit" in features:
        heur = 1.0 / (1.0 + np.exp(-X[:, features.index("heuristic_logit")]))
        print("detectors' fused score alone:", json.dumps(_round(_metrics(heur, y))))
    installed = matcher.calibration.load()
    installed_m = None
    if installed is not None:   # the shipped fit on the same pairs (a missing feature is neutral, 0)
        p_inst = np.array([installed.probability({k: (float(x[features.index(k)]) if k in features else 0.0)
                                                  for k in installed.weights}) for x in X])
        installed_m = _metrics(p_inst, y)
        print(f"installed fit {installed.id}:", json.dumps(_round(installed_m)), "per set",
              json.dumps({s: _round(_metrics(p_inst[setname == s], y[setname == s])) for s in names}))
    best = None
    for l2 in L2_GRID:
        oof = cross_validate(X, y, groups, args.folds, l2)
        m = _metrics(oof, y)
        per_set = {s: _round(_metrics(oof[setname == s], y[setname == s])) for s in names}
        print(f"logistic l2={l2}: {args.folds}-fold out-of-fold", json.dumps(_round(m)), "per set", json.dumps(per_set),
              "weights", np.round(fit_monotone(X, y, l2), 3).tolist())
        if best is None or m["log_loss"] < best[1]["log_loss"]:
            best = (l2, m, per_set)
    l2, cv, per_set = best
    w = fit_monotone(X, y, l2)
    oof = cross_validate(X, y, groups, args.folds, l2)
    worst = sorted(zip(oof, y, clips_of), key=lambda r: -abs(r[0] - r[1]))[:8]
    print("worst out-of-fold pairs:", "; ".join(f"{g} label {int(t)} p {p:.3f}" for p, t, g in worst))
    print(f"chosen l2={l2}; weights:", {k: round(float(v), 3) for k, v in zip(features, w)}, "bias 0")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    data = []
    if "synth" in names:
        data.append("synth: bench/calibration/tuning.py: bench.accuracy's own generator (references of "
                    "bench/accuracy/SOURCES.md, its 15 edit families) rendered with seeds >= "
                    f"{tuning.TUNING_SEED} (bench.accuracy renders seeds below 10000 and those clips are never "
                    "read here), distractors and near-misses of the same generator, and a generated deck of playing "
                    "cards (siblings) with 4 cards not indexed")
    if "ffmpeg" in names:
        data.append("ffmpeg: the MAIN set of bench/accuracy/ffmpeg_set.py (SETS['main'], "
                    f"{'quick' if args.ffmpeg_quick else 'full'}); its HOLDOUT set (SETS['holdout'], "
                    "python -m bench.accuracy --holdout) is never built nor read by the fit")
    cal = Calibration(
        id=f"logistic-{dt.date.today().isoformat()}-{commit or 'nogit'}",
        weights={k: float(v) for k, v in zip(features, w)}, bias=0.0,
        mean={k: 0.0 for k in features}, scale={k: 1.0 for k in features},
        provenance={
            "data": " + ".join(data),
            "command": f"python -m bench.calibration --jobs {args.jobs} --folds {args.folds} --per-family "
                       f"{args.per_family} --sets {args.sets}{' --ffmpeg-quick' if args.ffmpeg_quick else ''} "
                       f"--features {args.features} --write",
            "algorithm": matcher.ALGORITHM_VERSION, "commit": commit, "clips": n_clips, "pairs": int(len(y)),
            "true_pairs": int(y.sum()), "true_pairs_not_proposed": missed, "near_miss_pairs": int(near),
            "model": "logistic regression (L2, Newton), no intercept (neutral evidence stays at 0.5), weights >= 0 "
                     "(a feature whose weight would be negative is dropped)", "l2": l2,
            "cross_validation": {"folds": args.folds, "grouped_by": "clip",
                                 "groups": "source image (a clip's first label; a near-miss: the reference it "
                                           "resembles): a clip's pairs and the clips made from one reference "
                                           "share a fold, so folds share no reference (but a montage's second one)",
                                 "l2_grid": list(L2_GRID), "out_of_fold": _round(cv), "out_of_fold_per_set": per_set},
        })
    if args.write and installed_m is not None and cv["log_loss"] >= installed_m["log_loss"] and not args.force:
        raise SystemExit(f"bench.calibration: not written: the refit's out-of-fold log-loss {cv['log_loss']:.4f} is not "
                         f"below the installed fit's {installed_m['log_loss']:.4f} on the same pairs (--force writes it)")
    if args.write:
        CALIBRATION_FILE.write_text(json.dumps(cal.to_json(), indent=1) + "\n")
        print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
