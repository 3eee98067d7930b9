"""A run's tables to Arrow and Parquet, as every run folder and sweep dataset stores them.

A sweep job converts its run's six tables to Arrow and writes each once (the run
folder's file, which is also the sweep's dataset file: :func:`link_file`): some
hundred columns, most of them a few dozen rows. What costs is per column, not per
value, so both steps are made cheaper per column, the files' contents unchanged in what
a reader gets back:

* :func:`arrow_table` gives what ``pa.Table.from_pandas(frame, preserve_index=False)``
  gives, schema and pandas metadata included (a test compares them), at about a third
  of its cost: the schema, which depends only on the columns' names and types, is
  made once per kind of table, and each column is converted on its own (a numpy column
  through its array, at once).
* :func:`write_table` dictionary-encodes the columns whose values repeat (text,
  categories, integers) but not the measures (floats, nearly all distinct,
  which the dictionary only slows), and keeps the minimum and maximum of the key
  columns only (the year, and the run's columns in front of a dataset file: what a
  reader of many runs filters on; Parquet's default keeps them for every column). A
  third faster than Parquet's defaults, and the files are no larger.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

KEY_COLUMNS = ("year",)  # a run's table keeps these columns' statistics
_SCHEMAS: dict[tuple[object, ...], pa.Schema] = {}  # by the kind of table
_KEPT = 64  # kinds of table whose schemas are kept


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """`frame` as ``pa.Table.from_pandas(frame, preserve_index=False)`` converts it
    (see the module's description); a frame of another kind (a column of Python
    objects, duplicate names, attributes) is converted by that very call."""
    kind = _kind(frame)
    if kind is None:
        return pa.Table.from_pandas(frame, preserve_index=False)
    schema = _SCHEMAS.get(kind)
    if schema is None:
        if len(_SCHEMAS) >= _KEPT:
            del _SCHEMAS[next(iter(_SCHEMAS))]
        schema = _SCHEMAS[kind] = pa.Table.from_pandas(frame.iloc[:0], preserve_index=False).schema
    arrays = []
    for (_, column), field in zip(frame.items(), schema, strict=True):
        if isinstance(column.dtype, np.dtype):
            arrays.append(pa.array(column.to_numpy(), type=field.type))
        else:
            arrays.append(pa.array(column.array, type=field.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


def _kind(frame: pd.DataFrame) -> tuple[object, ...] | None:
    """What the schema of `frame`'s conversion depends on; None for a frame whose
    conversion depends on its values too (columns of Python objects) or that the
    quick way does not cover."""
    columns = frame.columns
    names, dtypes = tuple(columns), tuple(frame.dtypes)
    if (
        frame.attrs
        or not columns.is_unique
        or any(not isinstance(name, str) for name in names)
        or any(isinstance(dtype, np.dtype) and dtype.kind == "O" for dtype in dtypes)
    ):
        return None
    return (names, dtypes, columns.dtype, columns.name)


def write_table(table: pa.Table, path: str | Path, keys: Sequence[str] = ()) -> None:
    """Write a run's table (or a dataset file of one) to Parquet at `path`, encoded as
    the module's description says; `keys`: columns whose statistics are kept besides
    :data:`KEY_COLUMNS`."""
    repeated = [
        field.name
        for field in table.schema
        if pa.types.is_string(field.type)
        or pa.types.is_large_string(field.type)
        or pa.types.is_dictionary(field.type)
        or pa.types.is_integer(field.type)
    ]
    names = set(table.column_names)
    stats = [key for key in dict.fromkeys((*KEY_COLUMNS, *keys)) if key in names]
    pq.write_table(table, path, use_dictionary=repeated, write_statistics=stats or False)


def atomic_parquet(table: pa.Table, path: Path, keys: Sequence[str] | None = None) -> None:
    """Write a Parquet file under a temporary name and rename it into place; with
    `keys`, as a run's table (:func:`write_table`), else with Parquet's defaults."""
    with _placed(path) as tmp:
        if keys is None:
            pq.write_table(table, tmp)
        else:
            write_table(table, tmp, keys)


def link_file(source: Path, path: Path) -> None:
    """`source` also under the name `path`: the same file (a hard link), or a copy where
    the file system has no links; put in place under a temporary name."""
    with _placed(path) as tmp:
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)


@contextlib.contextmanager
def _placed(path: Path) -> Iterator[Path]:
    """A temporary name beside `path` to write to; renamed to `path` when the block
    ends without an error, removed in any case."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
