"""Founding frameworks: who may lead in each area, and whom a lead may invite.

:func:`possible_leads` gives what :func:`imssim.model.founding._possible_leads` gives
from a stable sort of each area's holdings, by counting for each state the NATO and EU
members that sort before it; :func:`candidates` gives what
:func:`imssim.model.founding._candidates` gives with numpy's masks. Both compare
values only: exact.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel
from imssim.model.kernels.frameworks import AREA, FIXED, LEAD, RUNNING
from imssim.model.tolerances import EPS


@kernel
def possible_leads(k, members_now, table, rank, proposes):
    """bool[N, A]: the states among the `rank` largest holders (`k` [N, A]) of each
    area among `members_now` (ties: the lower index first), holding it, proposing this
    year (`proposes` bool[N]) and leading no running framework in it (`table`: the
    frameworks' table, FrameworkSetting.table)."""
    n, n_areas = k.shape
    out = np.zeros((n, n_areas), dtype=np.bool_)
    for a in range(n_areas):
        for i in range(n):
            if not (members_now[i] and proposes[i] and k[i, a] > EPS):
                continue
            before = 0  # the members that sort before i
            for j in range(n):
                if members_now[j] and (-k[j, a] < -k[i, a] or (-k[j, a] == -k[i, a] and j < i)):
                    before += 1
            out[i, a] = before < rank
    for f in range(table.shape[1]):
        lead = table[LEAD, f]
        if lead >= 0 and table[RUNNING, f] > 0 and table[FIXED, f] == 0:
            out[lead, table[AREA, f]] = False
    return out


@kernel
def candidates(lead, offers, eligible, standing, pairs, thresholds):
    """(bool[N, O], bool[O]): the states `lead` may invite to each of its offers
    (`offers` [3, O]: area, form, row of `eligible` [E, N]), and whether the lead itself
    is eligible and allowed the offer's form. The invitees are eligible, hold the area
    (`standing`: the holdings, the need gaps [N, A], the forms allowed [N, A] and the
    least need gap) and fall short of their need in it, are not yet at the form with
    the lead in `pairs`' forms [N, N, A], are allowed it, and have the form's fit and
    mutual trust with the lead (`pairs`: the forms, fit and trust [N, N];
    `thresholds`: the forms' trust and fit required)."""
    k, need_gap, allowed, least_gap = standing
    forms, fit, trust = pairs
    trust_required, fit_required = thresholds
    n, n_offers = k.shape[0], offers.shape[1]
    out = np.zeros((n, n_offers), dtype=np.bool_)
    valid = np.zeros(n_offers, dtype=np.bool_)
    for o in range(n_offers):
        a, form, e = offers[0, o], offers[1, o], offers[2, o]
        valid[o] = eligible[e, lead] and allowed[lead, a] >= form
        need_t = trust_required[form]
        for i in range(n):
            out[i, o] = (
                eligible[e, i]
                and k[i, a] > EPS
                and need_gap[i, a] >= least_gap
                and forms[i, lead, a] < form
                and allowed[i, a] >= form
                and fit[i, lead] >= fit_required[form]
                and trust[i, lead] >= need_t
                and trust[lead, i] >= need_t
                and i != lead
            )
    return out, valid
