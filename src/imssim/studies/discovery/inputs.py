"""A sweep read for scenario discovery: its completed runs, the inputs that vary across
them (what PRIM searches over) and the outcome columns a condition may name.

The inputs are the sweep's parameters (every key overridden on its command line, or
varied by a study: the ``parameters`` recorded in ``runs.parquet``) that take more than
one value across the completed runs. A key whose values are names (``scenario``,
``policy``, ``counterfactual``) or true/false (``coordinated_cuts``) is categorical,
a numeric key is numeric. The seed is no input: the runs' seeds are draws, not a
choice, and a box should hold whatever the draw. The outcome columns are those of
:data:`imssim.outcomes.HEADLINE`, their differences from the counterfactual
(``<key>_diff``, :data:`imssim.outcomes.COMPARED`) and an outcome in a year
(``<key>@<year>``, a sensitivity study's), each where the sweep recorded a value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from imssim.errors import ImssimError
from imssim.outcomes import COMPARED, DIFF, HEADLINE, OUTCOMES
from imssim.runs.datasets import collect
from imssim.runs.find import run_folders
from imssim.runs.folders import MANIFEST
from imssim.runs.sweep import RUNS_FILE

NOT_SET = "(not set)"  # a categorical input's value in a run that did not set the key
# columns of runs.parquet that describe a run, not an input or an outcome of it
_NOT_INPUTS = ("run_id", "seed", "replicate", "job_seed", "status", "error", "wall_seconds")
_AT_YEAR = re.compile(r"^(?P<key>\w+?)(?P<diff>_diff)?@(?P<year>\d+)$")


@dataclass(frozen=True)
class SweepRuns:
    """A sweep's completed runs (``runs``: a row each, as in runs.parquet), where they
    were read from (``source``, the runs.parquet file; ``folder``, the folder holding
    it), its parameters and how many runs did not complete (``failed``)."""

    source: Path
    folder: Path
    runs: pd.DataFrame
    parameters: tuple[str, ...]
    failed: int


def runs_file(path: str | Path) -> Path:
    """The runs.parquet of `path` (a sweep folder or the file itself), collected first
    when the folder holds runs newer than it (or none was written yet)."""
    path = Path(path)
    if path.is_file():
        return path
    if not path.is_dir():
        raise ImssimError(f"no such sweep folder or runs.parquet: {path}")
    if (path / MANIFEST).is_file():
        raise ImssimError(f"{path} is a run folder, not a sweep folder: give the sweep's folder")
    file = path / RUNS_FILE
    folders = run_folders(path)
    newest = max(((f / MANIFEST).stat().st_mtime for f in folders), default=0.0)
    if folders and (not file.is_file() or file.stat().st_mtime < newest):
        return collect(path, progress=False, tables=False)
    if not file.is_file():
        raise ImssimError(f"{path} holds no {RUNS_FILE} and no run folder: not a sweep folder")
    return file


def read_runs(path: str | Path) -> SweepRuns:
    """The completed runs of the sweep at `path` (see :func:`runs_file`)."""
    source = runs_file(path)
    try:
        runs = pd.read_parquet(source)
        meta = pq.read_schema(source).metadata or {}
        recorded = json.loads(meta.get(b"imssim", b"{}")).get("parameters")
    except (OSError, ValueError, pa.ArrowException) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ImssimError(f"cannot read {source}: {reason}") from None
    if "run_id" not in runs.columns:
        raise ImssimError(f"{source} is not a sweep's {RUNS_FILE}: it has no run_id column")
    parameters = tuple(recorded) if recorded is not None else _parameters_by_place(runs)
    parameters = tuple(p for p in parameters if p in runs.columns and p not in _NOT_INPUTS)
    completed = runs["status"] == "completed" if "status" in runs.columns else True
    done = runs[completed].reset_index(drop=True)
    if done.empty:
        raise ImssimError(f"{source}: no completed run (of {len(runs)})")
    return SweepRuns(source, source.parent, done, parameters, len(runs) - len(done))


def _parameters_by_place(runs: pd.DataFrame) -> tuple[str, ...]:
    """The parameter columns of a runs.parquet without its metadata: those between
    run_id and seed, as collection writes them."""
    columns = list(runs.columns)
    end = columns.index("seed") if "seed" in columns else 1
    return tuple(columns[1:end])


def outcome_columns(runs: pd.DataFrame) -> list[str]:
    """The outcome columns of `runs` with at least one value, in the registry's order:
    the headline outcomes, their differences, then each outcome in a year."""
    named = [*HEADLINE, *(key + DIFF for key in COMPARED)]
    at_year = sorted(
        (c for c in runs.columns if (m := _AT_YEAR.match(c)) and m["key"] in OUTCOMES),
        key=lambda c: (c.split("@")[0].endswith(DIFF), c),
    )
    return [c for c in [*named, *at_year] if c in runs.columns and runs[c].notna().any()]


def varied_inputs(sweep: SweepRuns, rows: pd.Series | None = None) -> pd.DataFrame:
    """The inputs that vary across the runs (`rows`: a mask of those to use, default
    all), a column each: categorical (names, true/false, or a numeric key missing in
    some runs) or numeric (float). Raises :class:`ImssimError` when none varies."""
    runs = sweep.runs if rows is None else sweep.runs[rows]
    columns = {}
    for key in sweep.parameters:
        values = runs[key]
        if values.nunique(dropna=False) < 2:
            continue
        columns[key] = _as_input(values)
    if not columns:
        raise ImssimError(
            f"{sweep.source}: no input varies across its {len(runs)} runs (parameters: "
            f"{', '.join(sweep.parameters) or 'none'}): nothing to search over"
        )
    return pd.DataFrame(columns).reset_index(drop=True)


def _as_input(values: pd.Series) -> pd.Series:
    """A parameter's values as PRIM takes them: float, or categorical text."""
    if pd.api.types.is_bool_dtype(values):
        return values.map({True: "true", False: "false"}).astype("category")
    if pd.api.types.is_numeric_dtype(values) and values.notna().all():
        return values.astype(float)
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.notna().all():  # numbers written as text
        return numeric.astype(float)
    text = values.map(_text).astype(str)
    return text.astype("category")


def _text(value: object) -> str:
    """A categorical value as written in the box table."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return NOT_SET
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
