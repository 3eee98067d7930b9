"""Sweeps: launchers, collection into runs.parquet and datasets, resume, failures,
replicate seeds (imssim.runs.sweep, imssim.runs.datasets)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from imssim.runs.api import run_pair
from imssim.runs.datasets import RUNS_FILE, Sweep, collect
from imssim.runs.find import run_folders
from imssim.runs.folders import MANIFEST, TABLES
from imssim.runs.load import load_results
from imssim.runs.sweep import (
    count_runs,
    execute_job,
    parameter_overrides,
    replicate_seeds,
    run_key,
    with_columns,
)

SMALL = ["end_year=2014", "output.figures=false"]


def imssim(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imssim", *args, *SMALL, f"output.root={root}"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def the_sweep(root: Path) -> Path:
    (sweep,) = [p for p in root.iterdir() if p.is_dir()]
    return sweep


def tables_of(sweep: Path, name: str) -> pd.DataFrame:
    frame = pd.read_parquet(sweep / "tables" / name)
    return frame.sort_values([c for c in ("run_id", "year", "country") if c in frame]).reset_index(
        drop=True
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "launcher",
    [
        ["hydra/launcher=basic"],
        ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
        ["hydra/launcher=submitit_local"],
    ],
    ids=["basic", "joblib", "submitit_local"],
)
def test_a_small_sweep_is_collected_under_every_launcher(tmp_path, launcher):
    out = imssim(tmp_path, "-m", "scenario=baseline,austerity_2012", "seed=1,2", *launcher)
    assert out.returncode == 0, out.stderr[-3000:]
    sweep = the_sweep(tmp_path)
    runs = pd.read_parquet(sweep / RUNS_FILE)
    assert len(runs) == 4 and set(runs["status"]) == {"completed"}
    # every overridden key has its own column; where and how results go is not a parameter
    assert {"scenario", "end_year", "seed"} <= set(runs.columns)
    assert not any(c.startswith(("output", "hydra")) for c in runs.columns)
    assert sorted(zip(runs["scenario"], runs["seed"], strict=True)) == [
        ("austerity_2012", 1),
        ("austerity_2012", 2),
        ("baseline", 1),
        ("baseline", 2),
    ]
    assert (runs["end_year"] == 2014).all()
    # headline outcomes with their differences from the counterfactual: the baseline's
    # counterfactual is itself, the 2012 cuts lower the focal state's capacity to act
    base = runs[runs["scenario"] == "baseline"]
    cuts = runs[runs["scenario"] == "austerity_2012"]
    assert np.allclose(base["capacity_to_act_index_diff"], 0.0)
    assert (cuts["capacity_to_act_index_diff"] < 0).all()
    assert runs["cooperating_pairs"].gt(0).all() and runs["mean_form"].between(1, 6).all()
    # the per-year datasets: all runs, with run id and parameters, read as is
    countries = pd.read_parquet(sweep / "tables" / "countries")
    assert countries["run_id"].nunique() == 4
    assert {"scenario", "end_year", "seed", "replicate"} <= set(countries.columns)
    assert len(countries) == 4 * 3 * countries["country"].nunique()
    assert ds.dataset(sweep / "tables" / "pairs").count_rows() == len(
        pd.read_parquet(sweep / "tables" / "pairs")
    )
    glob = str(sweep / "tables" / "events" / "*.parquet")
    rows = duckdb.sql(f"select count(distinct run_id) from read_parquet('{glob}')").fetchall()
    assert rows == [(4,)]
    # no leftovers of Hydra's job folders; the comparison of a run and its table rows
    assert not (sweep / ".jobs").exists()
    one = runs.iloc[0]
    folder = load_results(sweep / one["run_id"])
    mine = countries[countries["run_id"] == one["run_id"]].drop(
        columns=["run_id", "scenario", "end_year", "seed", "replicate"]
    )
    pd.testing.assert_frame_equal(
        mine.reset_index(drop=True), folder.tables.countries.reset_index(drop=True)
    )


@pytest.mark.slow
def test_load_results_opens_a_sweep(tmp_path):
    out = imssim(tmp_path, "-m", "seed=1,2", "counterfactual=none", "hydra/launcher=basic")
    assert out.returncode == 0, out.stderr[-3000:]
    sweep = load_results(the_sweep(tmp_path))
    assert isinstance(sweep, Sweep) and len(sweep.runs) == 2
    assert sweep.runs["capacity_to_act_index_diff"].isna().all()  # no counterfactual
    assert sweep.table("alliance")["run_id"].nunique() == 2
    assert sweep.run(sweep.runs["run_id"][0]).config.seed in (1, 2)


@pytest.mark.slow
def test_a_resumed_sweep_skips_complete_runs_and_equals_an_uninterrupted_one(tmp_path):
    args = ["-m", "scenario=baseline,austerity_2012", "seed=1,2,3", "hydra/launcher=basic"]
    whole = imssim(tmp_path / "a", *args, "sweep.name=s")
    assert whole.returncode == 0, whole.stderr[-3000:]
    # the same sweep, killed after its second run, then run again
    root = tmp_path / "b"
    command = [sys.executable, "-m", "imssim", *args, "sweep.name=s", *SMALL]
    process = subprocess.Popen(
        [*command, f"output.root={root}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while len(run_folders(root / "s")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done = len(run_folders(root / "s"))
    assert 2 <= done < 6
    assert not (root / "s" / RUNS_FILE).exists()
    again = imssim(root, *args, "sweep.name=s")
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("complete already, skipped") == done
    # the same runs, the same headline outcomes and the same per-year tables
    cols = [
        "run_id",
        "scenario",
        "seed",
        "status",
        "capacity_to_act_index",
        "autonomy",
        "cooperating_pairs",
    ]
    first = pd.read_parquet(tmp_path / "a" / "s" / RUNS_FILE)[cols].sort_values("run_id")
    second = pd.read_parquet(root / "s" / RUNS_FILE)[cols].sort_values("run_id")
    pd.testing.assert_frame_equal(first.reset_index(drop=True), second.reset_index(drop=True))
    for name in TABLES:
        pd.testing.assert_frame_equal(
            tables_of(tmp_path / "a" / "s", name), tables_of(root / "s", name), obj=name
        )


FAILING = """
import sys
import imssim.runs.api

run = sys.modules["imssim.runs.api"]
real = run.run_pair

def run_pair(config, *args, **kwargs):
    if config.seed == 2:
        raise RuntimeError("injected failure")
    return real(config, *args, **kwargs)

run.run_pair = run_pair
from imssim.cli.main import main
main()
"""


@pytest.mark.slow
def test_a_failing_run_is_recorded_and_the_others_are_collected(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            FAILING,
            "-m",
            "seed=1,2,3",
            "hydra/launcher=basic",
            "sweep.name=f",
            *SMALL,
            f"output.root={tmp_path}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "failed: RuntimeError: injected failure" in out.stderr
    runs = pd.read_parquet(tmp_path / "f" / RUNS_FILE).set_index("seed")
    assert runs.loc[2, "status"] == "failed"
    assert runs.loc[2, "error"] == "RuntimeError: injected failure"
    assert np.isnan(runs.loc[2, "capacity_to_act_index"])
    assert list(runs.loc[[1, 3], "status"]) == ["completed", "completed"]
    assert set(pd.read_parquet(tmp_path / "f" / "tables" / "countries")["seed"]) == {1, 3}
    assert "sweep: 3 runs, 1 failed" in out.stdout
    # resumed without the fault: the failed run is tried again, the others skipped
    again = imssim(tmp_path, "-m", "seed=1,2,3", "hydra/launcher=basic", "sweep.name=f")
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("complete already, skipped") == 2
    runs = pd.read_parquet(tmp_path / "f" / RUNS_FILE)
    assert set(runs["status"]) == {"completed"} and len(runs) == 3
    assert not [p for p in (tmp_path / "f").iterdir() if p.name.startswith(".retried")]


def test_replicate_seeds_are_distinct_reproducible_and_extendable():
    five = replicate_seeds(7, 5)
    assert len(set(five)) == 5 and five == replicate_seeds(7, 5)
    assert replicate_seeds(7, 3) == five[:3]  # more replicates keep the first ones
    assert replicate_seeds(7, 1) == [7]  # one run: the seed itself
    assert not set(five) & set(replicate_seeds(8, 5))
    assert all(0 <= s < 2**32 for s in five)


@pytest.mark.slow
def test_replicates_run_in_one_job_with_every_seed_recorded(tmp_path):
    out = imssim(tmp_path, "replicates=3", "counterfactual=none", "hydra/launcher=basic")
    assert out.returncode == 0, out.stderr[-3000:]
    sweep = the_sweep(tmp_path)
    runs = pd.read_parquet(sweep / RUNS_FILE)
    assert sorted(runs["seed"]) == sorted(replicate_seeds(42, 3))
    assert sorted(runs["replicate"]) == [0, 1, 2] and set(runs["job_seed"]) == {42}
    manifests = [json.loads((f / "manifest.json").read_text()) for f in run_folders(sweep)]
    assert {m["job"] for m in manifests} == {0}  # one job
    # each replicate is the run of its seed: rerunning it alone gives the same numbers
    one = runs.sort_values("replicate").iloc[1]
    alone = run_pair(
        {
            "seed": int(one["seed"]),
            "scenario": "austerity_2012",  # the command line's default
            "end_year": 2014,
            "counterfactual": "none",
        }
    )
    from imssim.runs.sweep import headline

    assert headline(alone)["autonomy"] == pytest.approx(one["autonomy"], abs=1e-9)
    assert "each run against" not in out.stdout  # no counterfactual, no effects across seeds


@pytest.mark.slow
def test_replicates_print_the_effects_across_seeds_paired_with_the_counterfactual(tmp_path):
    from imssim.outcomes import DIFF, EFFECTS, OUTCOMES

    out = imssim(tmp_path, "replicates=3", "hydra/launcher=basic")
    assert out.returncode == 0, out.stderr[-3000:]
    runs = pd.read_parquet(the_sweep(tmp_path) / RUNS_FILE)
    lines = out.stdout.splitlines()
    (head,) = [i for i, line in enumerate(lines) if "over 3 seeds, each run against" in line]
    block = lines[head + 1 : head + 1 + len(EFFECTS)]
    assert all(line.startswith("  ") for line in block)
    # the paired difference is the median of the runs' own differences (runs.parquet)
    key = next(k for k in EFFECTS if OUTCOMES[k].percent)
    (line,) = [x for x in block if OUTCOMES[key].description in x]
    median = float(np.median(runs[key + DIFF]))
    assert f"difference {median:+.{OUTCOMES[key].decimals}f} points" in line


def test_run_identity_ignores_where_results_go():
    a = ["scenario=deep_cuts", "seed=3", "output.root=x", "hydra.sweep.dir=y", "sweep.name=z"]
    b = ["seed=3", "scenario=deep_cuts", "replicates=4"]
    assert parameter_overrides(a) == parameter_overrides(b) == ["scenario=deep_cuts", "seed=3"]
    assert run_key(a, 3) == run_key(b, 3) != run_key(b, 4)


def test_count_runs_multiplies_the_swept_values_and_the_replicates():
    assert count_runs(["scenario=a,b", "seed=1,2,3", "end_year=2014"]) == 6
    assert count_runs(["seed=1,2", "replicates=5"]) == 10
    assert count_runs(["seed=1,2", "replicates=1,3"]) == 8
    assert count_runs(["hydra/launcher=basic"], replicates=4) == 4


def test_execute_job_records_a_failure_and_goes_on(tmp_path):
    calls = []

    def runner(cfg):
        calls.append(cfg.seed)
        if len(calls) == 2:
            raise ValueError("second replicate breaks")
        return run_pair(cfg)

    config = {"end_year": 2013, "replicates": 3, "counterfactual": "none"}
    lines: list[str] = []
    records = execute_job(config, ["replicates=3"], tmp_path, 0, runner=runner, say=lines.append)
    assert [r.status for r in records] == ["completed", "failed", "completed"]
    assert "second replicate breaks" in records[1].error
    runs = pd.read_parquet(collect(tmp_path, progress=False))
    assert list(runs.sort_values("replicate")["status"]) == ["completed", "failed", "completed"]
    # again: the complete ones are skipped, the failed one tried again
    again = execute_job(config, ["replicates=3"], tmp_path, 0, say=lines.append)
    assert [r.status for r in again] == ["skipped", "completed", "skipped"]


@pytest.mark.slow
def test_collect_refuses_a_folder_without_runs(tmp_path):
    from imssim.errors import ImssimError

    with pytest.raises(ImssimError, match="no run folder"):
        collect(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "imssim.cli.collect", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert (
        out.stderr.strip() == f"imssim-collect: error: no such sweep folder: {tmp_path / 'nowhere'}"
    )


def test_collecting_a_run_folder_is_refused_and_writes_nothing(tmp_path, capsys):
    from imssim.cli.collect import main as collect_main

    run_dir = tmp_path / "run"
    (run_dir / "counterfactual").mkdir(parents=True)
    (run_dir / MANIFEST).write_text("{}")
    (run_dir / "counterfactual" / MANIFEST).write_text("{}")
    before = sorted(p.relative_to(run_dir) for p in run_dir.rglob("*"))
    with pytest.raises(SystemExit) as stop:
        collect_main([str(run_dir), "-q"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"imssim-collect: error: {run_dir} is a run folder, not a sweep folder")
    assert "\n" not in err
    assert sorted(p.relative_to(run_dir) for p in run_dir.rglob("*")) == before


def test_a_refused_combination_is_recorded_as_a_failed_job(tmp_path):
    records = execute_job({"end_year": 1990}, ["end_year=1990"], tmp_path, 4, say=print)
    assert [r.status for r in records] == ["failed"]
    assert "end_year" in records[0].error


@pytest.mark.slow
def test_sweeps_use_the_sweeper_that_composes_each_job_once(tmp_path):
    out = imssim(tmp_path, "-m", "seed=1,2", "counterfactual=none", "hydra/launcher=basic")
    assert out.returncode == 0, out.stderr[-3000:]
    saved = (the_sweep(tmp_path) / "multirun.yaml").read_text()
    assert "hydra_plugins.imssim_sweeper.imssim_sweeper.ImssimSweeper" in saved


def test_the_progress_process_counts_run_folders_and_stops(tmp_path):
    from imssim.runs.progress import ProgressProcess, count

    for name in ("a_1", "b_2", "tables", "figures", ".tmp-c_3", ".jobs"):
        (tmp_path / name).mkdir()
    (tmp_path / "runs.parquet").write_bytes(b"")
    assert count(tmp_path) == 2
    progress = ProgressProcess(tmp_path, 4, interval=0.1).start()
    assert progress.process is not None
    progress.stop()
    assert progress.process is None


@pytest.mark.parametrize(
    "parameters",
    [
        {},
        {"catalyst": 0.7, "focal": "DEU", "coordinated_cuts": True, "params.pressure_memory": 3},
        {"world.data_dir": None, "scenario": "deep_cuts", "big": 2**63, "nan": float("nan")},
        {"year": 2020, "country": "x"},  # named like columns: param:year, param:country
    ],
)
def test_a_dataset_part_from_arrow_tables_equals_one_from_the_frames(short_run, parameters):
    """The sweep's dataset parts built on the run's tables converted for its folder are
    the parts built from the frames: the same columns, types and values."""
    from imssim.runs.folders import arrow_tables

    tables = dict(short_run.tables.items())
    tables["empty"] = short_run.tables.events.iloc[0:0]
    arrow = arrow_tables(short_run.tables)
    arrow["empty"] = pa.Table.from_pandas(tables["empty"], preserve_index=False)
    row = {"run_id": "a_run", **parameters, "seed": 7, "replicate": 1}
    fronts: dict = {}  # the columns in front converted once for the run's tables
    for name, frame in tables.items():
        fresh = with_columns(frame, row, list(parameters))
        for reused in (
            with_columns(frame, row, list(parameters), arrow[name]),
            with_columns(frame, row, list(parameters), arrow[name], fronts),
        ):
            assert reused.schema.equals(fresh.schema, check_metadata=True), name
            assert reused.equals(fresh, check_metadata=True) and reused.schema.metadata is None
    assert fronts


def test_the_watching_thread_and_the_process_draw_one_bar(tmp_path, capsys):
    from imssim.runs import progress

    (tmp_path / "a_1").mkdir()
    watcher = progress.Progress(tmp_path, 3, interval=0.05).start()
    assert watcher._bar.n == 1  # a resumed study: what is there is counted in
    (tmp_path / "b_2").mkdir()
    (tmp_path / "tables").mkdir()  # not a run
    time.sleep(0.3)
    assert watcher._bar.n == 2
    watcher.stop()
    shown = progress.bar(3, done=5)
    assert shown.n == 3  # never past the total
    progress.advance(shown, 1)
    assert shown.n == 3  # never back
    shown.close()
    assert "runs" in capsys.readouterr().err
    # a study counts only its own runs: the bar takes its count
    own = progress.Progress(tmp_path, 4, counter=lambda: 3).start()
    assert own._bar.n == 3
    own.stop()
