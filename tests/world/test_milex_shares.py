"""The observed defence shares of GDP: the published yearly figures (milex_published.csv),
the derived input path (milex_shares.csv) and the history scenario that replays it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from imssim import check, to_config
from imssim.errors import WorldDataError
from imssim.model.economy import build_paths
from imssim.world import DATA_DIR, load_world
from imssim.world.loader import read_published_shares

ROOT = Path(__file__).resolve().parents[2]
WORLD = load_world()
START, END = 2012, 2035


def _derive_module():
    spec = importlib.util.spec_from_file_location("derive", ROOT / "scripts/derive_milex_shares.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return read_published_shares().set_index(["iso3", "year"])


@pytest.fixture(scope="module")
def history_share():
    cfg = to_config({"scenario": "history_2012_2024"})
    return build_paths(cfg.scenario, WORLD, START, END, cfg.params).share


def _sipri(code: str, year: int) -> float:
    ref = pd.read_csv(DATA_DIR / "reference_2005_2017.csv").set_index(["iso3", "year"])
    return round(float(ref.loc[(code, year), "milex_pct_gdp"]), 4)


def _spliced(published: pd.DataFrame, code: str, year: int) -> float:
    """NATO's figure for the year at the SIPRI level of 2014 (rounded as in the file)."""
    nato = published["share_pct"]
    return round(_sipri(code, 2014) * nato[(code, year)] / nato[(code, 2014)], 4)


def test_the_published_figures_are_the_ones_found(published):
    assert published.loc[("POL", 2020), "share_pct"] == 2.31
    assert published.loc[("GRC", 2020), "share_pct"] == 2.68
    assert published.loc[("SWE", 2022), "series"] == "SIPRI"
    every = published.reset_index()
    assert every["source"].str.len().min() > 10, "every figure names where it was found"
    counts = every[every["year"].between(2017, 2022)].groupby("year").size()
    assert counts.to_dict() == {2017: 27, 2018: 10, 2019: 9, 2020: 11, 2021: 13, 2022: 13}


@pytest.mark.parametrize(("code", "year"), [("POL", 2020), ("GRC", 2021), ("BGR", 2019)])
def test_the_history_path_replays_a_published_year(published, history_share, code, year):
    """A NATO figure enters the path at the SIPRI level of 2014 (docs/ODD.md, input data);
    Poland's 2020 is no longer the straight line's 3.10 % but NATO's 2.31 % (2.33 %)."""
    expected = _spliced(published, code, year)
    assert history_share[year - START, WORLD.index(code)] == pytest.approx(expected / 100)
    if code == "POL":
        assert expected == pytest.approx(2.3316)


def test_the_history_path_still_matches_the_reference_at_2014_2023_and_2024(
    published, history_share
):
    for code in ("POL", "DEU", "ITA", "LTU", "USA"):
        col = WORLD.index(code)
        assert history_share[2014 - START, col] == pytest.approx(_sipri(code, 2014) / 100)
        for year in (2023, 2024):
            expected = _spliced(published, code, year)
            assert history_share[year - START, col] == pytest.approx(expected / 100)


def test_a_year_without_a_figure_is_interpolated_between_its_neighbours():
    data = pd.read_csv(DATA_DIR / "milex_shares.csv").set_index(["iso3", "year"])
    # Poland: published every year; Czechia: nothing between 2017 and 2023
    pol = data.loc["POL"].loc[2017:2022, "source"]
    assert not pol.str.startswith("interpolated").any()
    cze = data.loc["CZE"]
    assert (cze.loc[2018:2022, "source"] == "interpolated 2017-2023").all()
    mid = cze.loc[2020, "milex_pct_gdp"]
    ends = cze.loc[2017, "milex_pct_gdp"], cze.loc[2023, "milex_pct_gdp"]
    assert mid == pytest.approx(ends[0] + 0.5 * (ends[1] - ends[0]), abs=1e-4)


def test_the_shipped_shares_are_what_the_script_derives():
    shipped = pd.read_csv(DATA_DIR / "milex_shares.csv")
    derived = _derive_module().derive()
    pd.testing.assert_frame_equal(shipped, derived, check_dtype=False)


_BREAKS = {
    "missing column": (lambda f, col: f.drop(columns=[col]), "missing column"),
    "non-numeric share": (
        lambda f, col: f.assign(**{col: f[col].astype(object).where(f.index != 4, "n/a")}),
        "not a number",
    ),
    "unknown country": (
        lambda f, col: f.assign(iso3=f["iso3"].where(f.index != 4, "XXX")),
        "unknown state 'XXX'",
    ),
    "share above 20 %": (
        lambda f, col: f.assign(**{col: f[col].where(f.index != 4, 25.0)}),
        r"\[0, 20\]",
    ),
    "negative share": (
        lambda f, col: f.assign(**{col: f[col].where(f.index != 4, -1.0)}),
        r"\[0, 20\]",
    ),
}


@pytest.mark.parametrize("kind", sorted(_BREAKS))
def test_a_broken_published_file_is_a_one_line_error(broken_world, kind):
    path = broken_world / "milex_published.csv"
    breaking, message = _BREAKS[kind]
    breaking(pd.read_csv(path), "share_pct").to_csv(path, index=False)
    with pytest.raises(WorldDataError, match=message) as info:
        read_published_shares(broken_world)
    assert "milex_published.csv" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("kind", sorted(_BREAKS))
def test_a_broken_shares_file_is_a_one_line_error(broken_world, kind):
    path = broken_world / "milex_shares.csv"
    breaking, message = _BREAKS[kind]
    breaking(pd.read_csv(path), "milex_pct_gdp").to_csv(path, index=False)
    with pytest.raises(WorldDataError, match=message) as info:
        check({"world": {"data_dir": str(broken_world)}})
    assert "milex_shares.csv" in str(info.value) and "\n" not in str(info.value)


def test_a_published_figure_without_its_source_is_refused(broken_world):
    path = broken_world / "milex_published.csv"
    frame = pd.read_csv(path)
    frame.loc[7, "source"] = ""
    frame.to_csv(path, index=False)
    with pytest.raises(WorldDataError, match="row 9 has no source"):
        read_published_shares(broken_world)
