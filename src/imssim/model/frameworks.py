"""Multilateral frameworks: who joins and leaves, who consents, when they end, who founds them.

A framework ties all its members in one capability area at one form (EATC: air
transport, form 4). Its record (:class:`~imssim.world.Framework`) carries a purpose,
an eligibility (NATO, the EU, either, any) and what it requires of a member (an
equipment family, or a list of states such as those with a gendarmerie), a lead
state where it has one, and a lifetime where it ends (an NRF rotation). Each year,
in this order:

1. memberships of NATO and the EU change on the scenario's dated inputs
   (:func:`membership_schedule`); the two baseline frameworks follow them;
2. frameworks end when their lifetime is over, when fewer than two members are left,
   or, for those built around a lead state, when the lead has left (:func:`end_frameworks`);
3. states leave frameworks whose area they no longer hold, whose members they no
   longer trust, or that they are no longer eligible for; they join those that pay
   off, when the members consent (:func:`join_and_leave`);
4. a lead state founds a framework for a purpose when partners share its need
   (:func:`found`): "framework nations" (the note's "kaders" that partners build
   themselves, p. 5; the Framework Nations Concept of 2013, the JEF of 2014, the
   Multinational MRTT Fleet of 2016).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from imssim.config import ScenarioConfig
from imssim.errors import ConfigError, WorldDataError
from imssim.model.cooperation import Event
from imssim.model.forms import Form
from imssim.world import Framework, World

EPS = 1e-9

# the purposes a lead state can found: (form, eligibility, short id, label)
FOUNDABLE = {
    "pooled_fleet": (Form.JOINT_PROCUREMENT, "nato_or_eu", "FLEET", "pooled fleet"),
    "expeditionary_force": (Form.OPERATIONAL, "nato_or_eu", "EXF", "expeditionary force"),
    "framework_cluster": (Form.OPERATIONAL, "nato", "CLUSTER", "framework-nation cluster"),
}
# frameworks built around their lead: they end when the lead leaves
LEAD_BUILT = ("expeditionary_force", "framework_cluster", "rotation")


@dataclass(frozen=True)
class MembershipStep:
    """One dated change of NATO or EU membership, resolved to states."""

    year: int
    institution: str  # nato or eu
    join: bool
    states: np.ndarray  # bool[N]


def membership_schedule(scenario: ScenarioConfig, world: World) -> list[MembershipStep]:
    """The scenario's membership changes, checked against the 2012 memberships in order.

    Raises :class:`ConfigError` naming the change when it names an unknown state,
    lets a member join or a non-member leave.
    """
    nato, eu = world.nato.copy(), world.eu.copy()
    steps = []
    order = sorted(enumerate(scenario.membership_changes), key=lambda kv: (kv[1].year, kv[0]))
    for k, mc in order:
        key = f"scenario.membership_changes[{k}]"
        try:
            who = world.selector(list(mc.who))
        except WorldDataError as exc:
            raise ConfigError(f"{key}.who: {exc}") from None
        current = nato if mc.institution == "nato" else eu
        join = mc.change == "join"
        wrong = who & current if join else who & ~current
        if wrong.any():
            codes = ", ".join(world.iso3[i] for i in np.flatnonzero(wrong))
            state = "already in" if join else "not in"
            raise ConfigError(f"{key}: {codes} {state} {mc.institution.upper()} in {mc.year}")
        current[who] = join
        steps.append(MembershipStep(mc.year, mc.institution, join, who))
    return steps


def framework_forms(
    members: np.ndarray,
    frameworks: list[Framework] | tuple[Framework, ...],
    n_areas: int,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """int8[N, N, A]: the deepest framework form each pair shares in each area (with
    `start`, the deeper of that and `start`'s)."""
    n = members.shape[1]
    layers = np.zeros((n_areas, n, n), dtype=np.int8)  # one contiguous layer per area
    # shallow forms first, so that a deeper form written later is the one that stays
    for f in sorted(range(len(frameworks)), key=lambda f: frameworks[f].form):
        who = np.flatnonzero(members[f])
        if who.size:
            layers[frameworks[f].area][np.ix_(who, who)] = frameworks[f].form
    fw = np.ascontiguousarray(layers.transpose(1, 2, 0))
    if start is not None:
        np.maximum(fw, start, out=fw)
    idx = np.arange(n)
    fw[idx, idx, :] = 0
    return fw


def open_to(frameworks: list[Framework], nato: np.ndarray, eu: np.ndarray) -> np.ndarray:
    """bool[F, N]: who may be a member of each framework this year."""
    return np.array([fw.open_to(nato, eu) for fw in frameworks]).reshape(len(frameworks), -1)


def _event(
    kind: str, country: int, fw: Framework, to_form: int, reason: str, from_form: int | None = None
) -> Event:
    start = fw.form if from_form is None else from_form
    return Event(kind, int(country), -1, fw.id, fw.area, start, to_form, reason)


def follow_institutions(
    members: np.ndarray, frameworks: list[Framework], nato: np.ndarray, eu: np.ndarray
) -> list:
    """The baseline (fixed) frameworks take this year's NATO and EU members."""
    events = []
    for f, fw in enumerate(frameworks):
        if not fw.fixed:
            continue
        target = fw.open_to(nato, eu)
        for i in np.flatnonzero(target & ~members[f]):
            events.append(_event("joined", i, fw, fw.form, "accession", from_form=0))
        for i in np.flatnonzero(members[f] & ~target):
            events.append(_event("left", i, fw, 0, "departure"))
        members[f] = target
    return events


def end_frameworks(
    members: np.ndarray, frameworks: list[Framework], ended: np.ndarray, year: int
) -> list:
    """End frameworks whose lifetime is over, that have fewer than two members, or whose
    lead has left one built around it; the remaining members leave (reason ``ended``)."""
    events = []
    for f, fw in enumerate(frameworks):
        if ended[f] or fw.fixed:
            continue
        m = members[f]
        reason = ""
        if fw.until and year > fw.until:
            reason = "lifetime"
        elif m.sum() < 2:
            reason = "too_few_members"
        elif fw.lead >= 0 and fw.purpose in LEAD_BUILT and not m[fw.lead]:
            reason = "lead_left"
        if not reason:
            continue
        who = fw.lead if fw.lead >= 0 else (int(np.flatnonzero(m)[0]) if m.any() else -1)
        events.append(_event("ended", who, fw, 0, reason))
        for i in np.flatnonzero(m):
            events.append(_event("left", i, fw, 0, "ended"))
        members[f] = False
        ended[f] = year
    return events


def join_and_leave(
    rules,
    state,
    frameworks: list[Framework],
    eligible: np.ndarray,
    eff: np.ndarray,
    area_form: np.ndarray,
    k: np.ndarray,
    handed: np.ndarray,
    pressure: np.ndarray,
    fit: np.ndarray,
    allowed: np.ndarray,
    autonomy_weight: np.ndarray,
    military_weight: np.ndarray,
    rng: np.random.Generator,
    founded_rng: np.random.Generator | None = None,
    n_record: int | None = None,
) -> list:
    """States leave frameworks they are no longer eligible for, whose area they no
    longer hold or whose members they no longer trust; they join those that pay off,
    with probability ``framework_join_rate`` a year (joining takes negotiation), if at
    least ``framework_consent`` of the members trust the newcomer enough for the
    framework's form (consent: EATC and NATO admit members by consensus).

    Computed for all frameworks at once: arrays are [N, F] (state x framework).
    """
    p, fm = rules.p, rules.forms
    if not frameworks:
        return []
    m = state.members.T.astype(float)  # [N, F]
    area = np.array([fw.area for fw in frameworks])
    level = np.array([fw.form for fw in frameworks])
    fixed = np.array([fw.fixed for fw in frameworks])
    n_members = m.sum(axis=0)
    others = n_members[None, :] - m  # members other than i
    count = np.maximum(others, 1.0)
    # the diagonals of trust, fit, distance and relief are 0: i itself adds nothing
    mean_trust = state.trust @ m / count
    mean_fit = fit @ m / count
    mean_distance = rules.distance @ m / count
    relief = rules.relief @ m / count
    k_f = k[:, area]
    holds = (k_f > EPS) | (handed[:, area] > EPS)
    allowed_f = allowed[:, area]
    elig = eligible.T  # [N, F]
    member = state.members.T & ~fixed[None, :]
    trust_low = mean_trust < fm.trust_required[level - 1][None, :] - p.trust_margin
    leave = member & (~elig | ~holds | trust_low | (allowed_f < level[None, :]))
    # joining: the value of the framework's form with its members
    form_now = area_form[:, area]  # [N, F]
    base = fm.net_saving(form_now, relief)
    deeper = level[None, :] > form_now
    gain = np.where(
        deeper, fm.net_saving(np.broadcast_to(level, form_now.shape), relief) - base, 0.0
    )
    econ = gain * (p.economic_base + p.economic_pressure * pressure[:, None])
    # the most access the framework's form adds over i's current form with any member
    # (the least access i has now with one): per framework over its members only
    mil = np.zeros(m.shape)
    monotone = bool((np.diff(fm.access) >= 0).all())  # (the config checks ensure it)
    for ar in np.unique(area):
        layer = np.ascontiguousarray(eff[:, :, ar])  # [N, N]: the forms in this area
        access_now = None if monotone else fm.access[layer]
        for f in np.flatnonzero(area == ar):
            who = np.flatnonzero(state.members[f])
            if who.size:
                if monotone:  # the least access is the access of the least form
                    least = fm.access[layer[:, who].min(axis=1)]
                else:
                    least = access_now[:, who].min(axis=1)
                mil[:, f] = np.clip(fm.access[level[f]] - least, 0.0, None)
    pol = p.political_base * (1.0 - mean_distance)
    benefit = (
        p.benefit_scale
        * mean_fit
        * (
            p.goal_weight_economic * econ
            + military_weight[:, None] * mil
            + p.goal_weight_political * pol
        )
    )
    d_con = np.where(deeper, fm.constraint[level][None, :] - fm.constraint[form_now], 0.0)
    core_factor = np.where(rules.core[:, area], p.core_weight, 1.0)
    cost = autonomy_weight[:, None] * d_con * core_factor + p.transaction_cost * (1.0 - relief)
    # consent: the share of members whose trust in i meets the form's requirement
    # (counted over each framework's members: the trust of member j in every i)
    needed = fm.trust_required[level] - p.trust_margin  # [F]
    admitted = np.zeros(m.shape)
    trusting: dict[float, np.ndarray] = {}  # per threshold: whose trust in whom meets it
    for f in range(m.shape[1]):
        who = np.flatnonzero(state.members[f])
        if who.size:
            if needed[f] not in trusting:
                trusting[needed[f]] = (state.trust >= needed[f]).view(np.uint8)
            admitted[:, f] = trusting[needed[f]][who].sum(axis=0, dtype=np.int32)
    consent = admitted / np.maximum(n_members, 1.0)[None, :]
    # the record's frameworks draw from `rng`, those founded in the run from
    # `founded_rng`: a framework founded in one run only leaves the others' draws alone
    n_record = m.shape[1] if n_record is None or founded_rng is None else n_record
    draws = rng.random((m.shape[0], n_record))
    if m.shape[1] > n_record:
        draws = np.hstack([draws, founded_rng.random((m.shape[0], m.shape[1] - n_record))])
    join = (
        elig
        & ~state.members.T
        & ~fixed[None, :]
        & (n_members > 0)[None, :]
        & (k_f > EPS)
        & (allowed_f >= level[None, :])
        & (mean_fit >= fm.fit_required[level][None, :])
        & (mean_trust >= fm.trust_required[level][None, :])
        & (consent >= p.framework_consent - EPS)
        & (benefit - cost > 0)
        & (draws < p.framework_join_rate)
    )
    events = []
    for f, fw in enumerate(frameworks):
        for i in np.flatnonzero(leave[:, f]):
            reason = (
                "not_eligible"
                if not elig[i, f]
                else "no_capability"
                if not holds[i, f]
                else "policy"
                if allowed_f[i, f] < fw.form
                else "trust_fell"
            )
            events.append(_event("left", i, fw, 0, reason))
        for i in np.flatnonzero(join[:, f]):
            events.append(_event("joined", i, fw, fw.form, "mutual_gain", from_form=0))
    state.members[leave.T] = False
    state.members[join.T] = True
    return events


def _invite(
    rules,
    lead: int,
    ar: int,
    purpose: str,
    elig: np.ndarray,
    holds: np.ndarray,
    need_gap: np.ndarray,
    local_eff: np.ndarray,
    allowed: np.ndarray,
    fit: np.ndarray,
    trust: np.ndarray,
    values: dict[int, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]],
    value: Callable[[int], Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]],
    lead_form: np.ndarray,
    autonomy_weight: np.ndarray,
) -> tuple[list[int], float]:
    """The members a lead would found a framework with in area `ar` (lead first), and
    its own gain; an empty list when too few would join."""
    p, fm = rules.p, rules.forms
    form = int(FOUNDABLE[purpose][0])
    need_t = fm.trust_required[form]
    candidates = (
        elig
        & holds[:, ar]
        & (need_gap[:, ar] >= p.found_need_gap)
        & (local_eff[:, lead, ar] < form)
        & (allowed[:, ar] >= form)
        & (fit[:, lead] >= fm.fit_required[form])
        & (trust[:, lead] >= need_t)
        & (trust[lead, :] >= need_t)
    )
    candidates[lead] = False
    if candidates.sum() + 1 < p.found_min_members:  # before the costlier values
        return [], 0.0
    if form not in values:
        values[form] = value(form)
    v = values[form]
    n = candidates.size
    with_lead = v(np.arange(n), np.full(n, lead), np.full(n, ar))  # each i's value with it
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
    once = (
        autonomy_weight[lead]
        * (fm.constraint[form] - fm.constraint[min(int(lead_form[lead, ar]), form)])
        * (p.core_weight if rules.core[lead, ar] else 1.0)
    )
    members = np.array(chosen[1:])
    offered = v(np.full(members.size, lead), members, np.full(members.size, ar))
    gain = float(offered.sum() + (len(chosen) - 2) * once)
    return (chosen, gain) if gain > 0 else ([], 0.0)


def found(
    rules,
    state,
    frameworks: list[Framework],
    ended: np.ndarray,
    world: World,
    nato: np.ndarray,
    eu: np.ndarray,
    eff: np.ndarray,
    value: Callable[[int], Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]],
    k: np.ndarray,
    need_gap: np.ndarray,
    fit: np.ndarray,
    allowed: np.ndarray,
    autonomy_weight: np.ndarray,
    scarcity: np.ndarray,
    year: int,
    rng: np.random.Generator,
) -> tuple[list[Framework], list]:
    """Lead states found frameworks; returns the new frameworks (their members are
    appended to ``state.members``) and the events.

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
    with the lead and would gain by it (`value(form)`: a function giving i's value of
    the form with j in area a at given (i, j, a)); each invitee is admitted only if
    every member so far trusts it enough for the form (consent), up to
    ``found_max_members``. With at least
    ``found_min_members`` members and a gain for the lead (its values with the members
    summed, the autonomy it gives up for the area counted once), it is founded.
    """
    p = rules.p
    n, a = k.shape
    members_now = nato | eu
    holds = k > EPS
    # the largest holders of each area among NATO and EU members
    ranked = np.where(members_now[:, None], k, -np.inf)
    order = np.argsort(-ranked, axis=0, kind="stable")
    lead_ok = np.zeros((n, a), dtype=bool)
    lead_ok[order[: p.found_lead_rank], np.arange(a)[None, :]] = True
    lead_ok &= holds & members_now[:, None]
    for f, fw in enumerate(frameworks):  # one framework per lead and area
        if fw.lead >= 0 and not ended[f] and not fw.fixed:
            lead_ok[fw.lead, fw.area] = False
    proposes = rng.random(n) < p.found_rate
    lead_ok &= proposes[:, None]
    if not lead_ok.any():
        return [], []
    expeditionary = world.culture[:, 1]
    local_eff = eff.copy()
    lead_form = eff.max(axis=1)  # [N, A]: each state's deepest form in each area
    eligible = {"nato": nato, "eu": eu, "nato_or_eu": nato | eu}
    values: dict[int, np.ndarray] = {}
    new_frameworks: list[Framework] = []
    events = []
    for lead in np.flatnonzero(lead_ok.any(axis=1)):
        lead = int(lead)
        best: tuple[int, float, int, str, list[int]] | None = None
        for ar in np.flatnonzero(lead_ok[lead]):
            ar = int(ar)
            if scarcity[ar] >= p.pool_scarce_gap:
                purpose = "pooled_fleet"
            elif expeditionary[lead] >= p.found_expeditionary:
                purpose = "expeditionary_force"
            else:
                purpose = "framework_cluster"
            form, elig_name = int(FOUNDABLE[purpose][0]), FOUNDABLE[purpose][1]
            elig = eligible[elig_name]
            if not elig[lead] or allowed[lead, ar] < form:
                continue
            chosen, gain = _invite(
                rules,
                lead,
                ar,
                purpose,
                elig,
                holds,
                need_gap,
                local_eff,
                allowed,
                fit,
                state.trust,
                values,
                value,
                lead_form,
                autonomy_weight,
            )
            if chosen and (best is None or (len(chosen), gain) > (best[0], best[1])):
                best = (len(chosen), gain, ar, purpose, chosen)
        if best is None:
            continue
        _, _, ar, purpose, chosen = best
        form, elig_name, short, label = FOUNDABLE[purpose]
        mask = np.zeros(n, dtype=bool)
        mask[chosen] = True
        fw = Framework(
            id=f"{short}_{world.iso3[lead]}_{world.areas[ar].upper()}_{year}",
            name=f"{label} led by {world.names[lead]} ({world.area_labels[ar]})",
            area=ar,
            form=int(form),
            eligibility=elig_name,
            members=mask,
            since=year,
            fixed=False,
            purpose=purpose,
            lead=lead,
        )
        new_frameworks.append(fw)
        both = np.outer(mask, mask)
        layer = local_eff[:, :, ar]
        local_eff[:, :, ar] = np.where(both, np.maximum(layer, form), layer)
        events.append(_event("founded", lead, fw, int(form), purpose, from_form=0))
        for j in chosen[1:]:
            events.append(_event("joined", j, fw, int(form), "founding_member", from_form=0))
    if new_frameworks:
        state.members = np.vstack([state.members, [fw.members for fw in new_frameworks]])
    return new_frameworks, events
