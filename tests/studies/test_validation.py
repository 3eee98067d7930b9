"""The validation against 2013-2017: the record's rules, the rank score's known answers,
the study's core function on one short run, and the command line
(experiments/validate_history.py) end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imssim.studies import validation as study
from imssim.studies.validation.pairs import variant_items
from imssim.studies.validation.record import record_pair_labels
from imssim.world import load_world

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "experiments" / "validate_history.py"
RECORD = study.RECORD
EXIT_USAGE = 2


def validate_history(*args: str) -> subprocess.CompletedProcess:
    """The command line, run as a script."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def world():
    return load_world()


@pytest.fixture(scope="module")
def record():
    return pd.read_csv(RECORD, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def short_run():
    """Seed 1 of rebound_2014 to 2014: what the study keeps of it."""
    return study.run_seed("rebound_2014", 1, last_year=2014)


# --- the record is well formed -----------------------------------------------------


def test_the_record_names_only_known_states_and_areas(record, world):
    known, areas = set(world.iso3), set(world.areas)
    named = set(record["a"]) | set(record["b"])
    for column in ("members", "movers", "lead"):
        named |= {c for cell in record[column] for c in cell.split(";")}
    named.discard("")
    assert named <= known, f"unknown state codes: {sorted(named - known)}"
    assert set(record["area"]) <= areas, f"unknown areas: {sorted(set(record['area']) - areas)}"


def test_the_record_keeps_to_2013_2017_and_the_note_s_forms(record):
    years = record["year"].astype(int)
    assert years.between(2013, 2017).all(), sorted(set(years) - set(range(2013, 2018)))
    before, after = record["form_before"].astype(int), record["form_after"].astype(int)
    assert before.between(0, 6).all() and after.between(0, 6).all()
    deepening = record["change"].isin(["began", "deepened", "joined"])
    assert (after[deepening] > before[deepening]).all()
    assert after[deepening].between(1, 6).all()


def test_every_fact_has_a_source_a_lead_and_a_certainty(record):
    for column in ("fact", "source", "lead", "led_by"):
        empty = record.loc[record[column].str.strip() == "", "fact"].tolist()
        assert not empty, f"facts without {column}: {empty}"
    urls = [u for cell in record["url"] for u in cell.split(";") if u]
    assert all(u.startswith(("http://", "https://")) for u in urls)
    assert set(record["certainty"]) <= {"certain", "form judged", "uncertain"}
    assert record["fact"].is_unique


def test_the_study_finds_no_problem_in_the_record(world):
    assert study.record_problems(study.read_record(RECORD), world) == []


def test_the_record_starts_from_the_2012_record(record, world):
    """The first fact of a pair and area starts from the pair's 2012 tie (or none)."""
    ties = {
        (frozenset((world.iso3[a], world.iso3[b])), world.areas[x]): int(f)
        for a, b, x, f in zip(world.tie_a, world.tie_b, world.tie_area, world.tie_form, strict=True)
    }
    bilateral = record[record["a"] != ""].copy()
    bilateral["key"] = [
        (frozenset((a, b)), x)
        for a, b, x in zip(bilateral["a"], bilateral["b"], bilateral["area"], strict=True)
    ]
    first = bilateral.sort_values("year", kind="stable").drop_duplicates("key")
    wrong = [
        f"{r.fact}: {r.form_before} (2012: {ties.get(r.key, 0)})"
        for r in first.itertuples(index=False)
        if int(r.form_before) != ties.get(r.key, 0)
    ]
    assert not wrong, wrong


def test_the_record_checker_catches_broken_rows(world):
    good = study.read_record(RECORD)
    bad = good.copy()
    bad.loc[0, "year"] = 2018
    bad.loc[1, "source"] = " "
    bad.loc[2, "area"] = "space"
    bad.loc[3, "members"] = "NLD;XXX"
    bad.loc[4, "form_after"] = 7
    problems = " | ".join(study.record_problems(bad, world))
    for expected in ("outside 2013-2017", "no source", "unknown area", "XXX", "outside 0-6"):
        assert expected in problems


def test_framework_facts_pair_each_mover_with_every_member(world):
    row = pd.Series({"a": "", "b": "", "members": "GBR;FIN;SWE;NOR", "movers": "FIN;SWE"})
    pairs = {frozenset((world.iso3[i], world.iso3[j])) for i, j in study.fact_pairs(row, world)}
    expected = {("FIN", "GBR"), ("FIN", "SWE"), ("FIN", "NOR"), ("SWE", "GBR"), ("SWE", "NOR")}
    assert pairs == {frozenset(p) for p in expected}
    everyone = pd.Series({"a": "", "b": "", "members": "POL;CZE;HUN", "movers": ""})
    assert len(study.fact_pairs(everyone, world)) == 3


# --- the rank score -------------------------------------------------------------------


def test_auc_of_a_perfect_ranking_is_one():
    assert study.roc_auc([0.1, 0.2, 0.3, 0.8, 0.9], [0, 0, 0, 1, 1]) == pytest.approx(1.0)


def test_auc_of_a_reversed_ranking_is_zero():
    assert study.roc_auc([0.9, 0.8, 0.3, 0.2, 0.1], [0, 0, 0, 1, 1]) == pytest.approx(0.0)


def test_auc_of_all_ties_is_one_half():
    assert study.roc_auc([1.0] * 6, [0, 1, 0, 1, 1, 0]) == pytest.approx(0.5)


def test_auc_counts_a_tie_between_classes_as_one_half():
    # positives 0.35 and 0.8 against negatives 0.1 and 0.35: 3 wins, 1 tie of 4 pairs
    assert study.roc_auc([0.1, 0.35, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(3.5 / 4)
    # 0.35 beats 0.1 but loses to 0.4; 0.8 beats both: 3 of 4
    assert study.roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)


def test_auc_is_undefined_without_one_class():
    assert np.isnan(study.roc_auc([0.1, 0.2], [1, 1]))


def test_midranks_share_the_ranks_of_ties():
    np.testing.assert_allclose(study.midranks([3.0, 1.0, 3.0, 2.0]), [3.5, 1.0, 3.5, 2.0])


# --- the study on one short run ---------------------------------------------------------


def test_run_seed_returns_the_pairs_and_years_it_promises(short_run, world):
    pairs, years = short_run.pairs, short_run.by_year
    assert list(pairs.columns) == list(study.PAIR_COLUMNS)
    assert len(pairs) == world.n_states * (world.n_states - 1) // 2
    assert list(years.columns) == list(study.YEAR_COLUMNS)
    assert years["year"].tolist() == [2013, 2014]
    assert pairs["deepened"].any() and not pairs["deepened"].all()
    # deepened: the deepest tie rose to form 2 or more, or a tie was formed or deepened to
    # form 2 or more on the way; a tie that is joint hire (form 1) at the end does not count
    last, first = pairs["bilateral_form_last"], pairs["bilateral_form_2012"]
    rose = (last > first) & (last >= study.MIN_DEEP_FORM)
    iu, ju = np.triu_indices(world.n_states, 1)
    on_the_way = short_run.deepened_area.any(axis=2)[iu, ju]
    assert (pairs["deepened"].to_numpy() == (rose.to_numpy() | on_the_way)).all()
    hire_only = (last == 1) & (first == 0) & ~on_the_way
    assert not pairs.loc[hire_only, "deepened"].any()
    assert (pairs["deepened"] <= pairs["deepened_with_frameworks"]).all()


def test_run_seed_is_deterministic(short_run):
    again = study.run_seed("rebound_2014", 1, last_year=2014)
    pd.testing.assert_frame_equal(short_run.pairs, again.pairs)
    np.testing.assert_array_equal(short_run.effective_last, again.effective_last)


def test_the_tables_of_the_comparison_have_their_columns(short_run, world):
    record = study.read_record(RECORD)
    pairs = study.pair_table([short_run], world, record)
    iu, ju = np.triu_indices(world.n_states, 1)
    area_labels = study.record_pair_area_labels(record, world)[iu, ju]
    auc, by_seed = study.auc_tables(pairs, [short_run], 20, area_labels)
    assert set(auc["variant"]) == set(study.VARIANTS)
    assert set(auc["predictor"]) == set(study.PREDICTORS)
    assert set(study.BASELINES) <= set(study.PREDICTORS)
    assert auc["auc"].between(0, 1).all() and auc["pr_auc"].between(0, 1).all()
    assert (auc["pr_ci90_low"] <= auc["pr_ci90_high"]).all()
    assert len(by_seed) == len(study.VARIANTS) * len(study.MODEL_PREDICTORS)
    areas = auc[auc.variant == study.PAIR_AREAS].iloc[0]
    assert areas["items"] == len(pairs) * world.n_areas
    assert areas["in_record"] == area_labels.sum()
    assert areas["prevalence"] == pytest.approx(area_labels.mean())
    facts, _ = study.fact_tables(record, [short_run], world)
    assert len(facts) == len(record)
    assert set(facts["verdict"]) <= {
        "hit",
        "other area",
        "miss",
        "kept",
        "not kept",
        "reproduced",
        "not reproduced",
    }


def test_the_record_names_pair_areas_in_the_fact_s_area(record, world):
    labels = study.record_pair_area_labels(study.read_record(RECORD), world)
    assert (labels == labels.transpose(1, 0, 2)).all()
    pairs = record_pair_labels(study.read_record(RECORD), world, bilateral_only=False)
    np.testing.assert_array_equal(labels.any(axis=2), pairs)
    fra, gbr = world.index("FRA"), world.index("GBR")
    mcm = list(world.areas).index("mine_countermeasures")
    assert labels[fra, gbr, mcm]  # fra_gbr_mcm_2015


def test_the_pair_area_variant_gives_the_rules_the_pair_s_score(short_run, world):
    record = study.read_record(RECORD)
    pairs = study.pair_table([short_run], world, record)
    iu, ju = np.triu_indices(world.n_states, 1)
    area_labels = study.record_pair_area_labels(record, world)[iu, ju]
    scores, labels, seeds = variant_items(pairs, [short_run], study.PAIR_AREAS, area_labels)
    n_areas = world.n_areas
    assert labels.size == len(pairs) * n_areas
    for baseline in study.BASELINES:
        by_pair = scores[baseline].reshape(len(pairs), n_areas)
        assert (by_pair == by_pair[:, :1]).all()
    ties = study.area_deepened(short_run, with_frameworks=False)
    np.testing.assert_array_equal(scores["model: ties"], ties.ravel().astype(float))
    both = study.area_deepened(short_run, with_frameworks=True)
    assert (both >= ties).all()
    # a pair deepened in an area is a pair deepened
    assert not (ties.any(axis=1) & ~short_run.pairs["deepened"].to_numpy()).any()
    assert not (both.any(axis=1) & ~short_run.pairs["deepened_with_frameworks"].to_numpy()).any()
    assert len(seeds["model: ties"]) == 1


def test_an_unknown_scenario_stops_the_script_with_code_2(tmp_path):
    stop = validate_history("--scenario", "no_such_scenario", "--out", str(tmp_path))
    assert stop.returncode == EXIT_USAGE
    err = stop.stderr.strip().splitlines()
    assert len(err) == 1 and "unknown scenario" in err[0]
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_the_script_writes_its_tables_report_and_figure(tmp_path):
    out, report, figure = tmp_path / "out", tmp_path / "docs" / "v.md", tmp_path / "f" / "v.png"
    args = ["--scenario", "rebound_2014", "--seeds", "1", "--jobs", "1", "--resamples", "0"]
    args += ["--out", str(out), "--report", str(report), "--figure", str(figure)]
    done = validate_history(*args)
    assert done.returncode == 0, done.stderr
    names = {p.name for p in out.iterdir()}
    assert names == {
        f"{n}.csv"
        for n in ("pairs", "auc", "auc_by_seed", "facts", "fact_pairs", "by_year", "by_form")
    } | {"manifest.json"}
    assert figure.is_file() and figure.stat().st_size > 10_000
    text = report.read_text(encoding="utf-8")
    for heading in (
        "## What was compared",
        "## Fact by fact",
        "### Deepening by the pairs' 2012 form",
        "## What the comparison cannot show",
    ):
        assert heading in text
    assert "(../f/v.png)" in text
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()], "temporary files left behind"


def test_by_form_table_groups_pairs_by_their_2012_form():
    pairs = pd.DataFrame(
        {
            "max_form_2012": [0, 0, 2, 2, 2, 3],
            "record_all": [False, False, True, False, False, True],
            "share_deepened": [0.0, 0.2, 0.5, 0.0, 0.1, 1.0],
            "share_deepened_with_frameworks": [0.0, 0.2, 0.5, 0.5, 0.5, 1.0],
        }
    )
    table = study.by_form_table(pairs).set_index("max_form_2012")
    assert table["pairs"].tolist() == [2, 3, 1]
    assert table.loc[2, "record"] == pytest.approx(1 / 3)
    assert table.loc[0, "model_ties"] == pytest.approx(0.1)
    assert table.loc[2, "model_ties"] == pytest.approx(0.2)
    assert table.loc[2, "model_ties_or_frameworks"] == pytest.approx(0.5)


@pytest.mark.slow
def test_set_passes_overrides_to_the_runs_and_refuses_a_bad_one():
    plain = study.simulate("rebound_2014", 1, last_year=2013)
    none = study.simulate("rebound_2014", 1, last_year=2013, extra=["params.thematic_rate=0"])

    def thematic(tables):  # ties of opportunity (the Netherlands' 2012 ones keep theirs)
        return int((tables.events["reason"].astype(str) == "thematic").sum())

    assert thematic(none) < thematic(plain)
    refused = validate_history("--set", "params.nope=1")
    assert refused.returncode == EXIT_USAGE
    err = refused.stderr.strip().splitlines()
    assert len(err) == 1 and "--set params.nope=1" in err[0]
