"""Calibration to the record (imssim-calibrate): the study's checks, the targets' known
answers, the posterior's summary, resuming, and the recovery of a parameter from data
the model made itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from imssim.studies.calibration import targets as tg
from imssim.studies.calibration.results import (
    SUMMARY_COLUMNS,
    calibrated_yaml,
    weighted_quantile,
)
from imssim.studies.calibration.study import base_config, parse_study
from imssim.studies.sensitivity.study import StudyError

pyabc = pytest.importorskip("pyabc")

GOOD = {
    "parameters": ["params.goal_weight_economic"],
    "targets": ["deepenings"],
    "truth": {"params.goal_weight_economic": 0.4},
    "base": ["scenario=baseline"],
}


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"populaton": 10}, "populaton: unknown key"),
        ({"parameters": ["params.no_such"]}, "parameters.params.no_such"),
        ({"parameters": {"params.goal_weight_economic": [0.5, 0.2]}}, "impossible prior"),
        (
            {"parameters": {"params.goal_weight_economic": [-1.0, 0.2]}},
            "within the setting's bounds",
        ),
        ({"targets": ["record_auc", "nope"]}, "unknown target 'nope'"),
        ({"targets": {"deepenings": 0}}, "a weight must be a number above 0"),
        ({"truth": None}, "needs truth:"),
        ({"truth": {"params.goal_weight_economic": 0.9}}, "must lie within its prior"),
        ({"truth": {"catalyst": 0.5}}, "truth.catalyst: is not one of the study's parameters"),
        ({"population": 3}, "population: must be a whole number from 10"),
        ({"seeds": True}, "seeds: must be a whole number"),
        ({"min_epsilon": -1}, "min_epsilon"),
    ],
)
def test_a_bad_study_is_one_line_naming_the_key(change, needle):
    with pytest.raises(StudyError) as err:
        parse_study({**GOOD, **change}, "bad")
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_the_runs_end_in_2017_and_the_base_may_not_set_what_the_study_sets():
    study = parse_study({**GOOD, "base": ["scenario=baseline", "end_year=2030"]}, "s")
    assert base_config(study).end_year == 2017  # nothing after 2017 is simulated
    for bad in ("seed=3", "params.goal_weight_economic=0.2", "end_year=2015"):
        with pytest.raises(StudyError):
            base_config(parse_study({**GOOD, "base": ["scenario=baseline", bad]}, "s"))


def test_a_bad_study_file_exits_2_with_one_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("parameters: [params.goal_weight_economic]\ntargets: [nope]\n")
    out = subprocess.run(
        [sys.executable, "-m", "imssim.cli.calibrate", str(bad), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.yaml" in lines[0] and "unknown target 'nope'" in lines[0]
    assert not (tmp_path / "o").exists()


# ----------------------------------------------------------------------- targets


def test_the_record_s_timing_is_its_deepening_facts_by_year():
    from imssim.studies.validation.record import DEEPENING, read_record

    record = read_record()
    deep = record[record["change"].isin(DEEPENING)]
    shares = tg._record_timing(None)
    assert shares.sum() == pytest.approx(1.0)
    assert shares * len(deep) == pytest.approx([(deep["year"] == y).sum() for y in tg.YEARS])
    assert max(tg.YEARS) == 2017  # later years are held out


def test_the_distance_is_zero_at_the_observed_values_and_grows_with_the_gap():
    obs = {"deepening_timing": np.array([0.2, 0.2, 0.2, 0.2, 0.2]), "record_auc": np.array([1.0])}
    weights = {"deepening_timing": 1.0, "record_auc": 2.0}
    assert tg.distance(obs, obs, weights) == 0.0
    far = {"deepening_timing": np.array([1.0, 0, 0, 0, 0]), "record_auc": np.array([0.5])}
    # total variation 0.8 / 0.1, plus twice |0.5 - 1| / 0.1
    assert tg.distance(far, obs, weights) == pytest.approx(8.0 + 10.0)
    nan = {**far, "record_auc": np.array([np.nan])}
    assert tg.distance(nan, obs, weights) > 1e5  # a refused parameter set is far


def test_a_run_that_deepens_exactly_the_record_s_pairs_scores_1():
    from imssim.world import load_world

    world = load_world()

    class Perfect(tg.Runs):
        @property
        def deepened_share(self):
            return tg._labels(world).astype(float)

    runs = Perfect(world, (), ())
    assert tg.TARGETS["record_auc"].simulate(runs)[0] == pytest.approx(1.0)
    assert tg.TARGETS["record_ap"].simulate(runs)[0] == pytest.approx(1.0)


@given(st.lists(st.floats(-100, 100), min_size=2, max_size=40))
def test_a_weighted_quantile_with_equal_weights_lies_between_the_values(values):
    v = np.array(values)
    w = np.ones_like(v)
    q = weighted_quantile(v, w, 0.5)
    assert v.min() <= q <= v.max()
    assert weighted_quantile(v, w, 0.05) <= q <= weighted_quantile(v, w, 0.95)


def test_a_weighted_quantile_follows_the_weights():
    v = np.array([0.0, 1.0, 2.0])
    assert weighted_quantile(v, np.array([0.0, 0.0, 1.0]), 0.5) == 2.0
    assert weighted_quantile(v, np.array([1.0, 1.0, 1.0]), 0.5) == 1.0


def test_the_calibrated_set_is_a_params_option_with_its_uncertainty():
    summary = pd.DataFrame(
        [
            ("params.trust_gain", 0.04, 0.16, 0.08, np.nan, 0.1, 0.1, 0.06, 0.14, 0.67),
            ("catalyst", 0.25, 0.75, 0.5, np.nan, 0.4, 0.41, 0.3, 0.5, 0.4),
        ],
        columns=list(SUMMARY_COLUMNS),
    )
    text = calibrated_yaml(summary, ["made by a test"])
    assert yaml.safe_load(text) == {"trust_gain": 0.1}
    assert "90 %: 0.06-0.14" in text and "catalyst=0.41 on the command line" in text


# ------------------------------------------------------------- the calibration


@pytest.fixture(scope="module")
def known_answer(tmp_path_factory):
    """A small known-answer calibration: the economic goal's weight behind deepenings the
    model made at 0.4 (one process, so the populations are the same every time)."""
    from imssim.studies.calibration.calibrate import calibrate

    study = parse_study(
        {**GOOD, "seeds": 2, "population": 20, "generations": 3, "seed": 7, "check_seeds": 3},
        "known_answer_test",
    )
    folder = tmp_path_factory.mktemp("calibration") / "ka"
    return study, calibrate(study, base_config(study), folder, jobs=1, say=lambda _: None)


@pytest.mark.slow
def test_a_parameter_is_recovered_from_data_the_model_made(known_answer):
    _, done = known_answer
    row = done.summary.set_index("parameter").loc["params.goal_weight_economic"]
    assert row["q05"] <= 0.4 <= row["q95"]  # the truth lies in the 90 % interval
    assert row["interval_share"] < 0.6  # and the targets narrowed the prior
    assert abs(row["median"] - 0.4) < abs(row["default"] - 0.4)  # nearer than the default
    fit = done.fit.set_index("target").loc["deepenings"]
    assert fit["after_discrepancy"] < fit["before_discrepancy"]


@pytest.mark.slow
def test_a_calibration_leaves_its_files_and_its_params_option_runs(known_answer):
    from imssim.runs.api import run

    study, done = known_answer
    folder = done.folder
    for name in (
        "abc.db",
        "calibration.json",
        "posterior.csv",
        "summary.csv",
        "fit.csv",
        "summary.md",
        "figures/posterior.png",
        "figures/predictive.png",
    ):
        assert (folder / name).is_file(), name
    params = yaml.safe_load((folder / "params" / f"{study.name}.yaml").read_text())
    median = done.summary.set_index("parameter").at["params.goal_weight_economic", "median"]
    assert params == {"goal_weight_economic": pytest.approx(median, rel=1e-5)}
    result = run({"scenario": "baseline", "end_year": 2013, "params": params})
    assert result.config.params.goal_weight_economic == pytest.approx(median, rel=1e-5)


@pytest.mark.slow
def test_a_calibration_goes_on_from_its_last_population(known_answer, tmp_path):
    """Called again into its folder with more populations, a calibration keeps those it
    has and adds the rest; a folder holding another study is refused."""
    import dataclasses

    from imssim.studies.calibration.calibrate import calibrate
    from imssim.studies.calibration.smc import DATABASE

    study, done = known_answer
    history = pyabc.History(f"sqlite:///{done.folder / DATABASE}")
    first = history.get_distribution(m=0, t=0)[0]
    further = dataclasses.replace(study, generations=4)
    again = calibrate(further, base_config(further), done.folder, jobs=1, say=lambda _: None)
    assert again.populations["t"].max() == 3
    kept = pyabc.History(f"sqlite:///{done.folder / DATABASE}").get_distribution(m=0, t=0)[0]
    pd.testing.assert_frame_equal(first, kept)
    other = dataclasses.replace(study, seeds=1)
    with pytest.raises(StudyError, match="another study"):
        calibrate(other, base_config(other), done.folder, jobs=1, say=lambda _: None)


def test_the_shipped_calibrated_set_is_chosen_by_name_and_keeps_the_rest():
    from imssim.config import to_config
    from imssim.config.schema import ModelParams
    from imssim.errors import ConfigError

    shipped = yaml.safe_load(
        (Path(__file__).parents[2] / "conf/params/calibrated.yaml").read_text()
    )
    config = to_config({"params": "calibrated"})
    for key, value in shipped.items():
        assert getattr(config.params, key) == pytest.approx(value)
    untouched = [f for f in ModelParams.__dataclass_fields__ if f not in shipped]
    assert all(getattr(config.params, f) == getattr(ModelParams(), f) for f in untouched)
    with pytest.raises(ConfigError, match="calibrated"):
        to_config({"params": "calibratd"})


def test_the_targets_read_the_same_values_from_runs_that_keep_only_their_tables():
    """A particle's runs keep only the tables its targets read (each target names
    them): every target's value is that of runs keeping every table."""
    from imssim.runs.api import run
    from imssim.world import load_world

    names = list(tg.TARGETS)
    kept = tg.tables_read(names)
    assert kept == ("countries", "pairs", "events")
    assert tg.tables_read(["burden_rho"]) == ("countries",)
    world = load_world()
    config = {"scenario": "austerity_2012", "end_year": 2017, "seed": 5}
    full = tg.Runs(world, (run(config, world=world).tables,), (5,))
    lean = tg.Runs(world, (run(config, world=world, tables=kept).tables,), (5,))
    for name, value in tg.simulated(full, names).items():
        np.testing.assert_array_equal(tg.simulated(lean, names)[name], value, err_msg=name)
