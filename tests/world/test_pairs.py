"""The world's pair facts: known distances, their symmetry, made once per world and kept
when the memberships change."""

from __future__ import annotations

import numpy as np
import pytest

from imssim.world import load_world
from imssim.world.pairs import great_circle_km


def test_great_circle_known_distances():
    # a quarter of the earth's circumference along the equator; the poles half of it apart
    km = great_circle_km(np.array([0.0, 0.0, 90.0, -90.0]), np.array([0.0, 90.0, 0.0, 0.0]))
    quarter = np.pi * 6371.0 / 2
    assert km[0, 1] == pytest.approx(quarter)
    assert km[2, 3] == pytest.approx(2 * quarter)
    assert np.allclose(km, km.T) and np.all(np.diag(km) == 0.0)


def test_pair_facts_of_the_default_world():
    world = load_world()
    facts = world.pair_facts
    nld, bel, usa = (world.index(code) for code in ("NLD", "BEL", "USA"))
    assert facts.km[nld, bel] == pytest.approx(173, abs=5)  # Amsterdam to Brussels
    assert facts.km[nld, usa] > 5000
    for square in (facts.km, facts.culture_gap, facts.equipment_synergy):
        assert np.allclose(square, square.T) and np.all(np.diag(square) == 0.0)
        assert square.min() >= 0.0
    assert facts.culture_gap.max() <= 1.0 and facts.equipment_synergy.max() <= 1.0
    assert facts.area_equipment.shape == (world.n_states, world.n_states, world.n_areas)
    assert not facts.area_equipment[np.arange(world.n_states), np.arange(world.n_states)].any()


def test_pair_facts_are_made_once_read_only_and_kept_across_memberships():
    world = load_world()
    facts = world.pair_facts
    assert world.pair_facts is facts
    with pytest.raises(ValueError, match="read-only"):
        facts.km[0, 1] = 0.0
    nato = world.nato.copy()
    nato[world.index("FIN")] = True
    joined = world.with_memberships(nato, world.eu.copy())
    assert joined.pair_facts is facts  # the memberships do not change them
    assert joined.nato[world.index("FIN")] and not world.nato[world.index("FIN")]
