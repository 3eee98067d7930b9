"""Lead states found frameworks: "framework nations" gathering partners that share a need.

docs/ODD.md, 7.9 (step 4): the note's "kaders" that partners build themselves (p. 5);
the Framework Nations Concept of 2013, the JEF of 2014, the Multinational MRTT Fleet
of 2016. A possible lead proposes in the one area where it would gather the most
members; it invites the states that share its need and would gain by the framework's
form with it (:func:`imssim.model.step_value.form_value`), each admitted with the
consent of the members so far.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from imssim.model.cooperation import EPS, CooperationRules, CoopState, CoopYear, Event
from imssim.model.forms import Form
from imssim.model.frameworks import FrameworkSetting, framework_event
from imssim.model.step_value import form_value
from imssim.world import Framework, World

# the purposes a lead state can found: (form, eligibility, short id, label)
FOUNDABLE = {
    "pooled_fleet": (Form.JOINT_PROCUREMENT, "nato_or_eu", "FLEET", "pooled fleet"),
    "expeditionary_force": (Form.OPERATIONAL, "nato_or_eu", "EXF", "expeditionary force"),
    "framework_cluster": (Form.OPERATIONAL, "nato", "CLUSTER", "framework-nation cluster"),
}

Offer = tuple[int, int, str]  # (lead, area, purpose)


def found(
    rules: CooperationRules,
    state: CoopState,
    setting: FrameworkSetting,
    year: CoopYear,
    world: World,
    scarcity: np.ndarray,
    rng: np.random.Generator,
) -> tuple[CoopState, list[Framework], list[Event]]:
    """Lead states found frameworks; returns the record after (the new frameworks'
    members appended to ``members``), the new frameworks and the events.

    A possible lead of an area is one of its ``found_lead_rank`` largest holders among
    NATO and EU members that leads no framework in the area yet. Each possible lead
    proposes with probability ``found_rate`` a year, in the one area where it would
    gather the most members (then: its largest gain). The purpose follows from the
    area and the lead: a pooled fleet (form 3) where the alliance lacks the area
    against its 2012 requirement by ``pool_scarce_gap`` or more (`scarcity` [A]: a
    structural shortfall, not one a threat opens in every area), an expeditionary force
    (form 4) around a lead with an expeditionary culture of at least
    ``found_expeditionary``, otherwise a framework-nation cluster (form 4, NATO). It
    invites eligible states that hold the area, fall short of their need in it by
    ``found_need_gap`` or more (a shared need), meet the form's fit and mutual trust
    with the lead and would gain by it (:func:`imssim.model.step_value.form_value`: i's
    value of the form with the lead in the area); each invitee is admitted only if
    every member so far trusts it enough for the form (consent), up to
    ``found_max_members``. With at least
    ``found_min_members`` members and a gain for the lead (its values with the members
    summed, the autonomy it gives up for the area counted once), it is founded.
    """
    lead_ok = _possible_leads(rules, setting, year.states.k, rng)
    if not lead_ok.any():
        return state, [], []
    expeditionary = world.culture[:, 1]
    local_eff = year.eff.copy()  # with the frameworks founded so far this year
    new_frameworks: list[Framework] = []
    events = []
    for lead in np.flatnonzero(lead_ok.any(axis=1)).tolist():
        offers = [
            (lead, int(ar), _purpose(rules, scarcity[ar], expeditionary[lead]))
            for ar in np.flatnonzero(lead_ok[lead])
        ]
        best = _best_offer(rules, state, setting, year, offers, local_eff)
        if best is None:
            continue
        offer, chosen = best
        fw = _framework(world, offer, chosen, year.year)
        new_frameworks.append(fw)
        both = np.outer(fw.members, fw.members)
        layer = local_eff[:, :, fw.area]
        local_eff[:, :, fw.area] = np.where(both, np.maximum(layer, fw.form), layer)
        events.append(framework_event("founded", lead, fw, fw.form, fw.purpose, from_form=0))
        for j in chosen[1:]:
            events.append(framework_event("joined", j, fw, fw.form, "founding_member", from_form=0))
    if not new_frameworks:
        return state, [], events
    members = np.vstack([state.members, [fw.members for fw in new_frameworks]])
    return dataclasses.replace(state, members=members), new_frameworks, events


def _possible_leads(
    rules: CooperationRules, setting: FrameworkSetting, k: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """bool[N, A]: the leads that propose in each area this year: among the
    ``found_lead_rank`` largest holders of NATO and EU members, leading no framework in
    the area yet, and proposing (``found_rate``; one draw per state every year)."""
    p = rules.params
    n, a = k.shape
    members_now = setting.nato | setting.eu
    holds = k > EPS
    # the largest holders of each area among NATO and EU members
    ranked = np.where(members_now[:, None], k, -np.inf)
    order = np.argsort(-ranked, axis=0, kind="stable")
    lead_ok = np.zeros((n, a), dtype=bool)
    lead_ok[order[: p.found_lead_rank], np.arange(a)[None, :]] = True
    lead_ok &= holds & members_now[:, None]
    for f, fw in enumerate(setting.frameworks):  # one framework per lead and area
        if fw.lead >= 0 and not setting.ended[f] and not fw.fixed:
            lead_ok[fw.lead, fw.area] = False
    proposes = rng.random((n,)) < p.found_rate
    lead_ok &= proposes[:, None]
    return lead_ok


def _purpose(rules: CooperationRules, scarcity: float, expeditionary: float) -> str:
    """The purpose of a framework a lead founds in an area: a pooled fleet where the
    alliance lacks the area, else an expeditionary force around an expeditionary
    lead, else a framework-nation cluster."""
    p = rules.params
    if scarcity >= p.pool_scarce_gap:
        return "pooled_fleet"
    if expeditionary >= p.found_expeditionary:
        return "expeditionary_force"
    return "framework_cluster"


def _best_offer(
    rules: CooperationRules,
    state: CoopState,
    setting: FrameworkSetting,
    year: CoopYear,
    offers: list[Offer],
    local_eff: np.ndarray,
) -> tuple[Offer, list[int]] | None:
    """Of a lead's `offers` (one per area), the one that gathers the most members, then
    the largest gain for the lead, with its members (lead first); None when none would
    be founded."""
    best: tuple[int, float, Offer, list[int]] | None = None
    for offer in offers:
        lead, ar, purpose = offer
        form, eligibility = int(FOUNDABLE[purpose][0]), FOUNDABLE[purpose][1]
        if not setting.eligible_for(eligibility)[lead] or year.policy.allowed[lead, ar] < form:
            continue
        chosen, gain = _invite(rules, state.trust, setting, year, offer, local_eff)
        if chosen and (best is None or (len(chosen), gain) > (best[0], best[1])):
            best = (len(chosen), gain, offer, chosen)
    return None if best is None else (best[2], best[3])


def _invite(
    rules: CooperationRules,
    trust: np.ndarray,
    setting: FrameworkSetting,
    year: CoopYear,
    offer: Offer,
    local_eff: np.ndarray,
) -> tuple[list[int], float]:
    """The members a lead would found a framework with in an area (lead first), and
    its own gain; an empty list when too few would join."""
    p, fm = rules.params, rules.forms
    lead, ar, purpose = offer
    form = int(FOUNDABLE[purpose][0])
    need_t = fm.trust_required[form]
    candidates = (
        setting.eligible_for(FOUNDABLE[purpose][1])
        & (year.states.k[:, ar] > EPS)
        & (year.states.need_gap[:, ar] >= p.found_need_gap)
        & (local_eff[:, lead, ar] < form)
        & (year.policy.allowed[:, ar] >= form)
        & (year.pairs.fit[:, lead] >= fm.fit_required[form])
        & (trust[:, lead] >= need_t)
        & (trust[lead, :] >= need_t)
    )
    candidates[lead] = False
    if candidates.sum() + 1 < p.found_min_members:  # before the costlier values
        return [], 0.0
    n = candidates.size
    with_lead = form_value(rules, year, form, (np.arange(n), np.full(n, lead), np.full(n, ar)))
    candidates &= with_lead > 0
    chosen = [lead]
    for j in np.argsort(-np.where(candidates, with_lead, -np.inf), kind="stable"):
        if not candidates[j] or len(chosen) >= p.found_max_members:
            break
        others = chosen[1:]
        if all(trust[m, j] >= need_t - p.trust_margin for m in others) and all(
            trust[j, m] >= need_t - p.trust_margin for m in others
        ):
            chosen.append(int(j))
    if len(chosen) < p.found_min_members:
        return [], 0.0
    # the lead must gain too: what each member offers it, its autonomy given up once
    # for the area (each pair's value counts it, so all but one are added back)
    lead_form = int(year.eff[lead, :, ar].max())  # the lead's deepest form in the area
    once = (
        year.policy.autonomy_weight[lead]
        * (fm.constraint[form] - fm.constraint[min(lead_form, form)])
        * (p.core_weight if rules.core[lead, ar] else 1.0)
    )
    members = np.array(chosen[1:])
    at = (np.full(members.size, lead), members, np.full(members.size, ar))
    gain = float(form_value(rules, year, form, at).sum() + (len(chosen) - 2) * once)
    return (chosen, gain) if gain > 0 else ([], 0.0)


def _framework(world: World, offer: Offer, chosen: list[int], year: int) -> Framework:
    """The framework a lead founds with the `chosen` states (lead first)."""
    lead, ar, purpose = offer
    form, eligibility, short, label = FOUNDABLE[purpose]
    mask = np.zeros(world.n_states, dtype=bool)
    mask[chosen] = True
    return Framework(
        id=f"{short}_{world.iso3[lead]}_{world.areas[ar].upper()}_{year}",
        name=f"{label} led by {world.names[lead]} ({world.area_labels[ar]})",
        area=ar,
        form=int(form),
        eligibility=eligibility,
        members=mask,
        since=year,
        fixed=False,
        purpose=purpose,
        lead=lead,
    )
