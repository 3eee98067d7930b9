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


# rows of join_worth's inputs: per state and framework [5, N, F], per state [4, N],
# the form table [3, 7] and the parameters
FIT, RELIEF, ALLIED, MILITARY_GAIN, PRESENCE = 0, 1, 2, 3, 4
PRESSURE, MILITARY_WEIGHT, EXPOSURE, AUTONOMY = 0, 1, 2, 3
SAVING, OVERHEAD, CONSTRAINT = 0, 1, 2
(P_ECON, P_PRESSURE, P_POLITICAL, P_POL_BASE, P_POL_THREAT) = (0, 1, 2, 3, 4)
(P_SCALE, P_CORE, P_TRANSACTION, P_SHARE_COST) = (5, 6, 7, 8)
N_PARAMS = 9
EPS = 1e-9  # as imssim.model.cooperation.EPS


@kernel
def join_worth(terms, states, area_form, areas, fw, forms, prm):
    """float[N, F]: what joining each framework is worth to each state, as
    :func:`imssim.model.frameworks._join_value` gives it, plus its presence value, less a
    pooled fleet's share cost for a state without the capability. `areas` holds the
    core (bool) and the holdings [2, N, A] as floats; `fw` the frameworks' areas, forms
    and whether each is a pooled fleet [3, F]."""
    n, n_fw = terms.shape[1], terms.shape[2]
    out = np.empty((n, n_fw))
    for i in range(n):
        econ_scale = prm[P_ECON] * (1.0 + prm[P_PRESSURE] * states[PRESSURE, i])
        for f in range(n_fw):
            a, level = fw[0, f], fw[1, f]
            now = area_form[i, a]
            keep = 1.0 - terms[RELIEF, i, f]
            base = forms[SAVING, now] - forms[OVERHEAD, now] * keep
            gain, d_con = 0.0, 0.0
            if level > now:
                gain = (forms[SAVING, level] - forms[OVERHEAD, level] * keep) - base
                d_con = forms[CONSTRAINT, level] - forms[CONSTRAINT, now]
            solidarity = states[EXPOSURE, i] + terms[ALLIED, i, f]
            pol = prm[P_POLITICAL] * (prm[P_POL_BASE] + prm[P_POL_THREAT] * solidarity)
            mixed = gain * econ_scale + states[MILITARY_WEIGHT, i] * terms[MILITARY_GAIN, i, f]
            mixed = mixed + pol
            benefit = prm[P_SCALE] * terms[FIT, i, f] * mixed
            core = prm[P_CORE] if areas[0, i, a] > 0.0 else 1.0
            cost = states[AUTONOMY, i] * d_con * core + prm[P_TRANSACTION] * keep
            worth = benefit - cost + terms[PRESENCE, i, f]
            short = 1.0 if fw[2, f] > 0 and areas[1, i, a] <= EPS else 0.0
            out[i, f] = worth - prm[P_SHARE_COST] * short
    return out
