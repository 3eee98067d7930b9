"""Capabilities: cuts, investment, areas given up and areas rebuilt.

A state's capability per area is a stock that costs upkeep every year. A budget that
cannot carry the upkeep forces cuts in the same year (sparing the sovereign core); a
surplus buys capability over ``acquisition_years``. Cuts thin holdings out: an area is
given up when a cut takes it below its minimum viable scale, and only very deep falls
of the budget cost whole areas outright, chosen by what each is worth keeping. When the
budget recovers, a state rebuilds what it gave up, nationally (with a lead time and a
cost premium) or at once by integrating a stake into a deep partner's units, preferring
a partner that fields the same equipment family in the area. docs/ODD.md, 7.3.

The phase, :func:`adjust`, reads the :class:`CapabilityState`, the year's
:class:`CapabilityYear` and the run's :class:`CapabilityRules`, and returns what it
changed (:class:`Adjusted`): the new capability state, the bilateral record with the
ties it set (a scarce enabler pooled, an area regained through a partner) and its
events. It changes none of its arguments.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from imssim.config import ModelParams
from imssim.errors import ConfigError
from imssim.model import kernels
from imssim.model.blocks import any_over_partners, max_over_areas
from imssim.model.cooperation import CoopState
from imssim.model.economy import YearInputs
from imssim.model.events import Event
from imssim.model.forms import DEEP, Form, FormTable
from imssim.model.partners import StaticCriteria, current_fit
from imssim.model.tolerances import EPS

POOLING = Form.POOLING


@dataclass
class CapabilityState:
    """Each state's capability per area, and the areas it gave up or is rebuilding."""

    k: np.ndarray  # float[N, A]: capability held
    handed: np.ndarray  # float[N, A]: handed to a partner at form 6, relied on (7.12)
    dropped: np.ndarray  # bool[N, A]: given up under cuts
    dropped_level: np.ndarray  # float[N, A]: the holding when given up
    dropped_year: np.ndarray  # int32[N, A]: the year it was given up
    rebuild_left: np.ndarray  # int32[N, A]: years to a national rebuild
    rebuild_cost: np.ndarray  # float[N, A]: paid each year of the lead time
    rebuilt: np.ndarray  # int32[N]: areas rebuilt so far

    @classmethod
    def holding(cls, k: np.ndarray) -> CapabilityState:
        """Holdings `k` [N, A], nothing handed over, given up or rebuilt."""
        n, a = k.shape
        return cls(
            k=k,
            handed=np.zeros((n, a)),
            dropped=np.zeros((n, a), dtype=bool),
            dropped_level=np.zeros((n, a)),
            dropped_year=np.zeros((n, a), dtype=np.int32),
            rebuild_left=np.zeros((n, a), dtype=np.int32),
            rebuild_cost=np.zeros((n, a)),
            rebuilt=np.zeros(n, dtype=np.int32),
        )

    def copy(self) -> CapabilityState:
        """A copy whose arrays can change without changing these."""
        return CapabilityState(**{f.name: getattr(self, f.name).copy() for f in _FIELDS})


_FIELDS = dataclasses.fields(CapabilityState)


@dataclass(frozen=True)
class CapabilityRules:
    """What the capability phase reads that does not change during a run."""

    params: ModelParams
    forms: FormTable
    core: np.ndarray  # bool[N, A]: the sovereign core
    profile: np.ndarray  # float[N, A]: each state's 2012 profile (where a surplus goes)
    alliance: np.ndarray  # bool[N]: the alliance's members
    allowed: np.ndarray  # int[N, A]: the deepest form each state's policy allows
    coordinated: bool  # coordinated cuts (docs/ODD.md, 7.3)
    held_2012: np.ndarray  # float[N, A]: each state's 2012 holding (handed-over part included)
    viable: np.ndarray  # float[N, A]: the smallest holding still kept (viable_holdings)


@dataclass(frozen=True)
class CapabilityYear:
    """What the capability phase reads of this year."""

    year: int
    inputs: YearInputs  # the budget's cost index and the alliance's requirement
    owed: np.ndarray  # int[N]: the areas the fall of each budget costs (areas_owed)
    alliance_gap: np.ndarray  # float[A]: the alliance's gap as last recorded (> 0: short)
    criteria: StaticCriteria  # for the partner fit and co-membership
    eff: np.ndarray  # int8[N, N, A]: the effective forms at the start of the year
    area_form: np.ndarray  # int8[N, A]: each state's deepest of them over its partners
    unit: np.ndarray  # float[N, A]: this year's unit cost of capability
    gap: np.ndarray  # float[N]: budget minus upkeep (< 0: the state must cut)


@dataclass(frozen=True)
class Adjusted:
    """What the capability phase changed."""

    caps: CapabilityState
    bilateral: np.ndarray  # int8[N, N, A]: the record with the ties set (the same array if none)
    since: np.ndarray  # int16[N, N, A]
    events: list[Event]


class Ties:
    """The bilateral record as the capability phase sets ties in it: the arrays are
    copied on the first tie set, so that the record passed in stays as it was."""

    def __init__(self, coop: CoopState) -> None:
        self.bilateral = coop.bilateral
        self.since = coop.since
        self._copied = False

    def set(self, i: int, j: int, a: int, form: int, year: int) -> None:
        """Pair (i, j) holds `form` in area `a` from `year`."""
        if not self._copied:
            self.bilateral, self.since = self.bilateral.copy(), self.since.copy()
            self._copied = True
        self.bilateral[i, j, a] = self.bilateral[j, i, a] = form
        self.since[i, j, a] = self.since[j, i, a] = year


def viable_holdings(held: np.ndarray, min_viable: np.ndarray, p: ModelParams) -> np.ndarray:
    """float[N, A]: the smallest holding each state keeps in each area, its 2012 holding
    `held` [N, A] times the area's minimum viable share `min_viable` [A] (areas.csv)
    times ``viable_scale_factor``, which must keep every minimum below the holding (a
    ConfigError otherwise: every cut would give the area up)."""
    if p.viable_scale_factor * float(min_viable.max(initial=0.0)) >= 1.0:
        raise ConfigError(
            "params.viable_scale_factor: times the largest min_viable_share of the world "
            "data it must stay below 1 (every cut would give up the area)"
        )
    return p.viable_scale_factor * min_viable[None, :] * held


def give_up_thinned(
    caps: CapabilityState,
    before: np.ndarray,
    year: CapabilityYear,
    rules: CapabilityRules,
) -> list[Event]:
    """Give up the areas this year's cut took below their minimum viable scale.

    A holding cut (below `before` [N, A], the holdings before the cut) under
    ``rules.viable`` is no longer a force that can be trained, maintained and deployed,
    and the state gives the rest up (event ``gave_up``, reason ``below_viable``), except
    in its sovereign core (which it keeps at any scale) and where it is tied at form 5
    or 6 (a stake serving in a partner's units, or a division of tasks, is viable at
    any scale: the partner carries the structure). Its upkeep is saved from the next
    year. Writes into `caps`, the phase's own copy (:func:`adjust`).
    """
    if rules.params.viable_scale_factor <= 0:
        return []
    bound = year.area_form >= Form.INTEGRATED  # [N, A]: tied at form 5 or 6 with a partner
    thin = (
        (before > EPS)  # cut, perhaps to nothing
        & (caps.k < rules.viable)
        & (caps.k < before - EPS)
        & ~rules.core
        & ~bound
        & ~caps.dropped
    )
    rows, cols = np.nonzero(thin)
    if rows.size == 0:
        return []
    caps.dropped_level[rows, cols] = caps.k[rows, cols]
    caps.dropped_year[rows, cols] = year.year
    caps.k[rows, cols] = 0.0
    caps.dropped[rows, cols] = True
    return [
        Event("gave_up", int(i), -1, "", int(a), 0, 0, "below_viable")
        for i, a in zip(rows, cols, strict=True)
    ]


def rebuild_stake(caps: CapabilityState, rules: CapabilityRules) -> np.ndarray:
    """float[N, A]: the stake a state rebuilds in an area it gave up, ``rebuild_share``
    of what it held before the cuts (its holding when it gave the area up or its 2012
    holding, whichever is larger: a state does not rebuild to the thinned remnant)."""
    return rules.params.rebuild_share * np.maximum(caps.dropped_level, rules.held_2012)


def cut_fraction(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """float[N, A]: the share of its holding `before` each state cut (0 where it held nothing)."""
    return np.divide(before - after, before, out=np.zeros_like(after), where=before > EPS)


def keep_value(k: np.ndarray, tilt: np.ndarray, eff: np.ndarray) -> np.ndarray:
    """float[N, A]: what each held area is worth keeping to its state (higher: kept longer).

    Its share of the state's own capability `k` (a sub-scale holding is the cheapest to
    lose and the least efficient to keep), times the coordinated-cuts tilt (with
    coordinated cuts, an area the alliance lacks is kept longer and one it has in
    surplus given up first; 1 otherwise), times 1 + the number of partners the state
    shares it with at pooling to integration (forms 2-5): an area pooled with others is
    cheaper to keep, and they count on it.
    """
    share = k / np.maximum(k.sum(axis=1, keepdims=True), EPS)
    pooled = ((eff >= Form.POOLING) & (eff <= Form.INTEGRATED)).sum(axis=1)  # [N, A]
    return share * tilt[None, :] * (1.0 + pooled)


def areas_owed(inputs: YearInputs, peak: np.ndarray, p: ModelParams) -> np.ndarray:
    """int[N]: how many areas the fall of each budget below its `peak` real budget costs.

    One area for every ``drop_step`` x threat level of fall: a threatened state, which
    expects to need its areas again and would pay a premium to rebuild them, cuts
    deeper before it gives one up.
    """
    if p.drop_step <= 0:
        return np.zeros(inputs.budget.size, dtype=int)
    depth = 1.0 - inputs.real_budget / peak
    step = p.drop_step * np.maximum(inputs.threat, 1.0)
    return np.floor(depth / step + 1e-9).astype(int)


def drop_areas(
    caps: CapabilityState,
    ties: Ties,
    coop: CoopState,
    year: CapabilityYear,
    rules: CapabilityRules,
    tilt: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, list[Event]]:
    """Give up whole areas under deep cuts; return the gap with their upkeep saved.

    A state whose budget has fallen far enough below its peak (:func:`areas_owed`) and
    which must still cut this year gives up one more area a year: of the non-core areas
    it holds, in which no partner depends on it at form 6, the one it values least
    (:func:`keep_value`). With coordinated cuts, the states decide one after another in
    a random order, each seeing the choices made before it, and none gives up an area
    the alliance lacks, counting what the others gave up this year: coordination means
    taking account of the other states' cuts. Writes into `caps` and `ties`, the
    phase's own copies (:func:`adjust`).
    """
    # the order of coordinated cuts is drawn every year, cuts or not, so that runs with
    # the same seed share it (common random numbers)
    order = rng.permutation(caps.k.shape[0])
    gap = year.gap.copy()
    if rules.params.drop_step <= 0:
        return gap, []
    owed = year.owed - caps.dropped.sum(axis=1)
    must = (owed > 0) & (gap < 0)
    if not must.any():  # no state owes an area and must still cut
        return gap, []
    provider = coop.dependent.any(axis=0)  # [N, A]: someone relies on me here
    candidate = (caps.k > EPS) & ~rules.core & ~provider & ~caps.dropped
    cutting = np.flatnonzero(must & candidate.any(axis=1))
    if cutting.size == 0:
        return gap, []
    if rules.coordinated:  # states decide in turn and see each other's choices
        cutting = order[np.isin(order, cutting)]
    rank = np.where(candidate, keep_value(caps.k, tilt, year.eff), np.inf)
    pooling = PoolOffers(caps, ties, coop, year, rules)
    rows, cols, events = _choose_areas(caps, year, rules, cutting, rank, pooling)
    if rows.size == 0:
        return gap, events
    saved = np.zeros_like(gap)
    saved[rows] = year.unit[rows, cols] * caps.k[rows, cols]
    caps.dropped_level[rows, cols] = caps.k[rows, cols]
    caps.dropped_year[rows, cols] = year.year
    caps.k[rows, cols] = 0.0
    caps.dropped[rows, cols] = True
    events += [
        Event("gave_up", int(i), -1, "", int(a), 0, 0, "budget_fall")
        for i, a in zip(rows, cols, strict=True)
    ]
    return gap + saved, events


def _choose_areas(
    caps: CapabilityState,
    year: CapabilityYear,
    rules: CapabilityRules,
    cutting: np.ndarray,
    rank: np.ndarray,
    pooling: PoolOffers,
) -> tuple[np.ndarray, np.ndarray, list[Event]]:
    """The states that give up an area and the area each gives up (int arrays, by
    state), and the events of the scarce enablers pooled instead. The states in
    `cutting` decide in that order, each giving up the area it values least by `rank`
    [N, A] (inf: not a candidate) after pooling the scarce enablers it can; with
    coordinated cuts none gives up an area the alliance lacks, counting the choices
    made before."""
    balance = year.alliance_gap.copy()  # seen by each state in turn when coordinated
    rows: list[int] = []
    cols: list[int] = []
    events: list[Event] = []
    for i in cutting:
        options = rank[i]
        if rules.coordinated:  # never give up an area the alliance lacks, others' choices included
            options = np.where(balance <= 0, options, np.inf)
        while np.isfinite(options).any():  # a scarce enabler is pooled, not given up
            a = int(np.argmin(options))
            pooled = pooling.offer(int(i), a)
            if pooled is None:
                break
            events.append(pooled)
            options = np.where(np.arange(options.size) == a, np.inf, options)
        if not np.isfinite(options).any():
            continue
        a = int(np.argmin(options))
        if rules.alliance[i]:
            balance[a] += caps.k[i, a] / year.inputs.requirement[a]
        rows.append(int(i))
        cols.append(a)
    states, areas = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    order = np.argsort(states, kind="stable")
    return states[order], areas[order], events


class PoolOffers:
    """Pooling a scarce enabler instead of giving it up.

    An area the alliance lacks by ``pool_scarce_gap`` or more (air-to-air refuelling,
    strategic ISR and cyber in 2012) is a scarce, expensive enabler. A state about to give
    one up pools it instead (form 2, event reason ``pooled_instead``) with the NATO or EU
    co-member that holds it and fits it best, if their fit and trust allow pooling, both
    policies allow it and they do not pool or share it already (bilaterally or in a
    framework); it then gives up its next-least valued area. The partner gains a pool
    in an area the alliance lacks at no cost to itself, so its consent is taken as given
    once fit, trust and policy allow. The pool's saving counts from the next year.
    Pools are set in `ties`.
    """

    def __init__(
        self,
        caps: CapabilityState,
        ties: Ties,
        coop: CoopState,
        year: CapabilityYear,
        rules: CapabilityRules,
    ) -> None:
        self.caps, self.ties, self.coop = caps, ties, coop
        self.year, self.rules = year, rules
        self.scarce = year.alliance_gap >= rules.params.pool_scarce_gap
        self.fit: np.ndarray | None = None

    def offer(self, i: int, a: int) -> Event | None:
        """Pool area `a` of state `i` with a partner, or None when none can."""
        if not self.scarce[a]:
            return None
        y, fm, k = self.year, self.rules.forms, self.caps.k
        if self.fit is None:
            self.fit, _ = current_fit(y.criteria, k, self.caps.handed, y.eff, self.rules.params)
        trust = np.minimum(self.coop.trust[i], self.coop.trust[:, i])
        allowed = self.rules.allowed
        able = (
            y.criteria.comember[i]
            & (k[:, a] > EPS)
            & (self.fit[i] >= fm.fit_required[POOLING])
            & (trust >= fm.trust_required[POOLING])
            & (y.eff[i, :, a] < POOLING)  # no pool or deeper tie, frameworks included
            & (self.ties.since[i, :, a] < y.year)
            & (allowed[i, a] >= POOLING)
            & (allowed[:, a] >= POOLING)  # the partner's policy allows it too
        )
        hosts = np.flatnonzero(able)
        if hosts.size == 0:
            return None
        j = int(hosts[np.argmax(self.fit[i, hosts])])
        old = int(self.ties.bilateral[i, j, a])
        self.ties.set(i, j, a, POOLING, y.year)
        kind = "formed" if old == 0 else "deepened"
        return Event(kind, i, j, "", a, old, int(POOLING), "pooled_instead")


def rebuild_areas(
    caps: CapabilityState,
    ties: Ties,
    coop: CoopState,
    year: CapabilityYear,
    rules: CapabilityRules,
    gap: np.ndarray,
) -> tuple[np.ndarray, list[Event]]:
    """Rebuild areas given up once the budget has recovered; return the gap net of its cost.

    A state that holds fewer areas than its budget now carries (:func:`areas_owed` below
    the number given up, thinned areas included) and has a surplus starts to rebuild one
    area a year, the one it needs most (the largest stake, :func:`rebuild_stake`, the
    alliance's shortfall first). Where a deep partner (a form of 4 or more in some area,
    with the trust and fit integration needs, and both policies allowing form 5 in the
    area) holds more than the stake in the area, the state regains it at once by
    integrating the stake into the partner's units (a form-5 tie in the area, event
    ``regained``): the partner provides structure and equipment, so a partner fielding
    the same equipment family in the area is chosen first (:func:`rebuild_partner`).
    Otherwise it rebuilds nationally: the stake appears after
    ``rebuild_years``, and the purchase, ``acquisition_years`` of upkeep with a premium of
    ``(1 + rebuild_premium)`` for every year the area was gone, is paid in equal parts
    over the lead time. Writes into `caps` and `ties`, the phase's own copies.
    """
    p = rules.params
    gap, events = _rebuilds_under_way(caps, rules, gap)
    open_ = caps.dropped & (caps.rebuild_left == 0)
    room = caps.dropped.sum(axis=1) - year.owed
    starting = np.flatnonzero((room > 0) & (gap > 0) & open_.any(axis=1))
    if starting.size == 0:
        return gap, events
    short = year.alliance_gap.clip(0.0, None)
    stakes = rebuild_stake(caps, rules)
    deep = max_over_areas(year.eff) >= DEEP  # [N, N]
    fm, integrated, allowed = rules.forms, Form.INTEGRATED, rules.allowed
    fit, _ = current_fit(year.criteria, caps.k, caps.handed, year.eff, p)
    trust = np.minimum(coop.trust, coop.trust.T)
    able = (trust >= fm.trust_required[integrated]) & (fit >= fm.fit_required[integrated])
    for i in starting:
        value = np.where(open_[i], stakes[i] * (1.0 + short), -np.inf)
        a = int(np.argmax(value))
        stake = stakes[i, a]
        hosts = np.flatnonzero(
            deep[i]
            & able[i]
            & (caps.k[:, a] > stake)
            & (allowed[:, a] >= integrated)
            & (allowed[i, a] >= integrated)
        )
        if hosts.size:  # regained through a partner
            j = rebuild_partner(hosts, caps.k[:, a], year.criteria.area_equipment[i, :, a])
            events += _regain(caps, ties, rules, year.year, (int(i), j, a))
            gap[i] -= year.unit[i, a] * stake
            continue
        years_away = year.year - caps.dropped_year[i, a]
        price = (
            stake
            * p.upkeep_cost
            * year.inputs.cost_index
            * p.acquisition_years
            * (1.0 + p.rebuild_premium) ** years_away
        )
        if p.rebuild_years == 0:
            gap[i] -= price
            events.append(_restore(caps, rules, int(i), a, "national"))
            continue
        caps.rebuild_left[i, a] = p.rebuild_years
        caps.rebuild_cost[i, a] = price / p.rebuild_years
        gap[i] -= caps.rebuild_cost[i, a]
    return gap, events


def rebuild_partner(hosts: np.ndarray, holding: np.ndarray, same_family: np.ndarray) -> int:
    """The partner, of the able `hosts` (state indices), through which a state regains
    an area: one that fields the same equipment family in the area (`same_family`,
    bool[N]) if any does, since a stake serves in the partner's units on its equipment;
    among those, the one with the largest `holding` [N] in the area."""
    shared = hosts[same_family[hosts]]
    pick = shared if shared.size else hosts
    return int(pick[np.argmax(holding[pick])])


def _rebuilds_under_way(
    caps: CapabilityState, rules: CapabilityRules, gap: np.ndarray
) -> tuple[np.ndarray, list[Event]]:
    """Pay this year's instalment of the national rebuilds under way and finish those
    whose lead time is over; return the gap net of the instalments."""
    events: list[Event] = []
    building = caps.rebuild_left > 0
    if building.any():
        caps.rebuild_left = np.where(building, caps.rebuild_left - 1, 0)
        done = building & (caps.rebuild_left == 0)
        gap = gap - np.where(done, 0.0, caps.rebuild_cost).sum(axis=1)
        for i, a in zip(*np.nonzero(done), strict=True):
            events.append(_restore(caps, rules, int(i), int(a), "national"))
        caps.rebuild_cost = np.where(done, 0.0, caps.rebuild_cost)
    return gap, events


def _regain(
    caps: CapabilityState,
    ties: Ties,
    rules: CapabilityRules,
    year: int,
    where: tuple[int, int, int],
) -> list[Event]:
    """State i regains area a at once through partner j, `where` = (i, j, a): a form-5
    tie in the area, unless the pair's tie there is at form 6 already."""
    i, j, a = where
    integrated = Form.INTEGRATED
    events = [_restore(caps, rules, i, a, "through_partner", partner=j)]
    old = int(ties.bilateral[i, j, a])
    if old < integrated:  # a tie already at form 6 (it relies on j) is kept as it is
        ties.set(i, j, a, integrated, year)
        kind = "formed" if old == 0 else "deepened"
        events.append(Event(kind, i, j, "", a, old, int(integrated), "regained"))
    return events


def _restore(
    caps: CapabilityState, rules: CapabilityRules, i: int, a: int, reason: str, partner: int = -1
) -> Event:
    """State `i` holds area `a` again, at its stake (:func:`rebuild_stake`)."""
    caps.k[i, a] = rules.params.rebuild_share * max(caps.dropped_level[i, a], rules.held_2012[i, a])
    caps.dropped[i, a] = False
    caps.rebuilt[i] += 1
    return Event("rebuilt", i, partner, "", a, 0, 0, reason)


def adjust(
    caps: CapabilityState,
    coop: CoopState,
    year: CapabilityYear,
    rules: CapabilityRules,
    rng: np.random.Generator,
) -> Adjusted:
    """The capability phase: give up or rebuild areas, then cut a deficit or invest a
    surplus, and give up the areas the cut took below their minimum viable scale. `rng`
    draws the order of coordinated cuts."""
    p = rules.params
    caps = caps.copy()
    ties = Ties(coop)
    relying = any_over_partners(coop.dependent)  # [N, A]
    tilt = np.ones(caps.k.shape[1])
    if rules.coordinated:
        tilt = np.exp(p.coordination_strength * year.alliance_gap)
    gap, events = drop_areas(caps, ties, coop, year, rules, tilt, rng)
    gap, rebuilt = rebuild_areas(caps, ties, coop, year, rules, gap)
    events += rebuilt
    caps.k, before = _invest_and_cut(caps, year, rules, gap, (tilt, relying))
    events += give_up_thinned(caps, before, year, rules)
    return Adjusted(caps, ties.bilateral, ties.since, events)


def _invest_and_cut(
    caps: CapabilityState,
    year: CapabilityYear,
    rules: CapabilityRules,
    gap: np.ndarray,
    spread: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """The holdings after investing the surplus of `gap` [N] and cutting its deficit
    (:func:`_cut`), and before the cut. A surplus buys capability along the state's own
    profile, tilted towards the alliance's shortfalls (`spread`: the tilt [A], and
    where the state relies on a partner [N, A], as it does where it gave the area up:
    it buys none there). One compiled pass when the kernels are on
    (:func:`imssim.model.kernels.cuts.invest_and_cut`)."""
    p = rules.params
    tilt, relying = spread
    price = p.upkeep_cost * year.inputs.cost_index * p.acquisition_years
    if kernels.enabled():
        core_factor = np.where(rules.core, 1.0 - p.core_protection, 1.0)
        invest = (rules.profile, tilt, relying, caps.dropped)
        return kernels.load("cuts").invest_and_cut(
            caps.k, gap, price, invest, (year.unit, core_factor)
        )
    alloc = rules.profile * tilt[None, :] * ~relying * ~caps.dropped
    alloc_sum = alloc.sum(axis=1, keepdims=True)
    alloc = np.divide(alloc, alloc_sum, out=np.zeros_like(alloc), where=alloc_sum > 0)
    surplus = gap.clip(0.0, None)
    before = caps.k + surplus[:, None] * alloc / price
    return _cut(before, year.unit, rules, tilt, (-gap).clip(0.0, None)), before


def _cut(
    k: np.ndarray, unit: np.ndarray, rules: CapabilityRules, tilt: np.ndarray, deficit: np.ndarray
) -> np.ndarray:
    """The holdings after cutting `deficit` [N] worth of upkeep, spread over areas by
    upkeep, sparing the sovereign core (by ``core_protection``) and, with coordinated
    cuts, the alliance's shortfalls (`tilt`)."""
    p = rules.params
    cost = unit * k
    weight = cost * np.where(rules.core, 1.0 - p.core_protection, 1.0) / tilt[None, :]
    money = np.zeros_like(cost)
    remaining = deficit.copy()
    for _ in range(k.shape[1]):
        room = cost - money
        w = np.where(room > EPS, weight, 0.0)
        total = w.sum(axis=1)
        active = (remaining > EPS) & (total > 0)
        if not active.any():
            break
        share = np.divide(w, total[:, None], out=np.zeros_like(w), where=total[:, None] > 0)
        take = np.minimum(room, remaining[:, None] * share)
        take[~active] = 0.0
        money += take
        remaining -= take.sum(axis=1)
    return (k - np.divide(money, unit, out=np.zeros_like(money), where=unit > 0)).clip(0.0, None)
