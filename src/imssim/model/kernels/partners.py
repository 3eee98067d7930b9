"""Partner fit under this year's holdings and forms, in one compiled pass.

:func:`current_fit` gives what :func:`imssim.model.partners.current_fit` gives: the
same arithmetic in the same order.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel
from imssim.model.tolerances import EPS

# the entries of the weights vector (imssim.model.partners._weights)
W_DISTANCE, W_CULTURE, W_SYNERGY, W_GOALS, W_TOTAL = range(5)


@kernel
def current_fit(k, handed, eff, distance, culture_gap, equipment_synergy, weights):
    """(fit float[N, N], concrete goals int64[N, N]) of holdings `k` and `handed` [N, A]
    and effective forms `eff` [N, N, A] (:func:`imssim.model.partners.current_fit`),
    with the criteria's weights and their sum (entries ``W_*``)."""
    n, m, n_areas = eff.shape
    holds = np.zeros((n, n_areas), dtype=np.int8)
    for i in range(n):
        for a in range(n_areas):
            holds[i, a] = (k[i, a] > EPS) | (handed[i, a] > EPS)
    score = np.zeros((n, m))
    goals = np.zeros((n, m), dtype=np.int64)
    for i in range(n):
        for j in range(m):
            shared, active = 0, 0
            for a in range(n_areas):  # (without branches: fast)
                shared += holds[i, a] & holds[j, a]
                active += eff[i, j, a] > 0
            goals[i, j] = shared
            if i == j:
                continue
            breadth = active / n_areas
            synergy = 0.5 * equipment_synergy[i, j] + 0.5 * breadth
            total = (
                weights[W_DISTANCE] * (1.0 - distance[i, j])
                + weights[W_CULTURE] * (1.0 - culture_gap[i, j])
                + weights[W_SYNERGY] * synergy
                + weights[W_GOALS] * (float(shared) / n_areas)
            )
            score[i, j] = total / weights[W_TOTAL]
    return score, goals
