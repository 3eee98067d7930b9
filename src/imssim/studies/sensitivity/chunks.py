"""A model study's runs kept as chunk files, with no folder per run.

A worker that runs a chunk of a study's units writes one Parquet file,
``<study folder>/chunks/<first job>-<last job>.<token>.parquet``: a row per run, the
row ``runs.parquet`` holds for it (:func:`imssim.runs.datasets.run_row`, from the
entries its run folder's manifest would have held, :class:`imssim.runs.sweep.JobRun`),
failed runs among them (``status`` failed, ``error``). The file is written under a
hidden temporary name and renamed into place (:func:`imssim.runs.parquet.atomic_parquet`);
the token keeps a chunk from replacing an earlier one that spans the same jobs.

Reading the store: the runs complete are those with a completed row in some chunk
file (:func:`run_status`); a file that cannot be read (broken, cut short, not a chunk)
is passed over, so its runs are run again. ``runs.parquet`` is written from the chunk
files (:func:`write_runs_file`) with the columns, types and rows that
:func:`imssim.runs.datasets.collect` gives for the same runs' folders: a row per run,
sorted by run id; a run recorded more than once (failed, then run again) keeps its
completed row.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from imssim.runs.datasets import parameter_keys, run_row, runs_frame, write_runs
from imssim.runs.parquet import atomic_parquet

CHUNKS_DIR = "chunks"
_META = b"imssim"
_UNREADABLE = (OSError, ValueError, KeyError, pa.ArrowException)


def write_chunk(
    folder: Path, runs: Iterable[tuple[str, Mapping[str, Any]]], first: int, last: int
) -> Path:
    """Write the rows of a chunk's runs, each given as (run id, the entries of its
    manifest: :meth:`imssim.runs.sweep.JobRun.manifest_entries`), as one chunk file of
    the study folder `folder`, atomically; `first` and `last` are its jobs. The file's
    metadata names the runs' parameters (the parameter columns of ``runs.parquet``)."""
    runs = list(runs)
    rows = [run_row(run_id, info) for run_id, info in runs]
    names: dict[str, None] = {}
    for row in rows:  # every key any row has, in the order first named
        names.update(dict.fromkeys(row))
    table = pa.table({name: [row.get(name) for row in rows] for name in names})
    params = parameter_keys(info for _, info in runs)
    meta = {_META: json.dumps({"parameters": params}).encode()}
    path = folder / CHUNKS_DIR / f"{first}-{last}.{uuid.uuid4().hex[:8]}.parquet"
    atomic_parquet(table.replace_schema_metadata(meta), path)
    return path


def chunk_files(folder: Path) -> list[Path]:
    """The chunk files of the study folder `folder`, by name (not those being written)."""
    store = folder / CHUNKS_DIR
    if not store.is_dir():
        return []
    return sorted(p for p in store.glob("*.parquet") if not p.name.startswith("."))


def read_chunk(path: Path, columns: list[str] | None = None) -> pa.Table | None:
    """A chunk file's rows (only `columns`, if given), or None when it cannot be read
    or lacks a run id and a status."""
    try:
        with pq.ParquetFile(path) as file:  # (twice as fast as read_table for a small file)
            table = file.read(columns=columns, use_threads=False)
    except _UNREADABLE:
        return None
    return table if {"run_id", "status"} <= set(table.column_names) else None


def run_status(folder: Path) -> dict[str, str]:
    """Each run recorded in the study folder's chunk files: completed, or failed when
    no chunk file records it completed."""
    status: dict[str, str] = {}
    for path in chunk_files(folder):
        table = read_chunk(path, ["run_id", "status"])
        if table is None:
            continue
        for run_id, state in zip(
            table["run_id"].to_pylist(), table["status"].to_pylist(), strict=True
        ):
            if status.get(run_id) != "completed":
                status[run_id] = state
    return status


class ChunkCounter:
    """The runs recorded in chunk files written since it was made, plus `before`: the
    runs done of a study whose chunk files are being written (for its progress bar)."""

    def __init__(self, folder: Path, before: int = 0) -> None:
        self.folder = folder
        self.before = before
        self.seen: dict[Path, int] = dict.fromkeys(chunk_files(folder), 0)

    def __call__(self) -> int:
        """The runs done so far."""
        for path in chunk_files(self.folder):
            if path not in self.seen:
                try:
                    self.seen[path] = pq.read_metadata(path).num_rows
                except _UNREADABLE:
                    continue  # counted when it can be read
        return self.before + sum(self.seen.values())


def combined_runs(folder: Path) -> tuple[pd.DataFrame, list[str]] | None:
    """``runs.parquet``'s frame (:func:`imssim.runs.datasets.runs_frame`) from the
    study folder's chunk files, and its parameters; None when no chunk file can be
    read."""
    tables, params = [], []
    for path in chunk_files(folder):
        table = read_chunk(path)
        if table is None:
            continue
        tables.append(table.replace_schema_metadata(None))
        meta = json.loads((table.schema.metadata or {}).get(_META, b"{}"))
        params.append({"parameters": dict.fromkeys(meta.get("parameters", []))})
    if not tables:
        return None
    # the columns of all chunks (a column no run of a chunk filled is null there)
    table = pa.concat_tables(tables, promote_options="default")
    ids, states = table["run_id"].to_pylist(), table["status"].to_pylist()
    kept: dict[str, int] = {}
    for i, (run_id, state) in enumerate(zip(ids, states, strict=True)):
        j = kept.get(run_id)
        if j is None or (state == "completed" and states[j] != "completed"):
            kept[run_id] = i
    table = table.take([kept[run_id] for run_id in sorted(kept)])
    # the runs of a study share their parameters: their order is each chunk's
    keys = parameter_keys(params)
    return runs_frame(table.to_pandas(), keys), keys


def write_runs_file(folder: Path) -> Path | None:
    """Write ``runs.parquet`` into the study folder `folder` from its chunk files
    (:func:`combined_runs`); return its path (None: no chunk file can be read)."""
    combined = combined_runs(folder)
    if combined is None:
        return None
    runs, params = combined
    return write_runs(runs, folder, params)
