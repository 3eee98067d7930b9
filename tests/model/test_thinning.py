"""Capabilities thin out rather than vanish: an area is given up only when a cut takes it
below its minimum viable scale, and an area is regained through the partner that fields
the same equipment (imssim.model.capabilities, docs/ODD.md 7.3). Known answers on the
four-state tiny world of tests/conftest.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from imssim import run, to_config
from imssim.errors import ConfigError
from imssim.model.capabilities import (
    CapabilityYear,
    Ties,
    adjust,
    rebuild_areas,
    rebuild_partner,
)
from imssim.model.forms import Form
from imssim.model.simulation import CooperationModel
from tests.conftest import AREAS

ARMOUR, FLEET, AIR, LIFT = (AREAS.index(a) for a in AREAS)
AAA, BBB, CCC, DDD = range(4)


def tiny_model(folder: Path, **params) -> CooperationModel:
    """The tiny world's model in 2012, no cuts: AAA-BBB integrated at sea (form 5)."""
    cfg = {"world": {"data_dir": str(folder)}, "focal": "AAA", "end_year": 2013}
    return CooperationModel(to_config({**cfg, "params": params}))


def cut_year(model: CooperationModel, share_cut: float, eff: np.ndarray | None = None):
    """A year in which every state must cut `share_cut` of its upkeep, every unit
    costing 1: with no sovereign core (the rules' core cleared) the cut takes the same
    share of every area."""
    n, a = model.caps.k.shape
    k = model.caps.k
    year = CapabilityYear(
        year=2013,
        inputs=model.inputs,
        owed=np.zeros(n, dtype=int),
        alliance_gap=np.zeros(a),
        criteria=model.institutions.criteria,
        eff=np.zeros((n, n, a), dtype=np.int8) if eff is None else eff,
        area_form=np.zeros((n, a), dtype=np.int8) if eff is None else eff.max(axis=0),
        unit=np.ones((n, a)),
        gap=-share_cut * k.sum(axis=1),
    )
    rules = dataclasses.replace(model.capability_rules, core=np.zeros((n, a), dtype=bool))
    return year, rules


def test_a_cut_above_the_minimum_thins_every_area_and_gives_none_up(tiny_world_dir):
    """Half of every holding cut: above every minimum (0.3 and 0.25 of 2012), so every
    area is kept at half its 2012 holding."""
    model = tiny_model(tiny_world_dir)
    year, rules = cut_year(model, 0.5)
    done = adjust(model.caps, model.coop, year, rules, np.random.default_rng(1))
    held = model.caps.k > 0
    np.testing.assert_allclose(done.caps.k[held], 0.5 * model.caps.k[held])
    assert not done.caps.dropped.any()
    assert not [e for e in done.events if e.kind == "gave_up"]


def test_a_cut_below_the_minimum_gives_the_area_up(tiny_world_dir):
    """Cut by 72 %: 0.28 of 2012 is below armour's, the fleet's and combat air's minimum
    (0.3) but not air transport's (0.25), so those three are given up and air transport
    is kept; each area given up is an event with reason below_viable."""
    model = tiny_model(tiny_world_dir)
    year, rules = cut_year(model, 0.72)
    done = adjust(model.caps, model.coop, year, rules, np.random.default_rng(1))
    held = model.caps.k > 0
    gone = held.copy()
    gone[:, LIFT] = False
    assert np.array_equal(done.caps.dropped, gone)
    np.testing.assert_allclose(done.caps.k[gone], 0.0)
    np.testing.assert_allclose(done.caps.dropped_level[gone], 0.28 * model.caps.k[gone])
    np.testing.assert_allclose(done.caps.k[:, LIFT], 0.28 * model.caps.k[:, LIFT])
    events = {(e.country, e.area) for e in done.events if e.kind == "gave_up"}
    assert events == set(zip(*np.nonzero(gone), strict=True))
    assert {e.reason for e in done.events if e.kind == "gave_up"} == {"below_viable"}


def test_the_core_and_integrated_stakes_are_kept_at_any_scale(tiny_world_dir):
    """The same deep cut: AAA keeps its sovereign core (combat air) and the fleet it has
    integrated with BBB (form 5); a scale factor of 0 gives nothing up at all."""
    model = tiny_model(tiny_world_dir)
    n, a = model.caps.k.shape
    eff = np.zeros((n, n, a), dtype=np.int8)
    eff[AAA, BBB, FLEET] = eff[BBB, AAA, FLEET] = Form.INTEGRATED
    year, rules = cut_year(model, 0.72, eff)
    core = np.zeros((n, a), dtype=bool)
    core[AAA, AIR] = True
    rules = dataclasses.replace(rules, core=core)
    done = adjust(model.caps, model.coop, year, rules, np.random.default_rng(1))
    assert not done.caps.dropped[AAA, AIR] and not done.caps.dropped[AAA, FLEET]
    assert not done.caps.dropped[BBB, FLEET]
    assert done.caps.dropped[AAA, ARMOUR] and done.caps.dropped[CCC, FLEET]
    off = tiny_model(tiny_world_dir, viable_scale_factor=0.0)
    year, rules = cut_year(off, 0.72)
    assert not adjust(off.caps, off.coop, year, rules, np.random.default_rng(1)).caps.dropped.any()


def test_the_minimum_scales_with_the_factor(tiny_world_dir):
    """A factor of 2 doubles every minimum: a cut to 0.5 of 2012 now gives up armour,
    the fleet and combat air (minimum 0.6), and keeps air transport (0.5 is its minimum,
    not below it)."""
    model = tiny_model(tiny_world_dir, viable_scale_factor=2.0)
    np.testing.assert_allclose(
        model.capability_rules.viable[:, ARMOUR], 0.6 * model.capability_rules.held_2012[:, 0]
    )
    year, rules = cut_year(model, 0.5)
    done = adjust(model.caps, model.coop, year, rules, np.random.default_rng(1))
    held = model.caps.k > 0
    assert np.array_equal(done.caps.dropped[:, :LIFT], held[:, :LIFT])
    assert not done.caps.dropped[:, LIFT].any()


def test_a_factor_that_makes_every_area_unviable_is_refused(tiny_world_dir):
    with pytest.raises(ConfigError, match="viable_scale_factor"):
        run(
            {
                "world": {"data_dir": str(tiny_world_dir)},
                "focal": "AAA",
                "params": {"viable_scale_factor": 3.5},  # 3.5 x 0.3 >= 1
            }
        )


def test_the_rebuilding_partner_is_the_one_fielding_the_same_family():
    hosts = np.array([1, 2, 3])
    holding = np.array([0.0, 5.0, 1.0, 3.0])
    same = np.array([False, False, True, True])
    assert rebuild_partner(hosts, holding, same) == 3  # the larger of the two that share
    assert rebuild_partner(hosts, holding, np.zeros(4, dtype=bool)) == 1  # none: the largest
    assert rebuild_partner(np.array([1, 2]), holding, same) == 2  # the one sharing, though smaller


def test_an_area_is_regained_through_the_partner_sharing_its_equipment(tiny_world_dir):
    """AAA (CV90) gave up armour; BBB (no armour family of AAA's) and CCC (CV90) are both
    deep partners that hold more armour than the stake, BBB the most. AAA regains armour
    at once through CCC, at a form-5 tie; without the shared family it would go to BBB."""
    model = tiny_model(tiny_world_dir)
    n, a = model.caps.k.shape
    assert model.institutions.criteria.area_equipment[AAA, CCC, ARMOUR]
    assert not model.institutions.criteria.area_equipment[AAA, BBB, ARMOUR]
    caps = model.caps.copy()
    caps.dropped_level[AAA, ARMOUR] = caps.k[AAA, ARMOUR]
    caps.k[AAA, ARMOUR] = 0.0
    caps.dropped[AAA, ARMOUR] = True
    caps.dropped_year[AAA, ARMOUR] = 2013
    caps.k[BBB, ARMOUR] = 2.0 * caps.k[CCC, ARMOUR]
    eff = np.zeros((n, n, a), dtype=np.int8)
    for j in (BBB, CCC):
        eff[AAA, j, AIR] = eff[j, AAA, AIR] = Form.OPERATIONAL
    coop = dataclasses.replace(model.coop, trust=np.ones((n, n)))
    forms = dataclasses.replace(model.forms, fit_required=np.zeros(7))
    rules = dataclasses.replace(model.capability_rules, forms=forms)
    year, _ = cut_year(model, 0.0, eff)
    ties = Ties(coop)
    gap = 0.5 * model.inputs.budget
    rebuild_areas(caps, ties, coop, year, rules, gap)
    assert not caps.dropped[AAA, ARMOUR]
    assert ties.bilateral[AAA, CCC, ARMOUR] == Form.INTEGRATED
    assert ties.bilateral[AAA, BBB, ARMOUR] == 0
    stake = rules.params.rebuild_share * rules.held_2012[AAA, ARMOUR]
    assert caps.k[AAA, ARMOUR] == pytest.approx(stake)
