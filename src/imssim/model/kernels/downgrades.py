"""The year's verdicts on the bilateral ties, in one compiled pass.

:func:`lowered` gives what :func:`imssim.model.downgrades._verdicts` gives for the ties
it finds (each pair once, i < j, in row-major order): the first reason of
:data:`imssim.model.downgrades.REASONS` that holds, the form it lowers the tie to and
whether i is the side that acts. Comparisons and look-ups only: the same in any order;
a tie's expiry and pruning draws are its uniforms keyed by the year's key
(:func:`imssim.model.kernels.keyed.uniform_at`), as the numpy code draws them.
"""

from __future__ import annotations

import numpy as np

from imssim.model.forms import SHALLOW_LIMIT, Form
from imssim.model.kernels import inline, kernel
from imssim.model.kernels.keyed import uniform_at
from imssim.model.tolerances import EPS

SHALLOW = int(SHALLOW_LIMIT)  # the deepest form with a partner outside one's priority partners
JOINT_HIRE = int(Form.JOINT_HIRE)
# rows of the float parameters: cut tolerance, trust and fit margins, the yearly chance
# that joint hire ends, whether a policy prunes (1.0) or not
P_CUT, P_TRUST, P_FIT, P_EXPIRE, P_PRUNE = 0, 1, 2, 3, 4
# rows of the pairs' floats [2, N, N] and of the state-area floats [2, N, A], as
# _packed stacks them
TRUST, FIT = 0, 1
HELD, CUT = 0, 1


@inline
def _verdict(w, i, j, a, f):
    """(reason index or -1, the form it lowers to, whether i acts) for the tie of form
    `f` between i and j in area `a`."""
    dependent, key, pair_f, priority, area_f, allowed, prune_state, forms, prm = w
    n, _, n_areas = dependent.shape
    entry, size = (i * n + j) * n_areas + a, n * n * n_areas  # the draws' flat indices
    limit = min(allowed[i, a], allowed[j, a])
    if not (priority[i, j] and priority[j, i]):
        limit = min(limit, SHALLOW)
    if f > limit:
        return 0, limit, True
    if prm[P_PRUNE] > 0.0:
        prune_i = (
            not priority[i, j]
            and f <= prune_state[1, i]
            and uniform_at(key, entry + size) < prune_state[0, i]
        )
        prune_j = (
            not priority[j, i]
            and f <= prune_state[1, j]
            and uniform_at(key, entry + 2 * size) < prune_state[0, j]
        )
        if prune_i or prune_j:
            return 1, 0, prune_i
    dep_ij, dep_ji = dependent[i, j, a], dependent[j, i, a]
    gone_i = area_f[HELD, i, a] <= EPS and not dep_ij
    if gone_i or (area_f[HELD, j, a] <= EPS and not dep_ji):
        return 2, 0, not gone_i
    below = max(f - 1, 0)
    cut_i = area_f[CUT, i, a] > prm[P_CUT] and not dep_ij
    if cut_i or (area_f[CUT, j, a] > prm[P_CUT] and not dep_ji):
        return 3, below, not cut_i
    trust_ij, trust_ji = pair_f[TRUST, i, j], pair_f[TRUST, j, i]
    if min(trust_ij, trust_ji) < forms[0, below] - prm[P_TRUST]:
        return 4, below, not trust_ji < trust_ij
    if pair_f[FIT, i, j] < forms[1, below] - prm[P_FIT]:
        return 5, below, True
    if f == JOINT_HIRE and uniform_at(key, entry) < prm[P_EXPIRE]:
        return 6, 0, True
    return -1, -1, True


@inline
def _packed(inputs):
    """The inputs (:func:`imssim.model.downgrades._downgrade_compiled`) with the pairs'
    trust and fit, the holdings and cuts, the pruning policy and the form table's
    requirements each stacked into one array (the rows named above), as
    :func:`_verdict` reads them."""
    dependent, key, pairs, priority, areas, allowed, pruning, forms, prm = inputs
    n, n_areas = areas[0].shape
    pair_f = np.empty((2, n, n))
    pair_f[TRUST], pair_f[FIT] = pairs[0], pairs[1]
    area_f = np.empty((2, n, n_areas))
    area_f[HELD], area_f[CUT] = areas[0], areas[1]
    prune_state = np.empty((2, n))
    prune_state[0], prune_state[1] = pruning[0], pruning[1]
    required = np.empty((2, forms[0].size))
    required[0], required[1] = forms[0], forms[1]
    return (dependent, key, pair_f, priority, area_f, allowed, prune_state, required, prm)


@kernel
def lowered(record, year, inputs):
    """The ties (i < j, row-major) of the record's `bilateral` [N, N, A] that a reason
    lowers or ends, as int64[7, ties]: i, j, area, form, the form it goes to, the reason
    and whether i acts (1) or j (0); and copies of the record's `bilateral` and `since`
    with them lowered in `year` (both sides)."""
    w = _packed(inputs)
    bilateral, since = record
    n, _, n_areas = bilateral.shape
    out = np.empty((7, n * n * n_areas // 2 + 1), dtype=np.int64)
    bil, changed = bilateral.copy(), since.copy()
    t = 0
    for i in range(n):
        for j in range(i + 1, n):
            for a in range(n_areas):
                f = bilateral[i, j, a]
                if f <= 0:
                    continue
                which, to, first = _verdict(w, i, j, a, f)
                if which < 0:
                    continue
                out[0, t], out[1, t], out[2, t], out[3, t] = i, j, a, f
                out[4, t], out[5, t], out[6, t] = to, which, first
                bil[i, j, a] = bil[j, i, a] = to
                changed[i, j, a] = changed[j, i, a] = year
                t += 1
    return out[:, :t], bil, changed
