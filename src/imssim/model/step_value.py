"""The value of a step: what moving a tie to a deeper form is worth to one side.

:func:`step_value` is the one definition of that value (docs/ODD.md, 7.10): the
weighted sum of the note's three goal categories (economic, military, political),
scaled by partner fit, minus the autonomy it costs and the transaction cost, which the
NATO/EU catalyst lowers between co-members. :func:`form_value` is the value of a given
form; :func:`steps_may_pay` bounds the value from above, to leave out the pairs that
cannot agree on a step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imssim.model.cooperation import CooperationRules, CoopYear
from imssim.model.forms import Form
from imssim.model.motives import (
    bound_share,
    economic_scale,
    military_need,
    political_value,
    relationship_value,
    transaction_share,
)
from imssim.model.tolerances import BOUND_MARGIN, EPS

Entries = tuple[np.ndarray, np.ndarray, np.ndarray]  # (i, j, a): ties, each seen from i


class _At:
    """The flat indices of entries (i, j, a), to gather pair, state-area and
    pair-area values with one take each."""

    def __init__(self, at: Entries, n: int, n_areas: int) -> None:
        self.i, self.j, self.ar = at
        self.ij = self.i * n + self.j
        self.ia = self.i * n_areas + self.ar
        self.ja = self.j * n_areas + self.ar
        self.ija = self.ij * n_areas + self.ar

    def pair(self, m: np.ndarray) -> np.ndarray:
        """m[i, j] for [N, N] m."""
        return m.take(self.ij)

    def own(self, m: np.ndarray) -> np.ndarray:
        """m[i, a] for [N, A] m."""
        return m.take(self.ia)

    def partner(self, m: np.ndarray) -> np.ndarray:
        """m[j, a] for [N, A] m."""
        return m.take(self.ja)


@dataclass(frozen=True)
class StepTerms:
    """What a step is worth to i, goal by goal (each already weighted and scaled), and
    what it costs."""

    economic: np.ndarray
    military: np.ndarray
    political: np.ndarray
    relationship: np.ndarray
    cost: np.ndarray

    def total(self) -> np.ndarray:
        """The value of the step: the goals' sum minus the cost."""
        return self.economic + self.military + self.political + self.relationship - self.cost

    def motive(self) -> np.ndarray:
        """int: the index into :data:`imssim.model.motives.MOTIVES` of the goal that
        weighs most in each step (the first of equals); the relationship eases a step
        but is not one of the note's goals."""
        stacked = np.stack([self.economic, self.military, self.political])
        return stacked.argmax(axis=0)


def step_value(
    rules: CooperationRules,
    year: CoopYear,
    at: Entries,
    to: np.ndarray,
    bonus: np.ndarray | None = None,
    drops: np.ndarray | None = None,
) -> np.ndarray:
    """Value to state i of moving each tie (i, j, a) of `at` from its effective form
    `cur` to the form ``to[cur]`` (`to` [7]: the form each form would move to):
    :func:`step_terms`' total, plus `bonus` (None: none)."""
    value = step_terms(rules, year, at, to, drops).total()
    if bonus is not None:
        value += bonus
    return value


def step_terms(
    rules: CooperationRules,
    year: CoopYear,
    at: Entries,
    to: np.ndarray,
    drops: np.ndarray | None = None,
) -> StepTerms:
    """The goals and cost of moving each tie (i, j, a) of `at` to ``to[cur]``.

    The weighted goals (:mod:`imssim.model.motives`) are scaled by the pair's fit: the
    economic gain over the deepest form j holds in the area, weighed by i's pressure;
    the military gain (access to j's capability, times j's reliability, the share of
    i's base it covers and the gaps it fills), weighed by i's threat; the political
    value of solidarity. The relationship term (familiarity and i's ring of j) is not
    scaled by fit. The cost is the autonomy the step binds (the constraint it adds,
    times i's autonomy weight, the core's weight and the share of i's forces in the
    area it binds) plus the transaction cost, which the NATO/EU catalyst and
    familiarity lower. `drops` marks the side that would give up the capability at
    form 6 (None: none).
    """
    p, fm = rules.params, rules.forms
    n, _, n_areas = year.eff.shape
    g = _At(at, n, n_areas)
    i = g.i
    states, pairs = year.states, year.pairs
    cur = year.eff.take(g.ija).astype(np.intp)
    keep = 1.0 - g.pair(rules.relief)  # the share of the coordination overhead that remains
    s = p.specialisation_share  # the dependent saves the upkeep of what it hands over
    some_drop = drops is not None and bool(drops.any())
    scale = p.benefit_scale * g.pair(pairs.fit)
    area_form = g.partner(year.area_form)
    econ = _economic_gain(rules, cur, to, area_form, keep, drops if some_drop else None)
    econ *= economic_scale(p, states.pressure[i]) * scale
    mil = _military_gain(rules, year, g, cur, to)
    mil *= states.military_weight[i] * scale
    exposure = states.exposure
    if len(i) > n * n:  # many entries: once per pair, then gathered
        pol = g.pair(political_value(p, exposure[:, None], exposure[None, :], rules.comember))
    else:
        pol = political_value(p, exposure[i], exposure[g.j], g.pair(rules.comember))
    pol *= scale
    known = g.pair(pairs.known)
    rel = p.benefit_scale * relationship_value(p, known, g.pair(pairs.ring_share), to[cur])
    forms = np.arange(len(to))
    d_con = (fm.constraint[to] - fm.constraint[forms])[cur]
    if some_drop:
        held = fm.constraint[cur[drops]]
        d_con[drops] = s * (1.0 - held) + (1.0 - s) * d_con[drops]
    cost = year.policy.autonomy_weight[i] * d_con
    cost *= np.where(g.own(rules.core), p.core_weight, 1.0)
    cost *= bound_share(p, g.partner(states.k), g.own(states.ref))
    cost += p.transaction_cost * keep * transaction_share(p, known)
    return StepTerms(econ, mil, pol, rel, cost)


def _economic_gain(
    rules: CooperationRules,
    cur: np.ndarray,
    to: np.ndarray,
    area_form: np.ndarray,
    keep: np.ndarray,
    drops: np.ndarray | None,
) -> np.ndarray:
    """The net saving the step adds over `area_form` (0 where it adds no depth); for the
    side that drops the capability at form 6, the upkeep of the share it hands over."""
    fm, s = rules.forms, rules.params.specialisation_share
    new = to[cur]
    # base and gain as fm.net_saving(area_form) and fm.net_saving(new) - base
    base = fm.saving[area_form] - fm.overhead[area_form] * keep
    gain = fm.saving[to][cur] - fm.overhead[to][cur] * keep
    gain -= base
    gain[new <= area_form] = 0.0
    if drops is not None:
        gain[drops] = s * (1.0 - base[drops]) + (1.0 - s) * gain[drops]
    return gain


def _military_gain(
    rules: CooperationRules, year: CoopYear, g: _At, cur: np.ndarray, to: np.ndarray
) -> np.ndarray:
    """The access to j's capability the step adds, times j's reliability, the share of
    i's capability base j's holding covers, and the gaps it fills (i's and the
    alliance's, :func:`imssim.model.motives.military_need`)."""
    p, fm = rules.params, rules.forms
    ref_i = g.own(year.states.ref)
    ratio = np.divide(g.partner(year.states.k), ref_i, out=np.zeros(ref_i.shape), where=ref_i > EPS)
    # (fm.access[new] - fm.access[cur]), one difference per current form
    mil = (fm.access[to] - fm.access[np.arange(len(to))])[cur] * g.pair(year.pairs.reliability)
    mil *= np.minimum(1.0, ratio)
    need = military_need(p, g.own(year.states.need_gap), year.states.alliance_gap[g.ar])
    mil *= need
    return mil


def form_value(rules: CooperationRules, year: CoopYear, form: int, at: Entries) -> np.ndarray:
    """The value to i of cooperating with j in area a at `form` (or its current form, if
    deeper), for each tie (i, j, a) of `at`: what a state weighs when invited to a
    framework (:func:`step_value` without the policy's bonus and penalty)."""
    to = np.maximum(np.arange(int(Form.SPECIALISATION) + 1), int(form))
    return step_value(rules, year, at, to)


def steps_may_pay(
    rules: CooperationRules,
    year: CoopYear,
    trust_min: np.ndarray,
    partner: np.ndarray,
    *,
    bounded: list[int],
) -> list[np.ndarray]:
    """For each form 0-4, bool[N, N]: the pairs for which a move from that form one
    form deeper, in an area where they hold it, may be feasible and worth it to both.

    Feasible: the fit or mutual trust (`trust_min`) is not short of the deeper form's on
    both sides. Worth it, for the forms in `bounded`: an upper bound of
    :func:`step_value` over such areas: the largest economic gain, the military gain
    at full access to the partner's capability and at i's largest need, the least
    autonomy cost, the bonus for a tie held (`partner`: the pair has a bilateral tie in
    some area); a pair whose bound falls below zero (by a margin far above rounding)
    on either side cannot agree on such a move. Where a parameter's sign would void
    the bound (the config checks exclude it), every feasible pair may.
    """
    fm = rules.forms
    fit = year.pairs.fit
    out = []
    for form in range(int(Form.SPECIALISATION) - 1):
        ok = (fit >= fm.fit_required[form + 1]) & (trust_min >= fm.trust_required[form + 1])
        out.append(ok | ok.T)
    if not signs_hold(rules, year) or not bounded:
        return out
    for form, bound in _bounds(rules, year, partner, bounded):
        may = bound > -BOUND_MARGIN
        out[form] &= may & may.T
        np.fill_diagonal(out[form], False)
    return out


def signs_hold(rules: CooperationRules, year: CoopYear) -> bool:
    """Whether every term the bound of :func:`steps_may_pay` takes at its extreme has
    the sign the bound assumes."""
    p, fm = rules.params, rules.forms
    access, constraint = fm.access.tolist(), fm.constraint.tolist()
    terms = (
        p.benefit_scale,
        p.goal_weight_economic,
        p.economic_pressure,
        p.need_weight,
        p.alliance_need_weight,
        p.widen_value,
        p.ring_preference,
        min(access[f + 1] - access[f] for f in range(5)),  # the forms' steps up to 6
        min(constraint[f + 1] - constraint[f] for f in range(5)),
        p.core_weight,
    )
    s, pairs, policy = year.states, year.pairs, year.policy
    year_terms = (
        s.military_weight,
        policy.autonomy_weight,
        policy.deepen_bonus,
        pairs.fit,
        pairs.reliability,
        s.need_gap,
    )
    least = np.concatenate([x.ravel() for x in year_terms]).min(initial=0.0)
    return min(terms) >= 0.0 and least >= 0.0


def _least_bound(rules: CooperationRules, year: CoopYear) -> np.ndarray:
    """float[N, N]: the least share of i's forces a step with j binds, over the areas
    where both hold capability (:func:`imssim.model.motives.bound_share`)."""
    k, ref = year.states.k, year.states.ref
    inv = np.divide(1.0, ref, out=np.full_like(ref, np.inf), where=ref > EPS)  # inf: none
    partner_k = np.where(k > EPS, k, np.inf)  # inf: j holds nothing
    least = np.multiply.outer(inv[:, 0], partner_k[:, 0])
    for area in range(1, k.shape[1]):  # one area at a time: over all pairs at once
        np.minimum(least, np.multiply.outer(inv[:, area], partner_k[:, area]), out=least)
    return least.clip(rules.params.bound_share_floor, 1.0)


def _bounds(
    rules: CooperationRules, year: CoopYear, partner: np.ndarray, bounded: list[int]
) -> list[tuple[int, np.ndarray]]:
    """For each form of `bounded`, float[N, N]: the upper bound of i's value of a step
    one form deeper with j, over the areas where they hold that form."""
    p, fm = rules.params, rules.forms
    s, pairs, policy = year.states, year.pairs, year.policy
    forms = range(int(Form.SPECIALISATION) - 1)
    d_access = np.diff(fm.access)
    d_constraint = np.diff(fm.constraint)
    keep = 1.0 - rules.relief
    net = [fm.saving[f] - fm.overhead[f] * keep for f in range(len(forms) + 1)]
    scale = economic_scale(p, s.pressure)[:, None]
    gaps = military_need(p, s.need_gap.max(axis=1), s.alliance_gap.max(initial=0.0))
    reach = pairs.reliability * gaps[:, None]
    weight = p.benefit_scale * pairs.fit
    political = political_value(p, s.exposure[:, None], s.exposure[None, :], rules.comember)
    fixed_cost = p.transaction_cost * keep * transaction_share(p, pairs.known)
    autonomy = policy.autonomy_weight[:, None] * min(p.core_weight, 1.0)
    autonomy = autonomy * _least_bound(rules, year)
    low, high = net[0].copy(), net[0].copy()  # the least and most net saving so far
    out = []
    for form in forms:
        # the gain over the deepest form j holds in the area (at least `form`: j
        # holds it with i), taken over every form up to `form` all the same
        np.minimum(low, net[form], out=low)
        np.maximum(high, net[form], out=high)
        if form not in bounded:
            continue
        econ = np.maximum((net[form + 1] - low) * scale, (net[form + 1] - high) * scale)
        np.maximum(econ, 0.0, out=econ)
        benefit = econ + s.military_weight[:, None] * (d_access[form] * reach)
        benefit += political
        benefit *= weight
        benefit += p.benefit_scale * relationship_value(p, pairs.known, pairs.ring_share, form + 1)
        benefit -= autonomy * d_constraint[form]
        benefit -= fixed_cost
        # a tie held (form >= 1 between them) earns the bonus; without any tie
        # between them the newcomer's penalty applies
        held = policy.deepen_bonus[:, None] if form > 0 else 0.0
        benefit += np.where(partner, held, -policy.new_partner_penalty[:, None])
        out.append((form, benefit))
    return out
