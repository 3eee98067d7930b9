"""The compiled draws of the thematic ties give, bit for bit, what the numpy code gives,
and leave the generator as it leaves it."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from imssim.model import kernels, moves
from tests.conftest import needs_numba

pytestmark = needs_numba


def test_the_block_sum_is_numpys_sum():
    thematic = kernels.load("thematic")
    rng = np.random.default_rng(4)
    for size in range(1, thematic.BLOCK + 1):
        for _ in range(20):
            x = rng.random(size) * 10.0 ** rng.uniform(-3, 3, size)
            x[rng.random(size) < 0.3] = 0.0
            assert thematic.block_sum(x) == x.sum()


def test_the_weighted_index_is_the_inverse_of_numpys_cumulative_shares():
    thematic = kernels.load("thematic")
    rng = np.random.default_rng(5)
    for _ in range(500):
        weight = rng.random(int(rng.integers(1, 80)))
        weight[rng.random(weight.size) < 0.4] = 0.0
        weight[0] += 0.1
        u, total = rng.random(), weight.sum()
        cdf = (weight / total).cumsum()
        cdf /= cdf[-1]
        assert thematic.weighted_index(weight, total, u) == cdf.searchsorted(u, side="right")


def _world(seed: int):
    """A small record, holdings and distances, and the states that start ties."""
    rng = np.random.default_rng(seed)
    n, n_areas = int(rng.integers(3, 40)), int(rng.integers(1, 18))
    k = rng.random((n, n_areas)) * (rng.random((n, n_areas)) < 0.7)
    bilateral = (rng.random((n, n, n_areas)) < 0.2).astype(np.int8)
    since = rng.integers(2010, 2016, (n, n, n_areas)).astype(np.int16)
    distance = rng.random((n, n)) * 1.5
    initiates = rng.random(n) < 0.6
    counts = rng.poisson(3.0, n) * initiates
    rules = SimpleNamespace(distance=distance)
    state = SimpleNamespace(bilateral=bilateral, since=since)
    year = SimpleNamespace(year=2015, states=SimpleNamespace(k=k))
    return rules, state, year, counts, np.flatnonzero(~initiates)


@pytest.mark.parametrize("seed", range(40))
def test_the_compiled_draws_are_the_numpy_draws(seed):
    rules, state, year, counts, outside = _world(seed)
    starting = np.flatnonzero(counts)
    one, two = np.random.default_rng(seed), np.random.default_rng(seed)
    if seed % 2:  # a generator keeping half of an output from an earlier draw
        one.integers(0, 5), two.integers(0, 5)
    among = ((starting, counts[starting]), outside)
    got = moves._drawn_compiled(rules, state, year, among, one)
    weights, free = moves._openings(rules, state, year, starting, outside)
    expected = []
    for s, i in enumerate(starting.tolist()):
        expected += moves._draw_ties(two, (s, i), int(counts[i]), weights[s], free)
    assert got == expected
    assert one.bit_generator.state == two.bit_generator.state
    assert one.random() == two.random() and one.integers(0, 7) == two.integers(0, 7)
