"""Lead states found frameworks: "framework nations" gathering partners that share a need.

docs/ODD.md, 7.9 (step 4): the note's "kaders" that partners build themselves (p. 5);
the Framework Nations Concept of 2013, the JEF of 2014, the Multinational MRTT Fleet
of 2016. A possible lead proposes in the one area where it would gather the most
members; it invites the states that share its need and would gain by the framework's
form with it (:func:`imssim.model.step_value.form_value`), each admitted with the
consent of the members so far (:func:`found`).

After a threat rise, a large expeditionary state leads a forward presence hosted by an
exposed ally (Warsaw 2016); contributors join for its political value
(:mod:`imssim.model.presence`), at thresholds of fit and trust lowered by the host's
exposure (:func:`found_presence`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from imssim.model import kernels
from imssim.model.cooperation import CooperationRules, CoopState, CoopYear
from imssim.model.events import Event
from imssim.model.forms import Form
from imssim.model.frameworks import ELIGIBILITIES, FrameworkSetting, framework_event
from imssim.model.presence import PRESENCE, PRESENCE_AREA, presence_value
from imssim.model.step_value import form_value
from imssim.model.tolerances import EPS
from imssim.world import Framework, World

# the purposes a lead state can found: (form, eligibility, short id, label)
FOUNDABLE = {
    "pooled_fleet": (Form.JOINT_PROCUREMENT, "nato_or_eu", "FLEET", "pooled fleet"),
    "expeditionary_force": (Form.OPERATIONAL, "nato_or_eu", "EXF", "expeditionary force"),
    "framework_cluster": (Form.OPERATIONAL, "nato", "CLUSTER", "framework-nation cluster"),
    PRESENCE: (Form.OPERATIONAL, "nato", "PRESENCE", "forward presence"),
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
    structural shortfall, not one a threat opens in every area; 0 in the areas that
    are no fleet of platforms partners can pool), an expeditionary force
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
    local_eff = year.eff  # with the frameworks founded so far this year (then a copy)
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
        if local_eff is year.eff:
            local_eff = year.eff.copy()
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
    if kernels.enabled():
        proposes = rng.random((n,)) < p.found_rate
        possible_leads = kernels.load("founding").possible_leads
        return possible_leads(k, members_now, setting.table, p.found_lead_rank, proposes)
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
    be founded (the offers the lead is not eligible or allowed for left out)."""
    if kernels.enabled():
        candidates, valid = _candidates_compiled(
            rules, state.trust, setting, year, offers, local_eff
        )
        offers = [offer for offer, ok in zip(offers, valid.tolist(), strict=True) if ok]
        candidates = candidates[:, valid]
    else:
        offers = [
            offer
            for offer in offers
            if setting.eligible_for(FOUNDABLE[offer[2]][1])[offer[0]]
            and year.policy.allowed[offer[0], offer[1]] >= FOUNDABLE[offer[2]][0]
        ]
        if not offers:
            return None
        candidates = _candidates(rules, state.trust, setting, year, offers, local_eff)
    enough = candidates.sum(axis=0) + 1 >= rules.params.found_min_members  # before the values
    if not enough.any():
        return None
    open_offers = [(offer, candidates[:, o]) for o, offer in enumerate(offers) if enough[o]]
    best: tuple[int, float, Offer, list[int]] | None = None
    values = _values_with_lead(rules, year, open_offers)
    for (offer, candidates), with_lead in zip(open_offers, values, strict=True):
        chosen, gain = _invite(rules, state.trust, year, offer, candidates, with_lead)
        if chosen and (best is None or (len(chosen), gain) > (best[0], best[1])):
            best = (len(chosen), gain, offer, chosen)
    return None if best is None else (best[2], best[3])


def _candidates(
    rules: CooperationRules,
    trust: np.ndarray,
    setting: FrameworkSetting,
    year: CoopYear,
    offers: list[Offer],
    local_eff: np.ndarray,
) -> np.ndarray:
    """bool[N, offers]: the states a lead may invite to each of its `offers`: eligible,
    holding the area and short of their need in it, not yet at the form with the lead,
    allowed it, with the form's fit and mutual trust with the lead."""
    p, fm = rules.params, rules.forms
    lead = offers[0][0]
    areas = np.array([offer[1] for offer in offers])
    forms = np.array([int(FOUNDABLE[offer[2]][0]) for offer in offers])
    need_t = fm.trust_required[forms]
    eligible = [setting.eligible_for(FOUNDABLE[offer[2]][1]) for offer in offers]
    candidates = np.stack(eligible, axis=1)
    candidates &= year.states.k[:, areas] > EPS
    candidates &= year.states.need_gap[:, areas] >= p.found_need_gap
    candidates &= local_eff[:, lead, areas] < forms
    candidates &= year.policy.allowed[:, areas] >= forms
    candidates &= year.pairs.fit[:, lead, None] >= fm.fit_required[forms]
    candidates &= trust[:, lead, None] >= need_t
    candidates &= trust[lead, :, None] >= need_t
    candidates[lead] = False
    return candidates


def _candidates_compiled(
    rules: CooperationRules,
    trust: np.ndarray,
    setting: FrameworkSetting,
    year: CoopYear,
    offers: list[Offer],
    local_eff: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_candidates` for all of a lead's `offers` in one compiled call
    (:func:`imssim.model.kernels.founding.candidates`), and bool[offers]: those the lead
    is eligible and allowed for."""
    p, fm, s = rules.params, rules.forms, year.states
    rows = [
        (ar, int(FOUNDABLE[purpose][0]), ELIGIBILITIES.index(FOUNDABLE[purpose][1]))
        for _, ar, purpose in offers
    ]
    return kernels.load("founding").candidates(
        offers[0][0],
        np.array(rows, dtype=np.int64).T.copy(),
        setting.eligibility_table,
        (s.k, s.need_gap, year.policy.allowed, p.found_need_gap),
        (local_eff, year.pairs.fit, trust),
        (fm.trust_required, fm.fit_required),
    )


def _values_with_lead(
    rules: CooperationRules, year: CoopYear, offers: list[tuple[Offer, np.ndarray]]
) -> list[np.ndarray]:
    """Per offer with its candidates, float[N]: each candidate's value of the offer's
    form with the lead in the area (:func:`imssim.model.step_value.form_value`; -inf
    for the others), for all the offers in one call per form."""
    n = year.eff.shape[0]
    out = [np.full(n, -np.inf) for _ in offers]
    form_of = [int(FOUNDABLE[offer[2]][0]) for offer, _ in offers]
    for form in sorted(set(form_of)):
        picked = [o for o, f in enumerate(form_of) if f == form]
        rows = [np.flatnonzero(offers[o][1]) for o in picked]
        sizes = [r.size for r in rows]
        lead = np.repeat([offers[o][0][0] for o in picked], sizes)
        area = np.repeat([offers[o][0][1] for o in picked], sizes)
        value = form_value(rules, year, form, (np.concatenate(rows), lead, area))
        for o, r, part in zip(picked, rows, np.split(value, np.cumsum(sizes)[:-1]), strict=True):
            out[o][r] = part
    return out


def _invite(
    rules: CooperationRules,
    trust: np.ndarray,
    year: CoopYear,
    offer: Offer,
    candidates: np.ndarray,
    with_lead: np.ndarray,
) -> tuple[list[int], float]:
    """The members a lead would found a framework with in an area (lead first), and
    its own gain; an empty list when too few would join. The `candidates` who gain by
    the form with the lead (`with_lead`, :func:`_values_with_lead`) are invited in the
    order of that value."""
    p, fm = rules.params, rules.forms
    lead, ar, purpose = offer
    form = int(FOUNDABLE[purpose][0])
    willing = candidates & (with_lead > 0)
    chosen = [lead]
    # trusted[j]: j and each member invited so far trust each other enough
    floor = fm.trust_required[form] - p.trust_margin
    trusted = np.ones(willing.size, dtype=bool)
    for j in np.argsort(-np.where(willing, with_lead, -np.inf), kind="stable").tolist():
        if not willing[j] or len(chosen) >= p.found_max_members:
            break
        if trusted[j]:
            chosen.append(j)
            trusted &= (trust[j] >= floor) & (trust[:, j] >= floor)
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


def found_presence(
    rules: CooperationRules,
    state: CoopState,
    setting: FrameworkSetting,
    year: CoopYear,
    world: World,
    rng: np.random.Generator,
) -> tuple[CoopState, list[Framework], list[Event]]:
    """After a threat rise, large expeditionary states lead forward presences hosted by
    exposed allies; returns the record after, the new frameworks and the events.

    A host is a NATO member whose exposure (its threat above 2012) is at least
    ``presence_host_exposure`` and that hosts no presence yet, the most exposed first.
    A possible lead is one of the ``presence_lead_rank`` largest holders of the
    presence's area (:data:`imssim.model.presence.PRESENCE_AREA`) among the NATO
    members with an expeditionary culture of at least ``found_expeditionary`` that
    are not exposed that far themselves, lead no presence yet and propose this year
    (``presence_rate``); nearness is not asked. Each host takes the lead that gathers
    the most contributors (then: the lead's largest value), see
    :func:`_presence_members`.
    """
    p = rules.params
    draws = rng.random(world.n_states)  # one draw per state every year
    if PRESENCE_AREA not in world.areas:
        return state, [], []
    ar = world.areas.index(PRESENCE_AREA)
    exposure = year.states.exposure
    exposed = setting.nato & (exposure >= p.presence_host_exposure)
    if not exposed.any():  # no host
        return state, [], []
    running = [
        fw for f, fw in enumerate(setting.frameworks) if fw.host >= 0 and not setting.ended[f]
    ]
    hosts = [h for h in np.argsort(-exposure, kind="stable") if exposed[h]]
    hosts = [int(h) for h in hosts if h not in {fw.host for fw in running}]
    if not hosts:
        return state, [], []
    leads = _presence_leads(rules, setting, year, world, exposed)
    leads &= draws < p.presence_rate
    leads[[fw.lead for fw in running]] = False
    taken = np.zeros(world.n_states, dtype=bool)  # taking part in a presence already
    for fw in running:
        taken |= fw.members
    new_frameworks: list[Framework] = []
    events: list[Event] = []
    members = [state.members]
    for h in hosts:
        best: tuple[int, float, list[int]] | None = None
        for lead in np.flatnonzero(leads).tolist():
            where = (lead, h, ar)
            chosen, gain = _presence_members(rules, state.trust, setting, year, where, taken)
            if chosen and (best is None or (len(chosen), gain) > (best[0], best[1])):
                best = (len(chosen), gain, chosen)
        if best is None:
            continue
        chosen = best[2]
        leads[chosen[0]] = False
        taken[chosen] = True
        fw = dataclasses.replace(
            _framework(world, (chosen[0], ar, PRESENCE), chosen, year.year),
            id=f"PRESENCE_{world.iso3[chosen[0]]}_{world.iso3[h]}_{year.year}",
            name=f"forward presence in {world.names[h]} led by {world.names[chosen[0]]}",
            host=h,
        )
        new_frameworks.append(fw)
        members.append(fw.members[None, :])
        events.append(framework_event("founded", chosen[0], fw, fw.form, PRESENCE, from_form=0))
        events.append(framework_event("joined", h, fw, fw.form, "host", from_form=0))
        for j in chosen[2:]:
            events.append(framework_event("joined", j, fw, fw.form, "founding_member", from_form=0))
    if not new_frameworks:
        return state, [], []
    return dataclasses.replace(state, members=np.vstack(members)), new_frameworks, events


def _presence_leads(
    rules: CooperationRules,
    setting: FrameworkSetting,
    year: CoopYear,
    world: World,
    exposed: np.ndarray,
) -> np.ndarray:
    """bool[N]: the possible leads of a presence: the ``presence_lead_rank`` largest
    states (by capability held over all areas) among the NATO members, not `exposed`,
    whose expeditionary culture is at least ``found_expeditionary``."""
    p = rules.params
    size = year.states.k.sum(axis=1)
    able = setting.nato & ~exposed & (world.culture[:, 1] >= p.found_expeditionary)
    order = np.argsort(-np.where(able, size, -np.inf), kind="stable")[: p.presence_lead_rank]
    leads = np.zeros(size.size, dtype=bool)
    leads[order] = True
    return leads & able


def _presence_members(
    rules: CooperationRules,
    trust: np.ndarray,
    setting: FrameworkSetting,
    year: CoopYear,
    where: tuple[int, int, int],
    taken: np.ndarray,
) -> tuple[list[int], float]:
    """The members of a presence (lead, host, then contributors) `where` = (lead,
    host, area), and the lead's value; an empty list when it would not be founded.

    The required fit and trust are the form's less ``presence_threshold_relief`` x the
    host's exposure. Lead and host meet them with each other and both value the
    presence (:func:`imssim.model.step_value.form_value` of the form with the lead in
    the area plus :func:`imssim.model.presence.presence_value`); contributors are the
    NATO members that hold the area, take part in no presence yet (`taken`), are
    allowed the form, meet them with the lead and value it, admitted in order of that
    value with the consent of every member so far, up to ``found_max_members``; at
    least ``found_min_members`` members.
    """
    p, fm = rules.params, rules.forms
    lead, host, ar = where
    form = int(FOUNDABLE[PRESENCE][0])
    relief = p.presence_threshold_relief * year.states.exposure[host]
    fit_need, need_t = fm.fit_required[form] - relief, fm.trust_required[form] - relief
    fit, n = year.pairs.fit, trust.shape[0]
    idx = np.arange(n)
    value = form_value(rules, year, form, (idx, np.full(n, lead), np.full(n, ar)))
    value += presence_value(rules, year, trust, lead, host, idx)
    lead_value = float(
        form_value(rules, year, form, (np.array([lead]), np.array([host]), np.array([ar])))[0]
        + presence_value(rules, year, trust, lead, host, np.array([lead]))[0]
    )
    meets = (fit[:, lead] >= fit_need) & (trust[:, lead] >= need_t) & (trust[lead, :] >= need_t)
    if not (meets[host] and value[host] > 0 and lead_value > 0):
        return [], 0.0
    if min(year.policy.allowed[host, ar], year.policy.allowed[lead, ar]) < form:
        return [], 0.0
    candidates = (
        setting.nato
        & ~taken
        & meets
        & (year.states.k[:, ar] > EPS)
        & (year.policy.allowed[:, ar] >= form)
        & (value > 0)
    )
    candidates[[lead, host]] = False
    chosen = [lead, host]
    for j in np.argsort(-np.where(candidates, value, -np.inf), kind="stable"):
        if not candidates[j] or len(chosen) >= p.found_max_members:
            break
        floor = need_t - p.trust_margin
        if (trust[chosen, j] >= floor).all() and (trust[j, chosen] >= floor).all():
            chosen.append(int(j))
    if len(chosen) < p.found_min_members:
        return [], 0.0
    return chosen, lead_value
