"""What the year's records count and sum, in compiled passes.

:func:`year_pairs` gives what :func:`imssim.model.year_records.year_pairs` gives with numpy
from the rings and the effective and bilateral forms: each state's partners by ring,
how many pairs and areas hold each form, and the pairs table's year of columns (counts
and maxima of integers: exact in any order); :func:`year_figures` the countries' and
the alliance's figures that :func:`imssim.model.year_records.year_figures` computes, its sums
in numpy's order (:mod:`imssim.model.kernels.numpy_like`).
"""

from __future__ import annotations

import numpy as np

from imssim.model.forms import Form
from imssim.model.kernels import inline, kernel
from imssim.model.kernels.numpy_like import numpy_sum
from imssim.model.rings import Ring
from imssim.model.tolerances import EPS

TOP = int(Form.SPECIALISATION)  # the deepest form


# the rows of the states' tallies and the entries of the totals (year_pairs)
T_STRATEGIC, T_AFFILIATED, T_OPPORTUNITY, T_BILATERAL = 0, 1, 2, 3
EFF_COUNT, BIL_COUNT = 0, TOP + 1  # the counts of forms 0..TOP, effective and bilateral
PAIRS_BILATERAL, PAIRS_EFFECTIVE = 2 * TOP + 2, 2 * TOP + 3  # ordered pairs with a form
N_TOTALS = 2 * TOP + 4
STRATEGIC, AFFILIATED, OPPORTUNITY = (
    int(Ring.STRATEGIC),
    int(Ring.AFFILIATED),
    int(Ring.OPPORTUNITY),
)


@inline
def _form_counts(forms, i, j, totals, at):
    """Add to ``totals[at + f]`` how many areas pair (i, j) holds at form f of `forms`,
    for f in 1..TOP."""
    for a in range(forms.shape[2]):
        f = forms[i, j, a]
        if 0 < f <= TOP:
            totals[at + f] += 1


@inline
def _byte_counts(counts, totals, at):
    """Add to ``totals[at + f]`` byte f of `counts` (a pair's number of areas at form f,
    one byte a form), for f in 1..TOP."""
    for f in range(1, TOP + 1):
        totals[at + f] += (counts >> (8 * f)) & 255


@kernel
def year_pairs(eff, bilateral, ring, trust, deep, with_pairs):
    """What a year's records count over pairs (:func:`imssim.model.year_records.year_pairs`):
    (tallies int64[4, N]: each state's strategic, affiliated and opportunity partners
    and its partners with a tie; totals int64[N_TOTALS]: how many pairs and areas hold
    each form, effective and bilateral, and how many ordered pairs hold any; and, when
    `with_pairs`, every ordered pair with a ring or a form, in row-major order: rows,
    columns, ring, the partner's ring, deepest form, deepest tie, areas with a form and
    with a form of at least `deep`, trust)."""
    n, m, n_areas = eff.shape
    tallies = np.zeros((4, n), dtype=np.int64)
    totals = np.zeros(N_TOTALS, dtype=np.int64)
    top = np.zeros((n, m), dtype=np.int8)
    tie = np.zeros((n, m), dtype=np.int8)
    held = np.zeros((n, m), dtype=np.int16)
    deep_held = np.zeros((n, m), dtype=np.int16)
    chosen = 0
    packed = n_areas < 256  # a pair's count of each form fits in a byte of one integer
    for i in range(n):
        for j in range(m):
            t, b, h, d = np.int8(0), np.int8(0), np.int16(0), np.int16(0)
            eff_bytes, tie_bytes = np.int64(0), np.int64(0)
            for a in range(n_areas):  # (without branches: the forms are 0..TOP)
                e, f = eff[i, j, a], bilateral[i, j, a]
                t = max(t, e)
                b = max(b, f)
                h += np.int16(e > 0)
                d += np.int16(e >= deep)
                eff_bytes += np.int64(1) << (np.int64(8) * np.int64(e))
                tie_bytes += np.int64(1) << (np.int64(8) * np.int64(f))
            top[i, j], tie[i, j], held[i, j], deep_held[i, j] = t, b, h, d
            if t > 0:  # (most pairs hold no form)
                if packed:
                    _byte_counts(eff_bytes, totals, EFF_COUNT)
                else:
                    _form_counts(eff, i, j, totals, EFF_COUNT)
            if b > 0:
                if packed:
                    _byte_counts(tie_bytes, totals, BIL_COUNT)
                else:
                    _form_counts(bilateral, i, j, totals, BIL_COUNT)
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


@kernel
def year_figures(k, dropped, capacity, real_budget, shortfall, requirement):
    """The year's figures per state (efficiency: `capacity` per unit of `real_budget`,
    0 without a budget; the areas held (above EPS) and given up) and the alliance's
    (the shortfall weighted by the `requirement`; the areas short; the first area of
    the largest shortfall), as :func:`imssim.model.year_records.year_figures` computes them."""
    n, n_areas = k.shape
    efficiency = np.zeros(n)
    held = np.zeros(n, dtype=np.int64)
    given_up = np.zeros(n, dtype=np.int64)
    for i in range(n):
        if real_budget[i] > 0:
            efficiency[i] = capacity[i] / real_budget[i]
        for a in range(n_areas):
            held[i] += k[i, a] > EPS
            given_up[i] += dropped[i, a]
    weighted = shortfall * requirement
    total = numpy_sum(weighted) / numpy_sum(requirement)
    short, worst = 0, 0
    for a in range(shortfall.size):
        short += shortfall[a] > 0
        if shortfall[worst] != shortfall[worst]:  # numpy's argmax: the first NaN
            continue
        if shortfall[a] > shortfall[worst] or shortfall[a] != shortfall[a]:
            worst = a
    return efficiency, held, given_up, total, short, worst


@kernel
def holding_flags(k, dropped, rebuild_left, dependent):
    """bool[4, N, A]: whether each state holds capability in each area (above EPS),
    gave it up, is rebuilding it and relies on a partner for it (`dependent` [N, N, A]
    any over the partners), as :func:`imssim.model.year_records.holding_year` finds them."""
    n, m, n_areas = dependent.shape
    flags = np.zeros((4, n, n_areas), dtype=np.bool_)
    relies = np.zeros(n_areas, dtype=np.uint8)
    for i in range(n):
        relies[:] = 0
        for j in range(m):
            for a in range(n_areas):  # (without branches)
                relies[a] |= dependent[i, j, a]
        for a in range(n_areas):
            flags[0, i, a] = k[i, a] > EPS
            flags[1, i, a] = dropped[i, a]
            flags[2, i, a] = rebuild_left[i, a] > 0
            flags[3, i, a] = relies[a] != 0
    return flags
