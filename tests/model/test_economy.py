"""Threat, budget rules and the cost of capability (imssim.model.economy, docs/ODD.md 7.1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imssim import check, run, to_config
from imssim.config import BudgetRule, ModelParams, ScenarioConfig, ThreatEvent
from imssim.errors import WorldDataError
from imssim.model.capacity import threat_factor
from imssim.model.economy import build_paths, distance_km
from imssim.model.simulation import CooperationModel
from imssim.world import DATA_DIR, load_world

WORLD = load_world()
YEARS = (2012, 2035)


def paths(**scenario):
    return build_paths(ScenarioConfig(**scenario), WORLD, *YEARS, ModelParams())


def row(year: int) -> int:
    return year - YEARS[0]


def test_a_threat_event_is_felt_most_at_its_origin():
    est = WORLD.index("EST")
    event = ThreatEvent(
        year=2014,
        rise=0.1,
        near_rise=0.5,
        origin_lat=float(WORLD.lat[est]),
        origin_lon=float(WORLD.lon[est]),
    )
    threat = paths(threat_events=[event]).threat
    assert (threat[: row(2014)] == 1.0).all(), "nothing before the event's year"
    assert threat[row(2014), est] == pytest.approx(1.6)
    expected = 1.1 + 0.5 * np.exp(-distance_km(WORLD, event.origin_lat, event.origin_lon) / 1500)
    np.testing.assert_allclose(threat[row(2014)], expected)
    np.testing.assert_allclose(threat[-1], threat[row(2014)])  # it persists
    usa = WORLD.index("USA")
    assert threat[row(2014), usa] < 1.11 < threat[row(2014), WORLD.index("POL")]


def test_an_event_for_some_states_leaves_the_others_alone():
    threat = paths(threat_events=[ThreatEvent(who=["baltic"], year=2022, rise=0.3)]).threat
    baltic = WORLD.groups["baltic"]
    np.testing.assert_allclose(threat[row(2022), baltic], 1.3)
    assert (threat[:, ~baltic] == 1.0).all()


def test_target_share_reaches_the_target_and_is_a_floor():
    rule = BudgetRule(who=["nato"], rule="target_share", start=2015, end=2024, share=0.02)
    share = paths(budget_rules=[rule]).share
    s0 = WORLD.milex_share
    below = WORLD.nato & (s0 < 0.02)
    above = WORLD.nato & (s0 >= 0.02)
    assert below.sum() >= 10 and above.sum() >= 3
    np.testing.assert_allclose(share[: row(2015)], np.tile(s0, (row(2015), 1)))
    np.testing.assert_allclose(share[row(2024) :, below], 0.02)
    np.testing.assert_allclose(share[:, above], np.tile(s0[above], (share.shape[0], 1)))
    np.testing.assert_allclose(share[:, ~WORLD.nato], np.tile(s0[~WORLD.nato], (24, 1)))
    mid = share[row(2019), below]  # linear: 5 of 10 steps from 2014's share
    np.testing.assert_allclose(mid, s0[below] + 0.5 * (0.02 - s0[below]))


def test_the_threat_rule_follows_the_threat_with_a_lag():
    event = ThreatEvent(who=["all"], year=2015, rise=0.4)
    rule = BudgetRule(who=["all"], rule="threat", start=2015, end=2035)
    p = ModelParams()
    share = paths(threat_events=[event], budget_rules=[rule]).share
    goal = WORLD.milex_share * (1 + p.threat_budget_response * 0.4)
    first = WORLD.milex_share + p.budget_adjust_rate * (goal - WORLD.milex_share)
    np.testing.assert_allclose(share[row(2015)], first)
    assert (np.diff(share[row(2015) :], axis=0) >= -1e-15).all(), "rises, never overshoots"
    np.testing.assert_allclose(share[-1], goal, rtol=1e-3)
    held = paths(
        threat_events=[event], budget_rules=[BudgetRule(rule="threat", start=2015, end=2017)]
    ).share
    np.testing.assert_allclose(held[row(2017) :], np.tile(held[row(2017)], (19, 1)))


def test_the_observed_rule_replays_the_data_and_holds_its_last_value():
    rule = BudgetRule(who=["all"], rule="observed", start=2013, end=2024)
    share = paths(budget_rules=[rule]).share
    data = pd.read_csv(DATA_DIR / "milex_shares.csv").set_index(["iso3", "year"])["milex_pct_gdp"]
    nld = WORLD.index("NLD")
    for year in (2013, 2016, 2020, 2024):
        assert share[row(year), nld] == pytest.approx(data[("NLD", year)] / 100)
    assert share[row(2035), nld] == pytest.approx(data[("NLD", 2024)] / 100)
    assert share[row(2012), nld] == pytest.approx(WORLD.milex_share[nld]), "2012 is the data year"
    last = int(data.loc["AUT"].index.max())  # observed to 2015 or 2016 only, then held
    assert last < 2020
    assert share[row(2030), WORLD.index("AUT")] == pytest.approx(data[("AUT", last)] / 100)


@settings(max_examples=30, deadline=None)
@given(
    start=st.integers(2013, 2030),
    length=st.integers(0, 10),
    target=st.floats(0.001, 0.19),
)
def test_target_share_is_monotone_and_ends_at_the_higher_of_target_and_own(start, length, target):
    rule = BudgetRule(rule="target_share", start=start, end=start + length, share=target)
    share = paths(budget_rules=[rule]).share
    s0 = WORLD.milex_share
    steps = np.diff(share, axis=0)
    assert ((steps >= -1e-15) | (s0 > target)[None, :]).all()
    assert (steps <= 1e-15).all() or (target > s0.min())
    if start + length <= 2035:
        np.testing.assert_allclose(
            share[row(start + length) :],
            np.maximum(s0, target)[None, :].repeat(2035 - start - length + 1, 0),
        )


def test_the_model_budget_is_gdp_times_the_share_cuts_included():
    """A rule starts from the share the cuts left: a 10 % cut in 2013, then 2 % of GDP
    by 2024 (the rule's target is the share actually spent)."""
    cfg = to_config(
        {
            "end_year": 2025,
            "scenario": {
                "budget_rules": [{"who": ["NLD"], "rule": "target_share", "start": 2014}],
                "budget_changes": [{"who": ["NLD"], "start": 2013, "end": 2013, "cut": 0.1}],
            },
        }
    )
    model = CooperationModel(cfg)
    nld = model.focal
    share = model.paths.share[:, nld]
    assert share[row(2013)] == pytest.approx(0.9 * WORLD.milex_share[nld])
    assert share[row(2024)] == pytest.approx(0.02)
    while model.running:
        model.step()
        inputs = model.inputs
        assert inputs.budget[nld] == pytest.approx(inputs.gdp[nld] * share[model.year - 2012])


def test_cuts_after_a_rule_starts_apply_on_top_of_it():
    rule = {"who": ["DEU"], "rule": "target_share", "start": 2015, "end": 2020, "share": 0.02}
    cut = {"who": ["DEU"], "start": 2022, "end": 2022, "cut": 0.25}
    p = build_paths(
        to_config({"scenario": {"budget_rules": [rule], "budget_changes": [cut]}}).scenario,
        WORLD,
        *YEARS,
        ModelParams(),
    )
    deu = WORLD.index("DEU")
    assert p.share[row(2021), deu] == pytest.approx(0.02)
    assert p.share[row(2022), deu] == pytest.approx(0.015)


def test_the_requirement_and_the_need_scale_with_threat():
    cfg = to_config(
        {
            "end_year": 2016,
            "scenario": {"threat_events": [{"year": 2014, "rise": 0.5}]},
        }
    )
    model = CooperationModel(cfg)
    base_requirement, base_need = model.inputs.requirement.copy(), model.inputs.need.copy()
    model.run()
    factor = threat_factor(np.array(1.5), cfg.params.threat_requirement)
    np.testing.assert_allclose(model.inputs.requirement, base_requirement * factor)
    np.testing.assert_allclose(model.inputs.need, base_need * factor)
    assert model.military_weight == pytest.approx(cfg.params.goal_weight_military * 1.5)


def test_the_cost_of_capability_grows_with_the_economy():
    """Baseline: budgets keep their share of a growing GDP and the cost of capability
    grows at the same rate, so the 2012 forces stay affordable and nothing is cut."""
    t = run({"end_year": 2025}).tables
    c = t.countries.set_index(["year", "country"])
    assert c.loc[(2025, "NLD"), "budget"] > 1.15 * c.loc[(2012, "NLD"), "budget"]
    ratio = c.xs(2025)["capability"] / c.xs(2012)["capability"]
    assert ratio.min() > 0.98 and ratio.median() < 1.15
    assert (t.events["kind"] != "gave_up").all()


def test_a_broken_observed_shares_file_is_a_one_line_error(broken_world):
    path = broken_world / "milex_shares.csv"
    frame = pd.read_csv(path)
    frame.loc[3, "milex_pct_gdp"] = 45.0
    frame.to_csv(path, index=False)
    with pytest.raises(WorldDataError, match="milex_shares") as info:
        check({"world": {"data_dir": str(broken_world)}})
    assert "\n" not in str(info.value)
