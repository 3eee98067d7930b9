"""What partners offer each state, and the year's outcomes, in compiled passes.

:func:`pair_offers` gives what :func:`imssim.model.capacity.pair_offers` gives; the
terms of :func:`imssim.model.capacity.contribution` come from :func:`offer_terms`
(their logarithms and exponentials stay numpy's, whose last bit may differ from the
compiled ones); :func:`outcomes` gives the sums of
:func:`imssim.model.capacity.year_outcomes`. Each with the same arithmetic in the same
order, its sums in numpy's order (:mod:`imssim.model.kernels.numpy_like`).
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import inline, kernel
from imssim.model.kernels.numpy_like import clip, maximum, numpy_sum
from imssim.model.tolerances import EPS

TOP_SHARE = 1.0 - 1e-12  # the largest share a partner offers (capacity.contribution's clip)


@inline
def _share(ref, held, access, reliability):
    """The share of a reference level `ref` a partner holding `held` offers at a form
    with `access` and a `reliability`: access x reliability x min(1, held / ref)
    (:func:`imssim.model.capacity.offers`)."""
    ratio = held / ref if ref > EPS else 0.0
    return access * reliability * min(1.0, ratio)


@kernel
def pair_offers(k, handed, eff, reliability, access, rows, cols):
    """float[P]: the capability partner ``cols[p]`` offers state ``rows[p]`` over all
    areas (:func:`imssim.model.capacity.pair_offers`)."""
    n_areas = k.shape[1]
    out = np.empty(rows.size)
    terms = np.empty(n_areas)
    for p in range(rows.size):
        i, j = rows[p], cols[p]
        for a in range(n_areas):
            ref = k[i, a] + handed[i, a]
            terms[a] = _share(ref, k[j, a], access[eff[i, j, a]], reliability[i, j]) * ref
        out[p] = numpy_sum(terms)
    return out


@kernel
def offer_terms(k, handed, eff, reliability, access):
    """(-x float[P], the state-area index i * A + a int64[P], the reference levels
    float[N, A]) for every pair and area with a form, in row-major order: x the share
    partner j offers, clipped to [0, 1 - 1e-12] (:func:`imssim.model.capacity.contribution`)."""
    n, m, n_areas = eff.shape
    flat = eff.ravel()
    count = 0
    for q in range(flat.size):
        count += flat[q] != 0  # (the forms are at least 0)
    minus_x = np.empty(count)
    index = np.empty(count, dtype=np.int64)
    ref = k + handed
    p = 0
    for i in range(n):
        for j in range(m):
            some = np.int8(0)
            for a in range(n_areas):  # (without a branch: fast)
                some |= np.int8(eff[i, j, a])
            if some == 0:
                continue
            for a in range(n_areas):
                form = eff[i, j, a]
                if form != 0:
                    x = _share(ref[i, a], k[j, a], access[form], reliability[i, j])
                    minus_x[p] = -clip(x, 0.0, TOP_SHARE)
                    index[p] = i * n_areas + a
                    p += 1
    return minus_x, index, ref


@kernel
def outcomes(k, handed, area_form, contrib, requirement, members, constraint):
    """(capability, capacity, autonomy float[N]; aggregate, shortfall, surplus, gap
    float[A]; the members' capability) as :func:`imssim.model.capacity.year_outcomes`
    computes them: `constraint` is the form table's, by form."""
    n, n_areas = k.shape
    capability, capacity, autonomy = np.empty(n), np.empty(n), np.empty(n)
    aggregate = np.zeros(n_areas)
    free, ref = np.empty(n_areas), np.empty(n_areas)
    for i in range(n):
        capability[i] = numpy_sum(k[i])
        capacity[i] = capability[i] + numpy_sum(contrib[i])
        for a in range(n_areas):
            ref[a] = k[i, a] + handed[i, a]
            free[a] = k[i, a] * (1.0 - constraint[area_form[i, a]])
        total = numpy_sum(ref)
        autonomy[i] = numpy_sum(free) / total if total > EPS else 1.0
        if members[i]:
            for a in range(n_areas):
                aggregate[a] += k[i, a]
    shortfall, surplus, gap = np.empty(n_areas), np.empty(n_areas), np.empty(n_areas)
    for a in range(n_areas):
        gap[a] = (requirement[a] - aggregate[a]) / requirement[a]
        shortfall[a] = maximum(gap[a], 0.0)
        surplus[a] = maximum(-gap[a], 0.0)
    held = numpy_sum(capability[members])
    return capability, capacity, autonomy, aggregate, shortfall, surplus, gap, held
