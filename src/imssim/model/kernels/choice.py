"""Each row's best entries by value plus Gumbel noise, in one compiled pass.

:func:`best_by_row` gives what :func:`imssim.model.noisy_choice.choose_top` gives: each
listed entry's uniform keyed by the year's key and its flat index
(:func:`imssim.model.kernels.keyed.uniform_at`), its noise transformed as
:func:`imssim.model.noisy_choice.gumbel` transforms it (the C library's logarithm, as
Python's ``math.log``), its score, and per row the ``kmax`` best. A row whose kmax-th
and next scores tie is returned apart, for the numpy code to settle as ``argpartition``
would.
"""

from __future__ import annotations

import math

import numpy as np

from imssim.model.kernels import inline, kernel
from imssim.model.kernels.keyed import uniform_at


@kernel
def best_by_row(listed, key, n_cols, temperature, kmax):
    """The chosen entries (indices into the `listed` (row, column, value), row by row)
    and the rows whose kmax-th and next best scores tie. The rows are sorted (the
    entries of a row together); an entry's uniform is keyed by `key` and its flat index
    ``row * n_cols + column``. A row of at most kmax entries takes them all (their
    scores are not needed); a longer row its kmax best, by score (descending)."""
    row, col, value = listed
    size = row.size
    chosen = np.empty(size, dtype=np.int64)
    tied = np.empty(size, dtype=np.int64)
    best = np.empty(kmax + 1, dtype=np.int64)  # a row's kmax + 1 best, best first
    best_score = np.empty(kmax + 1)
    n_chosen = n_tied = 0
    start = 0
    while start < size:
        end = start
        while end < size and row[end] == row[start]:
            end += 1
        if end - start <= kmax:
            for e in range(start, end):
                chosen[n_chosen] = e
                n_chosen += 1
            start = end
            continue
        kept = 0
        for e in range(start, end):
            u = uniform_at(key, row[e] * n_cols + col[e])
            score = value[e] + (0.0 - math.log(-math.log(1.0 - u))) * temperature
            kept = _keep_best(best, best_score, kept, e, score)
        if best_score[kmax - 1] == best_score[kmax]:
            tied[n_tied] = row[start]
            n_tied += 1
        else:
            for b in range(kmax):
                chosen[n_chosen] = best[b]
                n_chosen += 1
        start = end
    return chosen[:n_chosen], tied[:n_tied]


@inline
def _keep_best(best, best_score, kept, entry, score):
    """Insert `entry` of `score` among the `kept` best so far (`best`, `best_score`:
    sorted, best first, holding at most their size; an equal score after those before
    it), and return how many are kept."""
    place = kept
    while place > 0 and best_score[place - 1] < score:
        place -= 1
    if place == best.size:
        return kept
    last = min(kept, best.size - 1)
    for b in range(last, place, -1):
        best[b], best_score[b] = best[b - 1], best_score[b - 1]
    best[place], best_score[place] = entry, score
    return last + 1
