"""The model's side of the validation: runs of one seed to 2017, and what each did to
every pair and area between 2012 and its last year.

A pair counts as deepened in the model when its deepest bilateral form in the last year
lies above that of 2012 (and is form 2 or more), or when a tie of the pair was formed or
deepened to form 2 or more on the way; the variant "ties or frameworks" also counts a
framework form the pair shares in an area rising to 2 or more above its 2012 level.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from imssim.config.compose import compose_config
from imssim.model.frameworks import framework_forms
from imssim.model.tables import Tables
from imssim.runs.api import run
from imssim.studies.validation.record import FIRST_YEAR, LAST_YEAR
from imssim.world import Framework, World, load_world

MIN_DEEP_FORM = 2  # a tie formed at form 1 (joint hire) is temporary: not a deepening


@dataclass
class SeedRun:
    """What one seed's run says about 2012-2017, in the world's order of states and
    areas. Arrays are [N, N, A] (symmetric) or [F, N] for frameworks."""

    seed: int
    last_year: int
    bilateral_2012: np.ndarray
    bilateral_last: np.ndarray
    effective_2012: np.ndarray
    effective_last: np.ndarray
    deepened_area: np.ndarray  # a tie formed or deepened to form >= 2 above its 2012 form
    weakened_area: np.ndarray  # a tie downgraded or abandoned
    joined: np.ndarray  # [F, N] joined the framework in 2013-last_year
    left: np.ndarray
    pairs: pd.DataFrame  # one row per unordered pair
    by_year: pd.DataFrame  # one row per year


PAIR_COLUMNS = (
    "seed",
    "a",
    "b",
    "bilateral_form_2012",
    "bilateral_form_last",
    "max_form_2012",
    "max_form_last",
    "deepened",
    "deepened_with_frameworks",
)
YEAR_COLUMNS = ("seed", "year", "deepenings", "pairs_deepened", "weakenings", "joins")


def simulate(
    scenario: str,
    seed: int,
    policy: str = "default",
    last_year: int = LAST_YEAR,
    extra: Sequence[str] = (),
) -> Tables:
    """The run the command line makes for ``imssim scenario=.. policy=.. seed=..
    end_year=<last_year> <extra>``: its tables."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    overrides = [
        f"scenario={scenario}",
        f"policy={policy}",
        f"seed={seed}",
        f"end_year={last_year}",
        *extra,
    ]
    return run(compose_config(overrides)).tables


def replay(world: World, events: pd.DataFrame, last_year: int) -> dict[str, np.ndarray]:
    """The 2012 record brought forward through the run's events to `last_year`."""
    n, n_areas = world.n_states, world.n_areas
    bil = np.zeros((n, n, n_areas), dtype=np.int8)
    bil[world.tie_a, world.tie_b, world.tie_area] = world.tie_form
    bil[world.tie_b, world.tie_a, world.tie_area] = world.tie_form
    bil_2012 = bil.copy()
    members = np.array([fw.members for fw in world.frameworks], dtype=bool).reshape(-1, n)
    members_2012 = members.copy()
    deepened = np.zeros_like(bil, dtype=bool)
    weakened = np.zeros_like(bil, dtype=bool)
    joined = np.zeros_like(members)
    left = np.zeros_like(members)
    state = {c: k for k, c in enumerate(world.iso3)}
    area = {x: k for k, x in enumerate(world.areas)}
    framework = {fw.id: f for f, fw in enumerate(world.frameworks)}
    frameworks = list(world.frameworks)  # then those founded in the run, in order
    rows = events[(events["year"] >= FIRST_YEAR) & (events["year"] <= last_year)]
    for kind, country, partner, ar, to in zip(
        rows["kind"].astype(str),
        rows["country"],
        rows["partner"],
        rows["area"],
        rows["to_form"].astype(int),
        strict=True,
    ):
        if kind in ("gave_up", "rebuilt"):  # a state's own area; ties change by their own events
            continue
        if kind == "ended":  # its remaining members' `left` events follow
            continue
        i, x = state[country], area[ar]
        if kind == "founded":
            framework[partner] = len(frameworks)
            frameworks.append(
                Framework(partner, partner, x, to, "nato_or_eu", np.zeros(n, bool), 0, False)
            )
            add = np.zeros((1, n), dtype=bool)
            add[0, i] = True
            members, joined, left = (
                np.vstack([m, z])
                for m, z in ((members, add), (joined, add), (left, np.zeros_like(add)))
            )
            continue
        if kind in ("joined", "left"):
            f = framework[partner]
            members[f, i] = kind == "joined"
            (joined if kind == "joined" else left)[f, i] = True
            continue
        j = state[partner]
        if kind in ("formed", "deepened") and to >= MIN_DEEP_FORM and to > bil_2012[i, j, x]:
            deepened[i, j, x] = deepened[j, i, x] = True
        if kind in ("downgraded", "abandoned"):
            weakened[i, j, x] = weakened[j, i, x] = True
        bil[i, j, x] = bil[j, i, x] = to
    eff_2012 = np.maximum(bil_2012, framework_forms(members_2012, world.frameworks, n_areas))
    eff_last = np.maximum(bil, framework_forms(members, frameworks, n_areas))
    return {
        "bilateral_2012": bil_2012,
        "bilateral_last": bil,
        "effective_2012": eff_2012,
        "effective_last": eff_last,
        "deepened_area": deepened,
        "weakened_area": weakened,
        "joined": joined,
        "left": left,
    }


def check_replay(world: World, pairs: pd.DataFrame, bil_last: np.ndarray, last_year: int) -> None:
    """The replayed record must give the run's own deepest bilateral forms."""
    n = world.n_states
    recorded = np.zeros((n, n), dtype=np.int8)
    part = pairs[pairs["year"] == last_year]
    index = {c: k for k, c in enumerate(world.iso3)}
    rows = part["country"].map(index).to_numpy()
    cols = part["partner"].map(index).to_numpy()
    recorded[rows, cols] = part["bilateral_form"].to_numpy()
    if not np.array_equal(recorded, bil_last.max(axis=2)):
        raise RuntimeError("replaying the events does not give the run's bilateral forms")


def score_run(tables: Tables, world: World, seed: int, last_year: int = LAST_YEAR) -> SeedRun:
    """One run's tables -> what it did to each pair and area, 2013 to `last_year`."""
    state = replay(world, tables.events, last_year)
    check_replay(world, tables.pairs, state["bilateral_last"], last_year)
    iu, ju = np.triu_indices(world.n_states, 1)
    bil_2012 = state["bilateral_2012"].max(axis=2)[iu, ju]
    bil_last = state["bilateral_last"].max(axis=2)[iu, ju]
    eff_2012, eff_last = state["effective_2012"], state["effective_last"]
    # a pair whose deepest tie in the last year is joint hire (form 1) has not deepened:
    # joint hire is temporary, as for the ties formed in the years between
    risen = (bil_last > bil_2012) & (bil_last >= MIN_DEEP_FORM)
    deep_ties = risen | state["deepened_area"].any(axis=2)[iu, ju]
    via_frameworks = ((eff_last >= MIN_DEEP_FORM) & (eff_last > eff_2012)).any(axis=2)[iu, ju]
    iso = np.array(world.iso3)
    pairs = pd.DataFrame(
        {
            "seed": seed,
            "a": iso[iu],
            "b": iso[ju],
            "bilateral_form_2012": bil_2012.astype(int),
            "bilateral_form_last": bil_last.astype(int),
            "max_form_2012": eff_2012.max(axis=2)[iu, ju].astype(int),
            "max_form_last": eff_last.max(axis=2)[iu, ju].astype(int),
            "deepened": deep_ties,
            "deepened_with_frameworks": deep_ties | via_frameworks,
        }
    )
    return SeedRun(
        seed=seed,
        last_year=last_year,
        pairs=pairs,
        by_year=year_rows(tables.events, seed, last_year),
        **state,
    )


def year_rows(events: pd.DataFrame, seed: int, last_year: int) -> pd.DataFrame:
    """One row per year from 2013 to `last_year`: the run's ties formed or deepened to
    form 2 or more, the pairs they touch, its weakenings and its framework joins."""
    rows = []
    for year in range(FIRST_YEAR, last_year + 1):
        e = events[events["year"] == year]
        kind = e["kind"].astype(str)
        deep = e[kind.isin(["formed", "deepened"]) & (e["to_form"] >= MIN_DEEP_FORM)]
        pair_keys = {tuple(sorted(p)) for p in zip(deep["country"], deep["partner"], strict=True)}
        rows.append(
            {
                "seed": seed,
                "year": year,
                "deepenings": len(deep),
                "pairs_deepened": len(pair_keys),
                "weakenings": int(kind.isin(["downgraded", "abandoned"]).sum()),
                "joins": int((kind == "joined").sum()),
            }
        )
    return pd.DataFrame(rows, columns=list(YEAR_COLUMNS))


def run_seed(
    scenario: str,
    seed: int,
    policy: str = "default",
    last_year: int = LAST_YEAR,
    extra: Sequence[str] = (),
) -> SeedRun:
    """The core of the study: run one seed to `last_year` and score what it did."""
    tables = simulate(scenario, seed, policy, last_year, extra)
    return score_run(tables, load_world(), seed, last_year)


def run_seeds(
    scenario: str,
    policy: str,
    seeds: Sequence[int],
    jobs: int,
    last_year: int = LAST_YEAR,
    extra: Sequence[str] = (),
) -> list[SeedRun]:
    """All seeds, in seed order whatever the number of worker processes; `extra`: more
    overrides of the runs' config (``params.trust_gain=0.1`` ...)."""
    args = [(scenario, seed, policy, last_year, tuple(extra)) for seed in seeds]
    if jobs <= 1 or len(args) <= 1:
        return [run_seed(*a) for a in args]
    with multiprocessing.get_context("spawn").Pool(min(jobs, len(args))) as pool:
        return pool.starmap(run_seed, args)
