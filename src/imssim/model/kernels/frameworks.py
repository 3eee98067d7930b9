"""Joining and leaving frameworks, for all states and frameworks in one pass.

:func:`join_leave` gives what :func:`imssim.model.frameworks.join_and_leave` decides
with numpy over [N, F] arrays (state x framework): who leaves each framework and why,
who joins it, and the memberships after. The means over a framework's members come in
as the sums numpy's matrix products give (``trust @ members``: the kernel divides them
by the same counts); the join draws come in drawn. Minima and counts are exact in any
order; every other value is the same arithmetic in the same order as the numpy code's
(:mod:`imssim.model.framework_values`: ``join_value``, ``military_gain``,
``presence_terms``, ``consent``; :func:`imssim.model.presence.threshold_relief`).
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import inline, kernel
from imssim.model.tolerances import EPS

# rows of the frameworks' table (imssim.model.frameworks.FrameworkSetting.table)
AREA, LEVEL, LEAD, HOST, POOL, FLEET, FIXED, RUNNING = 0, 1, 2, 3, 4, 5, 6, 7
# the parameters, in this order
(P_ECON, P_PRESSURE, P_POLITICAL, P_POL_BASE, P_POL_THREAT) = (0, 1, 2, 3, 4)
(P_SCALE, P_CORE, P_TRANSACTION, P_SHARE_COST, P_MARGIN) = (5, 6, 7, 8, 9)
(P_CONSENT, P_JOIN_RATE, P_RELIEF, P_PRESENCE, P_VISIBILITY) = (10, 11, 12, 13, 14)
N_PARAMS = 15
# what a year changes for state i in framework f: as imssim.model.frameworks.CHANGES
STAYS, JOINED, NOT_ELIGIBLE, NO_CAPABILITY, POLICY, TRUST_FELL = 0, 1, 2, 3, 4, 5


@inline
def _worth(level, now, core, mean, state, forms, prm):
    """What joining a framework of form `level` is worth to a state whose deepest form
    in its area is `now` (`core`: the area is in its core; `mean`: the means over the
    members of its fit, relief and allied exposure, and its military gain; `state`: its
    pressure, military weight, exposure and autonomy weight), as join_value gives it."""
    fit, relief, allied, mil = mean
    pressure, military_weight, exposure, autonomy = state
    saving, overhead, constraint = forms[0], forms[1], forms[2]
    econ_scale = prm[P_ECON] * (1.0 + prm[P_PRESSURE] * pressure)
    keep = 1.0 - relief
    base = saving[now] - overhead[now] * keep
    gain, d_con = 0.0, 0.0
    if level > now:
        gain = (saving[level] - overhead[level] * keep) - base
        d_con = constraint[level] - constraint[now]
    solidarity = exposure + allied
    pol = prm[P_POLITICAL] * (prm[P_POL_BASE] + prm[P_POL_THREAT] * solidarity)
    mixed = gain * econ_scale + military_weight * mil
    mixed = mixed + pol
    benefit = prm[P_SCALE] * fit * mixed
    factor = prm[P_CORE] if core else 1.0
    cost = autonomy * d_con * factor + prm[P_TRANSACTION] * keep
    return benefit - cost


@inline
def _presence_value(i, lead, host, trust, exposure, prm):
    """The political value to state i of taking part in a presence led by `lead` in
    `host` (presence_value)."""
    standing = 1.0 if i == lead else trust[i, lead]
    raw = exposure[host] + exposure[i] + prm[P_VISIBILITY] * standing
    return prm[P_SCALE] * prm[P_POLITICAL] * prm[P_PRESENCE] * raw


@inline
def _least_access(i, a, eff, who, count, access):
    """The least access state i has in area `a` with any of the `count` members `who`."""
    least = np.inf
    for x in range(count):
        least = min(least, access[eff[i, who[x], a]])
    return least


@inline
def _admitted(i, trust, who, count, needed):
    """How many of the `count` members `who` trust state i at least `needed`."""
    admitted = 0.0
    for x in range(count):
        if trust[who[x], i] >= needed:
            admitted += 1.0
    return admitted


@inline
def _leaves(f, group, trust_sum, holdings, frameworks, tables, out):
    """Marks in `out` (the memberships after and the codes) the members that leave
    framework f and why: the first of not eligible, not holding the area (a pool's
    members, a presence's host and lead are held to it by other things), not allowed
    the form, their trust fallen. `group` holds f's member count and its relief of the
    thresholds; `holdings` the core, holdings, handed and forms allowed [N, A]."""
    count, relief = group[1], group[2]
    k, handed, allowed = holdings[1], holdings[2], holdings[3]
    fw, members, eligible = frameworks
    trust_required, prm = tables[0][4], tables[1]
    after, codes = out
    a, level, host, lead = fw[AREA, f], fw[LEVEL, f], fw[HOST, f], fw[LEAD, f]
    floor = (trust_required[level - 1] - relief) - prm[P_MARGIN]
    for i in range(members.shape[1]):
        if not members[f, i] or fw[FIXED, f] > 0:
            continue
        roles = i == host or (i == lead and host >= 0)
        held = k[i, a] > EPS or handed[i, a] > EPS
        code = STAYS
        if not eligible[f, i]:
            code = NOT_ELIGIBLE
        elif not (held or fw[POOL, f] > 0 or roles):
            code = NO_CAPABILITY
        elif allowed[i, a] < level:
            code = POLICY
        elif trust_sum[i, f] / max(count - 1.0, 1.0) < floor:  # the mean over the others
            code = TRUST_FELL
        if code != STAYS:
            codes[f, i], after[f, i] = code, False


@inline
def _joins(f, group, pairs, standing, holdings, frameworks, tables, out):
    """Marks in `out` (the memberships after and the codes) the states that join
    framework f. `group` holds f's members (the first `count` of `who`), its relief of
    the thresholds, whether it is a running presence and in how many presences each
    state takes part; `pairs` the sums over the members, the draws, trust and the
    effective forms; `standing` the per-state rows and deepest forms per area."""
    who, count, relief, presence, taking_part = group
    (trust_sum, fit_sum, relief_sum, allied_sum), draws, trust, eff = pairs
    pressure, military_weight, exposure, autonomy, area_form = standing
    core, k, allowed = holdings[0], holdings[1], holdings[3]
    fw, members, eligible = frameworks
    forms, prm = tables
    access, trust_required, fit_required = forms[3], forms[4], forms[5]
    after, codes = out
    a, level = fw[AREA, f], fw[LEVEL, f]
    if fw[FIXED, f] > 0 or count == 0:
        return
    per = max(count, 1.0)  # the members other than i: all of them
    needed = trust_required[level] - relief - prm[P_MARGIN]
    for i in range(members.shape[1]):
        if members[f, i] or not eligible[f, i] or (presence and taking_part[i] > 0):
            continue  # a member, not eligible, or its unit is in another presence
        if not (k[i, a] > EPS or fw[POOL, f] > 0) or allowed[i, a] < level:
            continue  # not holding the area (unless f is a pool) or not allowed the form
        if not draws[i, f] < prm[P_JOIN_RATE]:
            continue  # not negotiating this year (first: it leaves out the most)
        fit, trust_mean = fit_sum[i, f] / per, trust_sum[i, f] / per
        if not (
            fit >= fit_required[level] - relief and trust_mean >= trust_required[level] - relief
        ):
            continue  # (as numpy's conditions: a NaN passes none)
        if not _admitted(i, trust, who, count, needed) / per >= prm[P_CONSENT] - EPS:
            continue
        gain = access[level] - _least_access(i, a, eff, who, count, access)
        mean = (fit, relief_sum[i, f] / per, allied_sum[i, f] / per, max(gain, 0.0))
        state = (pressure[i], military_weight[i], exposure[i], autonomy[i])
        worth = _worth(level, area_form[i, a], core[i, a], mean, state, forms, prm)
        if presence:
            worth = worth + _presence_value(i, fw[LEAD, f], fw[HOST, f], trust, exposure, prm)
        if fw[FLEET, f] > 0 and k[i, a] <= EPS:
            worth = worth - prm[P_SHARE_COST] * 1.0
        if worth > 0:
            codes[f, i], after[f, i] = JOINED, True


@kernel
def join_leave(sums, draws, trust, eff, standing, holdings, frameworks, tables):
    """(members bool[F, N] after, codes int8[F, N]: STAYS, JOINED or why i left f),
    as join_and_leave decides them. `sums` holds the sums [N, F] over each framework's
    members of i's trust in them, fit, relief and allied exposure (member_sums),
    `draws` [N, F] the join draws, `standing` each state's pressure, military weight,
    exposure and autonomy weight [N] and its deepest form per area [N, A], `holdings`
    the core (bool), holdings, handed and forms allowed [N, A], `frameworks` the table
    [8, F], the memberships and who is eligible (bool[F, N]), `tables` the form table's
    saving, overhead, constraint, access, trust and fit required [7] and the
    parameters."""
    exposure = standing[2]
    fw, members = frameworks[0], frameworks[1]
    prm = tables[1]
    n_fw, n = members.shape
    out = (members.copy(), np.zeros((n_fw, n), dtype=np.int8))
    taking_part = np.zeros(n)  # in how many presences
    for f in range(n_fw):
        if fw[HOST, f] >= 0 and fw[RUNNING, f] > 0:
            for i in range(n):
                taking_part[i] += 1.0 if members[f, i] else 0.0
    who = np.empty(n, dtype=np.int64)
    pairs = (sums, draws, trust, eff)
    for f in range(n_fw):
        host, count = fw[HOST, f], 0
        for j in range(n):
            if members[f, j]:
                who[count] = j
                count += 1
        relief = prm[P_RELIEF] * exposure[max(host, 0)] if host >= 0 else 0.0
        group = (who, count, relief, host >= 0 and fw[RUNNING, f] > 0, taking_part)
        _leaves(f, group, sums[0], holdings, frameworks, tables, out)
        _joins(f, group, pairs, standing, holdings, frameworks, tables, out)
    return out
