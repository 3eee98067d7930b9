"""The rank score: midranks, the ROC AUC (ties counting half) and its bootstrap interval."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20122017
INTERVAL = (5.0, 95.0)  # percentiles of the 90 % bootstrap interval


def midranks(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing the mean of the ranks they span."""
    x = np.asarray(values, dtype=float)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    first = np.cumsum(counts) - counts  # ranks before each distinct value
    return (first + (counts + 1) / 2.0)[inverse]


def roc_auc(scores: Sequence[float] | np.ndarray, labels: Sequence[bool] | np.ndarray) -> float:
    """Area under the ROC curve: the probability that a random positive scores above a
    random negative, ties counting one half (the Mann-Whitney U statistic divided by
    n_pos x n_neg). NaN when either class is empty."""
    y = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = midranks(scores)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def bootstrap_auc(
    scores: np.ndarray, labels: np.ndarray, resamples: int, rng: np.random.Generator
) -> tuple[float, float]:
    """90 % interval of the AUC, resampling the positive and the negative pairs apart."""
    if resamples <= 0:
        return float("nan"), float("nan")
    y = np.asarray(labels, dtype=bool)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    if pos.size == 0 or neg.size == 0:
        return float("nan"), float("nan")
    truth = np.r_[np.ones(pos.size, dtype=bool), np.zeros(neg.size, dtype=bool)]
    values = np.empty(resamples)
    for r in range(resamples):
        take = np.r_[rng.choice(pos, pos.size), rng.choice(neg, neg.size)]
        values[r] = roc_auc(scores[take], truth)
    low, high = np.percentile(values, INTERVAL)
    return float(low), float(high)
