"""Next year's trust, in one compiled pass.

:func:`next_trust` gives what :func:`imssim.model.trust.update_trust` gives from the
noise it drew: the same arithmetic in the same order (numpy's clip,
:mod:`imssim.model.kernels.numpy_like`).
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel
from imssim.model.kernels.numpy_like import clip

# the rows of the rules vector (as imssim.model.trust.update_trust makes it)
R_GAIN, R_DECAY, R_TOLERANCE, R_SHOCK, R_POOLING = range(5)


@kernel
def next_trust(trust, base, eff, bilateral, cut_fraction, noise, rules):
    """float[N, N]: next year's trust of i in j (:func:`imssim.model.trust.update_trust`)
    with `noise` [N, N] the year's draws (its entries above the diagonal are used, for
    both views) and `rules` the vector of rows ``R_*``."""
    n, m, n_areas = eff.shape
    gain, decay, shock = rules[R_GAIN], rules[R_DECAY], rules[R_SHOCK]
    pooling = np.int8(rules[R_POOLING])
    cut = np.zeros((m, n_areas), dtype=np.int8)
    cutter = np.zeros(m, dtype=np.bool_)  # (most states cut nothing: only cutters are read)
    for j in range(m):
        for a in range(n_areas):
            cut[j, a] = cut_fraction[j, a] > rules[R_TOLERANCE]
            cutter[j] |= cut[j, a] != 0
    out = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            if i == j:
                continue
            top, hit = np.int8(0), np.int8(0)
            for a in range(n_areas):  # (without branches: fast)
                top = max(top, eff[i, j, a])
            if cutter[j]:
                for a in range(n_areas):
                    hit |= np.int8(bilateral[i, j, a] > 0) & cut[j, a]
            t = trust[i, j]
            depth = clip((top - 1) / 5.0, 0.0, 1.0)
            grown = t + gain * depth * (1.0 - t)
            decayed = t + decay * (base[i, j] - t)
            t = grown if top >= pooling else decayed
            upper = noise[i, j] if j > i else 0.0
            lower = noise[j, i] if i > j else 0.0
            t = t + ((upper + lower) if top > 0 else 0.0)
            t = t - shock * (1.0 if hit else 0.0)
            out[i, j] = clip(t, 0.0, 1.0)
    return out
