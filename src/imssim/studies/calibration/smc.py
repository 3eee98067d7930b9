"""The calibration itself: ABC-SMC (approximate Bayesian computation by sequential Monte
Carlo) through pyabc, its database on disk, resumable, parallel, with progress shown.

Each particle is a parameter set drawn from the priors (later: perturbed from the
previous population); it is run ``seeds`` times to 2017, each run with its own seed
drawn for it, and its targets' values are compared with the observed ones
(:func:`imssim.studies.calibration.targets.distance`). A population's particles are
accepted below a threshold that falls from one population to the next (the median of
the previous population's distances), so that the last population approximates the
posterior: the parameter values that reproduce the targets as closely as the model's
own randomness allows.

The database (``abc.db``, SQLite) holds every population as it ends: a calibration
stopped (Ctrl-C, a crash) runs on from its last complete population when called again
into the same folder. Particles are evaluated on ``jobs`` processes (pyabc's
multicore sampler, forked from this process as the sweep launcher forks its workers).
On one process a calibration with the same study and seed gives the same populations;
on several, the order in which particles are accepted varies, and so does the
posterior, within its Monte Carlo error.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from imssim.config import Config
from imssim.errors import ImssimError
from imssim.runs.api import run
from imssim.studies.calibration.study import CalibrationStudy, parameter_values
from imssim.studies.calibration.targets import (
    TARGETS,
    Runs,
    distance,
    simulated,
    tables_read,
)
from imssim.world import World, load_world

DATABASE = "abc.db"


def safe_name(key: str) -> str:
    """A parameter key as pyabc names it (no dots): ``params.trust_gain`` ->
    ``params__trust_gain``."""
    return key.replace(".", "__")


@lru_cache(maxsize=2)
def _world(data_dir: str | None) -> World:
    return load_world(data_dir)


def simulate_targets(
    config: Config, values: Mapping[str, float], seeds: Sequence[int], names: Sequence[str]
) -> dict[str, np.ndarray]:
    """The targets `names` of the runs of `config` with the parameters set to `values`,
    one run per seed. A parameter set the config refuses gives NaN (far from anything)."""
    world = _world(config.world.data_dir)
    try:
        cfg = parameter_values(config, values)
    except ImssimError:
        return {name: np.array([np.nan]) for name in names}
    kept = tables_read(names)  # the tables the targets read: the others not built
    tables = tuple(
        run(dataclasses.replace(cfg, seed=int(seed)), world=world, tables=kept).tables
        for seed in seeds
    )
    return simulated(Runs(world, tables, tuple(int(s) for s in seeds)), names)


@dataclasses.dataclass
class Simulator:
    """pyabc's model: a particle's parameters -> its targets' values over `seeds` runs,
    their seeds drawn from numpy's global generator (which pyabc seeds)."""

    config: Config
    keys: tuple[str, ...]
    names: tuple[str, ...]
    seeds: int

    def __call__(self, parameter: Mapping[str, float]) -> dict[str, np.ndarray]:
        """The targets of the runs of one particle."""
        values = {key: float(parameter[safe_name(key)]) for key in self.keys}
        # pyabc draws from numpy's global generator and seeds it: so do these seeds
        seeds = np.random.randint(0, 2**31 - 1, size=self.seeds)  # noqa: NPY002
        return simulate_targets(self.config, values, [int(s) for s in seeds], self.names)


@dataclasses.dataclass
class Distance:
    """pyabc's distance: the study's weighted sum of scaled discrepancies."""

    weights: dict[str, float]

    def __call__(self, x: Mapping[str, Any], x_0: Mapping[str, Any]) -> float:
        """The distance of simulated targets `x` from the observed `x_0`."""
        return distance(x, x_0, self.weights)


def observed(study: CalibrationStudy, config: Config) -> dict[str, np.ndarray]:
    """The observed targets: the facts', or in a known-answer study (``truth``) the model's
    own at the true values over ``truth_seeds`` runs (seeds from the study's seed)."""
    names = list(study.targets)
    if not study.truth:
        world = _world(config.world.data_dir)
        return {name: TARGETS[name].observed(world) for name in names}
    seeds = np.random.SeedSequence([study.seed, 1]).generate_state(study.truth_seeds)
    values = {**defaults(study, config), **study.truth}
    return simulate_targets(config, values, [int(s) for s in seeds], names)


def defaults(study: CalibrationStudy, config: Config) -> dict[str, float]:
    """The parameters' values in the base config (the model's defaults, unless the base
    changes them)."""
    out = {}
    for key in study.keys:
        current: Any = config
        for part in key.split("."):
            current = getattr(current, part)
        out[key] = float(current)
    return out


def _abc(study: CalibrationStudy, config: Config, jobs: int):
    import pyabc  # type: ignore[import-untyped]

    logging.getLogger("ABC").setLevel(logging.WARNING)
    prior = pyabc.Distribution(
        **{
            safe_name(key): pyabc.RV("uniform", low, high - low)
            for key, (low, high) in study.parameters.items()
        }
    )
    if jobs > 1:
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=jobs)
    else:
        sampler = pyabc.sampler.SingleCoreSampler()
    # a bar of the particles accepted so far in each population, in a terminal
    sampler.show_progress = sys.stdout.isatty()
    simulator = Simulator(config, tuple(study.keys), tuple(study.targets), study.seeds)
    return pyabc.ABCSMC(
        simulator,
        prior,
        Distance(dict(study.targets)),
        population_size=study.population,
        sampler=sampler,
    )


def run_abc(
    study: CalibrationStudy,
    config: Config,
    folder: Path,
    jobs: int = 1,
    on_generation: Callable[[int, dict[str, float]], None] | None = None,
):
    """Run (or run on) the study's ABC-SMC into `folder`; return pyabc's History.

    Stops after ``generations`` populations, or earlier once the threshold reaches
    ``min_epsilon``. `on_generation(t, info)` is called as each population ends (info:
    epsilon, evaluations, acceptance rate)."""
    db = folder / DATABASE
    url = f"sqlite:///{db.resolve()}"
    if db.is_file():
        history = _abc(study, config, jobs).load(url, 1)
    else:
        np.random.seed(study.seed % 2**32)  # noqa: NPY002 (pyabc's global generator)
        history = _abc(study, config, jobs).new(url, observed(study, config))
    while history.max_t + 1 < study.generations:
        t = history.max_t + 1
        np.random.seed((study.seed + 7919 * t) % 2**32)  # noqa: NPY002 (pyabc's own)
        # one population per call, each from the database as a resumed calibration
        # starts: its threshold from the population before (pyabc keeps the first
        # population it calibrated on for the life of its object)
        abc = _abc(study, config, jobs)
        abc.load(url, 1)
        history = abc.run(minimum_epsilon=study.min_epsilon, max_nr_populations=1)
        if history.max_t < t:  # pyabc stopped before the population (threshold reached)
            break
        populations = history.get_all_populations()
        row = populations[populations["t"] == t].iloc[0]
        info = {
            "epsilon": float(row["epsilon"]),
            "evaluations": int(row["samples"]),
            "acceptance": study.population / max(int(row["samples"]), 1),
        }
        if on_generation is not None:
            on_generation(t, info)
        if info["epsilon"] <= study.min_epsilon:
            break
    return history


def posterior(history, study: CalibrationStudy):
    """The last population: a frame of the parameters (by their config keys) and the
    particles' weights (``weight``, summing to 1)."""
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    frame = frame.rename(columns={safe_name(k): k for k in study.keys})[study.keys]
    frame = frame.reset_index(drop=True)
    frame["weight"] = np.asarray(weights, dtype=float) / float(np.sum(weights))
    return frame


def cpu_jobs(jobs: int) -> int:
    """-1 (all cores) or a number of processes, as the sweep launcher counts them."""
    return max(1, os.cpu_count() or 1) if jobs < 1 else jobs
