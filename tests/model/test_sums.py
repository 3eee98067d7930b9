"""The compiled loops' sums add in numpy's order, and the compiled investment and cut
spread a surplus and a deficit as the numpy code does, bit for bit."""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imssim.config import ModelParams
from imssim.model import kernels
from imssim.model.capabilities import _invest_and_cut

pytestmark = pytest.mark.skipif(not kernels.available(), reason="numba is not installed")

scales = st.sampled_from([1e-3, 1.0, 1e3, 1e9])


@functools.cache
def _row_sums():
    """A compiled loop: each row's :func:`imssim.model.kernels.sums.row_sum`."""
    import numba

    row_sum = kernels.load("sums").row_sum

    @numba.njit
    def sums(x):
        out = np.empty(x.shape[0])
        for i in range(x.shape[0]):
            out[i] = row_sum(x, i)
        return out

    return sums


@settings(max_examples=80, deadline=None)
@given(rows=st.integers(1, 4), n=st.integers(0, 128), scale=scales, seed=st.integers(0, 999))
def test_a_row_sum_is_numpys_sum_bit_for_bit(rows, n, scale, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, n)) * scale * 10.0 ** rng.integers(-6, 7, (rows, n))
    x[rng.random((rows, n)) < 0.1] = -0.0
    assert _row_sums()(x).tobytes() == x.sum(axis=1).tobytes()


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 6), areas=st.integers(1, 20), depth=scales, seed=st.integers(0, 999))
def test_the_compiled_investment_and_cut_give_the_numpy_codes(n, areas, depth, seed):
    rng = np.random.default_rng(seed)
    k = rng.random((n, areas)) * (rng.random((n, areas)) < 0.8)
    caps = SimpleNamespace(k=k, dropped=rng.random((n, areas)) < 0.1)
    unit = rng.random((n, areas)) * (rng.random((n, areas)) < 0.9)
    year = SimpleNamespace(unit=unit, inputs=SimpleNamespace(cost_index=1.0 + rng.random()))
    rules = SimpleNamespace(
        params=ModelParams(),
        core=rng.random((n, areas)) < 0.3,
        profile=rng.random((n, areas)) * (rng.random((n, areas)) < 0.9),
    )
    gap = rng.standard_normal(n) * depth * (rng.random(n) < 0.8)
    spread = (np.exp(rng.standard_normal(areas)), rng.random((n, areas)) < 0.1)
    compiled = _invest_and_cut(caps, year, rules, gap, spread)
    with kernels.numpy_only():
        numpy = _invest_and_cut(caps, year, rules, gap, spread)
    for got, want in zip(compiled, numpy, strict=True):
        assert got.tobytes() == want.tobytes()
