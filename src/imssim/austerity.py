"""Budget and GDP paths from a scenario.

A scenario gives real GDP growth (a default rate and overrides for some states and
years) and a list of budget cuts and rises, each phased in linearly over its years
and then held. The note's premise (p. 1): European states must rationalise their
armed forces "onder invloed van mondiale economische krachten". The reference
README lists the cuts announced in 2010-2015 that the scenario files follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imssim.config import ScenarioConfig
from imssim.errors import ConfigError, WorldDataError
from imssim.world import World


@dataclass(frozen=True)
class Paths:
    """Per year (rows: start_year..end_year) and state (columns)."""

    years: np.ndarray  # int[T]
    growth: np.ndarray  # float[T, N], real GDP growth into that year (row 0 unused)
    budget_multiplier: np.ndarray  # float[T, N], applied to GDP x 2011 share


def _ramp(years: np.ndarray, start: int, end: int) -> np.ndarray:
    """0 before `start`, 1 from `end` on, linear in between (start==end: a step)."""
    if end == start:
        return (years >= start).astype(float)
    return np.clip((years - start) / (end - start), 0.0, 1.0)


def build_paths(scenario: ScenarioConfig, world: World, start_year: int, end_year: int) -> Paths:
    """GDP growth and budget multipliers for every year and state of a run."""
    years = np.arange(start_year, end_year + 1)
    n = world.n_states
    growth = np.full((len(years), n), scenario.gdp_growth)
    for k, gc in enumerate(scenario.growth_changes):
        who = _who(world, gc.who, f"scenario.growth_changes[{k}].who")
        rows = (years >= gc.start) & (years <= gc.end)
        growth[np.ix_(rows, who)] = gc.growth
    mult = np.ones((len(years), n))
    for k, ch in enumerate(scenario.budget_changes):
        who = _who(world, ch.who, f"scenario.budget_changes[{k}].who")
        ramp = _ramp(years, ch.start, ch.end)[:, None]
        factor = (1.0 - ch.cut * ramp) * (1.0 + ch.rise * ramp)
        mult[:, who] *= factor
    return Paths(years=years, growth=growth, budget_multiplier=mult)


def _who(world: World, names: list[str], key: str) -> np.ndarray:
    try:
        return world.selector(list(names))
    except WorldDataError as exc:
        raise ConfigError(f"{key}: {exc}") from None
