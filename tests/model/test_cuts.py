"""The compiled investment and cut spread a surplus and a deficit as the numpy code
does, bit for bit."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from imssim.config import ModelParams
from imssim.model import kernels
from imssim.model.capabilities import _invest_and_cut
from tests.conftest import needs_numba

pytestmark = needs_numba

scales = st.sampled_from([1e-3, 1.0, 1e3, 1e9])


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
