"""A deficit cut spread over a state's areas by upkeep, in one compiled loop.

:func:`spread_cut` gives what :func:`imssim.model.capabilities._cut` gives: each state
takes its deficit from its areas in proportion to their weights, area by area capped at
what the area still costs, passing on what a capped area could not give, for at most as
many rounds as there are areas. The numpy code does the rounds for all states at once;
a state's rounds read only its own row, so that the loop does them state by state, with
the same arithmetic in the same order (row sums as numpy adds them,
:func:`imssim.model.kernels.sums.row_sum`).
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel
from imssim.model.kernels.sums import row_sum

EPS = 1e-9  # as imssim.model.capabilities.EPS


@kernel
def spread_cut(k, unit, weight, deficit):
    """float[N, A]: the holdings `k` after cutting `deficit` [N] worth of upkeep (`unit`
    [N, A]: a unit's yearly cost) spread by `weight` [N, A]; at least 0."""
    n, n_areas = k.shape
    cost = unit * k
    money = np.zeros((n, n_areas))
    w = np.zeros((1, n_areas))
    take = np.zeros((1, n_areas))
    for i in range(n):
        remaining = deficit[i]
        for _ in range(n_areas):
            for a in range(n_areas):
                w[0, a] = weight[i, a] if cost[i, a] - money[i, a] > EPS else 0.0
            total = row_sum(w, 0)
            if not (remaining > EPS and total > 0):
                break
            for a in range(n_areas):
                share = w[0, a] / total
                take[0, a] = min(cost[i, a] - money[i, a], remaining * share)
                money[i, a] += take[0, a]
            remaining -= row_sum(take, 0)
    out = np.empty((n, n_areas))
    for i in range(n):
        for a in range(n_areas):
            left = k[i, a] - (money[i, a] / unit[i, a] if unit[i, a] > 0 else 0.0)
            out[i, a] = left if left > 0.0 or left != left else 0.0
    return out
