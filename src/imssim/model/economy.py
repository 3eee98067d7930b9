"""Economy and threat: GDP, threat levels and defence budgets for every year of a run.

A scenario gives real GDP growth (a default rate and overrides for some states and
years), threat events, budget rules that set a state's share of GDP for defence, and
a list of budget cuts and rises, each phased in linearly over its years and then held.
All of these are inputs: the paths are computed once, before the first step.

The note's premise (p. 1): European states must rationalise their armed forces
"onder invloed van mondiale economische krachten", while the world does not become
safer. The 2014 Wales pledge (2 % of GDP within a decade) and the spending that
followed the threats of 2014 and 2022 are what the budget rules and threat events
let a scenario replay (docs/ODD.md, 7.1).

Per year the model holds the scenario's values in a :class:`YearInputs` (GDP, budget,
cost index, threat, each state's need and the alliance's requirement, made by
:func:`first_year` and :func:`next_year` from the paths and the :class:`StartLevels`)
and the budgets' own memory in a :class:`BudgetState` (pressure and the real budgets so
far, made by :func:`next_budgets`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imssim.config import ModelParams, ScenarioConfig
from imssim.errors import ConfigError, WorldDataError
from imssim.model.capacity import threat_factor
from imssim.world import World
from imssim.world.pairs import great_circle_km


@dataclass(frozen=True)
class Paths:
    """Per year (rows: start_year..end_year) and state (columns)."""

    years: np.ndarray  # int[T]
    growth: np.ndarray  # float[T, N], real GDP growth into that year (row 0 unused)
    share: np.ndarray  # float[T, N], defence share of GDP, cuts and rises included
    budget_multiplier: np.ndarray  # float[T, N], the scenario's cuts and rises
    threat: np.ndarray  # float[T, N], threat level (1 = the 2012 level)


@dataclass(frozen=True)
class StartLevels:
    """The start year's levels that the later years' needs scale from with threat."""

    alliance: (
        np.ndarray
    )  # bool[N]: the alliance, the 2012 NATO and EU members outside North America
    weight: np.ndarray  # float[N]: each member's share of the 2012 budgets (weighs its threat)
    need: np.ndarray  # float[N, A]: each state's capability base in 2012
    requirement: np.ndarray  # float[A]: the alliance's requirement at the 2012 threat
    profile: np.ndarray  # float[N, A]: each state's 2012 profile over areas (sums to 1)


@dataclass(frozen=True)
class YearInputs:
    """One year's values for every state, set by the scenario's paths (docs/ODD.md, 7.1)."""

    gdp: np.ndarray  # float[N]
    share: np.ndarray  # float[N]: defence share of GDP
    budget: np.ndarray  # float[N]: gdp x share
    cost_index: float  # what a unit of capability costs, relative to 2012
    threat: np.ndarray  # float[N]: threat level (1 = the 2012 level)
    need: np.ndarray  # float[N, A]: each state's need, its 2012 base scaled by its threat
    requirement: np.ndarray  # float[A]: the alliance's, scaled by the alliance's threat
    alliance_threat: float  # the members' threat, weighted by their 2012 budgets

    @property
    def real_budget(self) -> np.ndarray:
        """This year's budget in 2012 prices of capability (budget / cost_index)."""
        return self.budget / self.cost_index


@dataclass(frozen=True)
class BudgetState:
    """What the budgets remember: the smoothed pressure and every real budget so far."""

    pressure: np.ndarray  # float[N] in [0, 1] (docs/ODD.md, 7.2)
    history: tuple[np.ndarray, ...]  # the real budgets of each year so far, float[N] each

    @property
    def peak(self) -> np.ndarray:
        """Each state's highest real budget so far, this year's included."""
        return np.max(self.history, axis=0)


def first_year(
    gdp: np.ndarray, share: np.ndarray, threat: np.ndarray, start: StartLevels
) -> YearInputs:
    """The start year's inputs: the start levels themselves, at a cost index of 1."""
    return YearInputs(
        gdp=gdp,
        share=share,
        budget=gdp * share,
        cost_index=1.0,
        threat=threat,
        need=start.need.copy(),
        requirement=start.requirement.copy(),
        alliance_threat=float(start.weight @ threat),
    )


def next_year(
    inputs: YearInputs,
    paths: Paths,
    t: int,
    start: StartLevels,
    gdp_growth: float,
    p: ModelParams,
) -> YearInputs:
    """Year `t` of the run (0: the start year) after `inputs`: GDP grows by the path's
    rate, the share and the threat follow their paths, the cost index grows with the
    economy (the scenario's `gdp_growth`) and ``cost_growth_excess``; each state's need
    and the alliance's requirement scale with threat (``threat_requirement``)."""
    gdp = inputs.gdp * (1.0 + paths.growth[t])
    share = paths.share[t]
    threat = paths.threat[t]
    alliance_threat = float(start.weight @ threat)
    return YearInputs(
        gdp=gdp,
        share=share,
        budget=gdp * share,
        cost_index=(1.0 + gdp_growth + p.cost_growth_excess) ** t,
        threat=threat,
        need=start.need * threat_factor(threat, p.threat_requirement)[:, None],
        requirement=start.requirement
        * threat_factor(np.array(alliance_threat), p.threat_requirement),
        alliance_threat=alliance_threat,
    )


def _ramp(years: np.ndarray, start: int, end: int) -> np.ndarray:
    """0 before `start`, 1 from `end` on, linear in between (start==end: a step)."""
    if end == start:
        return (years >= start).astype(float)
    return ((years - start) / (end - start)).clip(0.0, 1.0)


def distance_km(world: World, lat: float, lon: float) -> np.ndarray:
    """Great-circle distance from every capital to one point, km."""
    return great_circle_km(np.append(world.lat, lat), np.append(world.lon, lon))[-1, :-1]


def threat_path(
    scenario: ScenarioConfig, world: World, years: np.ndarray, p: ModelParams
) -> np.ndarray:
    """float[T, N]: 1 in 2012, raised from each event's year by its rise and nearness."""
    threat = np.ones((years.size, world.n_states))
    for k, ev in enumerate(scenario.threat_events):
        who = _who(world, ev.who, f"scenario.threat_events[{k}].who")
        near = np.exp(-distance_km(world, ev.origin_lat, ev.origin_lon) / p.threat_distance_km)
        rise = (ev.rise + ev.near_rise * near) * who
        threat[years >= ev.year] += rise
    return np.maximum(threat, 0.0)


def share_path(
    scenario: ScenarioConfig,
    world: World,
    years: np.ndarray,
    threat: np.ndarray,
    multiplier: np.ndarray,
    p: ModelParams,
) -> np.ndarray:
    """float[T, N]: each state's defence share of GDP, cuts and rises included.

    Without a rule it is the 2011 share times the budget changes' multiplier. A rule sets
    the share from its `start` on, for the states it names, starting from the share
    (cuts included) of the year before; budget changes still phasing in after the rule's
    start apply on top of it. Rules apply in the order given.
    """
    share = world.milex_share[None, :] * multiplier
    for k, rule in enumerate(scenario.budget_rules):
        who = _who(world, rule.who, f"scenario.budget_rules[{k}].who")
        rows = np.flatnonzero(years >= rule.start)
        if rows.size == 0 or not who.any():
            continue
        first = rows[0]  # > 0: a rule starts after the data year
        before = share[first - 1]
        later = multiplier[rows] / multiplier[first - 1]
        if rule.rule == "target_share":
            ramp = _ramp(years[rows], rule.start - 1, rule.end)[:, None]
            target = np.maximum(before, rule.share)  # a floor: those above keep theirs
            new = before + (target - before) * ramp
        elif rule.rule == "threat":
            new = np.empty((rows.size, world.n_states))
            level = before.copy()
            for r, row in enumerate(rows):
                if years[row] <= rule.end:
                    goal = before * (1.0 + p.threat_budget_response * (threat[row] - 1.0))
                    level = level + p.budget_adjust_rate * (goal - level)
                new[r] = level
        else:  # observed
            new = _observed(world, years[rows], before, rule.end)
        share[rows] = np.where(who[None, :], new * later, share[rows])
    return share


def _observed(world: World, years: np.ndarray, before: np.ndarray, end: int) -> np.ndarray:
    """Observed shares for `years` up to `end`, each state's last one held after it (and
    its share before the rule where nothing is observed)."""
    out = np.empty((years.size, world.n_states))
    level = before.copy()
    for r, year in enumerate(years):
        if year <= end and year in world.observed_years:
            row = world.observed_share[np.searchsorted(world.observed_years, year)]
            level = np.where(np.isfinite(row), row, level)
        out[r] = level
    return out


def build_paths(
    scenario: ScenarioConfig,
    world: World,
    start_year: int,
    end_year: int,
    params: ModelParams | None = None,
) -> Paths:
    """GDP growth, threat, shares and budget multipliers for every year and state of a run."""
    p = params if params is not None else ModelParams()
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
    threat = threat_path(scenario, world, years, p)
    share = share_path(scenario, world, years, threat, mult, p)
    return Paths(years=years, growth=growth, share=share, budget_multiplier=mult, threat=threat)


def budget_pressure(
    pressure: np.ndarray,
    budget: np.ndarray,
    real_budget: np.ndarray,
    gap: np.ndarray,
    history: tuple[np.ndarray, ...] | list[np.ndarray],
    p: ModelParams,
) -> np.ndarray:
    """float[N]: this year's budget pressure (docs/ODD.md, 7.2).

    How far the real budget fell below its peak of the last ``pressure_memory`` years
    (`history`, real budgets, this year's not yet in it), plus the share of the upkeep
    the budget cannot pay (`gap` < 0), clipped to [0, 1] and smoothed with
    ``pressure_smoothing``.
    """
    peak = np.max(history[-p.pressure_memory :], axis=0)
    raw = (1.0 - real_budget / peak).clip(0.0, None) + (-gap / budget).clip(0.0, None)
    return (1 - p.pressure_smoothing) * pressure + p.pressure_smoothing * raw.clip(0.0, 1.0)


def next_budgets(
    budgets: BudgetState, inputs: YearInputs, gap: np.ndarray, p: ModelParams
) -> BudgetState:
    """The budgets after this year: its pressure (:func:`budget_pressure`, from the
    upkeep `gap` float[N], budget minus upkeep) and its real budget remembered."""
    real = inputs.real_budget
    pressure = budget_pressure(budgets.pressure, inputs.budget, real, gap, budgets.history, p)
    return BudgetState(pressure=pressure, history=(*budgets.history, real))


def _who(world: World, names: list[str], key: str) -> np.ndarray:
    try:
        return world.selector(list(names))
    except WorldDataError as exc:
        raise ConfigError(f"{key}: {exc}") from None
