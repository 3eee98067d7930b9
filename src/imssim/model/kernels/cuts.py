"""The year's investment of a surplus and cut of a deficit, in one compiled loop.

:func:`invest_and_cut` gives what the numpy code of :func:`imssim.model.capabilities.adjust`
gives from its investment on: a state with a surplus buys capability along its own
profile (tilted by the alliance's shortfalls, not in the areas it relies on a partner
for or has given up); a state with a deficit takes it from its areas in proportion to
their weights (:func:`imssim.model.capabilities._cut`), area by area capped at what the
area still costs, passing on what a capped area could not give, for at most as many
rounds as there are areas. The numpy code does each step for all states at once; a
state's steps read only its own row, so that the loop does them state by state, with the
same arithmetic in the same order (row sums as numpy adds them,
:func:`imssim.model.kernels.numpy_like.numpy_sum`).
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import inline, kernel
from imssim.model.kernels.numpy_like import numpy_sum
from imssim.model.tolerances import EPS


@kernel
def invest_and_cut(k, gap, price, invest, cut):
    """(after, before): the holdings `k` [N, A] after the surplus of `gap` [N] is
    invested at `price` a unit and its deficit cut, at least 0; and before the cut.
    `invest` = (profile [N, A], tilt [A], relying [N, A], dropped [N, A]); `cut` =
    (unit [N, A]: a unit's yearly cost, core_factor [N, A]: the weight kept in the
    sovereign core)."""
    profile, tilt, relying, dropped = invest
    unit, core_factor = cut
    n, n_areas = k.shape
    before = np.empty((n, n_areas))
    alloc = np.empty(n_areas)
    for i in range(n):
        for a in range(n_areas):
            value = profile[i, a] * tilt[a] * (0.0 if relying[i, a] else 1.0)
            alloc[a] = value * (0.0 if dropped[i, a] else 1.0)
        total = numpy_sum(alloc)
        surplus = gap[i] if gap[i] > 0.0 or gap[i] != gap[i] else 0.0
        for a in range(n_areas):
            share = alloc[a] / total if total > 0 else 0.0
            before[i, a] = k[i, a] + surplus * share / price
    deficit = np.empty(n)
    for i in range(n):
        deficit[i] = -gap[i] if -gap[i] > 0.0 or gap[i] != gap[i] else 0.0
    weight = np.empty((n, n_areas))
    for i in range(n):
        for a in range(n_areas):
            weight[i, a] = unit[i, a] * before[i, a] * core_factor[i, a] / tilt[a]
    return spread_cut(before, unit, weight, deficit), before


@inline
def spread_cut(k, unit, weight, deficit):
    """float[N, A]: the holdings `k` after cutting `deficit` [N] worth of upkeep (`unit`
    [N, A]: a unit's yearly cost) spread by `weight` [N, A]; at least 0."""
    n, n_areas = k.shape
    cost = unit * k
    money = np.zeros((n, n_areas))
    w = np.zeros(n_areas)
    take = np.zeros(n_areas)
    for i in range(n):
        remaining = deficit[i]
        for _ in range(n_areas):
            for a in range(n_areas):
                w[a] = weight[i, a] if cost[i, a] - money[i, a] > EPS else 0.0
            total = numpy_sum(w)
            if not (remaining > EPS and total > 0):
                break
            for a in range(n_areas):
                share = w[a] / total
                take[a] = min(cost[i, a] - money[i, a], remaining * share)
                money[i, a] += take[a]
            remaining -= numpy_sum(take)
    out = np.empty((n, n_areas))
    for i in range(n):
        for a in range(n_areas):
            left = k[i, a] - (money[i, a] / unit[i, a] if unit[i, a] > 0 else 0.0)
            out[i, a] = left if left > 0.0 or left != left else 0.0
    return out
