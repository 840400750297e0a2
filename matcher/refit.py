"""Fitting the calibration (matcher.calibration applies it) on labelled pairs, and the figures that compare two
calibrations on the same pairs. Pure: feature rows and labels in, a Calibration and figures out. One fit
(`fit_monotone`) serves both callers: bench.calibration (labelled benchmark sets; it chooses the model's form)
and `mamoru calibrate` (the analysts' decisions, from the database through core.services.calibration; it keeps
the installed form)."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timezone

import numpy as np

from matcher.calibration import FEATURES, Calibration

L2_GRID = (0.03, 0.3, 3.0)
FOLDS = 5
TARGET_PRECISION = 0.99


def fit(X: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50, intercept: bool = True,
        weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (IRLS) -> (weights, bias; 0 without intercept).
    WEIGHT: each pair's weight in the loss (default 1); the intercept is not regularised."""
    n, d = X.shape
    A = np.hstack([X, np.ones((n, 1))]) if intercept else X
    k = A.shape[1]
    c = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    reg = np.full(k, float(l2))
    if intercept:
        reg[-1] = 0.0
    w = np.zeros(k)
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ w, -35, 35)))
        g = A.T @ (c * (p - y)) + reg * w
        Hm = (A * (c * p * (1 - p))[:, None]).T @ A + np.diag(reg) + 1e-9 * np.eye(k)
        step = np.linalg.solve(Hm, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return (w[:-1], float(w[-1])) if intercept else (w, 0.0)


def balanced(y: np.ndarray) -> np.ndarray:
    """Pair weights under which true and false pairs weigh the same in the fit: the tuning data's share of true
    pairs (most candidate pairs of a labelled set are true, few of what a deployment scans are) is then no prior
    an intercept learns."""
    y = np.asarray(y, dtype=float)
    pos = max(1.0, float(y.sum()))
    neg = max(1.0, float(len(y) - y.sum()))
    return np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg))


def matrix(rows: list[dict], features: tuple[str, ...] = FEATURES) -> np.ndarray:
    """The FEATURES of each row (a finding's stored evidence["score"]); a missing figure is neutral (0)."""
    return np.array([[float(r.get(k, 0.0) or 0.0) for k in features] for r in rows],
                    dtype=float).reshape(-1, len(features))


def fit_monotone(X: np.ndarray, y: np.ndarray, l2: float, intercept: bool = False,
                 weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """The calibration's fit, shared by `mamoru calibrate` and bench.calibration -> (weights, bias): L2 logistic
    regression with weights >= 0, so more evidence never lowers a score (active set: the most negative weight is
    left out, weight 0, and the rest refitted); without intercept the bias is 0 (all-neutral evidence scores 0.5)."""
    keep = list(range(X.shape[1]))
    out = np.zeros(X.shape[1])
    while keep:
        w, b = fit(X[:, keep], y, l2=l2, intercept=intercept, weight=weight)
        if (w >= 0).all():
            out[keep] = w
            return out, b
        keep.pop(int(np.argmin(w)))
    return out, (fit(np.zeros((len(y), 0)), y, l2=l2, weight=weight)[1] if intercept else 0.0)


def probabilities(X: np.ndarray, w: np.ndarray, b: float = 0.0) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(X @ w + b, -35, 35)))


def form(cal: Calibration) -> tuple[tuple[str, ...], bool, bool]:
    """The model form of a calibration, which a refit keeps: its features, whether it has an intercept, and
    whether true and false pairs weighed the same in its fit (`balanced`)."""
    return (tuple(cal.weights), bool(cal.provenance.get("intercept", cal.bias != 0.0)),
            bool(cal.provenance.get("balanced", False)))


def _fold_of(group: str, folds: int) -> int:
    return int(hashlib.sha256(f"fold:{group}".encode()).hexdigest()[:8], 16) % folds


def refit(rows: list[dict], labels: list[int], groups: list[str], folds: int = FOLDS,
          l2_grid: tuple[float, ...] = L2_GRID, provenance: dict | None = None,
          features: tuple[str, ...] = FEATURES, intercept: bool = False, balance: bool = False) -> Calibration:
    """Fit a calibration on ROWS (feature dicts) and LABELS (1 copy, 0 not), choosing the L2 strength by
    cross-validation grouped by GROUPS (the clip: one clip's pairs never sit on both sides of a fold)."""
    X, y = matrix(rows, features), np.asarray(labels, dtype=float)
    fold = np.array([_fold_of(g, folds) for g in groups])
    cv: dict[float, float] = {}
    for l2 in l2_grid:
        losses = []
        for k in range(folds):
            test = fold == k
            if not test.any() or test.all() or len(set(y[~test])) < 2:
                continue
            w, b = fit_monotone(X[~test], y[~test], l2, intercept, balanced(y[~test]) if balance else None)
            losses.append(log_loss(probabilities(X[test], w, b), y[test]) * int(test.sum()))
        cv[l2] = sum(losses) / max(1, len(y)) if losses else math.inf
    best = min(l2_grid, key=lambda l2: (cv[l2], l2))
    w, b = fit_monotone(X, y, best, intercept, balanced(y) if balance else None)
    weights = {k: float(v) for k, v in zip(features, w)}
    digest = hashlib.sha256(repr((sorted(weights.items()), b)).encode()).hexdigest()[:7]
    stamp = datetime.now(timezone.utc)
    prov = {"model": f"logistic regression (L2, Newton), {'with' if intercept else 'no'} intercept, weights >= 0"
                     f"{', true and false pairs weighing the same' if balance else ''}",
            "intercept": intercept, "balanced": balance, "l2": best,
            "cross_validation": {"folds": folds, "grouped_by": "clip", "l2_grid": list(l2_grid),
                                 "log_loss": {str(k): round(v, 4) for k, v in cv.items()}},
            "pairs": int(len(y)), "true_pairs": int(y.sum()), "fitted_at": stamp.isoformat(timespec="seconds"),
            **(provenance or {})}
    return Calibration(id=f"refit-{stamp:%Y-%m-%d-%H%M%S}-{digest}", weights=weights, bias=float(b),
                       mean={k: 0.0 for k in features}, scale={k: 1.0 for k in features}, provenance=prov)


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))) if len(p) else 0.0


def average_precision(p: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(-np.asarray(p), kind="stable")
    ys = np.asarray(y)[order]
    if ys.sum() == 0:
        return 0.0
    hits = np.cumsum(ys)
    return float((hits / np.arange(1, len(ys) + 1))[ys == 1].sum() / ys.sum())


def recall_at_precision(p: np.ndarray, y: np.ndarray, target: float = TARGET_PRECISION) -> float:
    """The largest share of the true pairs found by any threshold whose precision is at least TARGET."""
    order = np.argsort(-np.asarray(p), kind="stable")
    ys = np.asarray(y)[order]
    if ys.sum() == 0:
        return 0.0
    hits = np.cumsum(ys)
    ok = hits / np.arange(1, len(ys) + 1) >= target
    return float(hits[ok].max() / ys.sum()) if ok.any() else 0.0


def figures(cal: Calibration, rows: list[dict], labels: list[int]) -> dict[str, float]:
    """Log-loss, average precision, recall at precision >= 0.99 and Brier score of CAL on labelled rows."""
    p = np.array([cal.probability({k: float(r.get(k, 0.0) or 0.0) for k in cal.weights}) for r in rows])
    y = np.asarray(labels, dtype=float)
    return {"log_loss": round(log_loss(p, y), 4), "average_precision": round(average_precision(p, y), 4),
            "recall_at_p99": round(recall_at_precision(p, y), 4),
            "brier": round(float(np.mean((p - y) ** 2)) if len(p) else 0.0, 4)}
