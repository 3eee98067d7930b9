"""Sums in the order numpy adds them, for kernels that must give numpy's bits.

numpy adds the values of a contiguous float64 row of fewer than 8 values one after the
other, and of 8 to 128 values in eight running sums (values 8 apart) combined as
``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then the rest one by one; the
reduction starts from its identity, 0.0 (so that a sum of negative zeros is +0.0).
:func:`row_sum` does the same, for rows of up to 128 values (the areas of a state, the
states of a world of up to 128): ``x[i].sum()`` and ``x.sum(axis=1)[i]`` of a C-ordered
float64 array.
"""

from __future__ import annotations

from imssim.model.kernels import inline

PAIRWISE_BLOCK = 128  # numpy's block: longer rows are split in halves (not handled here)


@inline
def row_sum(x, i):
    """``x[i].sum()`` for a C-ordered float64 [N, M] array `x`, M <= 128, in numpy's
    order of additions."""
    n = x.shape[1]
    if n < 8:
        res = 0.0
        for k in range(n):
            res += x[i, k]
        return res
    r0, r1, r2, r3 = x[i, 0], x[i, 1], x[i, 2], x[i, 3]
    r4, r5, r6, r7 = x[i, 4], x[i, 5], x[i, 6], x[i, 7]
    k = 8
    end = n - n % 8
    while k < end:
        r0 += x[i, k]
        r1 += x[i, k + 1]
        r2 += x[i, k + 2]
        r3 += x[i, k + 3]
        r4 += x[i, k + 4]
        r5 += x[i, k + 5]
        r6 += x[i, k + 6]
        r7 += x[i, k + 7]
        k += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while k < n:
        res += x[i, k]
        k += 1
    return 0.0 + res
