"""The tables' text and categorical columns, made as pandas makes them, only faster.

A table's text column is often a few strings repeated (state codes, area names, event
reasons): :func:`labels` makes it from codes into its vocabulary, :func:`repeated_labels`
from codes repeated year by year, :func:`strings` from the strings themselves, each with
Arrow at once where pandas keeps strings in Arrow (pandas converts them one by one);
:func:`categorical` makes a categorical column from codes of a type made once; and
:func:`frame` makes a table of such columns as ``pd.DataFrame`` makes it from them.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

try:  # pandas 3: a frame made from its blocks
    from pandas.api.internals import create_dataframe_from_blocks
except ImportError:  # pragma: no cover - pandas 2
    create_dataframe_from_blocks = None


def categorical(codes: np.ndarray, dtype: pd.CategoricalDtype) -> pd.Categorical:
    """The categorical column of `codes`, valid codes of `dtype` (-1: missing), as
    ``pd.Categorical.from_codes(codes, categories=dtype.categories)`` makes it."""
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def labels(names: tuple[str, ...], codes: np.ndarray) -> object:
    """The column of strings ``names[codes]``, as pandas makes it from
    ``np.array(names)[codes]``; built by Arrow from the codes where pandas keeps
    strings in Arrow (much faster for long tables)."""
    plain = np.array(names)
    kinds = _string_kinds(plain) if codes.size else None
    if kinds is not None:
        import pyarrow as pa

        dtype, kind = kinds
        taken = pa.array(list(names), type=kind).take(pa.array(codes))
        return pd.array(taken, dtype=dtype)
    return plain[codes]


def strings(values: list[str]) -> object:
    """The column of the strings `values` (at least one), as :func:`labels` makes it
    from their codes (Arrow converts them at once where pandas keeps strings in it)."""
    plain = np.array(values[:1])
    kinds = _string_kinds(plain)
    if kinds is None:
        return np.array(values)
    import pyarrow as pa

    dtype, kind = kinds
    return pd.array(pa.array(values, type=kind), dtype=dtype)


def repeated_labels(names: tuple[str, ...], codes: np.ndarray, times: int) -> object:
    """:func:`labels` of `codes` repeated `times` times, the strings made once (the
    repeats share them: Arrow chunks)."""
    kinds = _string_kinds(np.array(names)) if codes.size and times else None
    if kinds is None:
        return labels(names, np.tile(codes, times))
    import pyarrow as pa

    dtype, kind = kinds
    once = pa.array(list(names), type=kind).take(pa.array(codes))
    return pd.array(pa.chunked_array([once] * times, type=kind), dtype=dtype)


def _string_kinds(plain: np.ndarray) -> tuple[object, object] | None:
    """(the pandas dtype, the Arrow type) of the column pandas makes from the values
    `plain` when it keeps them in Arrow (None otherwise); for strings (of any width,
    which pandas reads alike), looked up once under each of pandas' string options."""
    if plain.dtype.kind != "U":
        return _string_kinds_of(plain[:1])
    with warnings.catch_warnings():  # (pandas 3 warns that the first will go)
        warnings.simplefilter("ignore")
        options = (pd.get_option("future.infer_string"), pd.get_option("mode.string_storage"))
    return _string_kinds_under(*options)


@functools.lru_cache(maxsize=4)
def _string_kinds_under(*options: object) -> tuple[object, object] | None:
    """:func:`_string_kinds` of strings under pandas' string `options`."""
    return _string_kinds_of(np.array(["a"]))


def _string_kinds_of(sample: np.ndarray) -> tuple[object, object] | None:
    """:func:`_string_kinds` of the values `sample`."""
    column = pd.Series(sample).array
    if getattr(column.dtype, "storage", None) != "pyarrow":
        return None
    import pyarrow as pa

    return column.dtype, pa.array(column).type  # string or large_string, as pandas makes it


def frame(columns: dict[str, object]) -> pd.DataFrame:
    """The table of `columns` (name: values, in order), as ``pd.DataFrame(columns)``
    makes it: each dtype's numeric columns stacked into one block, each pandas array
    (text, categorical) a block of its own. Made from those blocks at once where pandas
    can (a few times faster than its constructor, which checks each column); by the
    constructor where a column is of another kind (a list, an array of text)."""
    arrays: list[np.ndarray | ExtensionArray] = []
    for values in columns.values():
        numeric = isinstance(values, np.ndarray) and values.dtype.kind in "biuf"
        if not (numeric or isinstance(values, ExtensionArray)):
            return pd.DataFrame(columns)
        arrays.append(values)  # type: ignore[arg-type]  # (one of the two, as checked)
    rows = len(arrays[0]) if arrays else 0
    if (
        create_dataframe_from_blocks is None
        or not arrays
        or any(array.ndim != 1 or len(array) != rows for array in arrays)
    ):  # (an empty table, or columns of unequal length: the constructor's own error)
        return pd.DataFrame(columns)
    blocks: list[tuple[np.ndarray | ExtensionArray, np.ndarray]] = []
    numeric_at: dict[np.dtype, list[int]] = {}
    for k, array in enumerate(arrays):
        if isinstance(array, ExtensionArray):
            blocks.append((array, np.array([k], dtype=np.intp)))
        else:
            numeric_at.setdefault(array.dtype, []).append(k)
    for at in numeric_at.values():  # stacked: a copy, as the constructor makes
        stacked = np.stack([arrays[k] for k in at])
        blocks.append((stacked, np.array(at, dtype=np.intp)))
    index, names = pd.RangeIndex(rows), pd.Index(list(columns))
    return create_dataframe_from_blocks(blocks, index=index, columns=names)
