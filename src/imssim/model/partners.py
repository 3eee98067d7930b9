"""The note's four partner criteria, scored for every pair of states.

"De meer verdiepte vormen van samenwerking [hebben] de grootste kans van slagen met
partners tot wie de (geo)politiek-strategische afstand gering is en die een met
Nederland vergelijkbare politieke cultuur kennen ... het criterium van operationele
synergie ... Ten slotte neemt het belang van een partner uiteraard toe, naarmate met
die partner bottom-up meer (concrete) samenwerkingsdoelen kunnen worden
gerealiseerd." (note, p. 5)

1. geopolitical-strategic distance: great-circle distance between capitals, scaled,
   mixed with institutional distance (shared NATO, EU and regional-group memberships);
2. political-culture gap: Euclidean distance of the culture vectors, scaled to [0, 1];
3. operational synergy: shared equipment families and what the pair already does;
4. concrete goals: the areas where both hold capability and could cooperate.
All scores are in [0, 1] and the fit is their weighted mean (distance and culture
gap enter as 1 - value).

The criteria depend on the NATO and EU memberships, which a scenario may change:
:class:`Institutions` holds this year's memberships with the criteria and the base
trust that follow from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imssim.config import ModelParams
from imssim.model import kernels
from imssim.model.blocks import count_over_areas
from imssim.model.tolerances import EPS
from imssim.model.trust import base_trust
from imssim.world import World


@dataclass(frozen=True)
class StaticCriteria:
    """The parts of the criteria that do not change during a run."""

    distance: np.ndarray  # float[N, N] in [0, 1]
    culture_gap: np.ndarray  # float[N, N] in [0, 1]
    equipment_synergy: np.ndarray  # float[N, N] in [0, 1]
    area_equipment: np.ndarray  # bool[N, N, A]: a shared family in that area
    comember: np.ndarray  # bool[N, N]: both in NATO or both in the EU


@dataclass(frozen=True)
class Institutions:
    """This year's NATO and EU memberships and what follows from them for every pair."""

    nato: np.ndarray  # bool[N]
    eu: np.ndarray  # bool[N]
    criteria: StaticCriteria  # distance and co-membership change with the memberships
    trust_base: np.ndarray  # float[N, N]: trust without cooperation (trust.base_trust)


def institutions(
    world: World, p: ModelParams, nato: np.ndarray | None = None, eu: np.ndarray | None = None
) -> Institutions:
    """The institutions under memberships `nato` and `eu` (bool[N]; the world's own
    when None)."""
    if nato is None or eu is None:
        nato, eu = world.nato.copy(), world.eu.copy()
        criteria = static_criteria(world, p)
    else:
        criteria = static_criteria(world.with_memberships(nato.copy(), eu.copy()), p)
    return Institutions(nato, eu, criteria, base_trust(criteria.comember, p))


def membership_matrix(world: World) -> np.ndarray:
    """bool[N, M]: NATO, EU and each regional group as columns."""
    cols = [world.nato, world.eu, *(world.groups[g] for g in sorted(world.groups))]
    return np.column_stack(cols)


def static_criteria(world: World, p: ModelParams) -> StaticCriteria:
    """Distance, culture gap and equipment synergy for every pair (the world's pair
    facts, :attr:`imssim.world.World.pair_facts`, with the memberships' part)."""
    facts = world.pair_facts
    geo = (facts.km / p.distance_scale_km).clip(0.0, 1.0)
    m = membership_matrix(world).astype(float)
    shared = m @ m.T
    union = m.sum(1)[:, None] + m.sum(1)[None, :] - shared
    jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    distance = p.distance_geo_share * geo + (1.0 - p.distance_geo_share) * (1.0 - jaccard)
    comember = (world.nato[:, None] & world.nato[None, :]) | (world.eu[:, None] & world.eu[None, :])
    np.fill_diagonal(distance, 0.0)
    np.fill_diagonal(comember, False)
    return StaticCriteria(
        distance, facts.culture_gap, facts.equipment_synergy, facts.area_equipment, comember
    )


def shared_counts(flags: np.ndarray) -> np.ndarray:
    """int[N, N]: for bool[N, K] flags, in how many of the K columns both rows are set
    (``flags @ flags.T``, counted exactly on bit masks when K <= 64)."""
    k = flags.shape[1]
    if k > 64:
        return (flags.astype(np.int64) @ flags.T.astype(np.int64)).astype(np.int64)
    bits = (flags.astype(np.uint64) << np.arange(k, dtype=np.uint64)).sum(axis=1, dtype=np.uint64)
    return np.bitwise_count(bits[:, None] & bits[None, :]).astype(np.int64)


def fit(
    crit: StaticCriteria,
    holds: np.ndarray,
    breadth: np.ndarray,
    p: ModelParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Partner fit float[N, N] in [0, 1] and the number of concrete goals int[N, N].

    `holds` is bool[N, A] (the state holds capability in the area, or relies on a
    partner for it); `breadth` is float[N, N], the share of areas in which the pair
    already cooperates (operational synergy: "wat doen we al met deze partner").
    """
    goals = shared_counts(holds).astype(float)  # areas where both are active
    n_areas = holds.shape[1]
    goals_score = goals / n_areas
    synergy = 0.5 * crit.equipment_synergy + 0.5 * breadth
    w = _weights(p)
    score = (
        w[0] * (1.0 - crit.distance)
        + w[1] * (1.0 - crit.culture_gap)
        + w[2] * synergy
        + w[3] * goals_score
    ) / w.sum()
    np.fill_diagonal(score, 0.0)
    return score, goals.astype(int)


def current_fit(
    crit: StaticCriteria, k: np.ndarray, handed: np.ndarray, eff: np.ndarray, p: ModelParams
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`fit` under this year's holdings `k` and `handed` [N, A] and effective forms
    `eff` [N, N, A]: a state holds an area when it holds capability there or relies on a
    partner for it; the breadth is the share of areas with any form."""
    if kernels.enabled():
        w = _weights(p)
        return kernels.load("partners").current_fit(
            k,
            handed,
            eff,
            crit.distance,
            crit.culture_gap,
            crit.equipment_synergy,
            np.append(w, w.sum()),
        )
    holds = (k > EPS) | (handed > EPS)
    breadth = count_over_areas(eff > 0) / eff.shape[2]  # (eff > 0).mean(axis=2)
    return fit(crit, holds, breadth, p)


def _weights(p: ModelParams) -> np.ndarray:
    """float[4]: the weights of distance, culture, synergy and goals in the fit."""
    return np.array([p.weight_distance, p.weight_culture, p.weight_synergy, p.weight_goals])
