"""The compiled loops' sums add in numpy's order, and the compiled cut spreads a deficit
as the numpy code does, bit for bit."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imssim.config import ModelParams
from imssim.model import kernels
from imssim.model.capabilities import _cut

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


class _Rules:
    """The parts of the capability rules a cut reads."""

    def __init__(self, core: np.ndarray) -> None:
        self.params = ModelParams()
        self.core = core


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 6), areas=st.integers(1, 20), depth=scales, seed=st.integers(0, 999))
def test_the_compiled_cut_gives_the_numpy_cut(n, areas, depth, seed):
    rng = np.random.default_rng(seed)
    k = rng.random((n, areas)) * (rng.random((n, areas)) < 0.8)
    unit = rng.random((n, areas)) * (rng.random((n, areas)) < 0.9)
    tilt = np.exp(rng.standard_normal(areas))
    deficit = rng.random(n) * depth * (rng.random(n) < 0.8)
    rules = _Rules(rng.random((n, areas)) < 0.3)
    compiled = _cut(k, unit, rules, tilt, deficit)
    with kernels.numpy_only():
        numpy = _cut(k, unit, rules, tilt, deficit)
    assert compiled.tobytes() == numpy.tobytes()
