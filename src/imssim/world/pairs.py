"""What the world's data say about every pair of states, whatever their memberships:
how far apart their capitals are, how far apart their political cultures, how much
equipment they share and in which capability areas (:class:`PairFacts`).

A world makes them once (:attr:`imssim.world.World.pair_facts`) and keeps them, also
when a scenario changes its NATO and EU memberships: every model of a sweep on one
world reads the same arrays (read-only) instead of computing them again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class PairFacts:
    """Every pair's distance, culture gap and shared equipment (read-only arrays; the
    diagonal, a state with itself, is 0 and False)."""

    km: np.ndarray  # float[N, N]: great-circle distance between the capitals, km
    culture_gap: np.ndarray  # float[N, N] in [0, 1]: distance of the culture vectors
    equipment_synergy: np.ndarray  # float[N, N] in [0, 1]: shared families over held
    area_equipment: np.ndarray  # bool[N, N, A]: a shared family in that area


def great_circle_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Pairwise great-circle distances (haversine), km."""
    phi = np.radians(lat)
    lam = np.radians(lon)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    h = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h.clip(0.0, 1.0)))


def pair_facts(
    place: tuple[np.ndarray, np.ndarray],
    culture: np.ndarray,
    equipment: np.ndarray,
    family_area: np.ndarray,
    n_areas: int,
) -> PairFacts:
    """The pair facts of states at `place` (latitudes and longitudes, degrees) with
    `culture` [N, C] and `equipment` bool[N, E] of families in areas `family_area` [E]
    (:attr:`imssim.world.World.pair_facts` keeps a world's)."""
    lat, lon = place
    n = lat.shape[0]
    diff = culture[:, None, :] - culture[None, :, :]
    culture_gap = np.sqrt((diff**2).sum(-1) / culture.shape[1])
    eq = equipment.astype(float)
    eq_shared = eq @ eq.T
    eq_union = eq.sum(1)[:, None] + eq.sum(1)[None, :] - eq_shared
    eq_syn = np.divide(eq_shared, eq_union, out=np.zeros_like(eq_shared), where=eq_union > 0)
    # per area: does the pair share an equipment family in that area?
    n_families = equipment.shape[1]
    onehot = np.zeros((n_families, n_areas))
    onehot[np.arange(n_families), family_area] = 1.0
    area_eq = _area_equipment(equipment, family_area, onehot)
    for arr in (culture_gap, eq_syn):
        np.fill_diagonal(arr, 0.0)
    area_eq[np.arange(n), np.arange(n), :] = False
    facts = PairFacts(great_circle_km(lat, lon), culture_gap, eq_syn, area_eq)
    for arr in (facts.km, culture_gap, eq_syn, area_eq):
        arr.flags.writeable = False
    return facts


def _area_equipment(
    equipment: np.ndarray, family_area: np.ndarray, onehot: np.ndarray
) -> np.ndarray:
    """bool[N, N, A]: whether a pair shares an equipment family in each area: the einsum
    ``"ie,je,ea->ija" > 0`` of `equipment` bool[N, E], on bit masks of each state's
    families per area when there are at most 64 families (exact, and much faster)."""
    n_families = equipment.shape[1]
    if n_families > 64:
        eq = equipment.astype(float)
        return np.einsum("ie,je,ea->ija", eq, eq, onehot) > 0
    bit = np.uint64(1) << np.arange(n_families, dtype=np.uint64)  # one bit per family
    held = np.where(equipment, bit[None, :], np.uint64(0))  # [N, E]
    masks = np.zeros((equipment.shape[0], onehot.shape[1]), dtype=np.uint64)  # [N, A]
    np.bitwise_or.at(masks.T, family_area, held.T)
    return (masks[:, None, :] & masks[None, :, :]) != 0
