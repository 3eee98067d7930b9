"""What a scenario changes: every run beside its counterfactual."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from imssim import ConfigError, run_pair, to_config
from imssim.config import counterfactual_config
from imssim.present.effects import Difference, effect_lines, focal_differences, most_changed
from imssim.runs.folders import COUNTERFACTUAL, RunFolder, write_run
from tests.conftest import _cli_config


def _same(a, b) -> None:
    for (name, x), (_, y) in zip(a.items(), b.items(), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)


def test_the_baseline_counterfactual_of_the_baseline_changes_nothing():
    """Under `baseline` (no budget changes) the counterfactual is the same run, computed
    again: every table is identical, and the summary says so."""
    result = run_pair(_cli_config("baseline", end_year=2025))
    assert result.counterfactual is not None
    _same(result.tables, result.counterfactual.tables)
    lines = effect_lines(
        result.tables, result.counterfactual.tables, "NLD", "baseline", "without it"
    )
    assert lines[0].endswith("none"), lines[0]  # no state changed
    assert all("the same without it" in x for x in lines[2:11]), lines


def test_a_cut_lowers_what_the_state_cut_keeps_against_its_counterfactual():
    """The Netherlands alone cuts 30 %: against the same run without the cut its real
    budget and capability are lower, every year once the cut is in, and its effect on
    the others is small."""
    cfg = _cli_config(
        "baseline",
        end_year=2025,
        **{"scenario.budget_changes": "[{who: [NLD], start: 2013, end: 2015, cut: 0.3}]"},
    )
    result = run_pair(cfg)
    cf = result.counterfactual
    assert cf.config.scenario.budget_changes == []
    mine = result.tables.countries.set_index(["country", "year"])
    theirs = cf.tables.countries.set_index(["country", "year"])
    for year in range(2015, 2026):
        assert mine.loc[("NLD", year), "real_budget"] < theirs.loc[("NLD", year), "real_budget"]
        assert mine.loc[("NLD", year), "capability"] < theirs.loc[("NLD", year), "capability"]
    assert mine.loc[("NLD", 2012), "capability"] == theirs.loc[("NLD", 2012), "capability"]
    # the other states' budgets are untouched
    others = mine.index.get_level_values(0) != "NLD"
    pd.testing.assert_series_equal(
        mine.loc[others, "real_budget"], theirs.loc[others, "real_budget"]
    )
    diffs = {
        d.label.split(" (")[0]: d for d in focal_differences(result.tables, cf.tables, "NLD", 2025)
    }
    assert diffs["real budget"].difference < 0 and diffs["own capability"].difference < 0
    # the state the cut changes most is the one that cut: the summary leads with it
    most = most_changed(result.tables, cf.tables, 2025)
    assert most[0][0] == "NLD" and most[0][1] <= -1
    assert [abs(v) for _, v in most] == sorted((abs(v) for _, v in most), reverse=True)
    lines = effect_lines(result.tables, cf.tables, "NLD", "baseline", "without it")
    assert lines[0].startswith("the states baseline changes most") and " NLD -" in lines[0]


def test_the_counterfactual_keeps_threats_growth_and_memberships_and_drops_budgets():
    cfg = to_config(_cli_config("history_2012_2024"))
    cf = counterfactual_config(cfg)
    assert cf.scenario.budget_rules == [] and cf.scenario.budget_changes == []
    assert cf.scenario.threat_events == cfg.scenario.threat_events
    assert cf.scenario.membership_changes == cfg.scenario.membership_changes
    assert cf.scenario.growth_changes == cfg.scenario.growth_changes
    assert (cf.seed, cf.policy, cf.params) == (cfg.seed, cfg.policy, cfg.params)
    assert cf.counterfactual == "none"


def test_a_named_counterfactual_and_none():
    cfg = to_config(_cli_config("deep_cuts", counterfactual="austerity_2012"))
    assert counterfactual_config(cfg).scenario.name == "austerity_2012"
    assert counterfactual_config(to_config(_cli_config(counterfactual="none"))) is None
    with pytest.raises(ConfigError, match="counterfactual: must be baseline, none, without:"):
        to_config(_cli_config(counterfactual="nonsense"))


def test_a_counterfactual_removes_what_it_names_and_says_so():
    """without:<list>[.<who or position>] removes exactly those entries; the words say
    which; each change of a scenario can be isolated."""
    from imssim.config.scenarios import counterfactual_words

    cfg = to_config(_cli_config("austerity_2012", counterfactual="without:budget_changes.NLD"))
    cf = counterfactual_config(cfg)
    kept = [c.who for c in cf.scenario.budget_changes]
    assert ["NLD"] not in kept and len(kept) == len(cfg.scenario.budget_changes) - 1
    assert cf.scenario.budget_rules == cfg.scenario.budget_rules
    assert counterfactual_words(cfg) == "without NLD's budget change (budget_changes[1])"
    both = to_config(
        _cli_config("history_2012_2024", counterfactual="without:threat_events+budget_rules.0")
    )
    cf = counterfactual_config(both)
    assert (
        cf.scenario.threat_events == []
        and len(cf.scenario.budget_rules) == len(both.scenario.budget_rules) - 1
    )
    assert counterfactual_words(both) == (
        "without the threat events and the budget rule at budget_rules[0]"
    )
    assert counterfactual_words(to_config(_cli_config("austerity_2012"))) == (
        "without the budget changes and the budget rules"
    )
    for bad, message in [
        ("without:budget_changes.9", "the scenario has 7 budget changes"),
        ("without:budget_changes.POL", "no entry of scenario.budget_changes names 'POL'"),
        ("without:threats", "name one of budget_changes"),
    ]:
        with pytest.raises(ConfigError, match=message):
            to_config(_cli_config("austerity_2012", counterfactual=bad))


def test_a_counterfactual_from_a_scenario_file(tmp_path):
    """A scenario file (.yaml) outside conf/ is a counterfactual too; a missing or broken
    one is one line naming the file."""
    path = tmp_path / "calm.yaml"
    path.write_text("name: calm\ngdp_growth: 0.02\n")
    cfg = to_config(_cli_config("austerity_2012", counterfactual=str(path)))
    cf = counterfactual_config(cfg)
    assert cf.scenario.name == "calm" and cf.scenario.gdp_growth == 0.02
    with pytest.raises(ConfigError, match="no scenario file"):
        to_config(_cli_config(counterfactual=str(tmp_path / "missing.yaml")))
    path.write_text("name: calm\ngdp_growht: 0.02\n")
    with pytest.raises(ConfigError, match=f"{path}: "):
        counterfactual_config(cfg)


def test_differences_never_claim_what_rounding_erases():
    same = Difference("autonomy", 2035, 0.7912, 0.7908, 2)
    assert not same.shown and "the same" in same.text("without")
    apart = Difference("autonomy", 2035, 0.70, 0.79, 2)
    assert apart.shown and "(-0.09)" in apart.text("without")
    # the difference shown is that of the values shown
    index = Difference("capability", 2035, 92.4, 99.6, 0)
    assert "92 against 100 without (-8)" in index.text("without")
    share = Difference("shortfall", 2035, 12.4, 9.5, 1, percent=True)
    assert "12.4 % against 9.5 % without (+2.9 points)" in share.text("without")


def test_the_run_folder_holds_the_counterfactual_and_reads_it_back(tmp_path):
    result = run_pair(_cli_config("austerity_2012", end_year=2016))
    path = write_run(result, tmp_path)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["counterfactual"]["folder"] == COUNTERFACTUAL
    assert manifest["counterfactual"]["kind"] == "baseline"
    sub = json.loads((path / COUNTERFACTUAL / "manifest.json").read_text())
    assert sub["variant"] == "counterfactual"
    assert sub["scenario"].endswith("without the budget changes and the budget rules")
    folder = RunFolder(path)
    assert folder.counterfactual is not None and folder.counterfactual.counterfactual is None
    _same(folder.counterfactual.tables, result.counterfactual.tables)
    # the contract of the run's own tables is unchanged
    assert sorted(p.name for p in path.glob("*.parquet")) == sorted(
        f"{name}.parquet" for name, _ in result.tables.items()
    )


def test_without_a_counterfactual_nothing_extra_is_written(tmp_path):
    result = run_pair(_cli_config("austerity_2012", end_year=2014, counterfactual="none"))
    assert result.counterfactual is None
    path = write_run(result, tmp_path)
    assert not (path / COUNTERFACTUAL).exists()
    assert "counterfactual" not in json.loads((path / "manifest.json").read_text())
    assert RunFolder(path).counterfactual is None


def test_the_summary_counts_the_deepenings_by_the_goal_that_carried_them():
    """Every tie formed or deepened to form 2 or more by agreement carries one of the
    three goals as its motive; the summary counts them, with and without the cuts."""
    from imssim.model.motives import MOTIVES
    from imssim.present.effects import motive_counts

    result = run_pair(_cli_config("austerity_2012", end_year=2020))
    cf = result.counterfactual
    assert cf is not None
    e = result.tables.events
    agreed = e[e["kind"].isin(["formed", "deepened"]) & (e["to_form"] >= 2)]
    agreed = agreed[agreed["reason"].isin(["mutual_gain", "specialisation", "task_swap"])]
    assert set(agreed["motive"]) <= set(MOTIVES) and len(agreed) > 0
    counts = motive_counts(result.tables)
    assert sum(counts.values()) == len(agreed)
    lines = effect_lines(result.tables, cf.tables, "NLD", "austerity_2012", "without it")
    line = next(x for x in lines if "by the goal that weighed most" in x)
    assert f"economic {counts['economic']}, military {counts['military']}" in line
    assert f"against economic {motive_counts(cf.tables)['economic']}" in line
