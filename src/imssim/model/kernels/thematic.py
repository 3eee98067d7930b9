"""The year's thematic ties in compiled passes: their openings and their draws.

:func:`openings` gives what :func:`imssim.model.moves._openings` gives: for each state
that starts thematic ties, the weight of each possible partner (nearer partners being
likelier, 0 for one without an area free) and the areas free with each, in order (one
product per weight: the same bits).

:func:`drawn_ties` draws the ties as :func:`imssim.model.moves._draw_ties` draws them,
from the raw outputs of the generator's PCG64 drawn beforehand, transformed as numpy
transforms them (``Generator.random`` and ``Generator.integers``): the weights' sum as
numpy's ``sum`` takes it (:func:`block_sum`; up to :data:`BLOCK` states), the partner as
:func:`weighted_index` finds it. :func:`weighted_index` gives what
:func:`imssim.model.moves._weighted_draw` gives for the same uniform: the cumulative
shares accumulated in order as numpy's ``cumsum`` accumulates them, scaled by the last,
and the first whose share exceeds the uniform (``searchsorted(..., side="right")``).
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import inline, kernel
from imssim.model.tolerances import EPS


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


# numpy's PCG64 draws, from its raw 64-bit outputs: a double from the top 53 bits; a
# 32-bit integer from the lower half of an output, the upper half kept for the next
DOUBLE_SCALE = 1.0 / 9007199254740992.0
LOW32 = np.uint64(0xFFFFFFFF)
BLOCK = 128  # the most weights numpy sums without cutting them in halves


@inline
def block_sum(x):
    """The sum of `x` (at most :data:`BLOCK` values) as numpy's ``sum`` takes it over a
    contiguous float64 array: up to 8 values one by one, else in 8 accumulators joined
    in pairs, then the rest one by one (numpy cuts a longer array in halves first)."""
    size = x.size
    if size < 8:
        res = 0.0
        for e in range(size):
            res += x[e]
        return res
    acc = x[:8].copy()
    e = 8
    while e < size - size % 8:
        for r in range(8):
            acc[r] += x[e + r]
        e += 8
    res = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
    while e < size:
        res += x[e]
        e += 1
    return res


@inline
def _weighted(weight, total, u):
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


@kernel
def weighted_index(weight, total, u):
    """The index of `weight` [n] (summing to `total`) that the uniform `u` falls in."""
    return _weighted(weight, total, u)


@inline
def _next_uint32(raw, at):
    """The PCG64 ``next_uint32`` of numpy from the raw outputs; `at`: [the next output, whether
    a half is kept (1), the half kept] (written)."""
    if at[1] == 1:
        at[1] = 0
        return np.uint64(at[2])
    out = raw[at[0]]
    at[0] += 1
    at[1], at[2] = 1, np.int64(out >> np.uint64(32))
    return out & LOW32


@inline
def _below(raw, at, count):
    """``Generator.integers(0, count)`` (int64) from the raw outputs: 0 without a draw
    for a count of one, else Lemire's bounded 32-bit draw with its rejection."""
    if count == 1:
        return 0
    excl = np.uint64(count)  # the range's size: count - 1 plus one
    m = _next_uint32(raw, at) * excl
    if (m & LOW32) < excl:
        threshold = (LOW32 - np.uint64(count - 1)) % excl
        while (m & LOW32) < threshold:
            if at[0] >= raw.size and at[1] == 0:
                return -1
            m = _next_uint32(raw, at) * excl
    return np.int64(m >> np.uint64(32))


@kernel
def drawn_ties(raw, kept, starters, weights, free):
    """The thematic ties (int64[3, ties]: i, j, area) that
    :func:`imssim.model.moves._draw_ties` draws for the `starters` (the starting states
    and the ties each starts), from the raw 64-bit outputs `raw` of the generator's
    PCG64 and the 32-bit half it keeps (`kept`: whether, and which); and the outputs
    used (-1: more are needed), whether a half is kept after and which. `weights`
    [starting, N <= BLOCK] is written; `free`: the areas free and their offsets (as
    :func:`openings` gives them) and each partner's row among the partners (-1: none)."""
    starting, counts = starters
    areas, offsets, row_of = free
    areas = areas.copy()  # each pair's areas still free, at the front of its run
    per = (offsets.size - 1) // max(starting.size, 1)
    ties = np.empty((3, counts.sum()), dtype=np.int64)
    at = np.array([0, kept[0], kept[1]], dtype=np.int64)
    t = 0
    for s in range(starting.size):
        weight = weights[s]
        left = offsets[s * per + 1 : (s + 1) * per + 1] - offsets[s * per : (s + 1) * per]
        total, stale = 0.0, True  # the weights' sum, taken again after a weight changes
        for _ in range(counts[s]):
            if stale:
                total, stale = block_sum(weight), False
            if total <= 0:
                break
            if at[0] + 2 > raw.size:
                return ties[:, :t], -1, 0, 0
            j = _weighted(weight, total, float(raw[at[0]] >> np.uint64(11)) * DOUBLE_SCALE)
            at[0] += 1
            m = row_of[j]
            pick = _below(raw, at, left[m])
            if pick < 0:
                return ties[:, :t], -1, 0, 0
            first = offsets[s * per + m]
            ties[0, t], ties[1, t], ties[2, t] = starting[s], j, areas[first + pick]
            t += 1
            for e in range(first + pick, first + left[m] - 1):  # the area taken out
                areas[e] = areas[e + 1]
            left[m] -= 1
            if left[m] == 0:  # the last area the pair could tie in
                weight[j] = 0.0
                stale = True
    return ties[:, :t], at[0], at[1], at[2]
