"""Reductions over the short area axis of state x state x area arrays, in one loop.

numpy reduces a short contiguous axis with one small inner loop per pair, and
:mod:`imssim.model.blocks` avoids that with a transposed copy; for the default world a
compiled loop over the pairs is still three times faster. Each function gives what the
numpy expression in its docstring gives (maxima, counts and "any" are exact in any
order), with that expression's dtype.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel


@kernel
def max_over_areas(x):
    """``x.max(axis=2)`` for an integer [N, M, A] array (A >= 1)."""
    n, m, n_areas = x.shape
    out = np.empty((n, m), dtype=x.dtype)
    for i in range(n):
        for j in range(m):
            best = x[i, j, 0]
            for a in range(1, n_areas):
                if x[i, j, a] > best:
                    best = x[i, j, a]
            out[i, j] = best
    return out


@kernel
def any_over_areas(mask):
    """``mask.any(axis=2)`` for a bool [N, M, A] array."""
    n, m, n_areas = mask.shape
    out = np.empty((n, m), dtype=np.bool_)
    for i in range(n):
        for j in range(m):
            found = False
            for a in range(n_areas):
                found |= mask[i, j, a]
            out[i, j] = found
    return out


@kernel
def count_over_areas(mask):
    """``mask.sum(axis=2)`` (int64) for a bool [N, M, A] array."""
    n, m, n_areas = mask.shape
    out = np.empty((n, m), dtype=np.int64)
    for i in range(n):
        for j in range(m):
            count = 0
            for a in range(n_areas):
                count += mask[i, j, a]
            out[i, j] = count
    return out


@kernel
def deepest_with(pairs, eff, area_form):
    """bool[N, A]: whether one of the partners j with ``pairs[i, j]`` shares state i's
    deepest form in the area, ``(pairs[:, :, None] & (eff == area_form[:, None, :]))
    .any(axis=1)``."""
    n, m, n_areas = eff.shape
    out = np.zeros((n, n_areas), dtype=np.bool_)
    for i in range(n):
        for j in range(m):
            if pairs[i, j]:
                for a in range(n_areas):
                    if eff[i, j, a] == area_form[i, a]:
                        out[i, a] = True
    return out
