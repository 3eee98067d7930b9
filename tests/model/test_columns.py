"""The tables' columns and frames are made as pandas makes them from the same values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imssim.model.columns import categorical, frame, labels, repeated_labels, strings

NAMES = ("NLD", "BEL", "DEU", "")
KINDS = ("int8", "int16", "int32", "int64", "float64", "bool", "text", "category", "labels")
DTYPE = pd.CategoricalDtype(("a", "b", "c"))


def _column(kind: str, rows: int, rng: np.random.Generator) -> object:
    codes = rng.integers(0, 3, size=rows)
    if kind == "text":
        return strings([NAMES[c] for c in codes]) if rows else labels(NAMES, codes)
    if kind == "labels":
        return labels(NAMES, codes)
    if kind == "category":
        return categorical(codes.astype(np.int8), DTYPE)
    if kind == "bool":
        return codes > 0
    return (codes * 7 - 5).astype(kind) / (3.0 if kind == "float64" else 1)


# a table's columns drawn: their kinds, the rows and the seed of their values
TABLES = {
    "kinds": st.lists(st.sampled_from(KINDS), min_size=1, max_size=12),
    "rows": st.integers(0, 40),
    "seed": st.integers(0, 2**16),
}


def columns_of(kinds: list[str], rows: int, seed: int) -> dict[str, object]:
    """The columns of a drawn table (:data:`TABLES`), named by their place and kind."""
    rng = np.random.default_rng(seed)
    return {f"c{k}_{kind}": _column(kind, rows, rng) for k, kind in enumerate(kinds)}


@settings(max_examples=60, deadline=None)
@given(**TABLES)
def test_a_frame_is_the_frame_pandas_makes(kinds, rows, seed):
    columns = columns_of(kinds, rows, seed)
    expected = pd.DataFrame(columns)
    made = frame(columns)
    pd.testing.assert_frame_equal(made, expected, check_column_type=True, check_index_type=True)
    assert list(made.dtypes) == list(expected.dtypes)


def test_a_frame_owns_its_numbers_and_falls_back_for_other_columns():
    numbers = np.arange(4, dtype=np.int32)
    made = frame({"year": numbers, "value": np.ones(4)})
    numbers[0] = 99  # the frame keeps its own copy, as pandas' constructor does
    assert made["year"].tolist() == [0, 1, 2, 3]
    mixed = {"year": np.arange(2), "members": ["NLD;BEL", "DEU"]}  # a list: the constructor
    pd.testing.assert_frame_equal(frame(mixed), pd.DataFrame(mixed))
    pd.testing.assert_frame_equal(frame({}), pd.DataFrame({}))
    with pytest.raises(ValueError, match="same length"):
        frame({"a": np.arange(2), "b": np.arange(3)})


def test_labels_are_the_strings_pandas_makes_from_the_names():
    codes = np.array([2, 0, 0, 3, 1])
    expected = pd.Series(np.array(NAMES)[codes])
    assert pd.Series(labels(NAMES, codes)).equals(expected)
    assert pd.Series(repeated_labels(NAMES, codes, 3)).equals(
        pd.Series(np.array(NAMES)[np.tile(codes, 3)])
    )
    assert pd.Series(strings(["x", "", "y"])).equals(pd.Series(["x", "", "y"]))
