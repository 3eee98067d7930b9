"""The cooperation mechanisms' contract: each returns the record and holdings it leaves
and writes nothing it was given; one definition of a step's value."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from imssim import to_config
from imssim.config.compose import compose_config
from imssim.model import simulation
from imssim.model.moves import ONE_DEEPER
from imssim.model.simulation import CooperationModel
from imssim.model.step_value import form_value, step_value

MECHANISMS = ("downgrade", "propose", "apply_moves", "thematic", "found")


def _arrays(value, path: str = "") -> dict[str, np.ndarray]:
    """Copies of every array reachable from a mechanism's arguments."""
    out: dict[str, np.ndarray] = {}
    if isinstance(value, np.ndarray):
        out[path] = value.copy()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            out |= _arrays(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            out |= _arrays(item, f"{path}[{n}]")
    return out


def _unchanged(fn, calls: list[str]):
    def wrapped(*args, **kwargs):
        before = _arrays(list(args) + list(kwargs.values()))
        result = fn(*args, **kwargs)
        after = _arrays(list(args) + list(kwargs.values()))
        assert before.keys() == after.keys()
        for key, old in before.items():
            np.testing.assert_array_equal(after[key], old, err_msg=f"{fn.__name__} wrote {key}")
        calls.append(fn.__name__)
        return result

    return wrapped


@pytest.mark.parametrize("policy", ["default", "fewer_partners_more_intensive"])
def test_the_mechanisms_write_nothing_they_are_given(monkeypatch, policy):
    calls: list[str] = []
    for name in MECHANISMS:
        monkeypatch.setattr(simulation, name, _unchanged(getattr(simulation, name), calls))
    for name in ("end_frameworks", "join_and_leave", "follow_institutions"):
        monkeypatch.setattr(simulation.fwk, name, _unchanged(getattr(simulation.fwk, name), calls))
    overrides = ["scenario=history_2012_2024", f"policy={policy}", "end_year=2018"]
    model = CooperationModel(to_config(compose_config(overrides)))
    model.run()
    assert set(calls) >= {*MECHANISMS, "end_frameworks", "join_and_leave"}
    kinds = {e.kind for _, e in model.events}
    assert {"formed", "deepened", "downgraded", "abandoned", "joined"} <= kinds


def test_the_value_of_a_form_is_the_value_of_the_step_to_it():
    model = CooperationModel(to_config(compose_config(["end_year=2013"])))
    model.run()
    eff, area_form = model.effective_forms()
    fit, _ = model.partner_fit(eff)
    year = model._coop_year(eff, area_form, fit, np.zeros_like(model.caps.k))
    n, _, a = eff.shape
    rng = np.random.default_rng(0)
    at = (rng.integers(0, n, 500), rng.integers(0, n, 500), rng.integers(0, a, 500))
    for form in range(1, 7):
        to = np.maximum(np.arange(7), form)
        np.testing.assert_array_equal(
            form_value(model.rules, year, form, at), step_value(model.rules, year, at, to)
        )
    # a step one form deeper is the value of the next form where the tie holds one less
    cur = eff[at]
    one_deeper = step_value(model.rules, year, at, ONE_DEEPER)
    for form in range(1, 7):
        held = cur == form - 1
        np.testing.assert_array_equal(
            one_deeper[held], form_value(model.rules, year, form, at)[held]
        )


def test_form_6_divides_tasks_where_the_pair_already_relies_one_way():
    """The smaller holder depends, unless its partner already relies on it in another
    area and holds at least swap_min_ratio of its capability here: then the partner
    provides (a swap, as the Belgian mine-countermeasures school serves the Dutch navy)."""
    from imssim.model.cooperation import dependent_of, is_dependent

    k = np.array([[10.0, 10.0], [8.0, 6.0]])  # state 0 holds more in both areas
    dependent = np.zeros((2, 2, 2), dtype=bool)
    assert dependent_of(k, dependent, 0, 1, 0, 0.5) == (1, False)  # one-sided: 1 depends
    dependent[1, 0, 0] = True  # 1 relies on 0 in area 0
    assert dependent_of(k, dependent, 0, 1, 1, 0.5) == (0, True)  # 0 relies on 1 in area 1
    assert dependent_of(k, dependent, 0, 1, 1, 0.7) == (1, False)  # 6 < 0.7 x 10: no swap
    relies = dependent.any(axis=2)
    at = (np.array([0, 1]), np.array([1, 0]), np.array([1, 1]))  # each side's view
    np.testing.assert_array_equal(is_dependent(k, relies, at, 0.5), [True, False])
    none = np.zeros((2, 2), dtype=bool)
    np.testing.assert_array_equal(is_dependent(k, none, at, 0.5), [False, True])


def test_moves_to_form_6_that_all_fail_change_nothing():
    """A state that already relies on a partner in an area takes no second provider: a
    year whose only moves are such steps to form 6 leaves the record as it was."""
    from imssim.model.moves import apply_moves

    model = CooperationModel(to_config(None))
    eff, area_form = model.effective_forms()
    fit = model.partner_fit(eff)[0]
    year = model._coop_year(eff, area_form, fit, np.zeros_like(model.caps.k))
    dependent = model.coop.dependent.copy()
    dependent[0, 1, 0] = True  # state 0 relies on state 1 in area 0
    state = dataclasses.replace(model.coop, dependent=dependent)
    after, standing, events = apply_moves(model.rules, state, [(0, 2, 0, 5, 6, "")], year)
    assert after is state and events == []
    assert standing is year.states
