"""Uniforms keyed by entry: the same number for the same entry and key, whichever
others are drawn; uniform on (0, 1); the compiled loop gives the numpy code's bits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from imssim.model import kernels
from imssim.model.keyed_uniforms import uniforms, year_key
from tests.conftest import needs_numba

keys = st.integers(0, 2**64 - 1).map(np.uint64)
entries = st.lists(st.integers(0, 2**62), min_size=1, max_size=50)


@settings(max_examples=100, deadline=None)
@given(key=keys, flat=entries)
def test_an_entry_draws_the_same_number_whichever_others_are_drawn(key, flat):
    flat = np.array(flat, dtype=np.int64)
    together = uniforms(key, flat)
    alone = np.array([uniforms(key, flat[[e]])[0] for e in range(flat.size)])
    assert together.tobytes() == alone.tobytes()
    assert ((together > 0.0) & (together < 1.0)).all()


@needs_numba
@settings(max_examples=100, deadline=None)
@given(key=keys, flat=entries)
def test_the_compiled_loop_gives_the_numpy_bits(key, flat):
    flat = np.array(flat, dtype=np.int64)
    compiled = kernels.load("keyed").uniforms(key, flat)
    assert compiled.tobytes() == uniforms(key, flat).tobytes()


def test_a_years_uniforms_are_uniform_and_each_year_has_its_own():
    rng = np.random.default_rng(2012)
    first, second = year_key(rng), year_key(rng)
    assert first != second
    a = uniforms(first, np.arange(200_000))
    counts = np.histogram(a, bins=20, range=(0.0, 1.0))[0]
    chi2 = ((counts - a.size / 20) ** 2 / (a.size / 20)).sum()
    assert chi2 < 43.8  # chi-square with 19 degrees of freedom: its 0.999 quantile
    assert abs(np.corrcoef(a[:-1], a[1:])[0, 1]) < 0.01  # neighbouring entries
    b = uniforms(second, np.arange(200_000))
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01  # the same entry in two years
