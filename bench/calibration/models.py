"""Choosing the calibration's model by how it carries to material it was not fitted on.

Candidates (a model form, `Form`, times an L2 strength) are scored by two cross-validations of the labelled
pairs: leave-one-set-out (fit on every other set, score the set left out: another pipeline, other pictures) and
K folds grouped by source image (every set's pairs, a source image's pairs in one fold). The fit itself is the
product's (matcher.refit.fit_monotone); an isotonic map on top is scored as a comparison only (`Form.isotonic`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.constants import DEFAULT_THRESHOLD as THRESHOLD
from matcher.refit import (TARGET_PRECISION, average_precision, balanced, fit_monotone, log_loss, probabilities,
                          recall_at_precision)


@dataclass(frozen=True)
class Form:
    """A model form: which pair figures (matcher.calibration.pair_features) it reads, with or without intercept,
    whether true and false pairs weigh the same (matcher.refit.balanced), and whether an isotonic map (fitted on
    the training part's own scores) is put on top."""
    name: str
    features: tuple[str, ...]
    intercept: bool
    balanced: bool = False
    isotonic: bool = False


@dataclass
class Pairs:
    """Labelled candidate pairs: every figure of pair_features by name, and per pair its set, group (source image),
    clip, label and kind (positive, distractor, near_miss)."""
    figures: dict[str, np.ndarray]
    y: np.ndarray
    set: np.ndarray
    group: np.ndarray
    clip: np.ndarray
    kind: np.ndarray

    def X(self, features: tuple[str, ...]) -> np.ndarray:
        return np.column_stack([self.figures[k] for k in features]) if features else np.zeros((len(self.y), 0))


@dataclass
class Fitted:
    w: np.ndarray
    b: float
    iso: tuple[np.ndarray, np.ndarray] | None = None

    def predict(self, X: np.ndarray) -> np.ndarray:
        p = probabilities(X, self.w, self.b)
        if self.iso is not None:
            p = np.interp(p, *self.iso)
        return np.clip(p, 1e-4, 1 - 1e-4)


def fit(form: Form, X: np.ndarray, y: np.ndarray, l2: float) -> Fitted:
    w, b = fit_monotone(X, y, l2, form.intercept, balanced(y) if form.balanced else None)
    out = Fitted(w, b)
    if form.isotonic:
        out.iso = isotonic(probabilities(X, w, b), y)
    return out


def isotonic(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pool-adjacent-violators: the non-decreasing map of P to Y's mean, as knots for np.interp."""
    order = np.argsort(p, kind="stable")
    xs, ys = list(p[order]), list(y[order].astype(float))
    blocks: list[list[float]] = []   # [sum, count, x_lo, x_hi]
    for x, v in zip(xs, ys):
        blocks.append([v, 1.0, x, x])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            s, n, lo, hi = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += n
            blocks[-1][3] = hi
    kx, ky = [], []
    for s, n, lo, hi in blocks:
        kx += [lo, hi]
        ky += [s / n, s / n]
    return np.array(kx), np.array(ky)


def metrics(p: np.ndarray, y: np.ndarray, kind: np.ndarray) -> dict[str, float]:
    """The figures a calibration is judged by on labelled pairs."""
    at = p >= THRESHOLD
    near = kind == "near_miss"
    return {"pairs": int(len(y)), "log_loss": log_loss(p, y), "brier": float(np.mean((p - y) ** 2)) if len(y) else 0.0,
            "average_precision": average_precision(p, y), "recall_at_p99": recall_at_precision(p, y, TARGET_PRECISION),
            "precision_at_0.5": float(y[at].mean()) if at.any() else 1.0,
            "recall_at_0.5": float(y[at].sum() / max(1, y.sum())),
            "max_negative": float(p[y == 0].max()) if (y == 0).any() else 0.0,
            "near_misses_at_0.5": int((at & near).sum()), "max_near_miss": float(p[near].max()) if near.any() else 0.0}


def leave_one_set_out(form: Form, l2: float, d: Pairs) -> np.ndarray:
    """Each set's pairs scored by the fit on every other set."""
    X, p = d.X(form.features), np.zeros(len(d.y))
    for s in np.unique(d.set):
        te = d.set == s
        p[te] = fit(form, X[~te], d.y[~te], l2).predict(X[te])
    return p


def grouped_folds(form: Form, l2: float, d: Pairs, folds: int) -> np.ndarray:
    """Out-of-fold scores, folds grouped by source image (a set's source images, each with its clips' pairs,
    spread over the folds; every other set's pairs of other folds are in the training part)."""
    uniq = np.unique(d.group)
    fold_of = {g: i % folds for i, g in enumerate(np.random.default_rng(0).permutation(uniq))}
    f = np.array([fold_of[g] for g in d.group])
    X, p = d.X(form.features), np.zeros(len(d.y))
    for k in range(folds):
        te = f == k
        p[te] = fit(form, X[~te], d.y[~te], l2).predict(X[te])
    return p


def per_set(p: np.ndarray, d: Pairs) -> dict[str, dict[str, float]]:
    return {str(s): metrics(p[d.set == s], d.y[d.set == s], d.kind[d.set == s]) for s in np.unique(d.set)}


def summary(p: np.ndarray, d: Pairs) -> dict:
    """Pooled figures, each set's, and the macro mean of the sets' log-loss (every set counts once)."""
    sets = per_set(p, d)
    return {"pooled": metrics(p, d.y, d.kind), "per_set": sets,
            "mean_set_log_loss": float(np.mean([m["log_loss"] for m in sets.values()]))}


def acceptable(s: dict, installed: dict) -> bool:
    """A candidate may be chosen when, out of set, no set loses precision at 0.5 below the target where the
    installed fit kept it, and no more sibling near-misses reach 0.5 than under the installed fit."""
    for name, m in s["per_set"].items():
        ref = installed["per_set"][name]
        if m["precision_at_0.5"] < min(TARGET_PRECISION, ref["precision_at_0.5"]):
            return False
    return s["pooled"]["near_misses_at_0.5"] <= installed["pooled"]["near_misses_at_0.5"]
