"""The rank scores: midranks, the ROC AUC (ties counting half), the precision-recall AUC
(average precision, tied scores taken as one threshold) and their bootstrap intervals."""

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


def average_precision(
    scores: Sequence[float] | np.ndarray, labels: Sequence[bool] | np.ndarray
) -> float:
    """Area under the precision-recall curve as the average precision: the items are
    taken in order of falling score, all items of one score at once (a tie is one
    threshold, so the order within it does not matter), and the precision at each
    threshold is weighted by the recall it adds. A perfect ranking gives 1, a random one
    about the share of positives. NaN when there is no positive."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    n_pos = int(y.sum())
    if n_pos == 0:
        return float("nan")
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), s.size - 1]  # end of each tie group
    hits = np.cumsum(y)[last]
    precision = hits / (last + 1.0)
    added_recall = np.diff(np.r_[0, hits]) / n_pos
    return float(np.sum(added_recall * precision))


def bootstrap_intervals(
    scores: np.ndarray, labels: np.ndarray, resamples: int, rng: np.random.Generator
) -> dict[str, tuple[float, float]]:
    """90 % intervals of the ROC AUC (``"auc"``) and the average precision (``"pr_auc"``),
    resampling the positive and the negative items apart (so the share of positives, the
    average precision of chance, stays that of the data)."""
    nan = (float("nan"), float("nan"))
    if resamples <= 0:
        return {"auc": nan, "pr_auc": nan}
    y = np.asarray(labels, dtype=bool)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    if pos.size == 0 or neg.size == 0:
        return {"auc": nan, "pr_auc": nan}
    truth = np.r_[np.ones(pos.size, dtype=bool), np.zeros(neg.size, dtype=bool)]
    values = np.empty((resamples, 2))
    for r in range(resamples):
        take = np.r_[rng.choice(pos, pos.size), rng.choice(neg, neg.size)]
        values[r] = roc_auc(scores[take], truth), average_precision(scores[take], truth)
    low, high = np.percentile(values, INTERVAL, axis=0)
    return {
        "auc": (float(low[0]), float(high[0])),
        "pr_auc": (float(low[1]), float(high[1])),
    }
