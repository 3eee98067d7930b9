"""A sweep collected into one tidy table and per-year datasets, and read back.

``imssim-collect <sweep folder>`` (and every sweep when it ends) writes into the
sweep folder:

- ``runs.parquet``: one row per run: ``run_id`` (its folder), every overridden key as
  its own column (``scenario``, ``policy``, ``params.economic_pressure`` ...), the seed,
  the replicate and the job's seed, ``status`` (completed or failed), ``error``,
  ``wall_seconds``, and the headline outcomes of the last year
  (:data:`imssim.outcomes.HEADLINE`) with their differences from the counterfactual
  (``<outcome>_diff``) where runs have one, and ``<outcome>@<year>`` where the runs
  recorded other years (a sensitivity study does);
- ``tables/<name>/<run_id>.parquet``: the per-year tables of every completed run,
  with ``run_id``, the parameter columns, ``seed`` and ``replicate`` added. Each folder
  is a Parquet dataset with one schema, read as is by ``pandas.read_parquet``,
  ``pyarrow.dataset.dataset`` and DuckDB (``read_parquet('tables/pairs/*.parquet')``).

Each sweep job writes its runs' dataset files itself: a run's folder holds its tables
with those columns in front, and each dataset file is the run's own file under a second
name (:func:`imssim.runs.sweep.link_parts`). Collection puts back those missing: a link
to the run's file, or, for a run written without the columns in front (an older
sweep), the run's table with them.
Collection streams: it holds one run's tables at a time, and a run's dataset files,
once written, are not written again, so collecting a sweep still running (or
interrupted, or resumed) only adds what is new. Files appear under a temporary name
and are renamed into place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from imssim.errors import ImssimError
from imssim.outcomes import COMPARED, DIFF, HEADLINE
from imssim.runs.find import run_folders
from imssim.runs.folders import FRONT, MANIFEST, TABLES, RunFolder
from imssim.runs.parquet import atomic_parquet, link_file
from imssim.runs.progress import bar
from imssim.runs.sweep import (
    RUNS_FILE,
    TABLES_DIR,
    front_keys,
    with_columns,
)

# the columns of runs.parquet before the parameters and after them
_FIRST = ("run_id",)
_AFTER = ("seed", "replicate", "job_seed", "status", "error", "wall_seconds")


def run_row(run_id: str, info: Mapping[str, Any]) -> dict[str, Any]:
    """A run's row of ``runs.parquet`` from its manifest (`info`: the manifest as read
    back, or the entries a manifest would hold: ``parameters``, ``seed``,
    ``replicate``, ``job_seed``, ``status``, ``error``, ``wall_seconds`` and
    ``headline``, :func:`imssim.runs.sweep.headline`)."""
    row: dict[str, Any] = {"run_id": run_id}
    row.update(info.get("parameters", {}))
    row.update(
        {
            "seed": info.get("seed"),
            "replicate": info.get("replicate", 0),
            "job_seed": info.get("job_seed", info.get("seed")),
            "status": "failed" if info.get("status") == "failed" else "completed",
            "error": info.get("error", ""),
            "wall_seconds": info.get("wall_seconds"),
        }
    )
    head = info.get("headline", {})
    for name in HEADLINE:
        row[name] = head.get(name)
    for name in COMPARED:
        row[name + DIFF] = head.get(name + DIFF)
    row.update({k: v for k, v in head.items() if k not in row})  # <outcome>@<year>
    return row


def parameter_keys(infos: Iterable[Mapping[str, Any]]) -> list[str]:
    """The parameters of runs (their manifests' ``parameters``), in the order they first
    appear: the parameter columns of ``runs.parquet``."""
    keys: dict[str, None] = {}
    for info in infos:
        keys.update(dict.fromkeys(info.get("parameters", {})))
    return list(keys)


def runs_frame(runs: pd.DataFrame, params: Sequence[str]) -> pd.DataFrame:
    """``runs.parquet`` as a frame, from a frame of its rows (:func:`run_row`, a row
    per run, in order): ``run_id``, the parameters `params`, then seed, replicate, job
    seed, status, error and wall time, then the outcomes in the order the rows first
    name them; a parameter all text (or none), the status and the error as pandas
    strings."""
    order = [*_FIRST, *params, *_AFTER]
    runs = runs[[*order, *[c for c in runs.columns if c not in order]]]
    for key in params:
        if runs[key].map(lambda v: v is None or isinstance(v, str)).all():
            runs[key] = runs[key].astype("string")
    runs["error"] = runs["error"].astype("string")
    runs["status"] = runs["status"].astype("string")
    return runs


def write_runs(runs: pd.DataFrame, sweep: Path, params: Sequence[str]) -> Path:
    """Write ``runs.parquet`` (:func:`runs_frame`) into the folder `sweep`, atomically,
    with the folder and the parameters in its metadata; return its path."""
    path = sweep / RUNS_FILE
    table = pa.Table.from_pandas(runs, preserve_index=False)
    meta = {b"imssim": json.dumps({"sweep": str(sweep), "parameters": list(params)}).encode()}
    atomic_parquet(table.replace_schema_metadata(meta), path)
    return path


def collect(sweep: str | Path, *, progress: bool = True, tables: bool = True) -> Path:
    """Collect the sweep folder `sweep` (see the module's description); return the path
    of ``runs.parquet``. Raises :class:`ImssimError` when it holds no run."""
    sweep = Path(sweep)
    if not sweep.is_dir():
        raise ImssimError(f"no such sweep folder: {sweep}")
    if (sweep / MANIFEST).is_file():  # a run's own counterfactual folder is no sweep run
        raise ImssimError(
            f"{sweep} is a run folder, not a sweep folder: collect the folder that holds a "
            "sweep's runs (a run's tables are already in its folder)"
        )
    folders = run_folders(sweep)
    if not folders:
        raise ImssimError(f"no run folder (with {MANIFEST}) in {sweep}: not a sweep folder")
    rows = []
    shown = bar(len(folders), what="collecting") if progress else None
    infos = []
    for folder in folders:
        try:
            infos.append(json.loads((folder / MANIFEST).read_text()))
        except (OSError, ValueError) as exc:
            raise ImssimError(f"cannot read {folder / MANIFEST}: {exc}") from None
    params = parameter_keys(infos)
    try:
        for folder, info in zip(folders, infos, strict=True):
            row = run_row(folder.name, info)
            rows.append(row)
            if tables and row["status"] == "completed" and info.get("tables_kept", True):
                for name in TABLES:  # written by the job already, as a rule
                    part = sweep / TABLES_DIR / name / f"{folder.name}.parquet"
                    source = folder / f"{name}.parquet"
                    if part.exists() or not source.is_file():
                        continue
                    if info.get(FRONT):  # the run's own file is the dataset's
                        link_file(source, part)
                        continue
                    frame = pd.read_parquet(source)
                    table = with_columns(frame, row, params)
                    atomic_parquet(table, part, front_keys(table, params))
            if shown is not None:
                shown.update(1)
    finally:
        if shown is not None:
            shown.close()
    return write_runs(runs_frame(pd.DataFrame(rows), params), sweep, params)


class Sweep:
    """A sweep folder read back: ``runs`` (runs.parquet, collected first if missing or
    older than a run in the folder), ``table(name)`` (a per-year table of all runs) and
    ``run(run_id)`` (one run's folder)."""

    def __init__(self, path: str | Path, *, progress: bool = False) -> None:
        self.path = Path(path)
        runs_file = self.path / RUNS_FILE
        folders = run_folders(self.path)
        newest = max(((f / MANIFEST).stat().st_mtime for f in folders), default=0.0)
        if not runs_file.is_file() or runs_file.stat().st_mtime < newest:
            collect(self.path, progress=progress)
        self.runs: pd.DataFrame = pd.read_parquet(runs_file)
        meta = pq.read_schema(runs_file).metadata or {}
        self.parameters: list[str] = json.loads(meta.get(b"imssim", b"{}")).get("parameters", [])

    def table(self, name: str) -> pd.DataFrame:
        """A per-year table of all the sweep's runs (empty when none kept its tables)."""
        if name not in TABLES:
            raise ImssimError(f"unknown table {name!r}; the tables are {', '.join(TABLES)}")
        folder = self.path / TABLES_DIR / name
        if not folder.is_dir() or not any(folder.glob("*.parquet")):
            return pd.DataFrame()
        return pd.read_parquet(folder)

    def run(self, run_id: str) -> RunFolder:
        """One run's folder, read back."""
        return RunFolder(self.path / run_id)

    def __repr__(self) -> str:
        return f"Sweep({str(self.path)!r}, {len(self.runs)} runs)"


def is_sweep(path: str | Path) -> bool:
    """True for a folder of runs (or its runs.parquet), not a run folder itself."""
    path = Path(path)
    return not (path / MANIFEST).is_file() and (
        (path / RUNS_FILE).is_file() or bool(run_folders(path))
    )


def load_sweep(path: str | Path) -> Sweep:
    """Open a sweep folder (collecting it first when needed)."""
    path = Path(path)
    if not path.is_dir():
        raise ImssimError(f"no such sweep folder: {path}")
    return Sweep(path)
