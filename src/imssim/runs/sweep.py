"""Sweeps: the runs of one job, resume, failures, the headline outcomes, a sweep's size.

A sweep (``imssim -m ...``) is a folder of run folders. Each Hydra job runs
``replicates`` runs (:func:`execute_job`), seeded from the job's seed by numpy's
``SeedSequence.spawn``; with one replicate the run takes the job's seed itself. Every
run gets a deterministic folder name from what was asked of it (its overrides and its
seed), so running the same command into the same folder (``sweep.name=...``) finds the
runs already complete and skips them. A run that raises leaves a folder holding its
manifest with ``status: failed`` and the error, and the job goes on; a failed run is
tried again when the sweep is resumed. Run folders are written under a hidden
temporary name and renamed into place when complete, so a killed sweep never leaves a
run that looks complete but is not.

A run's tables are written once: its folder's files hold them with the run's id,
parameters, seed and replicate in front (:func:`dataset_tables`; the manifest's
``front_columns`` names those columns and :class:`imssim.runs.folders.RunFolder` drops
them), and the sweep's dataset file of each table is the same file under a second name
(:func:`link_parts`). Collecting a sweep into one table (``runs.parquet``) and per-year
datasets is :mod:`imssim.runs.datasets`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import shutil
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from imssim.config import Config, config_container, config_yaml, to_config
from imssim.errors import ImssimError
from imssim.model.tables import TABLE_NAMES
from imssim.outcomes import COMPARED, DIFF, HEADLINE_TABLES, HeadlineValues
from imssim.runs.folders import (
    CONFIG_FILE,
    FRONT,
    MANIFEST,
    _slug,
    arrow_tables,
    folder_status,
    new_folder,
    publish,
    run_manifest,
    write_manifest,
    write_run,
)
from imssim.runs.parquet import link_file

RUNS_FILE = "runs.parquet"
TABLES_DIR = "tables"

# keys that say where and how results are written, not what is simulated: they are
# not parameters of a run (and not part of its identity)
_NOT_PARAMETERS = ("hydra", "sweep", "replicates", "output")


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """The seeds of a job's runs: `seed` itself for one run, else one seed per replicate
    spawned from `seed` (the first k are the same whatever the number asked for)."""
    if replicates == 1:
        return [seed]
    children = np.random.SeedSequence(seed).spawn(replicates)
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]


def parameter_overrides(overrides: Sequence[str]) -> list[str]:
    """The overrides that change what is simulated, in a canonical order."""
    kept = []
    for item in overrides:
        key = item.split("=", 1)[0].lstrip("+~")
        if key.split(".", 1)[0].split("/", 1)[0] in _NOT_PARAMETERS:
            continue
        kept.append(item.lstrip("+"))
    return sorted(kept)


def parameter_values(config: Config, overrides: Sequence[str]) -> dict[str, Any]:
    """{key: value} of the overridden keys, read from the resolved config (so that a
    value has the schema's type whatever was typed); scenario and policy by name."""
    values: dict[str, Any] = {}
    for item in parameter_overrides(overrides):
        key = item.split("=", 1)[0].lstrip("~")
        if key == "seed":
            continue  # its own column
        value: Any = config
        for part in key.split("."):
            value = getattr(value, part, None)
        if key in ("scenario", "policy"):
            value = value.name
        elif dataclasses.is_dataclass(value) or isinstance(value, list | dict):
            value = json.dumps(_plain(value), sort_keys=True)
        values[key] = value
    return values


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def run_key(overrides: Sequence[str], seed: int) -> str:
    """A run's identity: what was asked of it (its parameter overrides) and its seed."""
    text = json.dumps({"overrides": parameter_overrides(overrides), "seed": seed})
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def run_name(config: Config, key: str, replicate: int, replicates: int) -> str:
    """A sweep run's folder name: scenario, policy, seed, replicate (of several) and key."""
    rep = f"_r{replicate}" if replicates > 1 else ""
    return _slug(f"{config.scenario.name}_{config.policy.name}_s{config.seed}{rep}_{key}")


def headline(result, years: Sequence[int] = ()) -> dict[str, float]:
    """The run's headline outcomes (:data:`imssim.outcomes.HEADLINE`) in its last year
    and, where it has a counterfactual, the differences from it (``<outcome>_diff``: run
    minus counterfactual); for each of `years` also the outcomes of that year
    (``<outcome>@<year>``, and ``_diff@<year>``)."""
    focal = result.config.focal
    cf = result.counterfactual
    run_values = HeadlineValues(result.tables, focal)
    cf_values = None if cf is None else HeadlineValues(cf.tables, focal)
    out: dict[str, float] = {}
    for year in (None, *years):
        tag = "" if year is None else f"@{year}"
        mine = run_values.at(year)
        out.update({f"{k}{tag}": v for k, v in mine.items()})
        if cf_values is not None:
            other = cf_values.at(year)
            out.update({f"{k}{DIFF}{tag}": mine[k] - other[k] for k in COMPARED})
    return {k: round(v, 10) for k, v in out.items()}


def write_failed(root: Path, name: str, config: Config, error: str, extra: dict[str, Any]) -> Path:
    """A run folder recording a failure: manifest (status ``failed``, the error) and config."""
    tmp, final = new_folder(root, name)
    try:
        container = config_container(config)
        (tmp / CONFIG_FILE).write_text(config_yaml(container))
        info = run_manifest(config, "failed", {"error": error, "tables": {}, **extra})
        write_manifest(tmp / MANIFEST, info)
        return publish(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _set_aside(folder: Path) -> Path | None:
    """Move an earlier failed attempt out of the way (hidden), to be removed once the
    new attempt is in place."""
    if not folder.exists():
        return None
    hidden = folder.with_name(f".retried-{folder.name}-{uuid.uuid4().hex[:6]}")
    folder.rename(hidden)
    return hidden


@dataclasses.dataclass
class RunRecord:
    """What became of one run of a job."""

    name: str
    status: str  # completed, skipped (complete already), failed
    seconds: float = 0.0
    error: str = ""


@dataclasses.dataclass
class JobRun:
    """One run of a sweep job: its name (its folder's, the run id), its config, and the
    entries its manifest records of what the sweep asked of it (:func:`attempt` adds
    the wall time and the headline outcomes, :func:`failure` the wall time and the
    traceback)."""

    name: str
    config: Config
    entries: dict[str, Any]

    def manifest_entries(self, status: str, error: str = "") -> dict[str, Any]:
        """What the run's manifest holds for its row of runs.parquet
        (:func:`imssim.runs.datasets.run_row`): its seed, `status` and `error` (a
        failure's) and the entries."""
        info: dict[str, Any] = {"seed": self.config.seed, "status": status}
        if error:
            info["error"] = error
        return {**info, **self.entries}


def job_runs(base: Config, overrides: Sequence[str], sweep_dir: Path, job: int) -> list[JobRun]:
    """The runs of a job: one per replicate seed of `base` (:func:`replicate_seeds`),
    each named from its overrides and seed (:func:`run_name`)."""
    seeds = replicate_seeds(base.seed, base.replicates)
    runs = []
    for replicate, seed in enumerate(seeds):
        cfg = dataclasses.replace(base, seed=seed)
        key = run_key(overrides, seed)
        entries = {
            "sweep": str(sweep_dir),
            "job": job,
            "overrides": list(overrides),
            "run_key": key,
            "replicate": replicate,
            "replicates": len(seeds),
            "job_seed": base.seed,
            "parameters": parameter_values(cfg, overrides),
            "tables_kept": cfg.output.tables,
        }
        runs.append(JobRun(run_name(cfg, key, replicate, len(seeds)), cfg, entries))
    return runs


def attempt(run: JobRun, runner: Callable[[Config], Any], years: Sequence[int] = ()) -> Any:
    """Run `run` with `runner` and return the result; its entries get the wall time
    (of the run and its counterfactual) and the headline outcomes (:func:`headline`,
    with those of `years`). Raises what the run raises."""
    started = time.perf_counter()
    result = runner(run.config)
    run.entries["wall_seconds"] = round(time.perf_counter() - started, 4)
    run.entries["headline"] = headline(result, years)
    return result


def failure(run: JobRun, exc: BaseException, seconds: float) -> str:
    """Record in `run`'s entries that it failed with `exc` after `seconds` (its wall
    time and the traceback, while `exc` is being handled); return the error as one
    line (``<type>: <message>``), also said on the standard error."""
    run.entries["wall_seconds"] = round(seconds, 4)
    run.entries["traceback"] = traceback.format_exc(limit=8)
    error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    print(f"imssim: run {run.name} failed: {error}", file=sys.stderr, flush=True)
    return error


def execute_job(
    config: Any,
    overrides: Sequence[str],
    sweep_dir: Path,
    job: int,
    *,
    runner: Callable[[Config], Any] | None = None,
    say: Callable[[str], None] | None = None,
    years: Sequence[int] = (),
) -> list[RunRecord]:
    """Run a sweep job's replicates into `sweep_dir`: skip those already complete,
    record failures and go on. `runner` (default :func:`imssim.runs.api.run_pair`, keeping
    only the tables the headline outcomes read when the run writes none) turns a
    config into a result; `say` gets one line per run; `years`: headline outcomes of
    these years too (:func:`headline`)."""
    say = say or (lambda line: print(line, flush=True))
    try:
        base = to_config(config)
    except ImssimError as exc:  # a combination of swept values that is refused
        say(f"job {job}: not run: {exc}")
        print(f"imssim: job {job} ({' '.join(overrides)}) not run: {exc}", file=sys.stderr)
        return [RunRecord(f"job {job}", "failed", error=str(exc))]
    if runner is None:  # without tables to write, a run keeps only those its headline reads
        from imssim.runs.api import run_pair

        kept = TABLE_NAMES if base.output.tables else HEADLINE_TABLES
        runner = functools.partial(run_pair, tables=kept)
    records = []
    for run in job_runs(base, overrides, sweep_dir, job):
        name, cfg, extra = run.name, run.config, run.entries
        final = sweep_dir / name
        if folder_status(final) == "completed":
            records.append(RunRecord(name, "skipped"))
            say(f"{name}: complete already, skipped")
            continue
        old = _set_aside(final) if final.exists() else None  # a failed or broken attempt
        started = time.perf_counter()
        try:
            result = attempt(run, runner, years)
            if not cfg.output.tables:
                result = dataclasses.replace(result, tables=_no_tables(result.tables))
                if result.counterfactual is not None:
                    result.counterfactual = dataclasses.replace(
                        result.counterfactual, tables=_no_tables(result.counterfactual.tables)
                    )
            parts, written = None, extra
            if cfg.output.tables:  # written once: the run folder's files are the datasets'
                info = {**extra, "seed": cfg.seed}
                parts, fronts = dataset_tables(name, result.tables, info)
                written = {**extra, FRONT: fronts}
            path = write_run(result, sweep_dir, name=name, extra=written, arrow=parts)
            if parts is not None and path.name == name:
                link_parts(sweep_dir, path)
            seconds = time.perf_counter() - started
            records.append(RunRecord(name, "completed", seconds))
            say(f"{name}: completed in {seconds:.2f} s")
        except Exception as exc:  # recorded; the other runs go on
            seconds = time.perf_counter() - started
            error = failure(run, exc, seconds)
            write_failed(sweep_dir, name, cfg, error, extra)
            records.append(RunRecord(name, "failed", seconds, error))
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    return records


def front_keys(table: pa.Table, params: Sequence[str]) -> list[str]:
    """The columns :func:`with_columns` put in front of a run's table (`params`: the
    run's parameters): what a reader of a sweep's dataset filters on, so their
    statistics are kept (:func:`imssim.runs.parquet.write_table`)."""
    front = {"run_id", "seed", "replicate", *params, *(f"param:{key}" for key in params)}
    return [name for name in table.column_names if name in front]


def with_columns(
    frame: pd.DataFrame,
    row: dict[str, Any],
    params: Sequence[str],
    table: pa.Table | None = None,
    fronts: dict[tuple[str, ...], pa.Table] | None = None,
) -> pa.Table:
    """A run's table with its run id, parameters, seed and replicate in front (a
    parameter named like a column of the table becomes ``param:<key>``). `table`:
    `frame` as Arrow already (``pa.Table.from_pandas(frame, preserve_index=False)``),
    to which the columns in front are added instead of converting `frame` again.
    `fronts`: the columns in front as converted for another table of the same run
    (`row`), by their names, kept and reused."""
    front: dict[str, Any] = {"run_id": row["run_id"]}
    for key in params:
        front[key if key not in frame.columns else f"param:{key}"] = row.get(key)
    front["seed"] = row["seed"]
    front["replicate"] = row["replicate"]
    if table is None or len(frame) == 0 or not set(front).isdisjoint(frame.columns):
        # (a name in both: Arrow refuses the duplicate, as it always did)
        extra = _front_frame(front, frame.index)
        table = pa.Table.from_pandas(pd.concat([extra, frame], axis=1), preserve_index=False)
    else:
        # Arrow converts each column on its own, so the columns are those of converting
        # the whole; a column in front holds one value: converted for one row, repeated
        fronts = {} if fronts is None else fronts
        one = fronts.get(tuple(front))
        if one is None:
            one = fronts[tuple(front)] = pa.Table.from_pandas(
                _front_frame(front, pd.RangeIndex(1)), preserve_index=False
            )
        one = one.take(np.zeros(len(frame), dtype=np.int64))
        table = pa.Table.from_arrays(
            [*one.columns, *table.columns], schema=pa.schema([*one.schema, *table.schema])
        )
    return table.replace_schema_metadata(None)


def _front_frame(front: dict[str, Any], index: pd.Index) -> pd.DataFrame:
    """The columns in front of a run's table, each value repeated along `index`."""
    extra = pd.DataFrame({k: [v] * len(index) for k, v in front.items()}, index=index)
    for key, value in front.items():
        if value is None or isinstance(value, str):
            extra[key] = extra[key].astype("string")
    return extra


def dataset_tables(
    name: str, tables, extra: dict[str, Any]
) -> tuple[dict[str, pa.Table], dict[str, list[str]]]:
    """The run `name`'s per-year tables as its sweep's datasets hold them (with its run
    id, parameters, seed and replicate in front: :func:`with_columns`), and for each
    table the names of those columns (:func:`front_keys`). `extra`: the run's
    manifest entries (``parameters``, ``seed``, ``replicate``)."""
    row = {"run_id": name, **extra["parameters"], "seed": extra["seed"]}
    row["replicate"] = extra["replicate"]
    params = list(extra["parameters"])
    fronts: dict[tuple[str, ...], pa.Table] = {}  # the run's columns in front, converted once
    arrow = arrow_tables(tables)
    parts = {
        table: with_columns(frame, row, params, arrow[table], fronts)
        for table, frame in tables.items()
    }
    return parts, {table: front_keys(part, params) for table, part in parts.items()}


def link_parts(sweep_dir: Path, folder: Path) -> None:
    """The sweep's dataset files (``tables/<table>/<run>.parquet``) of the run written
    in `folder` with its columns in front (:func:`dataset_tables`): its own files."""
    for table in TABLE_NAMES:
        part = sweep_dir / TABLES_DIR / table / f"{folder.name}.parquet"
        link_file(folder / f"{table}.parquet", part)


def _no_tables(tables):
    """No tables to write: a sweep run with ``output.tables: false`` keeps its manifest."""
    return type(tables)(
        **{name: frame.iloc[0:0] for name, frame in tables.items()}, kept=tables.kept
    )


# --------------------------------------------------------------------------- a sweep's size


def count_runs(overrides: Sequence[str], replicates: int = 1) -> int:
    """How many runs a sweep of these command-line overrides holds: the product of the
    numbers of values swept, times the replicates (summed where they are swept)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    jobs, reps = 1, [replicates]
    for ov in OverridesParser.create().parse_overrides(list(overrides)):
        key = ov.get_key_element().lstrip("+~")
        if key.startswith("hydra") or not ov.is_sweep_override():
            if key == "replicates" and not ov.is_sweep_override():
                reps = [int(ov.value())]
            continue
        values = list(ov.sweep_string_iterator())
        if key == "replicates":
            reps = [int(v) for v in values]
        else:
            jobs *= len(values)
    return jobs * sum(reps)
