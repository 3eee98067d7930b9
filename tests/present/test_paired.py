"""Ensembles: runs paired with their own counterfactuals seed by seed, the chart of the
effects across seeds, its caption and the summary of ``imssim replicates=N``."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imssim.cli.plot import main as plot_main
from imssim.config.compose import compose_config
from imssim.outcomes import DEFAULT_MEASURES, EFFECTS, OUTCOMES
from imssim.present.outcome_table import summarise_groups
from imssim.present.paired import (
    NoCounterfactual,
    ensemble_lines,
    paired_outcomes,
)
from imssim.present.plots.ensemble import effects_over_time
from imssim.present.plots.writer import FigureOptions, make_compare_figures
from imssim.present.report import write_report
from imssim.present.report.captions import compare_captions
from imssim.runs.find import find_runs
from imssim.runs.folders import RunFolder
from imssim.runs.sweep import execute_job

END = 2016
SEEDS = 3


@pytest.fixture(scope="module")
def paired_sweep(tmp_path_factory) -> Path:
    """``imssim replicates=3 end_year=2016`` as a sweep job writes it: three seeds of the
    command line's default scenario, each with its counterfactual."""
    root = tmp_path_factory.mktemp("paired") / "sweep"
    overrides = [f"end_year={END}", f"replicates={SEEDS}"]
    execute_job(compose_config(overrides), overrides, root, 0, say=lambda line: None)
    return root


@pytest.fixture(scope="module")
def paired_runs(paired_sweep) -> list[RunFolder]:
    return find_runs([paired_sweep])


def _expected(tables, focal: str, key: str) -> pd.Series:
    """An outcome by year read straight from the tables (not through imssim.outcomes'
    reader): the column of the focal state's row or of the alliance's, an index to the
    first year, a percentage as one."""
    outcome = OUTCOMES[key]
    if outcome.focal:
        c = tables.countries
        values = c[c["country"] == focal].set_index("year")[outcome.column].astype(float)
    else:
        values = tables.alliance.set_index("year")[outcome.column].astype(float)
    if outcome.kind == "index":
        values = 100.0 * values / values.iloc[0]
    return outcome.scale * values


def test_each_run_is_paired_with_its_own_counterfactual_seed_by_seed(paired_runs):
    frame = paired_outcomes(paired_runs)
    assert len(paired_runs) == SEEDS and frame["run"].nunique() == SEEDS
    assert frame.attrs["years"] == list(range(2012, END + 1))
    assert list(frame["variant"].cat.categories) == ["scenario", "counterfactual", "difference"]
    for run in paired_runs:
        cf = run.counterfactual
        assert cf is not None and cf.config.seed == run.config.seed
        mine = frame[frame["run"] == run.path.name]
        assert set(mine["seed"]) == {run.config.seed}
        for key in DEFAULT_MEASURES:
            rows = mine[mine["measure"] == key]
            by = {
                v: rows[rows["variant"] == v].set_index("year")["value"]
                for v in ("scenario", "counterfactual", "difference")
            }
            want = _expected(run.tables, run.config.focal, key)
            want_cf = _expected(cf.tables, run.config.focal, key)
            np.testing.assert_allclose(by["scenario"], want.to_numpy(), rtol=1e-12)
            np.testing.assert_allclose(by["counterfactual"], want_cf.to_numpy(), rtol=1e-12)
            np.testing.assert_allclose(
                by["difference"], (want - want_cf).to_numpy(), rtol=1e-12, atol=1e-12
            )


def test_the_median_difference_is_taken_of_the_paired_differences(paired_runs):
    frame = paired_outcomes(paired_runs)
    stats = summarise_groups(frame).set_index(["variant", "measure", "year"])
    wide = frame.pivot_table(
        index=["measure", "year", "run"], columns="variant", values="value", observed=True
    )
    gaps = 0
    for (key, year), part in wide.groupby(level=["measure", "year"], observed=True):
        paired = float(np.median(part["scenario"] - part["counterfactual"]))
        assert stats.loc[("difference", key, year), "median"] == pytest.approx(paired, abs=1e-12)
        apart = float(np.median(part["scenario"]) - np.median(part["counterfactual"]))
        gaps += not np.isclose(paired, apart)
    assert gaps > 0  # seeds where the two differ: pairing matters in these runs


def test_summaries_of_variants_in_a_constructed_case():
    # three seeds: the scenario's median minus the counterfactual's is +5, while the
    # median of the runs' own differences is -5
    rows = []
    for run, (s, c) in enumerate(((0.0, 5.0), (10.0, 0.0), (20.0, 30.0))):
        for variant, value in (("scenario", s), ("counterfactual", c), ("difference", s - c)):
            rows.append(
                {
                    "run": f"r{run}",
                    "group": "g",
                    "scenario": "x",
                    "policy": "p",
                    "variant": variant,
                    "measure": "autonomy",
                    "year": 2012,
                    "value": value,
                }
            )
    stats = summarise_groups(pd.DataFrame(rows)).set_index("variant")
    assert stats.loc["scenario", "median"] - stats.loc["counterfactual", "median"] == 5.0
    assert stats.loc["difference", "median"] == -5.0
    assert stats.loc["difference", "p10"] == pytest.approx(-9.0)  # of -5, 10, -10
    assert stats.loc["difference", "p90"] == pytest.approx(7.0)
    assert set(stats["n_runs"]) == {3}


def test_the_chart_draws_its_frame(paired_runs):
    fig, stats = effects_over_time(paired_runs)
    group = str(stats["group"].iloc[0])
    lines = {line.get_gid(): line for ax in fig.axes for line in ax.get_lines() if line.get_gid()}
    left_axes = fig.axes[0::2]
    for ax, key in zip(left_axes, DEFAULT_MEASURES, strict=True):
        part = stats[stats["measure"] == key]
        for variant, gid in (
            ("scenario", f"median:{group}"),
            ("counterfactual", f"median:{group}:counterfactual"),
        ):
            (line,) = [x for x in ax.get_lines() if x.get_gid() == gid]
            want = part[part["variant"] == variant].sort_values("year")["median"]
            np.testing.assert_allclose(line.get_ydata(), want.to_numpy())
    for ax, key in zip(fig.axes[1::2], DEFAULT_MEASURES, strict=True):
        (line,) = [x for x in ax.get_lines() if x.get_gid() == f"median:{group}:diff"]
        want = stats[(stats["measure"] == key) & (stats["variant"] == "difference")]
        np.testing.assert_allclose(line.get_ydata(), want.sort_values("year")["median"])
        assert "(" in ax.get_ylabel() and ax.get_ylabel().startswith("difference")
    assert lines and "3 seeds" in fig.get_suptitle() and "10-90 %" in fig.get_suptitle()
    assert "without the budget changes" in fig.get_suptitle()


def test_without_counterfactuals_the_chart_is_skipped_or_refused(tmp_path, sweep_folder, capsys):
    runs = find_runs([sweep_folder])  # run without their counterfactuals
    with pytest.raises(NoCounterfactual, match="none of the runs has a counterfactual"):
        paired_outcomes(runs)
    assert ensemble_lines(runs) == []
    options = FigureOptions(measure="autonomy")  # one panel each, to be quick
    written = make_compare_figures(runs, tmp_path / "all", options)
    assert "effects_over_time" not in written and "outcomes_over_time" in written
    assert not (tmp_path / "all" / "effects_over_time.png").exists()
    code = plot_main(
        [str(sweep_folder), "--figures", "effects_over_time", "--out", str(tmp_path / "one")]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "effects_over_time not drawn" in err and "counterfactual" in err


@pytest.mark.slow
def test_the_report_shows_the_chart_with_its_caption(tmp_path, paired_sweep, paired_runs):
    root = Path(shutil.copytree(paired_sweep, tmp_path / "sweep"))
    page = write_report(root, formats=("png",)).read_text(encoding="utf-8")
    caption = compare_captions(paired_runs)["effects_over_time"]
    assert "What the scenario changes, across seeds" in page
    assert f"over {SEEDS} seeds" in caption and "the paired difference" in caption
    assert "without the budget changes" in caption
    # the sentence's numbers are the frame's: the paired median difference of the last year
    frame = paired_outcomes(paired_runs)
    end = summarise_groups(frame[frame["year"] == END]).set_index(["variant", "measure"])
    key = DEFAULT_MEASURES[0]
    value = end.loc[("difference", key), "median"]
    assert f"the paired difference {round(value) + 0.0:+.0f} (" in caption
    import html

    assert html.escape(caption.split(":")[0]) in page


def test_the_summary_gives_each_effect_across_the_seeds(paired_runs):
    lines = ensemble_lines(paired_runs)
    assert len(lines) == 1 + len(EFFECTS)
    assert f"over {SEEDS} seeds" in lines[0] and "10-90 %" in lines[0] and str(END) in lines[0]
    frame = paired_outcomes(paired_runs, EFFECTS, known=OUTCOMES)
    end = summarise_groups(frame[frame["year"] == END]).set_index(["variant", "measure"])
    shortfall = next(k for k in EFFECTS if OUTCOMES[k].percent)
    line = next(x for x in lines if OUTCOMES[shortfall].description in x)
    diff = end.loc[("difference", shortfall), "median"]
    assert f"difference {diff:+.1f} points" in line
    assert f"{end.loc[('scenario', shortfall), 'median']:.1f} %" in line
