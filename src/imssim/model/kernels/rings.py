"""What the rings read of each pair's areas, in one compiled pass.

:func:`pair_areas` gives, per ordered pair, what :func:`imssim.model.rings.target_rings`
and :func:`imssim.model.rings.strategic_score` reduce over the areas: whether the pair
cooperates at all (a tie or a framework beyond the baseline), its deepest tie, its
areas with a lasting tie and those it shares at a lasting form through frameworks only.
Maxima and counts: exact in any order.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel


@kernel
def pair_areas(bilateral, framework, lasting):
    """(any_coop bool, deepest tie int8, lasting ties int64, lasting through frameworks
    only int64), each [N, N], of `bilateral` and `framework` [N, N, A] with lasting forms
    from `lasting`."""
    n, m, n_areas = bilateral.shape
    any_coop = np.zeros((n, m), dtype=np.bool_)
    deepest = np.zeros((n, m), dtype=np.int8)
    n_lasting = np.zeros((n, m), dtype=np.int64)
    n_through = np.zeros((n, m), dtype=np.int64)
    for i in range(n):
        for j in range(m):
            top, held, through, some = 0, 0, 0, False
            for a in range(n_areas):
                b, f = bilateral[i, j, a], framework[i, j, a]
                if b > 0 or f > 0:
                    some = True
                top = max(top, b)
                if b >= lasting:
                    held += 1
                elif f >= lasting:
                    through += 1
            any_coop[i, j], deepest[i, j] = some, top
            n_lasting[i, j], n_through[i, j] = held, through
    return any_coop, deepest, n_lasting, n_through
