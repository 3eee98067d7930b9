"""Larger worlds: synthetic worlds, the model's shortcuts for them, mesa.batch_run, the
growth exponent of ``imssim-bench --sweep``."""

from __future__ import annotations

import contextlib
import multiprocessing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imssim import run, to_config
from imssim.cli.bench import growth_exponent
from imssim.config.compose import compose_config
from imssim.model import kernels, moves
from imssim.model.capacity import contribution, offers
from imssim.model.forms import FormTable
from imssim.model.keyed_uniforms import uniforms, year_key
from imssim.model.noisy_choice import choose_top, gumbel
from imssim.model.simulation import CooperationModel
from imssim.model.tables import labels
from imssim.world import load_world
from imssim.world.synthetic import (
    named_states,
    synthetic_tables,
    synthetic_world,
    user_codes,
    write_synthetic_world,
)


@pytest.fixture(scope="module")
def world60():
    return synthetic_world(60, seed=4)


# --- synthetic worlds -----------------------------------------------------------------


def test_the_same_seed_gives_the_same_world_and_another_seed_another():
    a = synthetic_tables(60, seed=1)
    b = synthetic_tables(60, seed=1)
    c = synthetic_tables(60, seed=2)
    for name, frame in a.items():
        pd.testing.assert_frame_equal(frame, b[name])
    assert not a["states.csv"].equals(c["states.csv"])
    w1, w2 = synthetic_world(60, seed=1), synthetic_world(60, seed=1)
    np.testing.assert_array_equal(w1.gdp, w2.gdp)
    np.testing.assert_array_equal(w1.level, w2.level)
    assert w1.iso3 == w2.iso3


@pytest.mark.slow
@pytest.mark.parametrize("n", [20, 49, 60, 130])
def test_a_synthetic_world_has_the_states_asked_for_and_the_states_named(n):
    world = synthetic_world(n, seed=0)
    assert world.n_states == n
    assert len(set(world.iso3)) == n
    shipped = load_world()
    assert world.areas == shipped.areas and world.families == shipped.families
    named = named_states()
    assert "NLD" in named and named <= set(world.iso3)
    assert set(world.iso3) - set(shipped.iso3) <= set(user_codes())


@pytest.mark.slow
def test_a_world_smaller_than_the_states_named_keeps_named_ones():
    world = synthetic_world(5, seed=0)
    assert world.n_states == 5
    assert set(world.iso3) <= named_states()
    assert "NLD" in world.iso3  # the default focal state


def test_a_synthetic_world_resembles_the_shipped_one(world60):
    shipped = load_world()
    big = synthetic_world(400, seed=4)
    # ties and frameworks grow with the number of states
    assert 0.7 < (len(big.tie_a) / 400) / (len(shipped.tie_a) / 49) < 1.3
    assert 0.7 < (len(big.frameworks) / 400) / (len(shipped.frameworks) / 49) < 1.3
    # memberships in similar shares, GDP heavy-tailed as the shipped GDPs
    assert abs(big.nato.mean() - shipped.nato.mean()) < 0.1
    assert abs(big.eu.mean() - shipped.eu.mean()) < 0.1
    ratio = np.quantile(big.gdp, 0.9) / np.quantile(big.gdp, 0.5)
    shipped_ratio = np.quantile(shipped.gdp, 0.9) / np.quantile(shipped.gdp, 0.5)
    assert 0.3 < ratio / shipped_ratio < 3
    # capability levels per area close to the shipped means; every state holds some
    assert np.abs(big.level.mean(axis=0) - shipped.level.mean(axis=0)).max() < 0.5
    assert (world60.level.sum(axis=1) > 0).all()
    # the baseline frameworks take every member
    nato = next(fw for fw in big.frameworks if fw.id == "NATO")
    np.testing.assert_array_equal(nato.members, big.nato)


def test_a_written_synthetic_world_passes_the_loader_and_runs_by_its_folder(tmp_path: Path):
    folder = write_synthetic_world(tmp_path / "world", 60, seed=5)
    assert {p.name for p in folder.glob("*.csv")} >= {"states.csv", "ties_2012.csv"}
    world = load_world(folder)
    assert world.n_states == 60
    result = run({"world": {"data_dir": str(folder)}, "end_year": 2014})
    assert result.tables.countries.groupby("year").size().eq(60).all()


def test_a_synthetic_world_of_too_many_states_is_refused():
    with pytest.raises(ValueError, match="n_states"):
        synthetic_tables(5000)


def test_a_short_run_of_a_synthetic_world_stays_sane(world60):
    cfg = to_config(compose_config(["scenario=deep_cuts", "seed=3", "end_year=2018"]))
    model = CooperationModel(cfg, world=world60)
    model.run()
    bil = model.coop.bilateral
    assert bil.min() >= 0 and bil.max() <= 6
    assert np.array_equal(bil, bil.transpose(1, 0, 2))
    assert not bil[np.arange(60), np.arange(60)].any()
    assert (model.coop.trust >= 0).all() and (model.coop.trust <= 1).all()
    tables = model.tables()
    c = tables.countries
    assert c.groupby("year").size().eq(60).all()
    numbers = c.select_dtypes("number")
    assert not numbers.isna().any().any()
    assert (c["capacity_to_act"] >= c["capability"] - 1e-9).all()
    assert c["autonomy"].between(0, 1).all()
    assert tables.pairs["max_form"].between(0, 6).all()
    assert not tables.pairs["trust"].isna().any()
    assert len(tables.events) > 0


# --- the model's shortcuts give what the whole computation gives -----------------------


@pytest.mark.slow
def test_moves_weighed_only_where_they_may_pay_are_the_moves_weighed_everywhere(
    world60, monkeypatch
):
    """The bound of imssim.model.step_value.steps_may_pay only leaves out moves that
    cannot be mutual: with every pair let through, the moves are the same (the numpy
    code; tests/model/test_kernels.py checks the compiled one's bound)."""
    everywhere = moves.steps_may_pay

    def no_bound(*args, bounded):
        return everywhere(*args, bounded=[])

    for world in (None, world60):
        cfg = to_config(compose_config(["scenario=austerity_2012", "seed=8", "end_year=2020"]))
        pruned, full = CooperationModel(cfg, world=world), CooperationModel(cfg, world=world)
        with monkeypatch.context() as patch, kernels.numpy_only():
            patch.setattr(moves, "steps_may_pay", no_bound)
            full.run()
        with kernels.numpy_only():
            pruned.run()
        pd.testing.assert_frame_equal(pruned.tables().events, full.tables().events)


def _code(code: str):
    """The compiled loops (where numba is installed) or the numpy code."""
    return contextlib.nullcontext() if code == "compiled" else kernels.numpy_only()


def _reference_choice(noise, shape, row, col, value, kmax):
    score = np.full(shape, -np.inf)
    score[row, col] = value
    score = score + noise
    top = np.argpartition(-score, kmax - 1, axis=1)[:, :kmax]
    return {(r, int(c)) for r in range(shape[0]) for c in top[r] if np.isfinite(score[r, c])}


@pytest.mark.parametrize("temperature", [0.0, 0.02, 3.0])
@pytest.mark.parametrize("code", ["compiled", "numpy"])
def test_choose_top_picks_what_argpartition_picks_on_the_full_noise(temperature, code):
    shape, kmax = (30, 40), 2
    for seed in range(5):
        draw = np.random.default_rng(seed)
        flat = draw.choice(shape[0] * shape[1], size=300, replace=False)
        flat.sort()
        row, col = np.divmod(flat, shape[1])
        value = draw.choice([0.01, 0.02, 0.03], size=flat.size)  # many ties at 0 noise
        key = year_key(np.random.default_rng(seed + 100))
        every = uniforms(key, np.arange(shape[0] * shape[1])).reshape(shape)
        noise = np.vectorize(gumbel)(every) * temperature
        with _code(code):
            chosen = choose_top(key, shape, (row, col, value), (temperature, kmax))
        assert set(chosen) == _reference_choice(noise, shape, row, col, value, kmax)
        assert [r for r, _ in chosen] == sorted(r for r, _ in chosen)


def test_the_contribution_over_the_pairs_with_a_form_is_the_whole_sum():
    forms = FormTable.from_params(to_config(None).params)
    draw = np.random.default_rng(0)
    k = draw.uniform(0, 5, size=(20, 6)) * (draw.random((20, 6)) > 0.2)
    handed = draw.uniform(0, 1, size=(20, 6)) * (draw.random((20, 6)) > 0.8)
    eff = (draw.integers(0, 7, size=(20, 20, 6)) * (draw.random((20, 20, 6)) > 0.7)).astype(np.int8)
    reliability = draw.uniform(0.5, 1, size=(20, 20))
    ref, x = offers(k, handed, eff, reliability, forms)
    whole = ref * (1.0 - np.exp(np.log1p(-np.clip(x, 0.0, 1.0 - 1e-12)).sum(axis=1)))
    np.testing.assert_array_equal(contribution(k, handed, eff, reliability, forms), whole)


def test_labels_are_the_strings_pandas_makes():
    names = ("AAA", "BBB", "CCC")
    codes = np.array([2, 0, 0, 1, 2])
    made = pd.DataFrame({"c": labels(names, codes)})
    plain = pd.DataFrame({"c": np.array(names)[codes]})
    pd.testing.assert_frame_equal(made, plain)


# --- mesa.batch_run and the bench -----------------------------------------------------


@pytest.mark.slow
def test_batch_run_gives_the_figures_of_imssim_run():
    from imssim.runs.batch_run import batch_run_grid

    before = multiprocessing.get_start_method(allow_none=True)
    rows = batch_run_grid(["baseline"], ["default"], [1], end_year=2015)
    assert multiprocessing.get_start_method(allow_none=True) == before
    assert len(rows) == 1
    row = rows[0]
    assert (row["scenario"], row["policy"], row["seed"], row["year"]) == (
        "baseline",
        "default",
        1,
        2015,
    )
    expected = run(
        compose_config(["scenario=baseline", "policy=default", "seed=1", "end_year=2015"])
    )
    c = expected.tables.countries.set_index(["year", "country"])
    a = expected.tables.alliance.set_index("year")
    assert row["capacity_to_act"] == c.loc[(2015, "NLD"), "capacity_to_act"]
    assert row["autonomy"] == c.loc[(2015, "NLD"), "autonomy"]
    assert row["n_ties_bilateral"] == a.loc[2015, "n_ties_bilateral"]


def test_the_growth_exponent_of_known_timings():
    sizes = [50, 100, 200, 400]
    assert growth_exponent(sizes, [3e-6 * n**2 for n in sizes]) == pytest.approx(2.0)
    assert growth_exponent(sizes, [0.01 * n**1.5 for n in sizes]) == pytest.approx(1.5)
    assert growth_exponent(sizes, [0.2] * 4) == pytest.approx(0.0, abs=1e-12)
