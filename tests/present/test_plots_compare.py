"""Comparing runs: finding them, the numbers drawn, the files written, imssim-plot."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imssim.cli.plot import main as plot_main
from imssim.errors import ImssimError
from imssim.present.outcome_table import outcomes
from imssim.present.plots.compare import headline_outcomes, outcomes_over_time
from imssim.present.plots.registry import COMPARE_FIGURES, FIGURES
from imssim.present.plots.writer import FigureOptions, make_compare_figures
from imssim.runs.find import find_runs
from imssim.runs.folders import RunFolder

# the comparison figures of runs without counterfactuals (as the sweep fixture's)
PLAIN = [n for n in COMPARE_FIGURES if not FIGURES[n].counterfactual]


@pytest.fixture(scope="module")
def sweep_runs(sweep_folder) -> list[RunFolder]:
    return find_runs([sweep_folder])


def _jobs(sweep_folder: Path) -> list[Path]:
    return sorted(p for p in sweep_folder.iterdir() if (p / "manifest.json").is_file())


def _copy(sources: list[Path], target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for src in sources:
        shutil.copytree(src, target / src.name)
    return target


def _focal_index(run: RunFolder, year: int, column: str = "capacity_to_act") -> float:
    c = run.tables.countries
    own = c[c["country"] == run.config.focal].set_index("year")[column]
    return 100.0 * float(own.loc[year]) / float(own.loc[own.index.min()])


# --------------------------------------------------------------------------- finding runs


@pytest.mark.slow
def test_find_runs_finds_every_job_of_a_sweep_once_in_order(sweep_folder, sweep_runs):
    assert len(sweep_runs) == 8
    assert [r.path.name for r in sweep_runs] == [p.name for p in _jobs(sweep_folder)]
    # a job named twice (itself and through its sweep) is still one run
    again = find_runs([sweep_folder, _jobs(sweep_folder)[3]])
    assert [r.path for r in again] == [r.path for r in sweep_runs]
    assert {(r.config.scenario.name, r.config.policy.name) for r in sweep_runs} == {
        (s, p)
        for s in ("baseline", "austerity_2012")
        for p in ("default", "fewer_partners_more_intensive")
    }


def test_find_runs_skips_hidden_folders_of_runs_being_written(tmp_path, sweep_folder):
    jobs = _jobs(sweep_folder)
    root = _copy(jobs[:1], tmp_path / "sweep")
    shutil.copytree(jobs[1], root / ".tmp-unfinished")
    found = find_runs(root)
    assert [r.path.name for r in found] == [jobs[0].name]


def test_find_runs_names_a_missing_or_empty_folder(tmp_path):
    with pytest.raises(ImssimError, match="no such folder") as missing:
        find_runs([tmp_path / "nowhere"])
    assert str(tmp_path / "nowhere") in str(missing.value)
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    with pytest.raises(ImssimError, match="no run folder") as empty:
        find_runs([tmp_path / "empty"])
    assert "\n" not in str(empty.value)


# --------------------------------------------------------------------------- the numbers


def test_group_medians_equal_medians_computed_from_the_tables(sweep_runs):
    _, stats = outcomes_over_time(sweep_runs)
    group = "austerity_2012 / default"
    members = [
        r
        for r in sweep_runs
        if (r.config.scenario.name, r.config.policy.name) == ("austerity_2012", "default")
    ]
    assert len(members) == 2
    row = stats[
        (stats["group"] == group)
        & (stats["measure"] == "capacity_to_act_index")
        & (stats["year"] == 2020)
    ].iloc[0]
    by_hand = [_focal_index(r, 2020) for r in members]
    assert row["n_runs"] == 2
    assert row["median"] == pytest.approx(np.median(by_hand))
    assert row["min"] == pytest.approx(min(by_hand)) and row["max"] == pytest.approx(max(by_hand))
    assert min(by_hand) <= row["p10"] <= row["p90"] <= max(by_hand)

    shortfall = stats[
        (stats["group"] == group) & (stats["measure"] == "shortfall_pct") & (stats["year"] == 2018)
    ].iloc[0]
    values = [
        100.0 * float(r.tables.alliance.set_index("year").loc[2018, "shortfall_total"])
        for r in members
    ]
    assert shortfall["median"] == pytest.approx(np.median(values))


def test_one_line_per_group_and_a_band_only_where_a_group_has_several_runs(sweep_runs):
    two = [r for r in sweep_runs if r.config.scenario.name == "baseline"][:3]  # 2 + 1 runs
    fig, stats = outcomes_over_time(two, ["capacity_to_act_index", "cooperating_pairs"])
    groups = list(dict.fromkeys(stats["group"]))
    assert len(groups) == 2
    n_runs = stats.groupby("group", observed=True)["n_runs"].first()
    assert sorted(n_runs.tolist()) == [1, 2]
    drawn_axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(drawn_axes) == 2
    for ax in drawn_axes:
        lines = [a.get_gid() for a in ax.get_lines() if str(a.get_gid()).startswith("median:")]
        bands = [c.get_gid() for c in ax.collections if str(c.get_gid()).startswith("band:")]
        assert sorted(lines) == sorted(f"median:{g}" for g in groups)
        assert bands == [f"band:{g}" for g in groups if n_runs[g] > 1]
    assert stats["band"].eq(stats["n_runs"] > 1).all()


def test_headline_points_are_the_runs_final_values(sweep_runs):
    fig, drawn = headline_outcomes(sweep_runs, ["capacity_to_act_index", "autonomy"])
    assert set(drawn["year"]) == {2025}
    assert len(drawn) == 8 * 2
    for run in sweep_runs:
        row = drawn[(drawn["run"] == run.path.name) & (drawn["measure"] == "capacity_to_act_index")]
        assert float(row["value"].iloc[0]) == pytest.approx(_focal_index(run, 2025))
    for _, part in drawn.groupby(["group", "measure"], observed=True):
        assert part["median"].iloc[0] == pytest.approx(part["value"].median())
        assert (part["min"] <= part["p10"]).all() and (part["p90"] <= part["max"]).all()
    ax = fig.axes[0]
    points = [c for c in ax.collections if str(c.get_gid()).startswith("runs:")]
    assert sum(len(c.get_offsets()) for c in points) == 8
    whiskers = [a for a in ax.get_lines() if str(a.get_gid()).startswith("whisker:")]
    assert len(whiskers) == 4


def test_runs_differing_in_a_setting_beyond_the_seed_form_their_own_groups(tmp_path, sweep_folder):
    jobs = _jobs(sweep_folder)[:2]  # baseline / default, seeds 1 and 2
    root = _copy(jobs, tmp_path / "sweep")
    config = root / jobs[1].name / "config.yaml"
    text = config.read_text()
    assert "catalyst: 0.5\n" in text
    config.write_text(text.replace("catalyst: 0.5\n", "catalyst: 0.8\n"))
    frame = outcomes(root, "autonomy")
    assert list(frame["group"].cat.categories) == [
        "baseline / default (catalyst=0.5)",
        "baseline / default (catalyst=0.8)",
    ]
    assert frame.groupby("group", observed=True)["run"].nunique().tolist() == [1, 1]


def test_runs_of_different_lengths_are_compared_over_the_common_years(sweep_runs, run_folder):
    frame = outcomes([sweep_runs[0], RunFolder(run_folder)])
    assert frame.attrs["years"] == list(range(2012, 2026))
    assert set(frame["year"]) == set(range(2012, 2026))
    assert any("common years 2012-2025" in note for note in frame.attrs["notes"])


def test_runs_without_a_common_year_are_refused(tmp_path, sweep_runs, run_folder):
    late = tmp_path / "late"
    shutil.copytree(run_folder, late)
    for table in ("countries", "pairs", "alliance"):
        frame = pd.read_parquet(late / f"{table}.parquet")
        frame[frame["year"] >= 2030].to_parquet(late / f"{table}.parquet")
    with pytest.raises(ImssimError, match="share no year"):
        outcomes([sweep_runs[0], RunFolder(late)])


def test_another_focal_state_is_measured_in_every_run(sweep_runs):
    frame = outcomes(sweep_runs[:2], "autonomy", focal="DEU")
    for run in sweep_runs[:2]:
        c = run.tables.countries
        deu = c[(c["country"] == "DEU") & (c["year"] == 2025)]["autonomy"].iloc[0]
        got = frame[(frame["run"] == run.path.name) & (frame["year"] == 2025)]["value"]
        assert float(got.iloc[0]) == pytest.approx(float(deu))
    with pytest.raises(ImssimError, match="XXX"):
        outcomes(sweep_runs[:2], "autonomy", focal="XXX")


# --------------------------------------------------------------------------- files


@pytest.mark.slow
def test_compare_figures_are_written_as_png_and_svg(tmp_path, sweep_runs):
    written = make_compare_figures(
        sweep_runs, tmp_path / "figures", FigureOptions(formats=("png", "svg"))
    )
    assert list(written) == PLAIN
    for name, png in written.items():
        assert png == tmp_path / "figures" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        svg = png.with_suffix(".svg").read_text()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert "capacity to act" in svg  # text stays text
        assert png.stat().st_size > 10_000
    assert not [p for p in (tmp_path / "figures").iterdir() if p.name.startswith(".")]


def test_unknown_figures_and_measures_are_refused(tmp_path, sweep_runs):
    with pytest.raises(ImssimError, match="unknown comparison figure 'rings'"):
        make_compare_figures(sweep_runs, tmp_path, FigureOptions(which=["rings"]))
    with pytest.raises(ImssimError, match="unknown measure 'happiness'"):
        make_compare_figures(sweep_runs, tmp_path, FigureOptions(measure=["happiness"]))
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- imssim-plot


def test_plot_one_run_writes_its_figures_into_the_run_folder(tmp_path, sweep_folder, capsys):
    run = _copy(_jobs(sweep_folder)[:1], tmp_path)
    job = run / _jobs(sweep_folder)[0].name
    code = plot_main([str(job), "--figures", "indices", "--others", "DEU", "--formats", "png"])
    out = capsys.readouterr().out.split()
    assert code == 0
    assert out == [str(job / "figures" / "indices.png")]
    assert Path(out[0]).stat().st_size > 10_000


@pytest.mark.slow
def test_plot_a_sweep_writes_the_comparison_into_the_sweep_folder(tmp_path, sweep_folder, capsys):
    root = _copy(_jobs(sweep_folder)[:3], tmp_path / "sweep")
    code = plot_main([str(root), "--figures", "headline_outcomes", "--formats", "png", "pdf"])
    out = capsys.readouterr().out.split()
    assert code == 0
    figures = root.resolve() / "figures"
    assert out == [str(figures / "headline_outcomes.png"), str(figures / "headline_outcomes.pdf")]
    assert all(Path(p).stat().st_size > 0 for p in out)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--figures", "rings", "nonsense"], "unknown figure 'nonsense'"),
        (["--focal", "XXX"], "XXX"),
        (["--years", "1990"], "1990"),
    ],
)
def test_plot_bad_choices_give_one_line_and_exit_2(tmp_path, run_folder, capsys, extra, message):
    run = shutil.copytree(run_folder, tmp_path / "run")
    code = plot_main([str(run), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("imssim-plot: error: ") and message in err
    assert err.count("\n") == 1
    assert not (run / "figures").exists()


@pytest.mark.slow
def test_plot_command_on_a_missing_folder_exits_2_without_traceback(tmp_path):
    missing = tmp_path / "no_such_run"
    out = subprocess.run(
        [sys.executable, "-m", "imssim.cli.plot", str(missing)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert out.stderr == f"imssim-plot: error: no such folder: {missing}\n"
    assert out.stdout == ""


def test_plot_usage_errors_exit_2(capsys):
    assert plot_main([]) == 2
    assert "imssim-plot: error:" in capsys.readouterr().err
    assert plot_main(["somewhere", "--formats", "gif"]) == 2
