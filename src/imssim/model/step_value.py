"""The value of a step: what moving a tie to a deeper form is worth to one side.

:func:`step_value` is the one definition of that value (docs/ODD.md, 7.10): the
weighted sum of the note's three goal categories (economic, military, political),
scaled by partner fit, minus the autonomy it costs and the transaction cost, which the
NATO/EU catalyst lowers between co-members. :func:`form_value` is the value of a given
form; :func:`steps_may_pay` bounds the value from above, to leave out the pairs that
cannot agree on a step.
"""

from __future__ import annotations

import numpy as np

from imssim.model.cooperation import BOUND_MARGIN, EPS, CooperationRules, CoopYear
from imssim.model.forms import Form

Entries = tuple[np.ndarray, np.ndarray, np.ndarray]  # (i, j, a): ties, each seen from i


def step_value(
    rules: CooperationRules,
    year: CoopYear,
    at: Entries,
    to: np.ndarray,
    bonus: np.ndarray | None = None,
    drops: np.ndarray | None = None,
) -> np.ndarray:
    """Value to state i of moving each tie (i, j, a) of `at` from its effective form
    `cur` to the form ``to[cur]`` (`to` [7]: the form each form would move to).

    The terms are the pair's relief (the catalyst), distance, reliability (of j to i),
    fit and ratio (j's capability to i's capability base); i's pressure, need gap in
    the area, autonomy weight, military weight (raised by its threat level) and whether
    the area is in its core; and the deepest form the partner j holds in the area over
    all its partners, against which the economic gain is counted. `drops` marks the
    side that would give up the capability at form 6 (None: none) and `bonus` is added
    to the value (None: none).
    """
    p, fm = rules.params, rules.forms
    i, j, ar = at
    cur = year.eff[i, j, ar].astype(np.intp)
    keep = 1.0 - rules.relief[i, j]  # the share of the coordination overhead that remains
    s = p.specialisation_share  # the dependent saves the upkeep of what it hands over
    some_drop = drops is not None and bool(drops.any())
    econ = _economic_gain(rules, cur, to, year.area_form[j, ar], keep, drops if some_drop else None)
    econ *= p.economic_base + p.economic_pressure * year.states.pressure[i]
    mil = _military_gain(rules, year, at, cur, to)
    pol = p.political_base * (1.0 - rules.distance[i, j])
    mixed = p.goal_weight_economic * econ
    mixed += year.states.military_weight[i] * mil
    mixed += p.goal_weight_political * pol
    benefit = p.benefit_scale * year.pairs.fit[i, j] * mixed
    forms = np.arange(len(to))
    d_con = (fm.constraint[to] - fm.constraint[forms])[cur]
    if some_drop:
        held = fm.constraint[cur[drops]]
        d_con[drops] = s * (1.0 - held) + (1.0 - s) * d_con[drops]
    cost = year.policy.autonomy_weight[i] * d_con
    cost *= np.where(rules.core[i, ar], p.core_weight, 1.0)
    cost += p.transaction_cost * keep
    benefit -= cost
    if bonus is None:
        benefit += 0.0
    else:
        benefit += bonus
    return benefit


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
    rules: CooperationRules, year: CoopYear, at: Entries, cur: np.ndarray, to: np.ndarray
) -> np.ndarray:
    """The access to j's capability the step adds, times j's reliability, the share of
    i's capability base j's holding covers, and i's need."""
    p, fm = rules.params, rules.forms
    i, j, ar = at
    ref_i = year.states.ref[i, ar]
    ratio = np.divide(year.states.k[j, ar], ref_i, out=np.zeros(ref_i.shape), where=ref_i > EPS)
    # (fm.access[new] - fm.access[cur]), one difference per current form
    mil = (fm.access[to] - fm.access[np.arange(len(to))])[cur] * year.pairs.reliability[i, j]
    mil *= np.minimum(1.0, ratio)
    mil *= 1.0 + p.need_weight * year.states.need_gap[i, ar]
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
    if not _signs_hold(rules, year) or not bounded:
        return out
    for form, bound in _bounds(rules, year, partner, bounded):
        may = bound > -BOUND_MARGIN
        out[form] &= may & may.T
        np.fill_diagonal(out[form], False)
    return out


def _signs_hold(rules: CooperationRules, year: CoopYear) -> bool:
    """Whether every term the bound of :func:`steps_may_pay` takes at its extreme has
    the sign the bound assumes."""
    p, fm = rules.params, rules.forms
    d_access = np.diff(fm.access)
    d_constraint = np.diff(fm.constraint)
    terms = (
        p.benefit_scale,
        p.goal_weight_economic,
        p.need_weight,
        float(d_access[:5].min()),
        float(d_constraint[:5].min()),
        p.core_weight,
        float(year.states.military_weight.min(initial=0.0)),
        float(year.policy.autonomy_weight.min(initial=0.0)),
        float(year.policy.deepen_bonus.min(initial=0.0)),
        float(year.pairs.fit.min(initial=0.0)),
        float(year.pairs.reliability.min(initial=0.0)),
        float(year.states.need_gap.min(initial=0.0)),
    )
    return min(terms) >= 0.0


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
    scale = (p.economic_base + p.economic_pressure * s.pressure)[:, None]
    reach = pairs.reliability * (1.0 + p.need_weight * s.need_gap.max(axis=1))[:, None]
    weight = p.benefit_scale * pairs.fit
    political = p.goal_weight_political * (p.political_base * (1.0 - rules.distance))
    fixed_cost = p.transaction_cost * keep
    autonomy = policy.autonomy_weight[:, None] * min(p.core_weight, 1.0)
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
        benefit = p.goal_weight_economic * econ
        benefit += s.military_weight[:, None] * (d_access[form] * reach)
        benefit += political
        benefit *= weight
        benefit -= autonomy * d_constraint[form]
        benefit -= fixed_cost
        # a tie held (form >= 1 between them) earns the bonus; without any tie
        # between them the newcomer's penalty applies
        held = policy.deepen_bonus[:, None] if form > 0 else 0.0
        benefit += np.where(partner, held, -policy.new_partner_penalty[:, None])
        out.append((form, benefit))
    return out
