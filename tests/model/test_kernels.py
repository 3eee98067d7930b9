"""The compiled loops (imssim.model.kernels) give, bit for bit, what the numpy code gives."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from imssim import to_config
from imssim.config.compose import compose_config
from imssim.model import kernels, moves
from imssim.model.simulation import CooperationModel
from imssim.world.synthetic import synthetic_world
from tests.conftest import needs_numba

pytestmark = needs_numba


def _tables(overrides: list[str], world=None, *, compiled: bool = True):
    cfg = to_config(compose_config(overrides))
    model = CooperationModel(cfg, world=world)
    if compiled:
        model.run()
    else:
        with kernels.numpy_only():
            model.run()
    return model.tables()


def _assert_same(a, b) -> None:
    for (name, left), (_, right) in zip(a.items(), b.items(), strict=True):
        pd.testing.assert_frame_equal(left, right, check_exact=True, obj=name)


def test_the_compiled_loops_are_on_by_default_and_off_inside_numpy_only():
    assert kernels.enabled()
    with kernels.numpy_only():
        assert not kernels.enabled()
    assert kernels.enabled()


def test_the_environment_variable_turns_the_compiled_loops_off():
    code = "from imssim.model import kernels; print(kernels.enabled())"
    env = {**os.environ, "IMSSIM_COMPILED": "0"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "overrides",
    [
        ["scenario=deep_cuts", "policy=fewer_partners_more_intensive", "seed=5"],
        ["scenario=austerity_2012", "policy=autonomy_test", "seed=11"],
    ],
)
def test_a_synthetic_world_runs_the_same_compiled_and_in_numpy(overrides):
    world = synthetic_world(70, seed=3)
    args = [*overrides, "end_year=2022"]
    _assert_same(_tables(args, world), _tables(args, world, compiled=False))


@pytest.mark.slow
def test_the_compiled_bound_only_leaves_out_steps_that_cannot_be_mutual(monkeypatch):
    """Without the bound on a step's value (as when a parameter's sign voids it) every
    pair is weighed: the same steps."""
    args = ["scenario=austerity_2012", "seed=8", "end_year=2024"]
    bounded = _tables(args)
    monkeypatch.setattr(moves, "signs_hold", lambda rules, year: False)
    _assert_same(bounded, _tables(args))
