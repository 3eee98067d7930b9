"""Joining frameworks: the least form with any member, and the members' consent.

:func:`least_forms` gives, per state and framework, the least form the state holds
with any of the framework's members in its area (form 6 where it has none), as
:func:`imssim.model.frameworks._military_gain` takes it over an [N, N, F] array;
:func:`consenting` counts the members whose trust in each state meets the framework's
threshold, as :func:`imssim.model.frameworks._consent` counts them by matrix products
of zeros and ones. Minima and counts: exact in any order.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel

TOP = 6  # the deepest form


@kernel
def least_forms(eff, area, members):
    """int8[N, F]: the least form in `eff` [N, N, A] of each state with the members
    (`members` bool[F, N]) of each framework in its `area` [F]."""
    n = eff.shape[0]
    n_fw = area.size
    out = np.empty((n, n_fw), dtype=np.int8)
    who = np.empty(n, dtype=np.int64)
    for f in range(n_fw):
        a, count = area[f], 0
        for j in range(n):
            if members[f, j]:
                who[count] = j
                count += 1
        for i in range(n):
            least = TOP
            for x in range(count):
                least = min(least, eff[i, who[x], a])
            out[i, f] = least
    return out


@kernel
def consenting(trust, members, needed):
    """float[N, F]: how many members of each framework (`members` bool[F, N]) trust
    each state at least as much as the framework's threshold `needed` [F]."""
    n_fw, n = members.shape
    out = np.zeros((n, n_fw))
    for f in range(n_fw):
        for j in range(n):
            if members[f, j]:
                for i in range(n):
                    if trust[j, i] >= needed[f]:
                        out[i, f] += 1.0
    return out
