"""An index drawn in proportion to weights, from a uniform drawn beforehand.

:func:`weighted_index` gives what :func:`imssim.model.moves._weighted_draw` gives for
the same uniform: the cumulative shares accumulated in order as numpy's ``cumsum``
accumulates them, scaled by the last, and the first whose share exceeds the uniform
(``searchsorted(..., side="right")``).
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel


@kernel
def weighted_index(weight, total, u):
    """The index of `weight` [n] (summing to `total`) that the uniform `u` falls in."""
    n = weight.size
    cdf = np.empty(n)
    acc = 0.0
    for k in range(n):
        acc += weight[k] / total
        cdf[k] = acc
    last = cdf[n - 1]
    for k in range(n):
        if cdf[k] / last > u:
            return k
    return n
