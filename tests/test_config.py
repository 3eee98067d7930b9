"""Bad input fails before the run with one line naming the problem."""

from __future__ import annotations

import pytest

from imssim import ConfigError, check, to_config
from imssim.config import Config


def test_defaults_validate():
    cfg = to_config(None)
    assert isinstance(cfg, Config)
    assert cfg.focal == "NLD" and cfg.start_year == 2012 and cfg.end_year == 2035


@pytest.mark.parametrize(
    ("cfg", "key"),
    [
        ({"scenario": {"cutt": 0.1}}, "cutt"),
        ({"seeed": 1}, "seeed"),
        ({"seed": "many"}, "seed"),
        ({"end_year": 2010}, "end_year"),
        ({"catalyst": 1.5}, "catalyst"),
        ({"scenario": {"budget_changes": [{"who": ["all"], "cut": -0.1}]}}, "cut"),
        ({"scenario": {"budget_changes": [{"who": ["all"], "cut": 1.2}]}}, "cut"),
        ({"scenario": {"budget_changes": [{"who": ["all"], "start": 2020, "end": 2015}]}}, "end"),
        ({"policy": {"max_form": 9}}, "max_form"),
        ({"policy": {"applies_to": "everyone"}}, "applies_to"),
        ({"policy": {"prune_rate": 1.5, "max_priority_partners": 6}}, "prune_rate"),
        ({"policy": {"prune_rate": 0.2}}, "prune_rate"),  # prunes need a priority list
        ({"policy": {"prune_max_form": 5}}, "prune_max_form"),
        ({"params": {"form_access": [0.0, 0.1]}}, "form_access"),
        ({"params": {"trust_gain": 2.0}}, "trust_gain"),
        ({"start_year": 2015}, "start_year"),
        ({"scenario": {"budget_rules": [{"rule": "wishful"}]}}, "rule"),
        ({"scenario": {"budget_rules": [{"start": 2012}]}}, "start"),
        ({"scenario": {"budget_rules": [{"start": 2020, "end": 2018}]}}, "end"),
        ({"scenario": {"budget_rules": [{"share": 0.5}]}}, "share"),
        ({"scenario": {"threat_events": [{"year": 1990}]}}, "year"),
        ({"scenario": {"threat_events": [{"near_rise": -1}]}}, "near_rise"),
        ({"scenario": {"threat_events": [{"origin_lat": 95}]}}, "origin_lat"),
        ({"scenario": {"threat_events": [{"yeer": 2014}]}}, "yeer"),
        ({"params": {"cost_growth_excess": 0.5}}, "cost_growth_excess"),
        ({"params": {"rebuild_share": 2.0}}, "rebuild_share"),
    ],
)
def test_bad_config_is_one_line_naming_the_key(cfg, key):
    with pytest.raises(ConfigError) as info:
        to_config(cfg)
    message = str(info.value)
    assert key in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("cfg", "needle"),
    [
        ({"focal": "XYZ"}, "XYZ"),
        ({"scenario": {"budget_changes": [{"who": ["NLD", "ATLANTIS"], "cut": 0.1}]}}, "ATLANTIS"),
        ({"scenario": {"growth_changes": [{"who": ["QQQ"], "growth": 0.0}]}}, "QQQ"),
        ({"scenario": {"budget_rules": [{"who": ["NARNIA"]}]}}, "NARNIA"),
        ({"scenario": {"threat_events": [{"who": ["NARNIA"], "rise": 0.1}]}}, "NARNIA"),
    ],
)
def test_unknown_state_codes_are_refused(cfg, needle):
    with pytest.raises(ConfigError) as info:
        check(cfg)
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


def test_groups_and_regions_are_accepted():
    cfg = check(
        {
            "scenario": {
                "budget_changes": [{"who": ["south", "visegrad", "nato", "DEU"], "cut": 0.1}]
            }
        }
    )
    assert cfg.scenario.budget_changes[0].who == ["south", "visegrad", "nato", "DEU"]


def test_shipped_scenarios_and_policies_can_be_named_from_python():
    cfg = to_config({"scenario": "deep_cuts", "policy": "autonomy_test", "end_year": 2016})
    assert cfg.scenario.name == "deep_cuts" and cfg.policy.name == "autonomy_test"
    assert cfg.scenario.budget_changes[0].cut == pytest.approx(0.20)
    assert cfg.policy.max_form_core < cfg.policy.max_form


def test_an_unknown_shipped_name_lists_the_shipped_ones():
    with pytest.raises(ConfigError, match=r"no shipped scenario named 'nope'.*deep_cuts") as info:
        to_config({"scenario": "nope"})
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("start", [1990, 2011, 2101])
def test_a_change_dated_outside_the_model_s_years_is_refused(start):
    """A change before the 2012 data year would silently alter it; one after 2100 lies
    outside any run. (A change after a short run's end_year is allowed: shipped scenarios
    run to any end year and simply do not reach it.)"""
    change = {"who": ["all"], "start": start, "end": max(start, 2040), "cut": 0.1}
    with pytest.raises(ConfigError, match=r"budget_changes\[0\]\.start") as info:
        to_config({"scenario": {"budget_changes": [change]}})
    assert "2012..2100" in str(info.value)
    growth = {"who": ["all"], "start": start, "end": max(start, 2040), "growth": 0.0}
    with pytest.raises(ConfigError, match=r"growth_changes\[0\]\.start"):
        to_config({"scenario": {"growth_changes": [growth]}})


def test_entries_dated_after_the_end_year_are_reported_not_refused():
    """A short run of a longer scenario is legitimate: each entry it never reaches gets
    one line (the command line prints them as notes), and the config is accepted."""
    from imssim.config import unused_changes

    cfg = to_config(
        {
            "end_year": 2015,
            "scenario": {
                "budget_changes": [
                    {"start": 2013, "end": 2014, "cut": 0.1},
                    {"start": 2016, "end": 2018},
                ],
                "threat_events": [{"year": 2020, "rise": 0.1}],
            },
        }
    )
    assert unused_changes(cfg) == [
        "scenario.budget_changes[1] starts in 2016, after end_year 2015: no effect in this run",
        "scenario.threat_events[0] starts in 2020, after end_year 2015: no effect in this run",
    ]
    assert unused_changes(to_config({"end_year": 2035})) == []
