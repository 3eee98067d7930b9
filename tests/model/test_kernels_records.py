"""The compiled rings, offers, trust, fit and records give, bit for bit, what their numpy
code gives, on states of a run and on arrays made to hit the edge cases (signed zeros,
ties, long sums)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from imssim import to_config
from imssim.model import kernels
from imssim.model.capacity import contribution, pair_offers, year_outcomes
from imssim.model.partners import current_fit
from imssim.model.rings import moved, one_year_on, target_rings
from imssim.model.simulation import CooperationModel
from imssim.model.trust import update_trust
from imssim.model.year_records import YearState, holding_year, year_figures, year_pairs
from tests.conftest import needs_numba

pytestmark = needs_numba


def _both(call):
    """`call()` with the compiled kernels and with numpy."""
    compiled = call()
    with kernels.numpy_only():
        plain = call()
    return compiled, plain


def _same(a, b) -> None:
    """Equal bit for bit (arrays, numbers, tuples, dicts and dataclasses of them)."""
    if dataclasses.is_dataclass(a):
        a, b = dataclasses.asdict(a), dataclasses.asdict(b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, tuple | list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    else:
        x, y = np.asarray(a), np.asarray(b)
        assert x.dtype == y.dtype and x.shape == y.shape
        assert x.tobytes() == y.tobytes()


@pytest.fixture(scope="module")
def model():
    """The default world run to 2019, with its cut and rings state as a year leaves it."""
    m = CooperationModel(to_config({"end_year": 2019}))
    m.run()
    return m


def test_the_rings_compiled_are_numpy_s(model):
    m, p = model, model.params
    eff, _ = m.effective_forms()
    rings = m.rings
    _same(*_both(lambda: one_year_on(rings, m.coop.bilateral, p)))
    offer, _ = m._offers(eff)
    target = _both(lambda: m._target_rings(rings, offer))
    _same(*target)
    _same(*_both(lambda: moved(rings, target[0], p)))


def test_a_few_partners_policy_limits_the_compiled_rings_as_numpy_s(model):
    m, p = model, dataclasses.replace(model.params, strategic_max_partners=2)
    bil, fw = m.coop.bilateral, m._framework_layers()[1]
    rng = np.random.default_rng(4)
    offer = np.round(rng.random(bil.shape[:2]), 1)  # many ties between offers
    priority = rng.random(bil.shape[:2]) < 0.7
    args = (m.rings, bil, fw, m.coop.initiative, offer, m.institutions.criteria.comember, p)
    _same(*_both(lambda: target_rings(*args, priority=priority)))


def test_offers_outcomes_trust_and_fit_compiled_are_numpy_s(model):
    m, p = model, model.params
    eff, area_form = m.effective_forms()
    k, handed, reliability = m.caps.k, m.caps.handed, m.reliability()
    contrib = _both(lambda: contribution(k, handed, eff, reliability, m.forms))
    _same(*contrib)
    rows, cols = np.nonzero(eff.max(axis=2) > 0)
    _same(*_both(lambda: pair_offers(k, handed, eff, reliability, m.forms, rows, cols)))
    requirement, members = m.inputs.requirement, m.start.alliance
    outcome = (k, handed, area_form, contrib[1], requirement, members, m.forms)
    _same(*_both(lambda: year_outcomes(*outcome)))
    cut = np.where(np.random.default_rng(2).random(k.shape) < 0.2, 0.3, 0.0)
    trust = (m.coop.trust, m.institutions.trust_base, eff, m.coop.bilateral, cut, p)
    _same(*_both(lambda: update_trust(*trust, np.random.default_rng(9))))
    _same(*_both(lambda: current_fit(m.institutions.criteria, k, handed, eff, p)))


def test_the_year_s_records_compiled_are_numpy_s(model):
    state = _year_state(model)
    _same(*_both(lambda: year_pairs(state, True)))
    _same(*_both(lambda: year_pairs(state, False)))
    _same(*_both(lambda: year_figures(state)))
    _same(*_both(lambda: holding_year(state)))


@pytest.mark.parametrize("n_areas", [17, 300])
def test_the_pairs_form_counts_are_numpy_s_with_few_areas_and_many(n_areas):
    """The compiled pass counts a pair's areas at each form in one byte per form while a
    world has fewer than 256 areas, one by one beyond: both give numpy's counts."""
    rng = np.random.default_rng(n_areas)
    n = 6
    eff = rng.integers(0, 7, size=(n, n, n_areas)).astype(np.int8)
    eff[rng.random((n, n)) < 0.3] = 0  # pairs with no form at all
    eff = np.maximum(eff, eff.transpose(1, 0, 2))
    bil = np.where(rng.random(eff.shape) < 0.5, eff, 0).astype(np.int8)
    ring = rng.integers(0, 4, size=(n, n)).astype(np.int8)
    _, totals, _ = kernels.load("records").year_pairs(eff, bil, ring, rng.random((n, n)), 4, False)
    counts = [np.count_nonzero(forms == f) for forms in (eff, bil) for f in range(7)]
    assert totals[1:7].tolist() == counts[1:7]  # effective forms 1..6
    assert totals[8:14].tolist() == counts[8:14]  # bilateral forms 1..6


def _year_state(m):
    """The model's YearState as it records it."""
    eff, _ = m.effective_forms()
    return YearState(m.year, m.inputs, m.budgets, m.caps, m.coop, m.rings.ring, eff, m.outcomes)


def _kernel_sums():
    """Compiled ``a.sum()`` of 1-D arrays and of rows of 2-D arrays."""
    from imssim.model.kernels import kernel
    from imssim.model.kernels.numpy_like import clip, maximum, numpy_sum

    @kernel
    def rows(x):
        out = np.empty(x.shape[0])
        for i in range(x.shape[0]):
            out[i] = numpy_sum(x[i])
        return out

    @kernel
    def total(x):
        return numpy_sum(x)

    @kernel
    def clipped(x, lo, hi):
        return clip(x, lo, hi)

    @kernel
    def larger(x, y):
        return maximum(x, y)

    return rows, total, clipped, larger


def test_compiled_sums_add_in_numpy_s_order():
    rows, total, _, _ = _kernel_sums()
    rng = np.random.default_rng(0)
    for n in [*range(0, 140), 255, 256, 257, 1000, 4097]:
        x = rng.normal(size=n) * 10.0 ** rng.integers(-8, 8, size=n)
        assert total(x).hex() == float(x.sum()).hex(), n
    x = rng.normal(size=(60, 17)) * 10.0 ** rng.integers(-8, 8, size=(60, 17))
    assert rows(x).tobytes() == x.sum(axis=1).tobytes()
    assert np.signbit(total(np.full(17, -0.0))) == np.signbit(np.full(17, -0.0).sum())


@pytest.mark.parametrize("x", [-0.0, 0.0, -1.0, 0.5, 1.0, 2.0, float("nan")])
def test_compiled_clips_and_maxima_are_numpy_s_down_to_the_sign_of_zero(x):
    _, _, clipped, larger = _kernel_sums()
    for lo, hi in [(0.0, 1.0), (-0.0, 1.0)]:
        want = np.clip(np.full(20, x), lo, hi)[0]
        assert np.float64(clipped(x, lo, hi)).tobytes() == want.tobytes()
    for y in (0.0, -0.0, x):
        want = np.maximum(np.full(20, x), np.full(20, y))[0]
        assert np.float64(larger(x, y)).tobytes() == want.tobytes()
