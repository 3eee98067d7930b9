"""Running a study: its samples evaluated in parallel chunks, collected, analysed and
reported, resuming what an earlier call left.

1. **Sample** (:mod:`.sample`). ``samples.parquet`` maps each sample (and replicate)
   to its parameter values and its run id.
2. **Run.** Samples with the same values share their runs. The runs not complete yet
   are split into chunks that worker processes (joblib, every core by default) run.
   A model study's runs are the runs of a sweep's jobs, named as a sweep names them,
   but they leave no folder each: a chunk's worker writes the rows ``runs.parquet``
   holds for its runs (status, parameters, headline outcomes of every year) as one
   file (:mod:`.model_evaluator`, :mod:`.chunks`); a study asks no tables of its runs
   (``output.tables: false``). Running the same study into the same folder resumes it:
   complete runs are not run again. Every sample runs with the study's seed (with
   ``replicates`` > 1, the same replicate seeds spawned from it): common random
   numbers, so that a difference between samples comes from the parameters, not from
   the draws.
3. **Collect.** The runs are gathered into ``runs.parquet`` (for a model study, from
   its chunk files, as :func:`imssim.runs.datasets.collect` gathers a sweep's run
   folders); the outcomes are read from it in sample order (averaged over
   replicates). A failed run stops the analysis with a message naming how many failed
   and the first failure (both methods need every sample); running the study again
   retries them.
4. **Analyse** (:mod:`.analyse`) and **report** (:mod:`.report`), and record the call in
   ``sensitivity.json`` (the study's manifest, with the keys every manifest holds,
   :func:`imssim.runs.folders.manifest_record`: the seed, the base config, the study as
   run, versions, code revision; and the runs and the times of each call; not named
   ``manifest.json``, which marks a run folder).

Evaluation is pluggable (:class:`Evaluator`): the model's evaluator
(:class:`.model_evaluator.ModelEvaluator`) runs the model; another evaluator (a test
function with known indices, say) goes through the same sampling, chunked parallel
evaluation and analysis.
"""

from __future__ import annotations

import abc
import dataclasses
import json
import math
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from imssim.errors import ImssimError
from imssim.runs.folders import (
    manifest_record,
    utc_now,
    write_manifest,
    write_text_atomic,
)
from imssim.runs.progress import Progress
from imssim.studies.sensitivity.analyse import analyse
from imssim.studies.sensitivity.report import (
    SUMMARY_FILE,
    chart_title,
    summarise,
    write_figure,
    write_frame,
    write_indices,
)
from imssim.studies.sensitivity.sample import draw_samples, sample_values
from imssim.studies.sensitivity.study import Study, column

SAMPLES_FILE = "samples.parquet"
STUDY_MANIFEST = "sensitivity.json"


class StudyFailed(ImssimError):
    """Runs of the study failed, so the indices cannot be computed."""


# ------------------------------------------------------------------------ evaluators


class Evaluator(abc.ABC):
    """Turns a study's samples into outcomes, in three steps.

    - :meth:`plan` (main process): one row per sample and replicate, with the id of the
      run that evaluates it (samples with equal values may share a run);
    - :meth:`evaluate` (a worker process): run a chunk of the units :meth:`pending`
      listed; returns one record per unit;
    - :meth:`outputs` (main process): one row per run id with ``status``, ``error`` and a
      column per outcome and year (:func:`column`).

    `labels` may name the outcomes in the summary, tables and chart.
    """

    labels: Mapping[str, str] | None = None

    @abc.abstractmethod
    def plan(self, study: Study, values: pd.DataFrame) -> pd.DataFrame:
        """One row per sample and replicate, with its run id."""

    @abc.abstractmethod
    def pending(self, study: Study, plan: pd.DataFrame) -> list[dict[str, Any]]:
        """The units still to evaluate, each with its number of runs."""

    @abc.abstractmethod
    def evaluate(self, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Evaluate a chunk of units (in a worker process)."""

    @abc.abstractmethod
    def outputs(self, study: Study, plan: pd.DataFrame, records: list[dict]) -> pd.DataFrame:
        """One row per run id: status, error and the outcomes."""

    def base_config(self) -> dict[str, Any] | None:
        """The config every run starts from, as the study's manifest records it (None:
        the evaluator runs no model)."""
        return None

    def progress_counter(self, done: int) -> Callable[[], int] | None:
        """What counts the runs done, while :meth:`evaluate` runs elsewhere, for a
        progress bar (`done`: those done before; None: no bar)."""
        return None


class FunctionEvaluator(Evaluator):
    """A function of the parameter values (a dict) that returns {outcome: value}: for
    test functions with known indices. Each sample is its own run."""

    def __init__(self, function: Callable[[dict[str, float]], dict[str, float]]) -> None:
        self.function = function

    def plan(self, study: Study, values: pd.DataFrame) -> pd.DataFrame:
        """Each sample its own run."""
        return values.assign(replicate=0, run_id=[f"sample-{i}" for i in values["sample"]])

    def pending(self, study: Study, plan: pd.DataFrame) -> list[dict[str, Any]]:
        """Every sample (nothing is kept between calls)."""
        return [
            {"run_id": row["run_id"], "runs": 1, "values": {k: row[k] for k in study.keys}}
            for row in plan.to_dict("records")
        ]

    def evaluate(self, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The function at each unit's values; an exception is recorded as a failure."""
        out = []
        for unit in units:
            try:
                result = self.function(unit["values"])
                out.append({"run_id": unit["run_id"], "status": "completed", **result})
            except Exception as exc:  # recorded, as a model run's failure is
                error = f"{type(exc).__name__}: {exc}"
                out.append({"run_id": unit["run_id"], "status": "failed", "error": error})
        return out

    def outputs(self, study: Study, plan: pd.DataFrame, records: list[dict]) -> pd.DataFrame:
        """The records, by run id."""
        frame = pd.DataFrame(records)
        if "error" not in frame:
            frame["error"] = ""
        return frame.set_index("run_id")


# -------------------------------------------------------------------------- running


def _quiet(_line: str) -> None:
    pass


@dataclasses.dataclass
class Outcome:
    """What a study run left: its folder, its indices (tidy) and its numbers."""

    folder: Path
    indices: pd.DataFrame
    samples: int
    runs: int
    ran: int  # runs made by this call (0: all complete already)
    seconds: float
    summary: str
    figure: Path | None


def n_workers(n_jobs: int | None) -> int:
    """Worker processes for `n_jobs` (None or negative: every core this process may use)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    if n_jobs is None or n_jobs < 0:
        return cores
    return max(1, n_jobs)


def chunk_units(units: list[dict[str, Any]], workers: int) -> list[list[dict[str, Any]]]:
    """Chunks of units: about six a worker, for balance, of at most 40 runs each."""
    if not units:
        return []
    size = max(1, min(40, math.ceil(len(units) / (6 * workers))))
    return [units[i : i + size] for i in range(0, len(units), size)]


def run_study(
    study: Study,
    evaluator: Evaluator,
    folder: str | Path,
    *,
    n_jobs: int | None = None,
    progress: bool = False,
    say: Callable[[str], None] = _quiet,
    figure: bool = True,
    source: str = "",
) -> Outcome:
    """Sample, evaluate in parallel chunks, collect and analyse; write the study's files
    into `folder` (see the module's description; `source`: the study's file, for its
    manifest). Raises :class:`StudyFailed` when runs failed."""
    call = _Call(Path(folder), study, evaluator, source)
    folder = call.folder
    folder.mkdir(parents=True, exist_ok=True)
    x = draw_samples(study)
    plan = evaluator.plan(study, sample_values(study, x))
    write_frame(plan, folder / SAMPLES_FILE)
    total = int(plan["run_id"].nunique())
    units = evaluator.pending(study, plan)
    workers = min(n_workers(n_jobs), max(1, len(units)))
    call.planned(total, sum(unit["runs"] for unit in units), workers)
    call.record("running")
    say(
        f"{len(plan) // study.replicates} samples, {total} runs: "
        f"{total - call.todo} complete already, {call.todo} to run"
        + (f" on {workers} process{'es' if workers > 1 else ''}" if call.todo else "")
    )
    try:
        bar = _progress(folder, total, total - call.todo, evaluator) if progress and units else None
        records = _evaluate(evaluator, units, workers, bar)
        call.ran()
        y = _outcomes(study, plan, evaluator.outputs(study, plan, records), folder)
    except StudyFailed:
        call.record("failed")
        raise
    except KeyboardInterrupt:
        call.record("interrupted")
        raise
    indices = analyse(study, x, y)
    write_indices(folder, study, indices, evaluator.labels)
    summary = summarise(study, indices, y, labels=evaluator.labels, runs=total)
    write_text_atomic(folder / SUMMARY_FILE, summary + "\n")
    path = None
    if figure:
        title = chart_title(study, total, getattr(evaluator, "base", None))
        path = write_figure(folder, study, indices, title, evaluator.labels)
    call.record("completed")
    seconds = time.perf_counter() - call.started
    return Outcome(folder, indices, len(x), total, call.todo, seconds, summary, path)


class _Call:
    """This call of a study, recorded in its manifest beside the calls before it."""

    def __init__(self, folder: Path, study: Study, evaluator: Evaluator, source: str) -> None:
        self.started = time.perf_counter()
        self.folder, self.study, self.evaluator, self.source = folder, study, evaluator, source
        self.runs = self.todo = 0
        self.info: dict[str, Any] = {}
        self.calls: list[dict[str, Any]] = []

    def planned(self, runs: int, todo: int, workers: int) -> None:
        """The study's runs, those this call runs and on how many processes."""
        self.runs, self.todo = runs, todo
        self.info = {"started_utc": utc_now(), "runs_to_run": todo, "workers": workers}
        self.calls = [*_earlier_calls(self.folder), self.info]

    def ran(self) -> None:
        """The runs are done: note how long they took."""
        self.info["run_seconds"] = round(time.perf_counter() - self.started, 2)

    def record(self, status: str) -> None:
        """Write the study's manifest with this call's status and time so far."""
        elapsed = round(time.perf_counter() - self.started, 2)
        self.info.update(status=status, wall_seconds=elapsed)
        _write_manifest(self, status)


def _evaluate(evaluator: Evaluator, units: list[dict[str, Any]], workers: int, bar: Any) -> list:
    """Run the units in chunks, on `workers` processes (joblib) or in this one."""
    from joblib import Parallel, delayed

    chunks = chunk_units(units, workers)
    records: list[dict[str, Any]] = []
    try:
        if workers == 1:
            results: Any = (evaluator.evaluate(chunk) for chunk in chunks)
        else:
            parallel = Parallel(n_jobs=workers, return_as="generator_unordered")
            results = parallel(delayed(evaluator.evaluate)(chunk) for chunk in chunks)
        for part in results:
            records.extend(part)
    finally:
        if bar is not None:
            bar.stop()
    return records


def _earlier_calls(folder: Path) -> list[dict[str, Any]]:
    """The calls recorded in the study's manifest by earlier runs of the study."""
    try:
        calls = json.loads((folder / STUDY_MANIFEST).read_text()).get("calls", [])
    except (OSError, ValueError):
        return []
    return calls if isinstance(calls, list) else []


def _progress(folder: Path, total: int, done: int, evaluator: Evaluator) -> Progress | None:
    """A bar of runs done (`done` before this call) with an ETA, where the evaluator
    counts them."""
    counter = evaluator.progress_counter(done)
    return None if counter is None else Progress(folder, total, counter=counter).start()


def _outcomes(
    study: Study, plan: pd.DataFrame, outputs: pd.DataFrame, folder: Path
) -> pd.DataFrame:
    """One row per sample (in sample order), one column per outcome and year: the mean
    over the sample's replicates. Raises StudyFailed for failed or missing runs."""
    ids = plan["run_id"].unique()
    missing = [r for r in ids if r not in outputs.index]
    status = outputs.reindex(ids)["status"] if "status" in outputs else pd.Series(dtype=str)
    failed = [r for r in ids if r not in missing and status.get(r) == "failed"]
    if failed or missing:
        first = failed[0] if failed else missing[0]
        error = str(outputs.at[first, "error"]) if first in outputs.index else "not run"
        raise StudyFailed(
            f"{len(failed) + len(missing)} of {len(ids)} runs failed or are missing "
            f"(first: {first}: {error}); the indices need every sample. The runs are "
            f"recorded in {folder} (runs.parquet); running the study again retries them"
        )
    cols = [column(o, y) for o, y in study.targets()]
    absent = [c for c in cols if c not in outputs.columns]
    if absent:
        raise StudyFailed(f"the runs in {folder} do not record {absent[0]}")
    joined = plan[["sample", "run_id"]].join(outputs[cols].astype(float), on="run_id")
    y = joined.groupby("sample", sort=True)[cols].mean()
    bad = [c for c in cols if not np.isfinite(y[c]).all()]
    if bad:
        raise StudyFailed(f"outcome {bad[0]} is missing or not finite in some runs")
    return y


def _write_manifest(call: _Call, status: str) -> None:
    """``sensitivity.json`` (:func:`imssim.runs.folders.manifest_record`): the study's
    seed, the base config (of a model study), the study as run, this call and those
    before, the versions (with SALib and joblib) and the code revision."""
    study = call.study
    fields = {
        "status": status,
        "folder": str(call.folder),
        "seeding": (
            "every sample runs with the study's seed (common random numbers)"
            if study.replicates == 1
            else f"every sample runs the same {study.replicates} replicate seeds "
            "spawned from the study's seed (common random numbers); outcomes averaged"
        ),
        "runs": call.runs,
        "calls": call.calls,
    }
    info = manifest_record(
        fields,
        seed=study.seed,
        config=call.evaluator.base_config(),
        study=study.as_dict(call.source),
        packages=("SALib", "joblib"),
    )
    write_manifest(call.folder / STUDY_MANIFEST, info)
