"""A run's tables go to Arrow as pandas' conversion takes them, and to Parquet so that
they read back as they were, with dictionaries and statistics where they pay."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings

from imssim.model.columns import frame
from imssim.runs.parquet import arrow_table, atomic_parquet, write_table
from tests.model.test_columns import TABLES, columns_of


def _pandas(table: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(table, preserve_index=False)


@settings(max_examples=60, deadline=None)
@given(**TABLES)
def test_a_table_is_the_table_pandas_conversion_gives(kinds, rows, seed):
    columns = columns_of(kinds, rows, seed)
    for made in (frame(columns), pd.DataFrame(columns)):
        expected = _pandas(made)
        for _ in range(2):  # the second with the schema kept from the first
            converted = arrow_table(made)
            assert converted.equals(expected, check_metadata=True)
            assert converted.schema.metadata == expected.schema.metadata


def test_a_runs_tables_convert_as_pandas_converts_them(short_run):
    for _, table in short_run.tables.items():
        assert arrow_table(table).equals(_pandas(table), check_metadata=True)


def test_tables_whose_conversion_depends_on_their_values_go_through_pandas():
    objects = pd.DataFrame({"year": [2012, 2013], "members": [["NLD", "BEL"], None]})
    assert arrow_table(objects).equals(_pandas(objects), check_metadata=True)
    texts = pd.DataFrame({"a": np.array(["x", "y"], dtype=object)})  # object column
    assert arrow_table(texts).schema.field("a").type == _pandas(texts).schema.field("a").type
    described = pd.DataFrame({"a": [1, 2]})
    described.attrs["note"] = "kept in pandas' metadata"
    assert arrow_table(described).equals(_pandas(described), check_metadata=True)
    # the same names and types, other categories: another schema
    one = pd.DataFrame({"c": pd.Categorical(["a"], categories=["a", "b"])})
    two = pd.DataFrame({"c": pd.Categorical(["a"], categories=["a", "b", "c"])})
    for table in (one, two, one):
        assert arrow_table(table).equals(_pandas(table), check_metadata=True)


def _encodings(path) -> dict[str, tuple[tuple[str, ...], bool]]:
    meta = pq.ParquetFile(path).metadata.row_group(0)
    chunks = (meta.column(i) for i in range(meta.num_columns))
    return {c.path_in_schema: (c.encodings, c.is_stats_set) for c in chunks}


def test_a_written_table_reads_back_with_dictionaries_and_key_statistics(tmp_path):
    table = pd.DataFrame(
        {
            "run_id": ["r1"] * 4,
            "year": np.arange(2012, 2016, dtype=np.int32),
            "country": pd.array(["NLD", "BEL", "NLD", "DEU"], dtype="str"),
            "ring": pd.Categorical(["strategic", "affiliated", "strategic", "opportunity"]),
            "form": np.array([1, 2, 2, 6], dtype=np.int8),
            "held": [True, False, True, True],
            "trust": [0.1, 0.25, 0.5, 0.75],
        }
    )
    arrow = arrow_table(table)
    path = tmp_path / "t.parquet"
    write_table(arrow, path, keys=["run_id", "not_a_column"])
    pq.write_table(arrow, tmp_path / "defaults.parquet")
    # what a reader gets back is what it gets from Parquet's defaults
    expected = pq.read_table(tmp_path / "defaults.parquet")
    assert pq.read_table(path).equals(expected, check_metadata=True)
    pd.testing.assert_frame_equal(pd.read_parquet(path), table)
    found = _encodings(path)
    for name in ("country", "ring", "form", "year", "run_id"):
        assert "RLE_DICTIONARY" in found[name][0], name
    assert "RLE_DICTIONARY" not in found["trust"][0]  # measures: plain
    stats = {name for name, (_, kept) in found.items() if kept}
    assert stats == {"year", "run_id"}


def test_an_atomic_file_leaves_nothing_behind_and_keeps_defaults_without_keys(tmp_path):
    table = pa.table({"year": [2012, 2013], "x": [0.5, 0.25]})
    atomic_parquet(table, tmp_path / "a" / "plain.parquet")
    atomic_parquet(table, tmp_path / "a" / "run.parquet", keys=())
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["plain.parquet", "run.parquet"]
    assert all(kept for _, kept in _encodings(tmp_path / "a" / "plain.parquet").values())
    assert {n for n, (_, k) in _encodings(tmp_path / "a" / "run.parquet").items() if k} == {"year"}
