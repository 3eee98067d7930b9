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

from imssim.model.kernels import kernel
from imssim.model.kernels.keyed import uniform_at


@kernel
def best_by_row(listed, key, n_cols, temperature, kmax):
    """The chosen entries (indices into the `listed` (row, column, value), row by row)
    and the rows whose kmax-th and next best scores tie. The rows are sorted (the
    entries of a row together); an entry's uniform is keyed by `key` and its flat index
    ``row * n_cols + column``."""
    row, col, value = listed
    size = row.size
    score = np.empty(size)
    for e in range(size):
        noise = 0.0 - math.log(-math.log(1.0 - uniform_at(key, row[e] * n_cols + col[e])))
        score[e] = value[e] + noise * temperature
    chosen = np.empty(size, dtype=np.int64)
    tied = np.empty(size, dtype=np.int64)
    n_chosen = n_tied = 0
    start = 0
    while start < size:
        end = start
        while end < size and row[end] == row[start]:
            end += 1
        if end - start <= kmax:
            order = np.arange(end - start)
        else:
            order = np.argsort(-score[start:end])
            if score[start + order[kmax - 1]] == score[start + order[kmax]]:
                tied[n_tied] = row[start]
                n_tied += 1
                start = end
                continue
            order = order[:kmax]
        for o in order:
            chosen[n_chosen] = start + o
            n_chosen += 1
        start = end
    return chosen[:n_chosen], tied[:n_tied]
