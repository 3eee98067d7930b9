"""The openings for the year's thematic ties, in one compiled pass.

:func:`openings` gives what :func:`imssim.model.moves._openings` gives: for each state
that starts thematic ties, the weight of each possible partner (nearer partners being
likelier, 0 for one without an area free) and the areas free with each, in order.
One product per weight: the same bits.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel

EPS = 1e-9  # as imssim.model.cooperation.EPS


@kernel
def openings(record, year, k, distance, starting, outside):
    """The weights float[starting, N] of the `outside` partners of each `starting`
    state, and the areas free with each (int64, starting by starting, partner by
    partner, area by area) with their offsets int64[starting * outside + 1]: both hold
    the area, their tie in it (record: bilateral and since [N, N, A]) is none and
    unchanged in `year`."""
    bilateral, since = record
    n, n_areas = k.shape
    size = starting.size * outside.size
    weights = np.zeros((starting.size, n))
    areas = np.empty(size * n_areas, dtype=np.int64)
    offsets = np.empty(size + 1, dtype=np.int64)
    t = 0
    for s in range(starting.size):
        i = starting[s]
        for m in range(outside.size):
            j = outside[m]
            offsets[s * outside.size + m] = t
            for a in range(n_areas):
                held = k[i, a] > EPS and k[j, a] > EPS
                if held and bilateral[i, j, a] == 0 and since[i, j, a] < year:
                    areas[t] = a
                    t += 1
            free = 1.0 if t > offsets[s * outside.size + m] else 0.0
            weights[s, j] = (1.0 - 0.5 * distance[i, j]) * free
    offsets[size] = t
    return weights, areas[:t], offsets
