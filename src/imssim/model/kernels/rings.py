"""The rings' yearly passes, compiled.

:func:`pair_areas` gives, per ordered pair, what :func:`imssim.model.rings.strategic_score`
reduces over the areas: whether the pair cooperates at all (a tie or a framework beyond
the baseline), its deepest tie, its areas with a lasting tie and those it shares at a
lasting form through frameworks only. :func:`ring_candidates` and
:func:`promote_strategic` give :func:`imssim.model.rings.target_rings` (its criteria's
ratios with the same arithmetic; the ranking by offer as the stable sort's),
:func:`deep_years_on` :func:`imssim.model.rings.one_year_on` and :func:`rings_moved`
:func:`imssim.model.rings.update_rings`. Maxima and counts: exact in any order.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import inline, kernel
from imssim.model.rings import Ring


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


# the ring levels (imssim.model.rings.Ring)
NONE, OPPORTUNITY, AFFILIATED, STRATEGIC = (int(r) for r in Ring)
# the rows of the criteria vector (imssim.model.rings._criteria)
C_LASTING, C_FORM, C_FRAMEWORK_WEIGHT, C_AREAS, C_YEARS, C_HOLD, C_INITIATIVE = range(7)


@inline
def _areas(bilateral, framework, lasting, i, j):
    """(nonzero when the pair has any tie or framework form, its deepest tie, its areas
    with a lasting tie, those at a lasting form through frameworks only), of forms that
    are at least 0, without branches."""
    some, top, held, through = np.int8(0), np.int8(0), np.int16(0), np.int16(0)
    for a in range(bilateral.shape[2]):
        b, f = bilateral[i, j, a], framework[i, j, a]
        some |= np.int8(b | f)
        top = max(top, np.int8(b))
        held += np.int16(b >= lasting)
        through += np.int16((f >= lasting) & (b < lasting))
    return some, top, held, through


@kernel
def ring_candidates(bilateral, framework, deep_years, ring, initiative, priority, comember, crit):
    """The first part of :func:`imssim.model.rings.target_rings`: (the ring each view
    qualifies for without the strategic one, int8[N, N]; the rows and columns of the
    views that are strategic candidates, in row-major order). `crit` holds the criteria
    (rows ``C_*``); `priority` is bool[N, N] or, when no policy limits the candidates,
    of shape (0, 0). The criteria's ratios with the same arithmetic as
    :func:`imssim.model.rings._score`."""
    n, m, _ = bilateral.shape
    lasting = np.int8(crit[C_LASTING])
    limited = priority.shape[0] > 0
    base = np.zeros((n, m), dtype=np.int8)
    is_candidate = np.zeros((n, m), dtype=np.bool_)
    count = 0
    for i in range(n):
        for j in range(m):
            # without branches (the forms are at least 0): four times faster
            some, top, held, through = _areas(bilateral, framework, lasting, i, j)
            if some == 0 or i == j:
                continue
            base[i, j] = AFFILIATED if comember[i, j] else OPPORTUNITY
            depth = top / crit[C_FORM]
            breadth = (held + crit[C_FRAMEWORK_WEIGHT] * through) / crit[C_AREAS]
            duration = deep_years[i, j] / crit[C_YEARS]
            score = min(min(depth, breadth), duration)
            threshold = crit[C_HOLD] if ring[i, j] == STRATEGIC else 1.0
            allowed = not limited or priority[i, j]
            if score >= threshold and initiative[i, j] >= crit[C_INITIATIVE] and allowed:
                is_candidate[i, j] = True
                count += 1
    rows = np.empty(count, dtype=np.int64)
    cols = np.empty(count, dtype=np.int64)
    k = 0
    for i in range(n):
        for j in range(m):
            if is_candidate[i, j]:
                rows[k], cols[k] = i, j
                k += 1
    return base, rows, cols


@kernel
def promote_strategic(base, rows, cols, offer, limit):
    """`base` (int8[N, N], changed in place and returned) with each state's candidates
    (`rows`, `cols` in row-major order, `offer` what each makes available) made
    strategic where fewer than `limit` of its other candidates offer more, or as much
    from a lower index: :func:`imssim.model.rings._top_candidates`'s ranking."""
    start = 0
    size = rows.size
    while start < size:
        stop = start
        while stop < size and rows[stop] == rows[start]:
            stop += 1
        for c in range(start, stop):
            ahead = 0
            for o in range(start, stop):
                if offer[o] > offer[c] or (offer[o] == offer[c] and cols[o] < cols[c]):
                    ahead += 1
            if ahead < limit:
                base[rows[c], cols[c]] = STRATEGIC
        start = stop
    return base


@kernel
def deep_years_on(deep_years, bilateral, duration_form):
    """float[N, N]: `deep_years` plus one where the pair's deepest tie is at least
    `duration_form`, else 0 (:func:`imssim.model.rings.one_year_on`)."""
    n, m, n_areas = bilateral.shape
    out = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            top = 0
            for a in range(n_areas):
                top = max(top, bilateral[i, j, a])
            if top >= duration_form:
                out[i, j] = deep_years[i, j] + 1.0
    return out


@kernel
def rings_moved(current, below, target, exit_delay):
    """(ring int8[N, N], years below int16[N, N]): `current` moved to `target`, up at
    once and down after more than `exit_delay` years below
    (:func:`imssim.model.rings.update_rings`)."""
    n, m = current.shape
    ring = np.empty((n, m), dtype=np.int8)
    waited = np.zeros((n, m), dtype=np.int16)
    for i in range(n):
        for j in range(m):
            now, goal = current[i, j], target[i, j]
            ring[i, j] = goal if goal > now else now
            if goal < now:
                years = np.int16(below[i, j] + 1)
                if years > exit_delay:
                    ring[i, j] = goal
                else:
                    waited[i, j] = years
    return ring, waited
