"""The outcome registry (imssim.outcomes): every outcome computes from a run's tables,
its kind, unit and way of writing agree, and the charts, the summary and the sweeps
name and compute the outcomes from it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from imssim import outcomes as reg
from imssim.outcomes import (
    COMPARED,
    DEFAULT_MEASURES,
    DIFF,
    EFFECTS,
    HEADLINE,
    KINDS,
    MEASURES,
    OUTCOMES,
    values_in,
    yearly,
)


@pytest.fixture(scope="module")
def pair():
    """A short run with its counterfactual (the command line's default scenario)."""
    from imssim.runs.api import run_pair

    return run_pair({"scenario": "austerity_2012", "end_year": 2016, "seed": 5})


def test_every_outcome_computes_from_a_short_runs_tables(pair):
    tables, focal = pair.tables, pair.config.focal
    years = sorted(tables.countries["year"].unique())
    frame = yearly(tables, focal, OUTCOMES)
    assert list(frame.columns) == list(OUTCOMES)
    assert list(frame.index) == years and frame.index.name == "year"
    assert frame.notna().all().all()
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    own = tables.countries[tables.countries["country"] == focal].set_index("year")
    alliance = tables.alliance.set_index("year")
    for key, outcome in OUTCOMES.items():
        if outcome.compute is not None:
            continue
        source = (own if outcome.focal else alliance)[outcome.column].to_numpy(float)
        if outcome.kind == "index":  # 100 in the run's first year
            source = 100.0 * source / source[0]
        assert np.allclose(frame[key].to_numpy(), outcome.scale * source, rtol=1e-12), key


def test_one_name_one_quantity_in_one_unit():
    """A key equals the column it reads only where its values are the column's: an index
    is <column>_index, a percentage <name>_pct."""
    for key, o in OUTCOMES.items():
        if o.kind == "index":
            assert key == f"{o.column}_index", key
        elif o.percent:
            assert key.endswith("_pct") and key != o.column, key
        elif o.compute is None and key in ("capacity_to_act", "budget", "shortfall_total"):
            raise AssertionError(key)
    assert "capacity_to_act" not in OUTCOMES  # the absolute capacity is the table's column


def test_kinds_units_and_writing_agree(pair):
    frame = yearly(pair.tables, pair.config.focal, OUTCOMES)
    for key, o in OUTCOMES.items():
        assert o.key == key and o.kind in KINDS and o.table in ("countries", "alliance")
        assert o.label and o.description and o.unit and o.title and o.axis_label and o.phrase
        assert o.label[0].islower(), key  # in a sentence
        assert o.title[0].isupper(), key  # a panel title
        values = frame[key]
        if o.kind == "index":
            assert o.focal and o.unit == "index points" and "{base} = 100" in o.axis_label
            assert o.decimals == 0 and "{base}" in o.phrase and not o.percent
            assert values.iloc[0] == pytest.approx(100.0)
        elif o.kind == "share":
            assert values.between(0.0, 100.0 if o.percent else 1.0).all()
            assert o.axis_range is not None and o.axis_range[0] == 0.0
            assert ("%" in o.unit and "%" in o.axis_label) == o.percent, key
        elif o.kind == "count":
            assert (values >= 0).all() and (values == values.round()).all()
            assert o.decimals == 0 and o.axis_range == (0.0, None) and not o.percent
        if o.percent:
            assert o.kind == "share" and o.scale == 100.0 and o.suffix == " %"
        else:
            assert o.scale == 1.0 and o.suffix == ""
        assert ("{focal}" in o.phrase) == o.focal, key


def test_selections_name_outcomes_of_the_registry():
    assert set(HEADLINE) <= set(OUTCOMES) and set(COMPARED) <= set(HEADLINE)
    assert set(EFFECTS) <= set(OUTCOMES)
    assert set(DEFAULT_MEASURES) <= set(MEASURES)
    assert all(m is OUTCOMES[m.key] for m in MEASURES.values())
    # the charts take the registry's own keys
    assert list(MEASURES) == [
        "capacity_to_act_index",
        "budget_index",
        "autonomy",
        "mean_form",
        "mean_lasting_form",
        "cooperating_pairs",
        "shortfall_pct",
    ]
    assert all(key == m.key for key, m in MEASURES.items())


def test_differences_are_named_from_their_outcome():
    assert reg.label("shortfall_pct" + DIFF) == "alliance shortfall, against the counterfactual"
    assert reg.unit("shortfall_pct") == "% of the requirement"
    assert reg.unit("shortfall_pct" + DIFF) == "percentage points"
    assert reg.label("autonomy") == "autonomy"
    assert reg.label("something_else") == "something_else"  # an outcome of another study
    assert reg.unit("autonomy" + DIFF) == reg.unit("autonomy") == "0-1 scale"
    assert reg.unit("something_else") is None
    assert reg.description("cooperating_pairs" + DIFF) == (
        "cooperating pairs (bilateral ties of any form), run minus counterfactual"
    )
    described = reg.headline_descriptions()
    assert list(described) == [*HEADLINE, *(k + DIFF for k in COMPARED)]


def test_the_headline_values_are_the_outcomes_in_the_last_year(pair):
    tables, focal = pair.tables, pair.config.focal
    values = values_in(tables, focal)
    assert list(values) == list(HEADLINE)
    frame = yearly(tables, focal, HEADLINE)
    last, first = frame.index[-1], frame.index[0]
    for key in HEADLINE:
        assert values[key] == frame.at[last, key]
    assert values_in(tables, focal, int(first))["capacity_to_act_index"] == pytest.approx(100.0)
    alliance = tables.alliance.set_index("year")
    assert values["shortfall_pct"] == pytest.approx(100.0 * alliance.at[last, "shortfall_total"])


def test_a_sweep_records_the_headline_outcomes_and_their_differences(pair):
    from imssim.runs.sweep import headline

    head = headline(pair)
    assert list(head) == [*HEADLINE, *(k + DIFF for k in COMPARED)]
    mine = values_in(pair.tables, pair.config.focal)
    other = values_in(pair.counterfactual.tables, pair.config.focal)
    for key in COMPARED:
        assert head[key + DIFF] == round(mine[key] - other[key], 10)


def test_an_outcome_computed_from_the_tables(pair, monkeypatch):
    def partners_per_area(tables, focal):
        own = tables.countries[tables.countries["country"] == focal].set_index("year")
        return own["n_partners_bilateral"] / own["n_areas_held"]

    extra = dataclasses.replace(
        OUTCOMES["n_partners_bilateral"], key="per_area", kind="value", compute=partners_per_area
    )
    monkeypatch.setitem(OUTCOMES, "per_area", extra)
    frame = yearly(pair.tables, pair.config.focal, ["per_area", "n_partners_bilateral"])
    expected = (
        frame["n_partners_bilateral"]
        / yearly(pair.tables, pair.config.focal, ["n_areas_held"])["n_areas_held"]
    )
    pd.testing.assert_series_equal(frame["per_area"], expected, check_names=False)


def test_a_focal_state_not_in_the_run_has_no_values(pair):
    frame = yearly(pair.tables, "XXX", ["autonomy", "cooperating_pairs"])
    assert frame["autonomy"].isna().all() and frame["cooperating_pairs"].notna().all()


def test_the_outcomes_read_from_arrays_are_those_matched_year_by_year(pair):
    """A run's own tables are read from their arrays; matched year by year (as for a
    state with rows missing) the values are the same, bit for bit."""
    runs = [pair, pair.counterfactual]
    shuffled = dataclasses.replace(  # rows in any order
        pair.tables,
        countries=pair.tables.countries.sample(frac=1.0, random_state=1),
        alliance=pair.tables.alliance.sample(frac=1.0, random_state=2),
    )
    for tables, focal in [*((r.tables, r.config.focal) for r in runs), (shuffled, "DEU")]:
        slow = reg._yearly_by_year(tables, focal, OUTCOMES)
        pd.testing.assert_frame_equal(yearly(tables, focal, OUTCOMES), slow, check_index_type=True)
    # a year the focal state has no row in: matched by year, NaN there
    gap = pair.tables.countries
    gap = gap[~((gap["country"] == "NLD") & (gap["year"] == 2014))]
    frame = yearly(dataclasses.replace(pair.tables, countries=gap), "NLD", HEADLINE)
    assert frame.loc[2014, "autonomy"] != frame.loc[2014, "autonomy"]  # NaN
    assert frame.drop(index=2014)["autonomy"].notna().all()


# ------------------------------------------------------------- who reads the registry


def test_the_effects_lines_take_labels_and_decimals_from_the_registry(pair):
    from imssim.present.effects import focal_differences

    last = int(pair.tables.countries["year"].max())
    first = int(pair.tables.countries["year"].min())
    diffs = focal_differences(pair.tables, pair.counterfactual.tables, pair.config.focal, last)
    assert len(diffs) == len(EFFECTS)
    for d, key in zip(diffs, EFFECTS, strict=True):
        o = OUTCOMES[key]
        if not o.focal:
            assert d.label == o.description
        elif o.kind == "index":
            assert d.label == f"{o.label} (index {first} = 100)"
        else:
            assert d.label == o.label
        assert d.decimals == o.decimals and d.percent == o.percent


def test_the_comparison_charts_take_titles_and_axes_from_the_registry(sweep_folder):
    from imssim.present.plots.compare import headline_outcomes, outcomes_over_time
    from imssim.runs.find import find_runs

    runs = find_runs(sweep_folder)[:4]
    names = ["capacity_to_act_index", "cooperating_pairs", "shortfall_pct"]
    fig, stats = outcomes_over_time(runs, names)
    base = int(stats["year"].min())
    focal = stats.attrs["names"].get(runs[0].config.focal)
    for ax, name in zip(fig.axes, names, strict=False):
        assert ax.get_title(loc="left") == MEASURES[name].chart_title(focal)
        assert ax.get_ylabel() == MEASURES[name].axis(base)
    fig, _ = headline_outcomes(runs, names)
    for ax, name in zip(fig.axes, names, strict=False):
        assert ax.get_xlabel() == MEASURES[name].axis(base)


def test_the_effects_chart_takes_its_panels_from_the_registry(pair):
    from imssim.present.plots.figures.effects import DRAWN, effects_chart

    focal = pair.config.focal
    fig, data = effects_chart(pair.tables, pair.counterfactual.tables, pair.config, focal)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert [t.split(":")[0] for t in titles] == [OUTCOMES[k].title for k in DRAWN]
    drawn = data[data["variant"] == "scenario"].set_index("year")
    shortfall = yearly(pair.tables, focal, ["shortfall_pct"])["shortfall_pct"]
    assert np.array_equal(drawn["shortfall_total"].to_numpy(), shortfall.to_numpy())


def test_the_mean_lasting_form_leaves_joint_hire_out(pair):
    """Known answer from the pairs table: each unordered pair once, at its deepest
    bilateral form, only those at form 2 or more; it lies in 2-6 and is at least the
    mean over all ties (which counts joint hire, form 1)."""
    tables = pair.tables
    frame = yearly(tables, pair.config.focal, ["mean_lasting_form", "mean_form"])
    p = tables.pairs
    for year in (2012, 2014, 2016):
        view = p[(p["year"] == year) & (p["bilateral_form"] >= 2)]
        rows = zip(view["country"], view["partner"], view["bilateral_form"], strict=True)
        forms = [int(f) for c, q, f in rows if str(c) < str(q)]
        assert frame.loc[year, "mean_lasting_form"] == pytest.approx(sum(forms) / len(forms))
    assert frame["mean_lasting_form"].between(2.0, 6.0).all()
    assert (frame["mean_lasting_form"] > frame["mean_form"]).all()


def test_a_measure_s_note_is_carried_to_the_comparison(sweep_folder):
    from imssim.present.outcome_table import outcomes

    note = MEASURES["mean_form"].note
    assert "joint hire" in note and "2013-2014" in note
    with_note = outcomes(sweep_folder, ["mean_form", "shortfall_pct"])
    assert note in with_note.attrs["notes"]
    assert note not in outcomes(sweep_folder, ["mean_lasting_form"]).attrs["notes"]
