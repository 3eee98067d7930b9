"""The frameworks' compiled passes give, bit for bit, what their numpy code gives: who
joins and leaves and why, who may lead and whom a lead may invite, and the layers of
forms shared through frameworks; on a run's own inputs and on memberships shuffled."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from imssim import to_config
from imssim.config.compose import compose_config
from imssim.model import founding, frameworks, kernels, simulation
from imssim.model.layers import FrameworkLayers
from imssim.model.simulation import CooperationModel
from tests.conftest import needs_numba

pytestmark = needs_numba


def _kept(arg):
    """`arg` as it is at a call: a random generator copied, a setting with the list of
    frameworks of the moment (the run's list grows as frameworks are founded)."""
    if isinstance(arg, np.random.Generator):
        return copy.deepcopy(arg)
    if isinstance(arg, frameworks.FrameworkSetting):
        return dataclasses.replace(arg, frameworks=list(arg.frameworks))
    return arg


def _captured(monkeypatch, name: str, module, overrides: list[str]) -> list[tuple]:
    """The arguments of each call of `module.name` in a run under `overrides`."""
    calls = []
    original = getattr(module, name)

    def capture(*args):
        calls.append(tuple(_kept(a) for a in args))
        return original(*args)

    monkeypatch.setattr(module, name, capture)
    CooperationModel(to_config(compose_config(overrides))).run()
    monkeypatch.setattr(module, name, original)
    return calls


def _shuffled(state, year, rng: np.random.Generator):
    """The record with a tenth of its memberships flipped, and the year with the forms
    allowed cut here and there."""
    members = state.members ^ (rng.random(state.members.shape) < 0.1)
    allowed = np.minimum(year.policy.allowed, rng.integers(3, 12, year.policy.allowed.shape))
    policy = dataclasses.replace(year.policy, allowed=allowed)
    return dataclasses.replace(state, members=members), dataclasses.replace(year, policy=policy)


def _draws(state, rng: np.random.Generator) -> np.ndarray:
    """Join draws [N, F] that open many negotiations."""
    return rng.random(state.members.shape[::-1]) * 0.2


@pytest.mark.parametrize("overrides", [["seed=3"], ["scenario=history_2012_2024", "seed=7"]])
def test_joining_and_leaving_compiled_is_the_numpy_code(monkeypatch, overrides):
    calls = _captured(monkeypatch, "join_and_leave", frameworks, [*overrides, "end_year=2020"])
    rng = np.random.default_rng(0)
    for rules, state, setting, year, *_ in calls:
        for shuffle in (False, True):
            at, then = _shuffled(state, year, rng) if shuffle else (state, year)
            draws = _draws(at, rng)
            members, changes = frameworks._changes_compiled(rules, at, setting, then, draws)
            with kernels.numpy_only():
                want_members, want_changes = frameworks._changes(rules, at, setting, then, draws)
            np.testing.assert_array_equal(members, want_members)
            np.testing.assert_array_equal(changes, want_changes)
    assert calls


def test_possible_leads_and_candidates_compiled_are_the_numpy_code(monkeypatch):
    overrides = ["scenario=austerity_2012", "seed=11", "end_year=2024"]
    calls = _captured(monkeypatch, "found", simulation, overrides)
    for rules, state, setting, year, world, _scarcity, rng in calls:
        leads = founding._possible_leads(rules, setting, year.states.k, copy.deepcopy(rng))
        with kernels.numpy_only():
            want = founding._possible_leads(rules, setting, year.states.k, copy.deepcopy(rng))
        np.testing.assert_array_equal(leads, want)
        for lead in range(0, world.n_states, 5):
            offers = [
                (lead, ar, purpose)
                for ar in range(world.n_areas)
                for purpose in founding.FOUNDABLE
                if purpose != founding.PRESENCE
            ]
            candidates, valid = founding._candidates_compiled(
                rules, state.trust, setting, year, offers, year.eff
            )
            want = founding._candidates(rules, state.trust, setting, year, offers, year.eff)
            np.testing.assert_array_equal(candidates, want)
            for offer, ok in zip(offers, valid, strict=True):
                form, eligibility = founding.FOUNDABLE[offer[2]][:2]
                allowed = year.policy.allowed[lead, offer[1]] >= form
                assert ok == (setting.eligible_for(eligibility)[lead] and allowed)
    assert calls


def test_the_layers_compiled_are_the_numpy_code():
    model = CooperationModel(to_config(compose_config(["seed=2"])))
    fws, n_areas = model.frameworks, model.world.n_areas
    compiled, numpy_layers = FrameworkLayers(), FrameworkLayers()
    rng = np.random.default_rng(4)
    members = model.coop.members
    for step in range(12):
        if step % 4 == 3:  # a new framework, like one founded
            fws = [*fws, dataclasses.replace(fws[rng.integers(len(fws))], id=f"NEW{step}")]
            members = np.vstack([members, rng.random((1, members.shape[1])) < 0.3])
        else:
            members = members ^ (rng.random(members.shape) < 0.05)
        got = compiled.update(members, fws, n_areas)
        with kernels.numpy_only():
            want = numpy_layers.update(members, fws, n_areas)
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
        assert compiled.update(members.copy(), fws, n_areas)[0] is got[0]  # the same members
