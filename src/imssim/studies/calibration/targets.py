"""What a calibration fits: targets from facts up to 2017, each with its observed value,
its simulated value from runs to 2017, and how far apart the two are.

A target's simulated value comes from the tables of a few runs of one parameter set
(seeds drawn for that set), to 2017 at the latest: nothing after 2017 is simulated or
compared, so later years stay held out. A target's ``observed`` value comes from the
record (``experiments/record/record_2012_2017.csv``, the validation's yardstick) or the
reference data; or, in a known-answer study, from the model's own runs at given
parameter values (:func:`observed_by_model`).

The distance between simulated and observed is each target's discrepancy divided by its
``scale`` (the discrepancy that counts as one unit), weighted and summed
(:func:`distance`). Targets:

- ``record_auc``: the ROC AUC of the pairs the runs deepened against the pairs the
  record's deepening facts of 2013-2017 name (observed 1: the record ranks itself
  perfectly; 0.5 is chance);
- ``record_ap``: the same ranking's average precision (observed 1);
- ``deepening_timing``: the runs' deepenings by year 2013-2017 as shares of their
  total, against the record's deepening facts by year (total variation, 0-1);
- ``burden_rho``: the Spearman rank correlation between GDP and defence share of GDP
  across NATO members, the mean over the runs' 2013-2017 against the data's 2012-2016
  (the model's year is the data's year before, docs/burden_sharing.md);
- ``deepenings``: ties formed or deepened to form 2 or more in 2013-2017, a run's count.
  The record lists facts, not every tie, so it has no observed count: this target
  serves a known-answer study only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from imssim.model.tables import TABLE_NAMES, Tables
from imssim.studies.burden_sharing import data_burden_correlation, model_burden_correlation
from imssim.studies.validation.record import (
    DEEPENING,
    FIRST_YEAR,
    LAST_YEAR,
    read_record,
    record_pair_labels,
)
from imssim.studies.validation.scoring import average_precision, roc_auc
from imssim.studies.validation.seed_runs import score_run
from imssim.world import World

YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))  # the years a calibration compares


@dataclass(frozen=True)
class Runs:
    """The runs of one parameter set, scored once for every target: their tables and
    what each did to every pair (:func:`imssim.studies.validation.seed_runs.score_run`)."""

    world: World
    tables: tuple[Tables, ...]
    seeds: tuple[int, ...]

    @cached_property
    def deepened_share(self) -> np.ndarray:
        """Per unordered pair (the world's upper triangle), the share of the runs that
        deepened it (ties or frameworks); scored once, read by every target that ranks."""
        scored = [
            score_run(t, self.world, seed, LAST_YEAR)
            for t, seed in zip(self.tables, self.seeds, strict=True)
        ]
        return np.mean([s.pairs["deepened_with_frameworks"].to_numpy() for s in scored], axis=0)


@dataclass(frozen=True)
class Target:
    """One target: what it is, where its observed value comes from, how a run's value is
    computed, and the discrepancy that counts as one unit of distance."""

    name: str
    description: str
    source: str
    scale: float
    simulate: Callable[[Runs], np.ndarray]
    observe: Callable[[World], np.ndarray] | None  # None: no observed value (model only)
    discrepancy: Callable[[np.ndarray, np.ndarray], float]
    tables: tuple[str, ...] = TABLE_NAMES  # the run tables `simulate` reads

    def observed(self, world: World) -> np.ndarray:
        """The observed value (a ValueError when the target has none)."""
        if self.observe is None:
            raise ValueError(f"{self.name} has no observed value; use it with truth:")
        return np.atleast_1d(np.asarray(self.observe(world), dtype=float))


SCORED = ("events", "pairs")  # what scoring a run against the record reads (score_run)


def _absolute(sim: np.ndarray, obs: np.ndarray) -> float:
    return float(np.abs(np.asarray(sim, float) - np.asarray(obs, float)).sum())


def _total_variation(sim: np.ndarray, obs: np.ndarray) -> float:
    return 0.5 * float(np.abs(np.asarray(sim, float) - np.asarray(obs, float)).sum())


_LABELS: dict[int, np.ndarray] = {}  # id(world) -> the record's pairs (one world per process)


def _labels(world: World) -> np.ndarray:
    """The record's deepened pairs in the world's upper triangle (read once per world)."""
    labels = _LABELS.get(id(world))
    if labels is None:
        iu, ju = np.triu_indices(world.n_states, 1)
        labels = record_pair_labels(read_record(), world, bilateral_only=False)[iu, ju]
        _LABELS.clear()
        _LABELS[id(world)] = labels
    return labels


def _record_auc(runs: Runs) -> np.ndarray:
    return np.array([roc_auc(runs.deepened_share, _labels(runs.world))])


def _record_ap(runs: Runs) -> np.ndarray:
    return np.array([average_precision(runs.deepened_share, _labels(runs.world))])


def _deepenings_by_year(tables: Tables) -> np.ndarray:
    """A run's ties formed or deepened to form 2 or more, per year of :data:`YEARS`."""
    e = tables.events
    kind = e["kind"].astype(str)
    deep = e[kind.isin(["formed", "deepened"]) & (e["to_form"] >= 2)]
    counts = deep["year"].value_counts()
    return np.array([float(counts.get(y, 0)) for y in YEARS])


def _shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total > 0 else np.full(len(counts), 1.0 / len(counts))


def _timing(runs: Runs) -> np.ndarray:
    return _shares(np.sum([_deepenings_by_year(t) for t in runs.tables], axis=0))


def _record_timing(world: World) -> np.ndarray:
    record = read_record()
    deep = record[record["change"].isin(DEEPENING)]
    counts = deep["year"].value_counts()
    return _shares(np.array([float(counts.get(y, 0)) for y in YEARS]))


def _deepenings(runs: Runs) -> np.ndarray:
    return np.array([np.mean([_deepenings_by_year(t).sum() for t in runs.tables])])


def _burden_rho(runs: Runs) -> np.ndarray:
    rhos = []
    for t in runs.tables:
        rho = model_burden_correlation(t.countries, runs.world).set_index("year")["rho"]
        rhos.append(float(rho.reindex(list(YEARS)).mean()))
    return np.array([float(np.mean(rhos))])


def _data_rho(world: World) -> np.ndarray:
    data = data_burden_correlation(world, n_resamples=0).set_index("year")["rho"]
    return np.array([float(data.reindex([y - 1 for y in YEARS]).mean())])


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            "record_auc",
            "ROC AUC of the pairs deepened in 2013-2017 against the record's (1: perfect)",
            "experiments/record/record_2012_2017.csv (44 facts, 2013-2017)",
            0.1,
            _record_auc,
            lambda world: np.array([1.0]),
            _absolute,
            SCORED,
        ),
        Target(
            "record_ap",
            "average precision of the same ranking (1: perfect)",
            "experiments/record/record_2012_2017.csv",
            0.1,
            _record_ap,
            lambda world: np.array([1.0]),
            _absolute,
            SCORED,
        ),
        Target(
            "deepening_timing",
            "deepenings by year 2013-2017 as shares of their total, against the record's",
            "experiments/record/record_2012_2017.csv: deepening facts by year",
            0.1,
            _timing,
            _record_timing,
            _total_variation,
            ("events",),
        ),
        Target(
            "burden_rho",
            "Spearman rho of GDP and defence share of GDP across NATO members, mean 2013-17",
            "World Bank / SIPRI shares, 2012-2016 (docs/burden_sharing.md)",
            0.1,
            _burden_rho,
            _data_rho,
            _absolute,
            ("countries",),
        ),
        Target(
            "deepenings",
            "ties formed or deepened to form 2 or more in 2013-2017 (mean over the runs)",
            "none: the model's own runs (a known-answer study)",
            20.0,
            _deepenings,
            None,
            _absolute,
            ("events",),
        ),
    )
}


def tables_read(names: Sequence[str]) -> tuple[str, ...]:
    """The run tables the targets `names` read (their runs need keep no others)."""
    read = {table for name in names for table in TARGETS[name].tables}
    return tuple(table for table in TABLE_NAMES if table in read)


def simulated(runs: Runs, names: Sequence[str]) -> dict[str, np.ndarray]:
    """The simulated value of each target in `names` from the runs of one parameter set."""
    return {name: TARGETS[name].simulate(runs) for name in names}


def distance(
    sim: Mapping[str, np.ndarray], obs: Mapping[str, np.ndarray], weights: Mapping[str, float]
) -> float:
    """The weighted sum over the targets of discrepancy / scale (NaN counts as far)."""
    total = 0.0
    for name, weight in weights.items():
        target = TARGETS[name]
        d = target.discrepancy(sim[name], obs[name]) / target.scale
        total += weight * (d if np.isfinite(d) else 1e6)
    return total


def discrepancies(sim: Mapping[str, np.ndarray], obs: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Each target's discrepancy (in its own unit, before scaling)."""
    return {name: TARGETS[name].discrepancy(sim[name], obs[name]) for name in obs}


def as_frame(values: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Target values as one row per target and element (``target``, ``element``, ``value``)."""
    rows = [
        {"target": name, "element": k, "value": float(v)}
        for name, value in values.items()
        for k, v in enumerate(np.atleast_1d(value))
    ]
    return pd.DataFrame(rows, columns=["target", "element", "value"])
