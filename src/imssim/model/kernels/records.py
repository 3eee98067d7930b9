"""What the year's records count over pairs and areas, in one compiled pass.

:func:`pair_summary` gives what :func:`imssim.model.tables.pair_counts` gives from the
effective and bilateral forms: per ordered pair the deepest of each over the areas and
the areas at any and at a deep form; over all pairs and areas how many hold each form.
Counts and maxima of integers: exact in any order.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel

TOP = 6  # the deepest form


@kernel
def pair_summary(eff, bilateral, deep):
    """(max_form, bilateral_form, n_areas, n_deep_areas, eff_count, bil_count) of the
    effective forms `eff` and the ties `bilateral` [N, N, A] (int8), with forms of at
    least `deep` counted deep."""
    n, m, n_areas = eff.shape
    max_form = np.zeros((n, m), dtype=np.int8)
    bilateral_form = np.zeros((n, m), dtype=np.int8)
    held = np.zeros((n, m), dtype=np.int64)
    deep_held = np.zeros((n, m), dtype=np.int64)
    eff_count = np.zeros(TOP + 1, dtype=np.int64)
    bil_count = np.zeros(TOP + 1, dtype=np.int64)
    for i in range(n):
        for j in range(m):
            top, tie, count, deep_count = 0, 0, 0, 0
            for a in range(n_areas):
                e, b = eff[i, j, a], bilateral[i, j, a]
                top, tie = max(top, e), max(tie, b)
                if e > 0:
                    count += 1
                    if e <= TOP:
                        eff_count[e] += 1
                if e >= deep:
                    deep_count += 1
                if 0 < b <= TOP:
                    bil_count[b] += 1
            max_form[i, j], bilateral_form[i, j] = top, tie
            held[i, j], deep_held[i, j] = count, deep_count
    return max_form, bilateral_form, held, deep_held, eff_count, bil_count
