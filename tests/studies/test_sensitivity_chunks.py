"""A model study's runs kept in chunk files (imssim.studies.sensitivity.chunks and
.model_evaluator): the same runs.parquet as run folders collected, resume, failures
recorded and retried, a broken chunk file passed over, the progress count."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from imssim.config import Config, with_values
from imssim.errors import ConfigError
from imssim.runs.api import run_pair
from imssim.runs.datasets import RUNS_FILE, collect
from imssim.runs.sweep import execute_job, replicate_seeds, run_key, run_name, write_failed
from imssim.studies.sensitivity import CHUNKS_DIR, ModelEvaluator, Study, run_study
from imssim.studies.sensitivity.chunks import ChunkCounter, chunk_files, run_status
from imssim.studies.sensitivity.model_evaluator import sample_overrides
from imssim.studies.sensitivity.study import check_model_study, parse_study

# found_min_members above found_max_members is refused by the config's checks
STUDY = {
    "method": "morris",
    "trajectories": 2,
    "seed": 5,
    "replicates": 2,
    "base": ["scenario=austerity_2012", "counterfactual=baseline", "end_year=2014"],
    "parameters": {
        "catalyst": [0.25, 0.75],
        "params.found_min_members": [3, 5],
        "params.found_max_members": [4, 9],
    },
    "outcomes": ["capacity_to_act_index", "autonomy_diff"],
    "years": [2013, 2014],
}
# the samples' values: plain runs, a refused combination, runs that fail (catalyst 0.7)
VALUES = [
    (0.25, 3, 9),
    (0.5, 4, 4),
    (0.5, 5, 4),  # refused: found_max_members must be >= found_min_members
    (0.7, 3, 6),  # the runner below fails
    (0.25, 3, 9),  # the first sample's values again: its runs
    (0.3, 5, 9),
]


def small_study() -> tuple[Study, Config]:
    return check_model_study(parse_study(STUDY, "chunks"))


def samples(study: Study) -> pd.DataFrame:
    rows = [dict(zip(study.keys, v, strict=True)) for v in VALUES]
    return pd.DataFrame([{"sample": i, **row} for i, row in enumerate(rows)])


def runner(config: Config, *, fail: bool = True):
    if fail and config.catalyst == 0.7:
        raise RuntimeError("no run at 0.7")
    return run_pair(config)


def run_chunks(evaluator: ModelEvaluator, units: list[dict], size: int = 2) -> None:
    for i in range(0, len(units), size):
        evaluator.evaluate(units[i : i + size])


def folder_runs(study: Study, base: Config, plan: pd.DataFrame, folder: Path) -> Path:
    """The runs as a run folder each, as a study wrote them before chunk files (each
    unit a sweep job, values the config refuses a failed folder per replicate), and
    collected into runs.parquet."""
    years = range(base.start_year + 1, base.end_year + 1)
    for unit, rows in plan.groupby("unit", sort=True):
        values = {k: study.typed(k, rows.iloc[0][k]) for k in study.keys}
        overrides = sample_overrides(study, values)
        try:
            config = with_values(base, values)
        except ConfigError as exc:
            for rep, seed in enumerate(replicate_seeds(base.seed, base.replicates)):
                cfg = dataclasses.replace(base, seed=seed)
                key = run_key(overrides, seed)
                name = run_name(cfg, key, rep, base.replicates)
                extra = {"job": int(unit), "overrides": overrides, "run_key": key}
                write_failed(folder, name, cfg, f"ConfigError: {exc}", extra)
            continue
        job = int(unit)
        execute_job(config, overrides, folder, job, runner=runner, say=len, years=years)
    return collect(folder, progress=False, tables=False)


def test_chunk_files_give_the_runs_parquet_that_run_folders_give(tmp_path):
    study, base = small_study()
    lean = ModelEvaluator(folder=tmp_path / "lean", base=base, study=study, runner=runner)
    plan = lean.plan(study, samples(study))
    units = lean.pending(study, plan)
    assert [u["runs"] for u in units] == [2, 2, 2, 2, 2]  # five values, two replicates
    run_chunks(lean, units)
    assert len(chunk_files(tmp_path / "lean")) == 3
    assert not list((tmp_path / "lean").glob("*/manifest.json"))  # no folder per run
    lean.outputs(study, plan, [])
    old = folder_runs(study, base, plan, tmp_path / "old")
    new = tmp_path / "lean" / RUNS_FILE
    a, b = pd.read_parquet(old), pd.read_parquet(new)
    assert len(b) == 10 and b["run_id"].is_unique
    assert (b["status"] == "failed").sum() == 4
    assert b.loc[b["catalyst"] == 0.7, "error"].eq("RuntimeError: no run at 0.7").all()
    refused = b[b["error"].str.startswith("ConfigError: params.found_max_members")]
    assert len(refused) == 2
    # the same rows, columns, types and values bit for bit, but the time each run took
    assert a["wall_seconds"].notna().sum() == b["wall_seconds"].notna().sum() == 8
    pd.testing.assert_frame_equal(
        a.drop(columns="wall_seconds"), b.drop(columns="wall_seconds"), check_exact=True
    )
    assert pq.read_schema(old).remove_metadata() == pq.read_schema(new).remove_metadata()
    assert pq.read_schema(old).metadata.keys() == pq.read_schema(new).metadata.keys()
    # the outcomes of every year, the differences from the counterfactual among them
    assert {"capacity_to_act_index@2013", "autonomy_diff@2014"} <= set(b.columns)


def test_failed_runs_are_retried_and_their_completed_rows_replace_the_failed_ones(tmp_path):
    study, base = small_study()
    values = samples(study)
    values = values[values["params.found_min_members"] <= values["params.found_max_members"]]
    evaluator = ModelEvaluator(folder=tmp_path, base=base, study=study, runner=runner)
    plan = evaluator.plan(study, values)
    run_chunks(evaluator, evaluator.pending(study, plan))
    status = run_status(tmp_path)
    assert sorted(status.values()).count("failed") == 2
    first = min(run_id for run_id, state in status.items() if state == "failed")
    # the next call runs only the failed runs, and the runs complete keep their rows
    again = ModelEvaluator(
        folder=tmp_path, base=base, study=study, runner=functools.partial(runner, fail=False)
    )
    units = again.pending(study, plan)
    assert [(u["job"], u["runs"], len(u["done"])) for u in units] == [(3, 2, 0)]
    before = {p.name: p.stat().st_mtime_ns for p in chunk_files(tmp_path)}
    counter = ChunkCounter(tmp_path, before=6)
    run_chunks(again, units)
    assert counter() == 8
    after = {p.name: p.stat().st_mtime_ns for p in chunk_files(tmp_path)}
    assert len(after) == len(before) + 1 and all(after[n] == t for n, t in before.items())
    runs = again.outputs(study, plan, [])
    assert len(runs) == 8 and set(runs["status"]) == {"completed"}
    assert runs.loc[first, "error"] == ""  # its completed row, not its failed one
    assert again.pending(study, plan) == []


def test_a_broken_chunk_file_is_passed_over_and_its_runs_run_again(tmp_path):
    changes = {"parameters": {"catalyst": [0.25, 0.75]}, "replicates": 1}
    study, base = check_model_study(parse_study({**STUDY, **changes}, "one"))
    evaluator = ModelEvaluator(folder=tmp_path, base=base, study=study)
    first = run_study(study, evaluator, tmp_path, n_jobs=1, figure=False)
    files = chunk_files(tmp_path)
    assert first.ran == first.runs == len(files) >= 2  # a chunk a run: a small study
    broken = files[0]
    broken.write_bytes(broken.read_bytes()[:200])  # cut short
    (tmp_path / CHUNKS_DIR / "stray.parquet").write_text("not a chunk")
    assert len(run_status(tmp_path)) == first.runs - 1
    counter = ChunkCounter(tmp_path, before=first.runs - 1)
    again = run_study(study, evaluator, tmp_path, n_jobs=1, figure=False)
    assert again.ran == 1 and counter() == first.runs
    pd.testing.assert_frame_equal(again.indices, first.indices)
    runs = pd.read_parquet(tmp_path / RUNS_FILE)
    assert len(runs) == first.runs and set(runs["status"]) == {"completed"}
