"""What the year's records count over pairs and areas, in one compiled pass.

:func:`pair_summary` gives what :func:`imssim.model.tables.pair_counts` gives from the
effective and bilateral forms: per ordered pair the deepest of each over the areas and
the areas at any and at a deep form; over all pairs and areas how many hold each form.
Counts and maxima of integers: exact in any order.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import inline, kernel

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


# the rows of the states' tallies and the entries of the totals (year_pairs)
T_STRATEGIC, T_AFFILIATED, T_OPPORTUNITY, T_BILATERAL = 0, 1, 2, 3
EFF_COUNT, BIL_COUNT = 0, TOP + 1  # the counts of forms 0..TOP, effective and bilateral
PAIRS_BILATERAL, PAIRS_EFFECTIVE = 2 * TOP + 2, 2 * TOP + 3  # ordered pairs with a form
N_TOTALS = 2 * TOP + 4
STRATEGIC, AFFILIATED, OPPORTUNITY = 3, 2, 1  # imssim.model.rings.Ring


@inline
def _form_counts(flat, totals, at):
    """Add to ``totals[at + f]`` how many of the int8 values `flat` are f, for f in
    1..TOP (without branches)."""
    c1, c2, c3, c4, c5, c6 = 0, 0, 0, 0, 0, 0
    for q in range(flat.size):
        v = flat[q]
        c1 += v == 1
        c2 += v == 2
        c3 += v == 3
        c4 += v == 4
        c5 += v == 5
        c6 += v == 6
    totals[at + 1], totals[at + 2], totals[at + 3] = c1, c2, c3
    totals[at + 4], totals[at + 5], totals[at + 6] = c4, c5, c6


@kernel
def year_pairs(eff, bilateral, ring, trust, deep, with_pairs):
    """What a year's records count over pairs (:func:`imssim.model.tables.year_pairs`):
    (tallies int64[4, N]: each state's strategic, affiliated and opportunity partners
    and its partners with a tie; totals int64[N_TOTALS]: how many pairs and areas hold
    each form, effective and bilateral, and how many ordered pairs hold any; and, when
    `with_pairs`, every ordered pair with a ring or a form, in row-major order: rows,
    columns, ring, the partner's ring, deepest form, deepest tie, areas with a form and
    with a form of at least `deep`, trust)."""
    n, m, n_areas = eff.shape
    tallies = np.zeros((4, n), dtype=np.int64)
    totals = np.zeros(N_TOTALS, dtype=np.int64)
    _form_counts(eff.ravel(), totals, EFF_COUNT)
    _form_counts(bilateral.ravel(), totals, BIL_COUNT)
    top = np.zeros((n, m), dtype=np.int8)
    tie = np.zeros((n, m), dtype=np.int8)
    held = np.zeros((n, m), dtype=np.int16)
    deep_held = np.zeros((n, m), dtype=np.int16)
    chosen = 0
    for i in range(n):
        for j in range(m):
            t, b, h, d = np.int8(0), np.int8(0), np.int16(0), np.int16(0)
            for a in range(n_areas):  # (without branches: the forms are at least 0)
                e = eff[i, j, a]
                t = max(t, e)
                b = max(b, bilateral[i, j, a])
                h += np.int16(e > 0)
                d += np.int16(e >= deep)
            top[i, j], tie[i, j], held[i, j], deep_held[i, j] = t, b, h, d
            view = ring[i, j]
            tallies[T_STRATEGIC, i] += view == STRATEGIC
            tallies[T_AFFILIATED, i] += view == AFFILIATED
            tallies[T_OPPORTUNITY, i] += view == OPPORTUNITY
            tallies[T_BILATERAL, i] += b > 0
            totals[PAIRS_BILATERAL] += b > 0
            totals[PAIRS_EFFECTIVE] += t > 0
            chosen += view > 0 or t > 0
    size = chosen if with_pairs else 0
    rows, cols = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
    rings, partner_rings = np.empty(size, dtype=np.int8), np.empty(size, dtype=np.int8)
    forms, ties = np.empty(size, dtype=np.int8), np.empty(size, dtype=np.int8)
    areas, deep_areas = np.empty(size, dtype=np.int16), np.empty(size, dtype=np.int16)
    trusts = np.empty(size)
    p = 0
    for i in range(n if with_pairs else 0):
        for j in range(m):
            if ring[i, j] > 0 or top[i, j] > 0:
                rows[p], cols[p], rings[p], partner_rings[p] = i, j, ring[i, j], ring[j, i]
                forms[p], ties[p] = top[i, j], tie[i, j]
                areas[p], deep_areas[p], trusts[p] = held[i, j], deep_held[i, j], trust[i, j]
                p += 1
    pairs = (rows, cols, rings, partner_rings, forms, ties, areas, deep_areas, trusts)
    return tallies, totals, pairs
