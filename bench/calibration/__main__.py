"""`python -m bench.calibration [--jobs N] [--folds K] [--sets synth,main,dev2,spritedev] [--reuse] [--write]`: fit
the matcher's calibrated score.

Builds (or reuses) the tuning sets (bench/calibration/sets.py: the matcher's own generator with seeds
bench.accuracy never renders plus a generated deck of sibling cards, and the readable sets of the independent
ffmpeg pipeline, main, dev2 and spritedev; its holdout is refused), scans every clip uncalibrated with no
threshold (cached: --reuse rescans only when the matcher's code or the clips changed), and scores candidate
models (bench/calibration/models.py: features, intercept or not, L2, isotonic on top for comparison) by
leave-one-set-out and by folds grouped by source image. The model with the lowest out-of-set log-loss
(mean over the sets left out) whose out-of-set precision at 0.5 and sibling near-misses are no worse than
the installed fit's is fitted on every pair; with --write it is stored with its provenance in
matcher/calibration.json, unless its out-of-set log-loss is above the installed fit's on the same pairs (the
installed fit as it is when it was fitted on none of these sets, else its form refitted leaving each set out)
or it is the installed fit itself."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.calibration import models as M

OUT = Path(__file__).resolve().parent.parent / "out" / "calibration"
L2_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
CORE = ("heuristic_logit", "best_frame_margin", "detail_margin", "sibling_log_factor")
EXTRA = ("support", "inliers", "appearance", "hash_closeness", "detectors")
FORMS = (
    M.Form("core, no intercept", CORE, False),
    M.Form("core, no intercept, balanced", CORE, False, balanced=True),
    M.Form("core + intercept", CORE, True),
    M.Form("core + intercept, balanced", CORE, True, balanced=True),
    M.Form("heuristic only + intercept, balanced", ("heuristic_logit",), True, balanced=True),
    M.Form("core + extra + intercept, balanced", CORE + EXTRA, True, balanced=True),
    M.Form("core + intercept, balanced, isotonic on top", CORE, True, balanced=True, isotonic=True),
)
DEFAULT_SETS = "synth,main,dev2,spritedev"


def load_pairs(names: list[str], out: Path, per_family: int, jobs: int, reuse: bool) -> tuple[M.Pairs, dict]:
    """Every set's candidate pairs with all figures of pair_features, and counts for the provenance."""
    from bench.calibration import sets

    rows: dict[str, list] = {"y": [], "set": [], "group": [], "clip": [], "kind": []}
    figs: list[dict] = []
    counts = {"clips": {}, "true_pairs_not_proposed": {}}
    for name in names:
        manifest = sets.build(name, out, per_family)
        results = sets.scan(name, out, manifest, jobs, reuse)
        by_name = {c["name"]: c for c in manifest["clips"]}
        counts["clips"][name] = len(results)
        counts["true_pairs_not_proposed"][name] = 0
        for r in results:
            c = by_name[r["name"]]
            for ref, feats in r["pairs"].items():
                figs.append(feats)
                rows["y"].append(1.0 if ref in c["labels"] else 0.0)
                rows["set"].append(name)
                rows["group"].append(f"{name}:{sets.source_of(c)}")
                rows["clip"].append(f"{name}:{r['name']}")
                rows["kind"].append(c["kind"])
            counts["true_pairs_not_proposed"][name] += len(set(c["labels"]) - set(r["pairs"]))
    keys = sorted(figs[0]) if figs else []
    d = M.Pairs({k: np.array([float(f.get(k, 0.0)) for f in figs]) for k in keys},
                *(np.array(rows[k]) for k in ("y", "set", "group", "clip", "kind")))
    return d, counts


def accuracy_scores(cal, names: list[str], out: Path) -> dict:
    """The ffmpeg sets' per-clip scores under CAL from the saved scans, shaped as bench.accuracy's --json."""
    from bench.accuracy.ffmpeg_set import SETS
    from bench.calibration import sets

    report = {}
    for name in (n for n in names if n in sets.FFMPEG_SETS):
        results = json.loads((out / f"scans-{name}.json").read_text())["results"]
        report["ffmpeg" if name == "main" else f"ffmpeg-{name}"] = {"seed": SETS[name].seed, "results": [
            {"name": r["name"], "error": None, "seconds": 0.0, "cpu": 0.0,
             "matcher": {ref: round(cal.probability({k: f.get(k, 0.0) for k in cal.weights}), 4)
                         for ref, f in r["pairs"].items()}} for r in results]}
    return report


def _r(m: dict) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.items()}


def _line(label: str, s: dict) -> str:
    cells = [f"{label:<44} {s['mean_set_log_loss']:.4f}"]
    for name, m in s["per_set"].items():
        cells.append(f"{name}: LL {m['log_loss']:.3f} AP {m['average_precision']:.3f} R@.5 {m['recall_at_0.5']:.3f} "
                     f"P@.5 {m['precision_at_0.5']:.3f} R@P99 {m['recall_at_p99']:.3f} neg {m['max_negative']:.2f} "
                     f"nm>=.5 {m['near_misses_at_0.5']}")
    return " | ".join(cells)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.calibration", description=__doc__)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--folds", type=int, default=5, help="folds grouped by source image")
    ap.add_argument("--per-family", type=int, default=8, help="clips a family in the synth tuning set")
    ap.add_argument("--sets", default=DEFAULT_SETS,
                    help="tuning sets, comma-separated: synth (the matcher's generator, seeds >= 10000), main, dev2, "
                         "spritedev (the ffmpeg pipeline's readable sets; its holdout is refused)")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse the scans saved by an earlier run while the matcher's code and the clips are unchanged")
    ap.add_argument("--write", action="store_true", help="store the chosen fit in matcher/calibration.json")
    ap.add_argument("--force", action="store_true",
                    help="write even when the chosen fit's out-of-set log-loss is above the installed fit's")
    ap.add_argument("--accuracy-json", type=Path, default=None, metavar="FILE",
                    help="write the ffmpeg sets' scores under the chosen fit as a `python -m bench.accuracy --json` "
                         "file, for `python -m bench.accuracy --pipeline ffmpeg [--dev2|--sprite-dev] --rescore FILE`")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    started = time.time()

    import matcher
    import matcher.calibration
    from bench.calibration import sets, tuning
    from matcher.calibration import CALIBRATION_FILE, Calibration
    from matcher.refit import form as form_of

    names = [sets.canonical(n) for n in args.sets.split(",")]
    d, counts = load_pairs(names, args.out, args.per_family, args.jobs, args.reuse)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "pairs.json").write_text(json.dumps(
        [{"set": s, "clip": c, "group": g, "kind": k, "label": int(t), **{f: float(v[i]) for f, v in d.figures.items()}}
         for i, (s, c, g, k, t) in enumerate(zip(d.set, d.clip, d.group, d.kind, d.y))], indent=0))
    print(f"{sum(counts['clips'].values())} clips ({', '.join(names)}), {len(d.y)} candidate pairs ({int(d.y.sum())} "
          f"true; {sum(counts['true_pairs_not_proposed'].values())} true pairs never proposed, which no calibration can "
          f"score), {len(np.unique(d.group))} source images")
    if len(names) < 2:
        raise SystemExit("bench.calibration: leave-one-set-out needs two sets or more")

    heur = M.summary(1.0 / (1.0 + np.exp(-d.figures["heuristic_logit"])), d)
    installed = matcher.calibration.load()
    inst, seen = None, []
    print(f"\n{'model (out-of-set: fit on the other sets)':<44} mean-set log-loss | per set left out")
    print(_line("detectors' fused score alone (no fit)", heur))
    if installed is not None:
        seen = sorted(set(installed.provenance.get("sets", [])) & set(names))
        if seen:   # fitted on some of these sets: its weights are in-sample there, so it is judged the way the
            # candidates are, its form refitted leaving each set out
            feats, intercept, balance = form_of(installed)
            inst_form = M.Form(f"installed form ({installed.id})", feats, intercept, balance)
            inst = M.summary(M.leave_one_set_out(inst_form, float(installed.provenance["l2"]), d), d)
            print(_line("installed form, refitted out of set", inst))
        else:      # never fitted on them (but perhaps synth's tuning clips): judged as it is
            p_inst = np.array([installed.probability({k: float(d.figures[k][i]) if k in d.figures else 0.0
                                                      for k in installed.weights}) for i in range(len(d.y))])
            inst = M.summary(p_inst, d)
            print(_line(f"installed {installed.id} (as is)", inst))
    table = []
    for form in FORMS:
        for l2 in L2_GRID:
            loso = M.summary(M.leave_one_set_out(form, l2, d), d)
            grouped = M.summary(M.grouped_folds(form, l2, d, args.folds), d)
            table.append((form, l2, loso, grouped))
            print(_line(f"{form.name}, l2={l2}", loso))
    print(f"\n{'model (folds grouped by source image)':<44} mean-set log-loss | per set")
    for form, l2, _, grouped in table:
        print(_line(f"{form.name}, l2={l2}", grouped))
    choices = [t for t in table if not t[0].isotonic and (inst is None or M.acceptable(t[2], inst))]
    if not choices:
        raise SystemExit("bench.calibration: no candidate keeps out-of-set precision at 0.5 and the near-misses")
    form, l2, loso, grouped = min(choices, key=lambda t: (t[2]["mean_set_log_loss"], t[1]))
    X = d.X(form.features)
    fitted = M.fit(form, X, d.y, l2)
    print(f"\nchosen: {form.name}, l2={l2}: weights", {k: round(float(v), 4) for k, v in zip(form.features, fitted.w)},
          f"bias {fitted.b:.4f}")
    p_loso = M.leave_one_set_out(form, l2, d)
    worst = sorted(zip(p_loso, d.y, d.clip), key=lambda r: -abs(r[0] - r[1]))[:10]
    print("worst out-of-set pairs:", "; ".join(f"{c} label {int(t)} p {p:.3f}" for p, t, c in worst))

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    data = []
    if "synth" in names:
        data.append("synth: bench/calibration/tuning.py: bench.accuracy's own generator (references of "
                    "bench/accuracy/SOURCES.md, its 15 edit families) rendered with seeds >= "
                    f"{tuning.TUNING_SEED} (bench.accuracy renders seeds below 10000 and those clips are never "
                    "read here), distractors and near-misses of the same generator, and a generated deck of playing "
                    "cards (siblings) with 4 cards not indexed")
    ff = [n for n in names if n in sets.FFMPEG_SETS]
    if ff:
        data.append(f"{', '.join(ff)}: the readable sets of bench/accuracy/ffmpeg_set.py (SETS, full), the clips "
                    "python -m bench.accuracy generates; its HOLDOUT set (SETS['holdout'], python -m bench.accuracy "
                    "--holdout) is never built nor read by the fit (bench.calibration.sets.refuse_holdout)")
    cmd = f"python -m bench.calibration --jobs {args.jobs}" + ("" if args.sets == DEFAULT_SETS else f" --sets {args.sets}") + \
        ("" if args.folds == 5 else f" --folds {args.folds}") + \
        ("" if args.per_family == 8 else f" --per-family {args.per_family}") + " --reuse --write"
    cal = Calibration(
        id=f"logistic-{dt.date.today().isoformat()}-{commit or 'nogit'}",
        weights={k: float(v) for k, v in zip(form.features, fitted.w)}, bias=float(fitted.b),
        mean={k: 0.0 for k in form.features}, scale={k: 1.0 for k in form.features},
        provenance={
            "data": " + ".join(data), "never read": "the holdout set of bench/accuracy/ffmpeg_set.py",
            "sets": names, "command": cmd, "algorithm": matcher.ALGORITHM_VERSION, "commit": commit,
            "matcher_fingerprint": sets.matcher_fingerprint(), "clips": counts["clips"], "pairs": int(len(d.y)),
            "true_pairs": int(d.y.sum()), "true_pairs_not_proposed": counts["true_pairs_not_proposed"],
            "near_miss_pairs": int((d.kind == "near_miss").sum()),
            "model": f"logistic regression (L2, Newton), {'with' if form.intercept else 'no'} intercept, weights >= 0 "
                     "(a feature whose weight would be negative is dropped)"
                     f"{', true and false pairs weighing the same' if form.balanced else ''}; chosen among "
                     f"{[f.name for f in FORMS if not f.isotonic]} x l2 {list(L2_GRID)} by leave-one-set-out",
            "intercept": form.intercept, "balanced": form.balanced, "l2": l2,
            "cross_validation": {
                "grouped_by": "set (leave-one-set-out) and source image (folds)",
                "criterion": "mean over the sets left out of the out-of-set log-loss, among the candidates whose "
                             "out-of-set precision at 0.5 and sibling near-misses at 0.5 are no worse than the "
                             "installed fit's",
                "leave_one_set_out": {"mean_set_log_loss": round(loso["mean_set_log_loss"], 4),
                                      "pooled": _r(loso["pooled"]), "per_set": {k: _r(v) for k, v in loso["per_set"].items()}},
                "folds": args.folds,
                "grouped_folds": {"pooled": _r(grouped["pooled"]), "per_set": {k: _r(v) for k, v in grouped["per_set"].items()}},
                "installed_before": None if inst is None else {
                    "id": installed.id, "judged": "refitted out of set" if seen else "as is",
                    "mean_set_log_loss": round(inst["mean_set_log_loss"], 4), "pooled": _r(inst["pooled"])},
            },
            "refit_seconds": None,
        })
    print(f"\nrefit took {time.time() - started:.0f} s")
    if args.accuracy_json:
        args.accuracy_json.write_text(json.dumps(accuracy_scores(cal, names, args.out)))
        print(f"wrote {args.accuracy_json} (the ffmpeg sets' scores under {cal.id}, from the saved scans)")
    worse = inst is not None and loso["mean_set_log_loss"] > inst["mean_set_log_loss"]
    if args.write and worse and not args.force:
        raise SystemExit(f"bench.calibration: not written: the chosen fit's out-of-set log-loss {loso['mean_set_log_loss']:.4f} "
                         f"is above the installed fit's {inst['mean_set_log_loss']:.4f} on the same pairs "
                         "(--force writes it)")
    if args.write and installed is not None and form_of(cal) == form_of(installed) and np.allclose(
            [cal.weights[k] for k in cal.weights] + [cal.bias], [installed.weights[k] for k in cal.weights] + [installed.bias]):
        print(f"not written: the fit is the installed one ({installed.id}): same form, same weights")
        return
    if args.write:
        cal.provenance["refit_seconds"] = round(time.time() - started)
        CALIBRATION_FILE.write_text(json.dumps(cal.to_json(), indent=1) + "\n")
        print(f"wrote {CALIBRATION_FILE} ({cal.id})")


if __name__ == "__main__":
    sys.exit(main())
