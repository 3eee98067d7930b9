"""Why states take a step: the goals' weights, familiarity and sovereignty as a share
(imssim.model.motives), and how they move the value of a step in the default world."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imssim import to_config
from imssim.config import ModelParams
from imssim.config.compose import compose_config
from imssim.config.parameters import judged_range
from imssim.model import motives
from imssim.model.moves import ONE_DEEPER
from imssim.model.simulation import CooperationModel
from imssim.model.step_value import step_terms

P = ModelParams()


def test_the_political_goal_is_solidarity_not_nearness():
    own, partner = np.array([0.0, 0.0, 0.4, 0.0]), np.array([0.0, 0.5, 0.5, 0.5])
    ally = np.array([True, True, True, False])
    value = motives.political_value(P, own, partner, ally)
    base = P.goal_weight_political * P.political_base
    np.testing.assert_allclose(value[0], base)  # no threat: the standing value only
    np.testing.assert_allclose(value[1], base + P.goal_weight_political * P.political_threat * 0.5)
    np.testing.assert_allclose(value[2], base + P.goal_weight_political * P.political_threat * 0.9)
    np.testing.assert_allclose(value[3], base)  # a non-ally's exposure is not one's own cause


def test_savings_count_without_pressure_and_more_under_it():
    pressure = np.array([0.0, 0.1, 0.2])
    scale = motives.economic_scale(P, pressure)
    assert scale[0] == pytest.approx(P.goal_weight_economic)
    assert scale[0] < scale[1] < scale[2]
    assert scale[1] == pytest.approx(P.goal_weight_economic * (1 + 0.1 * P.economic_pressure))


@pytest.mark.parametrize(
    ("key", "weight"),
    [
        ("params.economic_pressure", lambda p: motives.economic_scale(p, np.array(0.09))),
        ("params.goal_weight_economic", lambda p: motives.economic_scale(p, np.array(0.09))),
        ("params.political_threat", lambda p: motives.political_value(p, 0.3, 0.4, True)),
        ("params.goal_weight_political", lambda p: motives.political_value(p, 0.3, 0.4, True)),
        ("params.political_base", lambda p: motives.political_value(p, 0.3, 0.4, True)),
        ("params.alliance_need_weight", lambda p: motives.military_need(p, 0.2, 0.3)),
    ],
)
def test_no_parameter_moves_a_goals_weight_more_than_about_threefold(key, weight):
    """Across its judged range, at a typical pressure (0.09) and exposure."""
    judged = judged_range(key)
    name = key.split(".", 1)[1]
    low = weight(dataclasses.replace(P, **{name: judged.low}))
    high = weight(dataclasses.replace(P, **{name: judged.high}))
    assert float(high / low) <= 3.0


def test_sovereignty_binds_the_share_of_forces_a_step_commits():
    # a small partner binds a floor's share of a large state; a large one all of a small one
    share = motives.bound_share(P, np.array([1.0, 10.0, 5.0]), np.array([10.0, 1.0, 10.0]))
    np.testing.assert_allclose(share, [P.bound_share_floor, 1.0, 0.5])
    assert motives.bound_share(P, np.array(3.0), np.array(0.0)) == 1.0  # nothing to share


@given(
    st.integers(0, 6),
    st.floats(0.0, 1.0),
    st.integers(0, 6),
    st.floats(0.0, 1.0),
)
def test_familiarity_is_a_share_that_grows_with_depth_and_trust(d1, t1, d2, t2):
    a = motives.familiarity(np.array(d1), np.array(t1))
    b = motives.familiarity(np.array(max(d1, d2)), np.array(max(t1, t2)))
    assert 0.0 <= a <= b <= 1.0
    assert motives.transaction_share(P, b) <= motives.transaction_share(P, a) <= 1.0


@pytest.fixture(scope="module")
def year2015():
    """The model of the history scenario after 2015, with its cooperation inputs."""
    cfg = to_config(compose_config(["scenario=history_2012_2024", "end_year=2015", "seed=1"]))
    model = CooperationModel(cfg)
    model.run()
    eff, area_form = model.effective_forms()
    fit, _ = model.partner_fit(eff)
    return model, model._coop_year(eff, area_form, fit, np.zeros_like(model.caps.k))


def _entry(model, a: str, b: str, area: str):
    w = model.world
    return (
        np.array([w.iso3.index(a)]),
        np.array([w.iso3.index(b)]),
        np.array([w.areas.index(area)]),
    )


def test_a_partners_threat_raises_the_political_value_of_a_step_with_it(year2015):
    model, year = year2015
    est = model.world.iso3.index("EST")
    at = _entry(model, "GBR", "EST", "training")
    before = step_terms(model.rules, year, at, ONE_DEEPER)
    threat = year.states.threat.copy()
    threat[est] += 0.5
    raised = year.with_states(dataclasses.replace(year.states, threat=threat))
    after = step_terms(model.rules, raised, at, ONE_DEEPER)
    gain = float(after.political[0] - before.political[0])
    fit = year.pairs.fit[at[0], at[1]][0]
    expected = P.benefit_scale * fit * P.goal_weight_political * P.political_threat * 0.5
    assert gain == pytest.approx(expected)
    assert after.economic[0] == before.economic[0] and after.cost[0] == before.cost[0]


def test_the_larger_side_pays_less_sovereignty_for_the_same_step(year2015):
    model, year = year2015
    nld_deu = step_terms(model.rules, year, _entry(model, "NLD", "DEU", "armour"), ONE_DEEPER)
    deu_nld = step_terms(model.rules, year, _entry(model, "DEU", "NLD", "armour"), ONE_DEEPER)
    assert deu_nld.cost[0] < nld_deu.cost[0]


def test_a_known_partner_costs_less_to_widen_with(year2015):
    model, year = year2015
    at = _entry(model, "NLD", "BEL", "artillery")
    known = year.pairs.known.copy()
    known[at[0], at[1]] = 0.0
    stranger = dataclasses.replace(year, pairs=dataclasses.replace(year.pairs, known=known))
    as_known = step_terms(model.rules, year, at, ONE_DEEPER)
    as_stranger = step_terms(model.rules, stranger, at, ONE_DEEPER)
    assert year.pairs.known[at[0], at[1]][0] > 0.3
    assert as_known.cost[0] < as_stranger.cost[0]
    assert as_known.relationship[0] > as_stranger.relationship[0]
