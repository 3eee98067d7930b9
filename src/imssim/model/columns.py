"""The tables' text and categorical columns, made as pandas makes them, only faster.

A table's text column is often a few strings repeated (state codes, area names, event
reasons): :func:`labels` makes it from codes into its vocabulary, :func:`repeated_labels`
from codes repeated year by year, :func:`strings` from the strings themselves, each with
Arrow at once where pandas keeps strings in Arrow (pandas converts them one by one);
:func:`categorical` makes a categorical column from codes of a type made once.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd


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
