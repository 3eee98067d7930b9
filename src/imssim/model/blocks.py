"""Helpers for computations over state x state x area arrays, faster for large worlds.

The cooperation rules and the outcomes compute on arrays of N x N x A values. For the
default world (49 states) these fit in the processor's cache; for worlds of hundreds of
states each temporary array would be tens of megabytes, and memory traffic would
dominate. Each helper gives exactly what the plain numpy expression gives:
:func:`row_blocks` splits an elementwise expression into blocks of rows (states i);
:func:`max_over_areas`, :func:`any_over_areas` and :func:`count_over_areas` reduce over
the short area axis on a copy with the areas first (:func:`areas_first`), or in a
compiled loop;
:func:`any_over_partners` reduces a sparse mask over the partners, and
:func:`deepest_with` finds who shares a state's deepest form;
:func:`nonzero3` finds the entries of a mask on its flat view.
"""

from __future__ import annotations

import numpy as np

from imssim.model import kernels

BLOCK_ELEMENTS = 1 << 16  # values per temporary array of one block (512 kB of float64)


def row_blocks(n: int, per_row: int) -> list[slice]:
    """Slices covering rows 0..n-1, each of about ``BLOCK_ELEMENTS`` values when a row
    holds `per_row` values (one slice for a small world)."""
    step = max(1, BLOCK_ELEMENTS // max(per_row, 1))
    return [slice(start, min(start + step, n)) for start in range(0, n, step)]


# Reductions over the last (area) axis of an [N, N, A] array: numpy reduces a short
# contiguous axis slowly (one small inner loop per pair); a copy with the areas first
# ([A, N, N], one contiguous layer per area) is reduced over its first axis layer by
# layer, over all pairs at once (for the default world, about five times faster than
# the short axis, and than one reduction per area). Maxima, counts and "any" are exact
# in any order. With the compiled loops on, one loop over the pairs
# (:mod:`imssim.model.kernels.reductions`) is three times faster again.


def areas_first(x: np.ndarray) -> np.ndarray:
    """A contiguous copy of an [N, M, A] array with the areas first: [A, N, M]."""
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def max_over_areas(x: np.ndarray) -> np.ndarray:
    """``x.max(axis=2)`` for an integer [N, N, A] array."""
    if kernels.enabled():
        return kernels.load("reductions").max_over_areas(x)
    return areas_first(x).max(axis=0)


def any_over_areas(mask: np.ndarray) -> np.ndarray:
    """``mask.any(axis=2)`` for a bool [N, N, A] array."""
    if kernels.enabled():
        return kernels.load("reductions").any_over_areas(mask)
    return areas_first(mask).any(axis=0)


def any_over_partners(mask: np.ndarray) -> np.ndarray:
    """``mask.any(axis=1)`` for a bool [N, M, A] array, from its entries set (for a sparse
    mask such as the dependence of form-6 ties, a few times faster than numpy's
    reduction over the middle axis)."""
    n, m, a = mask.shape
    flat = np.flatnonzero(mask)
    out = np.zeros(n * a, dtype=bool)
    out[flat // (m * a) * a + flat % a] = True
    return out.reshape(n, a)


def deepest_with(pairs: np.ndarray, eff: np.ndarray, area_form: np.ndarray) -> np.ndarray:
    """bool[N, A]: whether one of state i's partners j with ``pairs[i, j]`` shares its
    deepest form `area_form` [N, A] in the area (`eff`: the forms per pair and area)."""
    if kernels.enabled():
        return kernels.load("reductions").deepest_with(pairs, eff, area_form)
    return (pairs[:, :, None] & (eff == area_form[:, None, :])).any(axis=1)


def count_over_areas(mask: np.ndarray) -> np.ndarray:
    """``mask.sum(axis=2)`` (int64) for a bool [N, N, A] array."""
    if kernels.enabled():
        return kernels.load("reductions").count_over_areas(mask)
    layers = areas_first(mask).view(np.uint8)
    return np.add.reduce(layers, axis=0, dtype=np.int16).astype(np.int64)


def nonzero3(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.nonzero(mask)`` for a bool [N, M, A] array: the same indices in the same
    (row-major) order, found on the flat array (much faster)."""
    _, m, a = mask.shape
    flat = np.flatnonzero(mask)
    i, rest = np.divmod(flat, m * a)
    j, ar = np.divmod(rest, a)
    return i, j, ar
