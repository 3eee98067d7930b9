"""Sums, clips and maxima of float64 values as numpy computes them, for kernels that
reproduce numpy code bit for bit.

numpy's ``sum`` of contiguous values along one axis is pairwise: up to 128 values are
added into eight running sums, combined as a tree, then the rest one by one; longer
runs are halved (at a multiple of eight) and each half summed so; the result is added
to 0.0. A reduction over the first axis of a 2-D array, instead, adds the rows one
after the other, which a plain loop does.

numpy's ``clip`` keeps a value equal to a bound (a -0.0 clipped to [0, 1] stays -0.0),
while its ``maximum`` of two equal values gives the second (``clip(x, 0, None)`` is
``maximum(x, 0)``: 0.0 for a -0.0); both pass NaN on.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import inline

BLOCK = 128  # numpy's PW_BLOCKSIZE: longer runs are halved


@inline
def _block_sum(a, lo, n):
    """The pairwise sum of ``a[lo:lo + n]`` as numpy adds it, for n <= BLOCK (without the
    0.0)."""
    if n < 8:
        res = -0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - n % 8:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@inline
def _half(n):
    """Where numpy splits a run of `n` values: at half, less its remainder by eight."""
    half = n // 2
    return half - half % 8


@inline
def _long_sum(a, n):
    """The pairwise sum of ``a[:n]`` as numpy adds it, for n > BLOCK (without the 0.0):
    its recursion (left half, right half, their sum) on a stack of the runs still open."""
    lo, size = np.zeros(64, np.int64), np.zeros(64, np.int64)
    left, waiting = np.zeros(64), np.zeros(64, np.bool_)  # a left half's sum, awaited right
    top = 0
    size[0] = n
    while True:
        if size[top] > BLOCK:  # open its left half
            half = _half(size[top])
            lo[top + 1], size[top + 1], waiting[top + 1] = lo[top], half, False
            top += 1
            continue
        value = _block_sum(a, lo[top], size[top])
        top -= 1
        while top >= 0 and waiting[top]:  # close the runs whose right half this was
            value = left[top] + value
            top -= 1
        if top < 0:
            return value
        # a left half is done: keep it and open the right half
        half = _half(size[top])
        left[top], waiting[top] = value, True
        lo[top + 1], size[top + 1], waiting[top + 1] = lo[top] + half, size[top] - half, False
        top += 1


@inline
def numpy_sum(a):
    """``a.sum()`` of a 1-D float64 array, bit for bit (a short run: one block)."""
    if a.size <= BLOCK:
        return 0.0 + _block_sum(a, 0, a.size)
    return 0.0 + _long_sum(a, a.size)


@inline
def clip(x, lo, hi):
    """``np.clip(x, lo, hi)`` of one float64 value."""
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


@inline
def maximum(x, y):
    """``np.maximum(x, y)`` of two float64 values (NaN: NaN; of two equal values, `y`)."""
    if x != x or y != y:
        return x + y
    return x if x > y else y
