"""The model's evaluator of a study: its samples run as the jobs of a sweep, their rows
kept in chunk files (:mod:`.chunks`) rather than a folder per run.

A unit is a sample's values (samples with equal values share it) and runs the study's
replicate seeds, each named as a sweep names its runs (:func:`imssim.runs.sweep.job_runs`:
scenario, policy, seed, replicate and a key from the overrides and the seed). A worker
sets a unit's values on the study's base config (:func:`imssim.config.with_values`,
checked, without OmegaConf's merge), runs each seed (:func:`imssim.runs.sweep.attempt`:
the run, its wall time and its headline outcomes in every year) and writes the chunk's
rows, the rows ``runs.parquet`` holds for them, as one file. A run that fails, and
each run of values the config refuses, is a row with status ``failed`` and the error.
Resuming, the units whose runs all have a completed row are not run again, and of the
others only the runs without one.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from imssim.config import Config, config_container, with_values
from imssim.errors import ConfigError
from imssim.outcomes import HEADLINE_TABLES
from imssim.runs.sweep import JobRun, attempt, failure, job_runs
from imssim.studies.sensitivity.chunks import (
    ChunkCounter,
    run_status,
    write_chunk,
    write_runs_file,
)
from imssim.studies.sensitivity.evaluate import Evaluator
from imssim.studies.sensitivity.study import Study

# what a run refused by the config records of the sweep's entries
_REFUSED_ENTRIES = ("job", "overrides", "run_key")


def sample_overrides(study: Study, values: Mapping[str, Any]) -> list[str]:
    """The overrides that describe a sample's run: its values, then the study's base (a
    run's identity: the same values give the same run, found complete on a resume)."""
    own = [f"{key}={values[key]!r}" for key in study.keys]
    return [*own, *study.base]


@functools.lru_cache(maxsize=4)
def _worker_world(data_dir: str | None):
    from imssim.world import load_world

    return load_world(data_dir)


_SET_ASIDE: list[bool] = []  # whether this process has set aside what its runs share


def _set_aside_once() -> None:
    """After a process's first unit (its modules, the world and the compiled kernels
    loaded), set what every later run shares aside from the garbage collector's full
    collections (``gc.freeze``), as a sweep's workers do: otherwise each full collection
    walks some 200,000 objects that live as long as the process, about a tenth of a
    run's time on average."""
    if not _SET_ASIDE:
        gc.freeze()
        _SET_ASIDE.append(True)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


@dataclasses.dataclass
class ModelEvaluator(Evaluator):
    """Runs the model (see the module's description) for the study folder `folder`.
    `base` is the study's base config, composed once (:func:`.study.check_model_study`);
    a worker sets each sample's values on it. `runner` (default: the run and, where the
    base asks for one, its counterfactual, :func:`imssim.runs.api.run_pair`, on the
    world loaded once per process, keeping only the tables the headline outcomes read)
    may be replaced."""

    folder: Path
    base: Config
    study: Study
    runner: Callable[[Config], Any] | None = None

    def plan(self, study: Study, values: pd.DataFrame) -> pd.DataFrame:
        """A row per sample and replicate; equal values share the first such sample's unit."""
        from imssim.runs.sweep import replicate_seeds, run_key, run_name

        seeds = replicate_seeds(study.seed, study.replicates)
        rows = []
        first: dict[tuple, int] = {}
        for row in values.to_dict("records"):
            vals = {k: study.typed(k, row[k]) for k in study.keys}
            unit = first.setdefault(tuple(vals.values()), int(row["sample"]))
            overrides = sample_overrides(self.study, vals)
            for rep, seed in enumerate(seeds):
                cfg = dataclasses.replace(self.base, seed=seed)
                name = run_name(cfg, run_key(overrides, seed), rep, len(seeds))
                rows.append({**row, "replicate": rep, "seed": seed, "unit": unit, "run_id": name})
        return pd.DataFrame(rows)

    def pending(self, study: Study, plan: pd.DataFrame) -> list[dict[str, Any]]:
        """The units with a run not complete in the study's chunk files; each names its
        runs complete already (``done``), which are not run again."""
        status = run_status(self.folder)
        units = []
        for unit, rows in plan.groupby("unit", sort=True):
            ids = list(rows["run_id"].unique())
            done = [run_id for run_id in ids if status.get(run_id) == "completed"]
            if len(done) == len(ids):
                continue
            first = rows.iloc[0]
            values = {k: _plain(first[k]) for k in study.keys}
            units.append(
                {"job": int(unit), "runs": len(ids) - len(done), "values": values, "done": done}
            )
        return units

    def evaluate(self, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Run the chunk's units and write their rows as one chunk file; returns how
        many runs of each unit failed."""
        from imssim.runs.api import run_pair

        logging.getLogger("MESA").setLevel(logging.WARNING)
        base = self.base  # composed once, in the main process, and sent along
        runner = self.runner
        if runner is None:  # the tables the headline outcomes read: the others not kept
            world = _worker_world(base.world.data_dir)
            runner = functools.partial(run_pair, world=world, tables=HEADLINE_TABLES)
        years = range(base.start_year + 1, base.end_year + 1)  # every year: reusable runs
        ran: list[tuple[str, dict[str, Any]]] = []
        out = []
        for unit in units:
            rows = self._unit(unit, runner, years)
            _set_aside_once()
            ran.extend(rows)
            failed = sum(info["status"] == "failed" for _, info in rows)
            out.append({"job": unit["job"], "failed": failed})
        if ran:
            write_chunk(self.folder, ran, units[0]["job"], units[-1]["job"])
        return out

    def _unit(
        self, unit: dict[str, Any], runner: Callable[[Config], Any], years: range
    ) -> list[tuple[str, dict[str, Any]]]:
        """Run a unit's runs not done yet: (run id, its manifest's entries) of each."""
        values = {k: self.study.typed(k, v) for k, v in unit["values"].items()}
        overrides = sample_overrides(self.study, values)
        try:
            config = with_values(self.base, values)
        except ConfigError as exc:  # a combination of values the config refuses
            error = f"ConfigError: {exc}"
            refused = self._refused(unit["job"], overrides)
            return [(run.name, run.manifest_entries("failed", error)) for run in refused]
        done = set(unit.get("done", ()))
        rows = []
        for run in job_runs(config, overrides, self.folder, unit["job"]):
            if run.name in done:
                continue
            started = time.perf_counter()
            try:
                attempt(run, runner, years)
                rows.append((run.name, run.manifest_entries("completed")))
            except Exception as exc:  # recorded; the other runs go on
                error = failure(run, exc, time.perf_counter() - started)
                rows.append((run.name, run.manifest_entries("failed", error)))
        return rows

    def _refused(self, job: int, overrides: list[str]) -> list[JobRun]:
        """The runs of a unit whose values the config refuses: named as they would
        have been, recording of the sweep's entries only what identifies them."""
        return [
            JobRun(run.name, run.config, {k: run.entries[k] for k in _REFUSED_ENTRIES})
            for run in job_runs(self.base, overrides, self.folder, job)
        ]

    def outputs(self, study: Study, plan: pd.DataFrame, records: list[dict]) -> pd.DataFrame:
        """``runs.parquet``, written from the chunk files, by run id."""
        path = write_runs_file(self.folder)
        if path is None:
            return pd.DataFrame({"status": [], "error": []}, index=pd.Index([], name="run_id"))
        return pd.read_parquet(path).set_index("run_id")

    def progress_counter(self, done: int) -> Callable[[], int]:
        """The runs done: `done` before this call and those recorded since."""
        return ChunkCounter(self.folder, done)

    def base_config(self) -> dict[str, Any]:
        """The base config of every run."""
        return config_container(self.base)
