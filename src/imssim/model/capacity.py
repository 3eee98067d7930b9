"""Outcomes: capacity to act, autonomy, efficiency and alliance shortfalls.

Capacity to act (*handelingsvermogen*) is a state's own capability plus what its
partners make available; the note and the AIV count it as part of sovereignty
(p. 3: "Vormen van samenwerking die het handelingsvermogen van staten vergroten,
maken geen inbreuk op de nationale soevereiniteit"). Autonomy is the share of a
state's capability base it can use at its sole discretion, which each deeper form
reduces (p. 5: the forms "de (soevereine) vrijheid van handelen steeds verder
inperken").

:func:`year_outcomes` gathers a year's outcomes into :class:`Outcomes`, which the
recorder writes and whose alliance gap guides the next year's cuts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imssim.model import kernels
from imssim.model.forms import FormTable
from imssim.model.tolerances import EPS


def reference_level(k: np.ndarray, handed: np.ndarray) -> np.ndarray:
    """A state's capability base in each area: what it holds plus what it handed to a
    partner at form 6 (and relies on the partner for)."""
    return k + handed


def threat_factor(threat: np.ndarray, elasticity: float) -> np.ndarray:
    """How much a threat level scales a need: 1 at the 2012 level (threat 1)."""
    return np.maximum(1.0 + elasticity * (threat - 1.0), 0.0)


def need_gap(k: np.ndarray, handed: np.ndarray, need: np.ndarray) -> np.ndarray:
    """float[N, A] in [0, 1]: how far what a state holds (or handed to a partner) falls
    short of what it needs in each area (its 2012 holding, scaled by its threat)."""
    ref = reference_level(k, handed)
    return np.divide(need - ref, need, out=np.zeros_like(need), where=need > EPS).clip(0, 1)


def offers(
    k: np.ndarray,
    handed: np.ndarray,
    eff: np.ndarray,
    reliability: np.ndarray,
    forms: FormTable,
) -> tuple[np.ndarray, np.ndarray]:
    """Each state's reference level float[N, A] and the share x float[N, N, A] of it that
    each partner j offers: x = access[form] x reliability x min(1, k_j / ref_i)."""
    ref = reference_level(k, handed)  # [N, A]
    ratio = np.divide(
        k[None, :, :], ref[:, None, :], out=np.zeros(eff.shape), where=ref[:, None, :] > EPS
    )
    return ref, forms.access[eff] * reliability[:, :, None] * np.minimum(1.0, ratio)


def pair_offers(
    k: np.ndarray,
    handed: np.ndarray,
    eff: np.ndarray,
    reliability: np.ndarray,
    forms: FormTable,
    rows: np.ndarray,
    cols: np.ndarray,
) -> np.ndarray:
    """float[P]: the capability each listed partner ``cols[p]`` offers state ``rows[p]``
    over all areas (:func:`partner_offer` at those pairs, computed for them only)."""
    if kernels.enabled():
        return kernels.load("offers").pair_offers(
            k, handed, eff, reliability, forms.access, rows, cols
        )
    ref = reference_level(k, handed)
    ref_i = ref[rows]  # [P, A]
    ratio = np.divide(k[cols], ref_i, out=np.zeros(ref_i.shape), where=ref_i > EPS)
    x = forms.access[eff[rows, cols]] * reliability[rows, cols][:, None] * np.minimum(1.0, ratio)
    return (x * ref_i).sum(axis=1)


def contribution(
    k: np.ndarray,
    handed: np.ndarray,
    eff: np.ndarray,
    reliability: np.ndarray,
    forms: FormTable,
) -> np.ndarray:
    """Capability partners make available to each state per area, float[N, A].

    Each partner j offers a share x of the state's own reference level (:func:`offers`);
    offers combine like independent chances (1 - prod(1 - x)), so a state can at most
    double its reference level in an area and many shallow ties do not add up to more
    than one deep tie.

    Form 0 gives no access, so only the pairs and areas with a form offer anything:
    their terms log(1 - x) are summed (over partners, in order) and the others, each
    exactly -0.0, are left out, which leaves every sum as it is.
    """
    n, _, a = eff.shape
    if forms.access[0] == 0.0 and kernels.enabled():
        # the terms in one pass (their logarithms and exponentials numpy's)
        minus_x, ia, ref = kernels.load("offers").offer_terms(
            k, handed, eff, reliability, forms.access
        )
        log_none = np.bincount(ia, weights=np.log1p(minus_x), minlength=n * a).reshape(n, a)
        return ref * (1.0 - np.exp(log_none))
    ref = reference_level(k, handed)  # [N, A]
    if forms.access[0] != 0.0:  # (the config checks exclude it) every pair and area offers
        x = offers(k, handed, eff, reliability, forms)[1]
        x = x.clip(0.0, 1.0 - 1e-12)
        return ref * (1.0 - np.exp(np.log1p(-x).sum(axis=1)))
    # the pairs and areas with a form, in row-major order, by their flat indices (one
    # take each: faster than indexing with (i, j, ar))
    flat = np.flatnonzero(eff > 0)
    ij, ar = np.divmod(flat, a)
    i, j = np.divmod(ij, n)
    ia = i * a + ar
    ref_i = ref.take(ia)
    ratio = np.divide(k.take(j * a + ar), ref_i, out=np.zeros(ref_i.shape), where=ref_i > EPS)
    x = forms.access[eff.take(flat)] * reliability.take(ij) * np.minimum(1.0, ratio)
    x = x.clip(0.0, 1.0 - 1e-12)
    log_none = np.bincount(ia, weights=np.log1p(-x), minlength=n * a).reshape(n, a)
    return ref * (1.0 - np.exp(log_none))


def partner_offer(
    k: np.ndarray,
    handed: np.ndarray,
    eff: np.ndarray,
    reliability: np.ndarray,
    forms: FormTable,
) -> np.ndarray:
    """float[N, N]: the capability j offers i over all areas (before offers combine,
    :func:`offers`): what i depends on j for."""
    ref, x = offers(k, handed, eff, reliability, forms)
    return (x * ref[:, None, :]).sum(axis=2)


def autonomy(
    k: np.ndarray,
    handed: np.ndarray,
    area_form: np.ndarray,
    forms: FormTable,
) -> np.ndarray:
    """Share of the reference capability a state may use at its sole discretion, float[N].

    What it handed to a partner at form 6 is not at its disposal at all; what it holds is,
    less the constraint of its deepest form in the area.
    """
    ref = reference_level(k, handed)
    constraint = forms.constraint[area_form]
    total = ref.sum(axis=1)
    free = (k * (1.0 - constraint)).sum(axis=1)
    return np.divide(free, total, out=np.ones_like(total), where=total > EPS)


def shortfall_surplus(
    k: np.ndarray, requirement: np.ndarray, members: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Alliance aggregate per area and its shortfall and surplus as fractions of need.

    `requirement` is the need per area in capability units; the aggregate is the sum
    of the members' own capability (cooperation re-uses capability, it adds none).
    """
    aggregate = k[members].sum(axis=0)
    gap = (requirement - aggregate) / requirement
    return aggregate, gap.clip(0.0, None), (-gap).clip(0.0, None)


@dataclass(frozen=True)
class Outcomes:
    """A year's outcomes per state and for the alliance (docs/ODD.md, 7.16)."""

    capability: np.ndarray  # float[N]: own capability over all areas
    capacity: np.ndarray  # float[N]: capacity to act, own capability plus partners' offers
    autonomy: np.ndarray  # float[N] (:func:`autonomy`)
    aggregate: np.ndarray  # float[A]: the alliance members' capability per area
    shortfall: np.ndarray  # float[A]: as a fraction of the requirement (:func:`shortfall_surplus`)
    surplus: np.ndarray  # float[A]: as a fraction of the requirement
    gap: np.ndarray  # float[A]: (requirement - aggregate) / requirement, > 0 a shortfall
    alliance_capability: float  # the members' capability over all areas


def year_outcomes(
    k: np.ndarray,
    handed: np.ndarray,
    area_form: np.ndarray,
    contrib: np.ndarray,
    requirement: np.ndarray,
    members: np.ndarray,
    forms: FormTable,
) -> Outcomes:
    """The outcomes of holdings `k` and `handed` [N, A] under the deepest forms
    `area_form` [N, A], with `contrib` [N, A] what partners make available to each state
    (:func:`contribution`), against the alliance's `requirement` [A] for its `members`."""
    if kernels.enabled():
        capability, capacity, autonomy_, aggregate, shortfall, surplus, gap, alliance = (
            kernels.load("offers").outcomes(
                k, handed, area_form, contrib, requirement, members, forms.constraint
            )
        )
        return Outcomes(
            capability, capacity, autonomy_, aggregate, shortfall, surplus, gap, float(alliance)
        )
    capability = k.sum(axis=1)
    aggregate, shortfall, surplus = shortfall_surplus(k, requirement, members)
    return Outcomes(
        capability=capability,
        capacity=capability + contrib.sum(axis=1),
        autonomy=autonomy(k, handed, area_form, forms),
        aggregate=aggregate,
        shortfall=shortfall,
        surplus=surplus,
        gap=(requirement - aggregate) / requirement,
        alliance_capability=float(capability[members].sum()),
    )
