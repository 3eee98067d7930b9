"""Capabilities: cuts, investment, areas given up and areas rebuilt.

A state's capability per area is a stock that costs upkeep every year. A budget that
cannot carry the upkeep forces cuts in the same year (sparing the sovereign core); a
surplus buys capability over ``acquisition_years``. Deep falls of the budget cost whole
areas, chosen by what each is worth keeping; when the budget recovers, a state rebuilds
what it gave up, nationally (with a lead time and a cost premium) or at once by
integrating a stake into a deep partner's units. docs/ODD.md, 7.3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from imssim.model.blocks import max_over_areas
from imssim.model.cooperation import Event
from imssim.model.forms import DEEP, Form

POOLING = Form.POOLING

if TYPE_CHECKING:
    from imssim.model.simulation import CooperationModel

EPS = 1e-9


def keep_value(model: CooperationModel, tilt: np.ndarray, eff: np.ndarray) -> np.ndarray:
    """float[N, A]: what each held area is worth keeping to its state (higher: kept longer).

    Its share of the state's own capability (a sub-scale holding is the cheapest to lose
    and the least efficient to keep), times the coordinated-cuts tilt (with coordinated
    cuts, an area the alliance lacks is kept longer and one it has in surplus given up
    first; 1 otherwise), times 1 + the number of partners the state shares it with at
    pooling to integration (forms 2-5): an area pooled with others is cheaper to keep,
    and they count on it.
    """
    share = model.k / np.maximum(model.k.sum(axis=1, keepdims=True), EPS)
    pooled = ((eff >= Form.POOLING) & (eff <= Form.INTEGRATED)).sum(axis=1)  # [N, A]
    return share * tilt[None, :] * (1.0 + pooled)


def areas_owed(model: CooperationModel) -> np.ndarray:
    """int[N]: how many areas the fall of each budget below its peak costs.

    One area for every ``drop_step`` x threat level of fall: a threatened state, which
    expects to need its areas again and would pay a premium to rebuild them, cuts
    deeper before it gives one up.
    """
    if model.params.drop_step <= 0:
        return np.zeros(model.world.n_states, dtype=int)
    depth = 1.0 - model.real_budget / model.peak_budget
    step = model.params.drop_step * np.maximum(model.threat, 1.0)
    return np.floor(depth / step + 1e-9).astype(int)


def drop_areas(
    model: CooperationModel, gap: np.ndarray, unit: np.ndarray, tilt: np.ndarray, eff: np.ndarray
) -> tuple[np.ndarray, list[Event]]:
    """Give up whole areas under deep cuts; return the gap with their upkeep saved.

    A state whose budget has fallen far enough below its peak (:func:`areas_owed`) and
    which must still cut this year gives up one more area a year: of the non-core areas
    it holds, in which no partner depends on it at form 6, the one it values least
    (:func:`keep_value`). With coordinated cuts, the states decide one after another in
    a random order, each seeing the choices made before it, and none gives up an area
    the alliance lacks, counting what the others gave up this year: coordination means
    taking account of the other states' cuts.
    """
    p = model.params
    # the order of coordinated cuts is drawn every year, cuts or not, so that runs with
    # the same seed share it (common random numbers)
    order = model.streams["cuts"].permutation(model.world.n_states)
    if p.drop_step <= 0:
        return gap, []
    owed = areas_owed(model) - model.dropped.sum(axis=1)
    provider = model.coop.dependent.any(axis=0)  # [N, A]: someone relies on me here
    candidate = (model.k > EPS) & ~model.world.core & ~provider & ~model.dropped
    cutting = np.flatnonzero((owed > 0) & (gap < 0) & candidate.any(axis=1))
    if cutting.size == 0:
        return gap, []
    rank = np.where(candidate, keep_value(model, tilt, eff), np.inf)
    coordinated = model.config.coordinated_cuts
    balance = model.alliance_gap.copy()  # seen by each state in turn when coordinated
    if coordinated:  # states decide in turn and see each other's choices
        cutting = order[np.isin(order, cutting)]
    rows, cols = [], []
    pooling = PoolOffers(model, eff)
    events: list[Event] = []
    for i in cutting:
        options = rank[i]
        if coordinated:  # never give up an area the alliance lacks, others' choices included
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
        if model.alliance[i]:
            balance[a] += model.k[i, a] / model.requirement[a]
        rows.append(int(i))
        cols.append(a)
    if not rows:
        return gap, events
    rows, cols = np.array(rows), np.array(cols)
    order = np.argsort(rows, kind="stable")
    rows, cols = rows[order], cols[order]
    saved = np.zeros_like(gap)
    saved[rows] = unit[rows, cols] * model.k[rows, cols]
    model.dropped_level[rows, cols] = model.k[rows, cols]
    model.dropped_year[rows, cols] = model.year
    model.k[rows, cols] = 0.0
    model.dropped[rows, cols] = True
    events += [
        Event("gave_up", int(i), -1, "", int(a), 0, 0, "budget_fall")
        for i, a in zip(rows, cols, strict=True)
    ]
    return gap + saved, events


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
    """

    def __init__(self, model: CooperationModel, eff: np.ndarray) -> None:
        self.model = model
        self.scarce = model.alliance_gap >= model.params.pool_scarce_gap
        self.fit: np.ndarray | None = None
        self.eff = eff

    def offer(self, i: int, a: int) -> Event | None:
        """Pool area `a` of state `i` with a partner, or None when none can."""
        if not self.scarce[a]:
            return None
        m, fm = self.model, self.model.forms
        if self.fit is None:
            self.fit, _ = m.partner_fit(self.eff)
        trust = np.minimum(m.coop.trust[i], m.coop.trust[:, i])
        able = (
            m.criteria.comember[i]
            & (m.k[:, a] > EPS)
            & (self.fit[i] >= fm.fit_required[POOLING])
            & (trust >= fm.trust_required[POOLING])
            & (self.eff[i, :, a] < POOLING)  # no pool or deeper tie, frameworks included
            & (m.coop.since[i, :, a] < m.year)
            & (m.allowed[i, a] >= POOLING)
            & (m.allowed[:, a] >= POOLING)  # the partner's policy allows it too
        )
        hosts = np.flatnonzero(able)
        if hosts.size == 0:
            return None
        j = int(hosts[np.argmax(self.fit[i, hosts])])
        old = int(m.coop.bilateral[i, j, a])
        m.coop.bilateral[i, j, a] = m.coop.bilateral[j, i, a] = POOLING
        m.coop.since[i, j, a] = m.coop.since[j, i, a] = m.year
        kind = "formed" if old == 0 else "deepened"
        return Event(kind, i, j, "", a, old, int(POOLING), "pooled_instead")


def rebuild_areas(
    model: CooperationModel, gap: np.ndarray, unit: np.ndarray, eff: np.ndarray
) -> tuple[np.ndarray, list[Event]]:
    """Rebuild areas given up once the budget has recovered; return the gap net of its cost.

    A state that holds fewer areas than its budget now carries (:func:`areas_owed` below
    the number given up) and has a surplus starts to rebuild one area a year, the one it
    needs most (the alliance's shortfall first). Where a deep partner (a form of 4 or
    more in some area, with the trust and fit integration needs, and both policies
    allowing form 5 in the area) holds the area, the state regains it at once by
    integrating a stake of ``rebuild_share`` of its former holding into the partner's
    units (a form-5 tie in the area, event ``regained``): the partner provides structure
    and equipment. Otherwise it rebuilds nationally: the stake appears after
    ``rebuild_years``, and the purchase, ``acquisition_years`` of upkeep with a premium of
    ``(1 + rebuild_premium)`` for every year the area was gone, is paid in equal parts
    over the lead time.
    """
    p = model.params
    events: list[Event] = []
    # pay for the rebuilds under way, and finish those whose lead time is over
    building = model.rebuild_left > 0
    if building.any():
        model.rebuild_left = np.where(building, model.rebuild_left - 1, 0)
        done = building & (model.rebuild_left == 0)
        gap = gap - np.where(done, 0.0, model.rebuild_cost).sum(axis=1)
        for i, a in zip(*np.nonzero(done), strict=True):
            events.append(_restore(model, int(i), int(a), "national"))
        model.rebuild_cost = np.where(done, 0.0, model.rebuild_cost)
    open_ = model.dropped & (model.rebuild_left == 0)
    room = model.dropped.sum(axis=1) - areas_owed(model)
    starting = np.flatnonzero((room > 0) & (gap > 0) & open_.any(axis=1))
    if starting.size == 0:
        return gap, events
    short = np.clip(model.alliance_gap, 0.0, None)
    deep = max_over_areas(eff) >= DEEP  # [N, N]
    fm, integrated = model.forms, Form.INTEGRATED
    fit, _ = model.partner_fit(eff)
    trust = np.minimum(model.coop.trust, model.coop.trust.T)
    able = (trust >= fm.trust_required[integrated]) & (fit >= fm.fit_required[integrated])
    for i in starting:
        value = np.where(open_[i], model.dropped_level[i] * (1.0 + short), -np.inf)
        a = int(np.argmax(value))
        stake = p.rebuild_share * model.dropped_level[i, a]
        hosts = np.flatnonzero(
            deep[i]
            & able[i]
            & (model.k[:, a] > stake)
            & (model.allowed[:, a] >= integrated)
            & (model.allowed[i, a] >= integrated)
        )
        if hosts.size:  # regained through the partner with the most in the area
            j = int(hosts[np.argmax(model.k[hosts, a])])
            restored = _restore(model, int(i), a, "through_partner", partner=j)
            old = int(model.coop.bilateral[i, j, a])
            events.append(restored)
            if old < integrated:  # a tie already at form 6 (it relies on j) is kept as it is
                model.coop.bilateral[i, j, a] = model.coop.bilateral[j, i, a] = integrated
                model.coop.since[i, j, a] = model.coop.since[j, i, a] = model.year
                kind = "formed" if old == 0 else "deepened"
                events.append(Event(kind, int(i), j, "", a, old, int(integrated), "regained"))
            gap[i] -= unit[i, a] * stake
            continue
        years_away = model.year - model.dropped_year[i, a]
        price = (
            stake
            * model.params.upkeep_cost
            * model.cost_index
            * p.acquisition_years
            * (1.0 + p.rebuild_premium) ** years_away
        )
        if p.rebuild_years == 0:
            gap[i] -= price
            events.append(_restore(model, int(i), a, "national"))
            continue
        model.rebuild_left[i, a] = p.rebuild_years
        model.rebuild_cost[i, a] = price / p.rebuild_years
        gap[i] -= model.rebuild_cost[i, a]
    return gap, events


def _restore(model: CooperationModel, i: int, a: int, reason: str, partner: int = -1) -> Event:
    """State `i` holds area `a` again, at ``rebuild_share`` of its former holding."""
    model.k[i, a] = model.params.rebuild_share * model.dropped_level[i, a]
    model.dropped[i, a] = False
    model.rebuilt[i] += 1
    return Event("rebuilt", i, partner, "", a, 0, 0, reason)


def adjust(
    model: CooperationModel, gap: np.ndarray, unit: np.ndarray, eff: np.ndarray
) -> list[Event]:
    """The capability phase: give up or rebuild areas, then cut a deficit or invest a surplus."""
    p = model.params
    relying = model.coop.dependent.any(axis=1)  # [N, A]
    tilt = np.ones(model.world.n_areas)
    if model.config.coordinated_cuts:
        tilt = np.exp(p.coordination_strength * model.alliance_gap)
    gap, events = drop_areas(model, gap, unit, tilt, eff)
    gap, rebuilt = rebuild_areas(model, gap, unit, eff)
    events += rebuilt
    # invest: along the state's own profile (tilted towards alliance shortfalls)
    alloc = model.profile * tilt[None, :] * ~relying * ~model.dropped
    alloc_sum = alloc.sum(axis=1, keepdims=True)
    alloc = np.divide(alloc, alloc_sum, out=np.zeros_like(alloc), where=alloc_sum > 0)
    surplus = np.clip(gap, 0.0, None)
    price = p.upkeep_cost * model.cost_index * p.acquisition_years
    model.k += surplus[:, None] * alloc / price
    # cut: spread over areas by upkeep, sparing the sovereign core (and shortfalls)
    deficit = np.clip(-gap, 0.0, None)
    cost = unit * model.k
    weight = cost * np.where(model.world.core, 1.0 - p.core_protection, 1.0) / tilt[None, :]
    money = np.zeros_like(cost)
    remaining = deficit.copy()
    for _ in range(model.world.n_areas):
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
    model.k = np.clip(
        model.k - np.divide(money, unit, out=np.zeros_like(money), where=unit > 0), 0.0, None
    )
    return events
