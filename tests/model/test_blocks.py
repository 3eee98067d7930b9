"""The reductions over state x state x area arrays give what the plain numpy expressions give."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imssim.model import kernels
from imssim.model.blocks import (
    any_over_areas,
    any_over_partners,
    count_over_areas,
    deepest_with,
    max_over_areas,
    nonzero3,
    row_blocks,
)

shapes = st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 6))


def _code(code: str):
    """The compiled loops on (where numba is installed) or the numpy code only."""
    return contextlib.nullcontext() if code == "compiled" else kernels.numpy_only()


def _assert_same(got: np.ndarray, want: np.ndarray) -> None:
    np.testing.assert_array_equal(got, want)
    assert got.dtype == want.dtype


@pytest.mark.parametrize("code", ["compiled", "numpy"])
@settings(max_examples=60, deadline=None)
@given(shape=shapes, density=st.sampled_from([0.0, 0.05, 0.5, 1.0]), seed=st.integers(0, 99))
def test_each_reduction_is_the_numpy_expression(code, shape, density, seed):
    rng = np.random.default_rng(seed)
    mask = rng.random(shape) < density
    forms = rng.integers(0, 7, size=shape).astype(np.int8)
    with _code(code):
        _assert_same(any_over_partners(mask), mask.any(axis=1))
        _assert_same(any_over_areas(mask), mask.any(axis=2))
        _assert_same(count_over_areas(mask), mask.sum(axis=2))
        _assert_same(max_over_areas(forms), forms.max(axis=2))
        # who shares each state's deepest form, among its `pairs`
        pairs, deepest = mask.any(axis=2), forms.max(axis=1)
        want = (pairs[:, :, None] & (forms == deepest[:, None, :])).any(axis=1)
        _assert_same(deepest_with(pairs, forms, deepest), want)
    for got, want in zip(nonzero3(mask), np.nonzero(mask), strict=True):
        np.testing.assert_array_equal(got, want)


@given(n=st.integers(1, 500), per_row=st.integers(0, 100_000))
def test_row_blocks_cover_every_row_once_in_order(n, per_row):
    rows = [i for block in row_blocks(n, per_row) for i in range(n)[block]]
    assert rows == list(range(n))
