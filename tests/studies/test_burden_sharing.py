"""Burden sharing (Olson & Zeckhauser): the rank correlation, the data, the model, the script."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imssim import run
from imssim.runs.folders import new_folder, publish
from imssim.studies.burden_sharing import (
    NATO_ACCESSION,
    SOURCE_COW,
    TABLE_COLUMNS,
    bootstrap_interval,
    combined_table,
    data_burden,
    data_burden_correlation,
    model_burden,
    model_burden_correlation,
    nato_members,
    permutation_p_value,
    spearman,
    summarise_seeds,
)
from imssim.world import load_world
from tests.conftest import _cli_config

SCRIPT = Path(__file__).resolve().parents[2] / "experiments" / "calibrate_burden.py"


@pytest.fixture(scope="module")
def world():
    return load_world()


@pytest.fixture(scope="module")
def data(world):
    return data_burden_correlation(world, n_resamples=200)


@pytest.fixture(scope="module")
def austerity(world):
    """The command line's default scenario to 2016: its countries table."""
    return run(_cli_config("austerity_2012", end_year=2016)).tables.countries


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("calibrate_burden", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- spearman -------------------------------------------------------------------------


def test_spearman_of_a_perfectly_monotone_relation_is_one():
    x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert spearman(x, [v**3 for v in x]) == pytest.approx(1.0)
    assert spearman(x, np.exp(x)) == pytest.approx(1.0)


def test_spearman_of_a_reversed_order_is_minus_one():
    assert spearman([1, 2, 3, 4, 5], [50, 40, 30, 20, 10]) == pytest.approx(-1.0)


def test_spearman_with_ties_uses_average_ranks():
    # x ranks 1, 2.5, 2.5, 4; y ranks 1, 3, 2, 4. Deviations from 2.5:
    # x: -1.5, 0, 0, 1.5; y: -1.5, 0.5, -0.5, 1.5 -> 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10)
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(3 / math.sqrt(10), abs=1e-12)
    # both tied: x ranks 1.5, 1.5, 3, 4; y ranks 1, 2.5, 2.5, 4. Deviations from 2.5:
    # x: -1, -1, 0.5, 1.5; y: -1.5, 0, 0, 1.5 -> 3.75 / sqrt(4.5 * 4.5) = 5 / 6
    assert spearman([10, 10, 20, 30], [5, 7, 7, 9]) == pytest.approx(5 / 6, abs=1e-12)


def test_spearman_agrees_with_pandas_on_random_data_with_ties():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 6, 40).astype(float)
    y = x + rng.integers(0, 4, 40)
    expected = pd.DataFrame({"x": x, "y": y}).corr(method="spearman").loc["x", "y"]
    assert spearman(x, y) == pytest.approx(expected, abs=1e-12)


def test_spearman_drops_missing_pairs_and_is_nan_when_undefined():
    assert spearman([1, 2, np.nan, 4, 5], [2, 3, 100, 5, 7]) == pytest.approx(1.0)
    assert math.isnan(spearman([1, 2, 3], [4, 4, 4]))  # a constant variable
    assert math.isnan(spearman([1, 2], [1, 2]))  # too few pairs
    with pytest.raises(ValueError):
        spearman([1, 2, 3], [1, 2])


def test_permutation_p_value_and_bootstrap_interval():
    x = np.arange(12.0)
    assert permutation_p_value(x, x, 500, seed=1) < 0.01
    rng = np.random.default_rng(0)
    p = permutation_p_value(x, rng.permutation(x), 500, seed=1)
    assert 0.0 < p <= 1.0
    low, high = bootstrap_interval(x, x + rng.normal(0, 3, 12), 0.90, 500, seed=1)
    assert -1.0 <= low <= high <= 1.0


# --- the data -------------------------------------------------------------------------


def test_nato_membership_by_year(world):
    assert len(nato_members(2008)) == 26
    assert set(nato_members(2009)) - set(nato_members(2008)) == {"ALB", "HRV"}
    assert "MNE" in nato_members(2017) and "MNE" not in nato_members(2016)
    # the accession table agrees with the world's 2012 flag
    flagged = {c for c, member in zip(world.iso3, world.nato, strict=True) if member}
    assert set(nato_members(2012, world.iso3)) == flagged
    assert set(NATO_ACCESSION) <= set(world.reference["iso3"])


def test_data_shares_come_from_the_world_bank_with_the_cow_fallback(world):
    burden = data_burden(world).set_index(["iso3", "year"])
    ref = world.reference.set_index(["iso3", "year"])
    assert burden.loc[("NLD", 2011), "milex_share"] == pytest.approx(
        ref.loc[("NLD", 2011), "milex_pct_gdp"] / 100
    )
    # Iceland 2005: no SIPRI share, COW expenditure / GDP instead; 2007: COW -9 = missing
    assert burden.loc[("ISL", 2005), "share_source"] == SOURCE_COW
    assert burden.loc[("ISL", 2005), "milex_share"] == pytest.approx(
        ref.loc[("ISL", 2005), "cow_milex_thousand_usd"]
        * 1e3
        / ref.loc[("ISL", 2005), "gdp_current_usd"]
    )
    assert np.isnan(burden.loc[("ISL", 2007), "milex_share"])
    assert not data_burden(world, cow_fallback=False)["share_source"].eq(SOURCE_COW).any()
    assert (burden["milex_share"].dropna() >= 0).all()


def test_data_rho_is_finite_for_every_year_with_enough_members(data):
    assert list(data["year"]) == list(range(2005, 2018))
    enough = data[data["n_members"] >= 20]
    assert list(enough["year"]) == list(range(2005, 2017))  # 2017: no figures at all
    assert np.isfinite(enough["rho"]).all()
    assert enough["rho"].between(-1, 1).all()
    assert (enough["ci90_low"] <= enough["rho"]).all()
    assert (enough["rho"] <= enough["ci90_high"]).all()
    assert enough["p_value"].between(0, 1).all()
    by_year = data.set_index("year")
    assert by_year.loc[2017, "n_members"] == 0 and np.isnan(by_year.loc[2017, "rho"])
    assert by_year.loc[2008, "n_members"] == 25  # 26 members, Iceland without figures
    assert by_year.loc[2011, "n_members"] == 28


def test_fixed_membership_differs_only_before_2009(world, data):
    fixed = data_burden_correlation(world, membership="2012", n_resamples=0).set_index("year")
    by_year = data.set_index("year")
    later = range(2009, 2017)
    assert np.allclose(fixed.loc[later, "rho"], by_year.loc[later, "rho"])
    with pytest.raises(ValueError):
        data_burden_correlation(world, membership="1999")


# --- the model ------------------------------------------------------------------------


def test_model_2012_shares_reproduce_the_data_2011_shares(world, austerity):
    model = model_burden(austerity, world)
    first = model[model["year"] == 2012].set_index("iso3")
    assert len(first) == 28
    observed = data_burden(world).query("year == 2011").set_index("iso3")
    observed = observed.loc[first.index]
    np.testing.assert_allclose(first["milex_share"], observed["milex_share"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(first["gdp"], observed["gdp"], rtol=1e-12, atol=0)


def test_model_2012_rho_equals_the_data_2011_rho(world, austerity, data):
    model = model_burden_correlation(austerity, world).set_index("year")
    assert model.loc[2012, "n_members"] == 28
    assert model.loc[2012, "rho"] == pytest.approx(
        data.set_index("year").loc[2011, "rho"], abs=1e-12
    )
    assert list(model.index) == list(range(2012, 2017))


def test_uniform_growth_without_cuts_keeps_the_ranks(world):
    countries = run(_cli_config("baseline", end_year=2015)).tables.countries
    rho = model_burden_correlation(countries, world)["rho"]
    assert np.allclose(rho, rho.iloc[0], atol=1e-12)


def test_model_table_needs_every_nato_member(world, austerity):
    with pytest.raises(ValueError, match="USA"):
        model_burden(austerity[austerity["country"] != "USA"], world)


def test_seeds_are_summarised_by_median_and_percentiles():
    per_seed = pd.DataFrame(
        {
            "scenario": "s",
            "seed": [1, 2, 3, 4, 5],
            "year": 2020,
            "n_members": 28,
            "rho": [0.1, 0.2, 0.3, 0.4, 0.5],
        }
    )
    row = summarise_seeds(per_seed).iloc[0]
    assert row["source"] == "model:s"
    assert row["rho"] == pytest.approx(0.3)
    assert row["rho_p10"] == pytest.approx(0.14)
    assert row["rho_p90"] == pytest.approx(0.46)
    assert row["n_seeds"] == 5


def test_combined_table_holds_data_and_model_rows(data):
    per_seed = pd.DataFrame(
        {"scenario": "x", "seed": [1, 2], "year": [2012, 2012], "n_members": 28, "rho": 0.4}
    )
    table = combined_table(data, per_seed)
    assert tuple(table.columns) == TABLE_COLUMNS
    assert set(table["source"]) == {"data", "model:x"}
    assert len(table) == len(data) + 1


# --- the script -----------------------------------------------------------------------


@pytest.mark.slow
def test_script_writes_table_chart_and_manifest(script, tmp_path, capsys):
    out = tmp_path / "calibration"
    args = ["--scenarios", "austerity_2012", "--seeds", "2", "--end-year", "2015"]
    folder = script.main([*args, "--out", str(out), "--resamples", "100"])
    assert folder.parent == out and folder.is_dir()
    names = {p.name for p in folder.iterdir()}
    assert {
        "burden_correlation.csv",
        "burden_correlation.png",
        "burden_correlation.svg",
        "manifest.json",
    } <= names
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary folder left
    table = pd.read_csv(folder / "burden_correlation.csv")
    model = table[table["source"] == "model:austerity_2012"]
    assert list(model["year"]) == [2012, 2013, 2014, 2015]
    assert (model["n_seeds"] == 2).all()
    assert (table["source"] == "data").sum() == 13
    assert (folder / "burden_correlation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seeds"] == [1, 2]
    assert manifest["arguments"]["scenarios"] == ["austerity_2012"]
    assert "pandas" in manifest["versions"] and manifest["code_revision"]
    printed = capsys.readouterr().out
    assert str(folder) in printed and "model:austerity_2012" in printed


def test_output_folders_are_never_overwritten(tmp_path):
    root = tmp_path / "out"
    tmp, final = new_folder(root, "20260101-000000_burden_correlation")
    first = publish(tmp, final)
    tmp2, final2 = new_folder(root, "20260101-000000_burden_correlation")
    assert final2 != first
    (first / "keep").write_text("x")
    second = publish(tmp2, first)  # even when told to use the taken name
    assert second != first and (first / "keep").is_file()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--scenarios", "no_such_scenario"], "unknown scenario 'no_such_scenario'"),
        (["--seeds", "0"], "--seeds"),
        (["--end-year", "2012"], "--end-year"),
        (["--seeds", "many"], "invalid int value"),
        (["--colour", "red"], "unrecognized arguments"),
    ],
)
def test_script_bad_arguments_exit_2_with_one_line(script, tmp_path, capsys, args, fragment):
    out = tmp_path / "never"
    with pytest.raises(SystemExit) as exc:
        script.main([*args, "--out", str(out)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("calibrate_burden: error:")
    assert fragment in err
    assert not out.exists()
