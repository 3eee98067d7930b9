"""The scenario in words: one row per entry, for every shipped scenario and a custom one."""

from __future__ import annotations

import pytest

from imssim.config import (
    BudgetChange,
    BudgetRule,
    GrowthChange,
    MembershipChange,
    ScenarioConfig,
    ThreatEvent,
    group_options,
)
from imssim.config.convert import to_config
from imssim.config.shipped import shipped_settings
from imssim.present.scenario_text import scenario_lines, scenario_rows, states_words, who_words
from imssim.world import load_world

NAMES = {"DEU": "Germany", "POL": "Poland", "NLD": "Netherlands", "HRV": "Croatia"}


def _shipped(name: str) -> ScenarioConfig:
    return to_config({"scenario": shipped_settings("scenario", name)}).scenario


def _entries(sc: ScenarioConfig) -> int:
    return (
        len(sc.growth_changes)
        + len(sc.budget_rules)
        + len(sc.budget_changes)
        + len(sc.threat_events)
        + len(sc.membership_changes)
    )


@pytest.mark.parametrize("name", group_options("scenario"))
def test_every_entry_of_every_shipped_scenario_is_one_row(name: str) -> None:
    sc = _shipped(name)
    rows = scenario_rows(sc, world=load_world())
    assert len(rows) == 1 + _entries(sc)  # the GDP growth, then one per entry
    kinds = [r.kind for r in rows]
    assert kinds.count("budget change") == len(sc.budget_changes)
    assert kinds.count("budget rule") == len(sc.budget_rules)
    assert kinds.count("threat event") == len(sc.threat_events)
    assert kinds.count("membership") == len(sc.membership_changes)
    assert kinds.count("growth change") == len(sc.growth_changes)


def test_wales_pledge_names_its_pledge_and_threats() -> None:
    rows = scenario_rows(_shipped("wales_pledge"), world=load_world())
    text = [r.sentence for r in rows]
    assert (
        "from 2015: the NATO members of 2012 (28 states) move towards 2 % of GDP for "
        "defence by 2024, evenly from their 2014 share (already above: kept) "
        "(budget rule 'target_share')"
    ) in text
    assert (
        "from 2014: threat rises by 0.05 for all states, up to 0.6 more the nearer a "
        "capital is to Moscow (55.75, 37.62) (2012 = 1; lasting)"
    ) in text
    assert (
        "2012-2015: the United States cuts its defence budget by 12 %, phased in evenly "
        "to 2015, then held"
    ) in text


def test_history_names_its_membership_changes() -> None:
    text = [r.sentence for r in scenario_rows(_shipped("history_2012_2024"), world=load_world())]
    assert "2013: Croatia joins the EU" in text
    assert "2020: the United Kingdom leaves the EU" in text
    assert "2023: Finland joins NATO" in text
    assert any(t.startswith("2013-2024: all states spend the observed defence share") for t in text)


def test_a_custom_scenario_with_one_entry_of_each_kind() -> None:
    sc = ScenarioConfig(
        name="strategist",
        gdp_growth=0.02,
        growth_changes=[GrowthChange(who=["POL"], start=2015, end=2016, growth=-0.01)],
        budget_rules=[
            BudgetRule(who=["POL"], rule="target_share", start=2025, end=2028, share=0.04)
        ],
        budget_changes=[BudgetChange(who=["DEU"], start=2025, end=2025, cut=0.2)],
        threat_events=[
            ThreatEvent(
                who=["all"], year=2026, rise=0.3, near_rise=0.6, origin_lat=50.0, origin_lon=30.0
            )
        ],
        membership_changes=[MembershipChange(who=["HRV"], institution="eu", year=2013)],
    )
    text = [r.sentence for r in scenario_rows(sc, NAMES)]
    assert text == [
        "every year: real GDP of every state grows by 2 % a year unless a growth change "
        "says otherwise",
        "2015-2016: real GDP of Poland shrinks by 1 % a year",
        "from 2025: Poland moves towards 4 % of GDP for defence by 2028, evenly from its "
        "2024 share (already above: kept) (budget rule 'target_share')",
        "2025: Germany cuts its defence budget by 20 % at once, then held",
        "from 2026: threat rises by 0.3 for all states, up to 0.6 more the nearer a capital "
        "is to (50.00, 30.00) (2012 = 1; lasting)",
        "2013: Croatia joins the EU",
    ]


def test_lines_are_capped_with_the_number_left_out() -> None:
    sc = ScenarioConfig(budget_changes=[BudgetChange(who=["DEU"], cut=0.01 * k) for k in range(10)])
    lines = scenario_lines(sc, NAMES, limit=8)
    assert len(lines) == 8
    assert lines[-1] == "and 4 more"  # 11 rows: 7 shown, 4 left
    assert len(scenario_lines(sc, NAMES, limit=20)) == 11


def test_who_words_name_groups_and_states() -> None:
    assert who_words(["north", "west"], NAMES) == "the north and west regions"
    assert who_words(["nato", "NLD"], NAMES) == "the NATO members of 2012 and the Netherlands"
    assert who_words([], NAMES) == "no state"


def test_states_words_count_members_and_partners_from_the_world() -> None:
    world = load_world()
    members = int((world.nato | world.eu).sum())
    assert states_words(world) == (
        f"{world.n_states} states ({members} NATO and EU members of 2012, "
        f"{world.n_states - members} partners)"
    )
    assert states_words(world, ["NLD", "DEU", "AFG"]) == (
        "3 states (2 NATO and EU members of 2012, 1 partner)"
    )
