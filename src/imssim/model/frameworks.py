"""Multilateral frameworks: who joins and leaves, who consents, when they end.

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
3. states leave frameworks whose area they no longer hold (a pool keeps them: sharing
   what a member lacks is what it is for), whose members they no longer trust, or
   that they are no longer eligible for (an EDA project: the EDA's participants,
   :func:`eda_participants`); they join those that pay off, when the members consent
   (:func:`join_and_leave`);
4. a lead state founds a framework for a purpose when partners share its need
   (:func:`imssim.model.founding.found`): "framework nations" (the note's "kaders"
   that partners build themselves, p. 5; the Framework Nations Concept of 2013, the
   JEF of 2014, the Multinational MRTT Fleet of 2016);
5. after a threat rise, a large expeditionary state leads a forward presence hosted
   by an exposed ally (:func:`imssim.model.founding.found_presence`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from imssim.config import ScenarioConfig
from imssim.errors import ConfigError, WorldDataError
from imssim.model import kernels
from imssim.model.blocks import BLOCK_ELEMENTS
from imssim.model.cooperation import EPS, CooperationRules, CoopState, CoopYear, Event
from imssim.model.forms import Form
from imssim.model.layers import area_layer
from imssim.model.motives import economic_scale, political_value
from imssim.model.presence import PRESENCE, presence_value, threshold_relief
from imssim.world import Framework, World
from imssim.world.loader import EDA_ASSOCIATE, EDA_OPT_OUT

# frameworks built around their lead: they end when the lead leaves
LEAD_BUILT = ("expeditionary_force", "framework_cluster", "rotation", PRESENCE)
# pools: what they share is what a member lacks, so they keep and admit members without
# the capability (the pooled fleets, and the exchanges of the pooling-and-sharing projects)
POOLS = ("pooled_fleet", "exchange")
TOP_FORM = int(Form.SPECIALISATION)


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
    fw = np.zeros((n, n, n_areas), dtype=np.int8)
    for ar in sorted({fw.area for fw in frameworks}):
        fw[:, :, ar] = area_layer(members, frameworks, ar)
    if start is not None:
        np.maximum(fw, start, out=fw)
    idx = np.arange(n)
    fw[idx, idx, :] = 0
    return fw


def eda_participants(eu: np.ndarray, groups: dict[str, np.ndarray]) -> np.ndarray:
    """bool[N]: the European Defence Agency's participants this year: the EU members
    without those of group ``eda_opt_out`` (Denmark's defence opt-out kept it out of
    the agency until 2023), with the associates of group ``eda_associate`` (Norway's
    administrative arrangement of 2006)."""
    none = np.zeros_like(eu)
    return (eu & ~groups.get(EDA_OPT_OUT, none)) | groups.get(EDA_ASSOCIATE, none)


def open_to(
    frameworks: list[Framework],
    nato: np.ndarray,
    eu: np.ndarray,
    eda: np.ndarray | None = None,
) -> np.ndarray:
    """bool[F, N]: who may be a member of each framework this year (`eda`: the EDA's
    participants, :func:`eda_participants`; None: the EU members)."""
    rows = [fw.open_to(nato, eu, eda) for fw in frameworks]
    return np.array(rows).reshape(len(frameworks), -1)


def framework_event(
    kind: str,
    country: int | np.integer,
    fw: Framework,
    to_form: int,
    reason: str,
    from_form: int | None = None,
) -> Event:
    """An event of a framework: a state joined or left it, or it was founded or ended
    (`from_form` defaults to the framework's form)."""
    start = fw.form if from_form is None else from_form
    return Event(kind, int(country), -1, fw.id, fw.area, start, to_form, reason)


@dataclass(frozen=True)
class FrameworkSetting:
    """The run's frameworks this year: the record's and those founded since, the year
    each ended (0: running), this year's NATO and EU members, how many of the
    frameworks come from the record (the rest were founded in the run), and the EDA's
    participants (:func:`eda_participants`; None: the EU members)."""

    frameworks: list[Framework]
    ended: np.ndarray  # int[F]
    nato: np.ndarray  # bool[N]
    eu: np.ndarray  # bool[N]
    n_record: int
    eda: np.ndarray | None = None  # bool[N]

    @cached_property
    def eligible(self) -> np.ndarray:
        """bool[F, N]: who may be a member of each framework this year (:func:`open_to`)."""
        return open_to(self.frameworks, self.nato, self.eu, self.eda)

    @cached_property
    def area(self) -> np.ndarray:
        """int[F]: each framework's area."""
        return np.array([fw.area for fw in self.frameworks])

    @cached_property
    def level(self) -> np.ndarray:
        """int[F]: each framework's form."""
        return np.array([fw.form for fw in self.frameworks])

    @cached_property
    def lead(self) -> np.ndarray:
        """int[F]: each framework's lead, -1: none."""
        return np.array([fw.lead for fw in self.frameworks], dtype=np.intp)

    @cached_property
    def host(self) -> np.ndarray:
        """int[F]: each framework's host (a forward presence), -1: none."""
        return np.array([fw.host for fw in self.frameworks], dtype=np.intp)

    @cached_property
    def pool(self) -> np.ndarray:
        """bool[F]: the pools (:data:`POOLS`), which keep and admit members without
        the capability."""
        return np.array([fw.purpose in POOLS for fw in self.frameworks], dtype=bool)

    @cached_property
    def fleet(self) -> np.ndarray:
        """bool[F]: the pooled fleets, whose members without the capability buy a share."""
        return np.array([fw.purpose == "pooled_fleet" for fw in self.frameworks], dtype=bool)

    @cached_property
    def fixed(self) -> np.ndarray:
        """bool[F]: the baseline frameworks, whose members follow NATO or the EU."""
        return np.array([fw.fixed for fw in self.frameworks])

    def eligible_for(self, eligibility: str) -> np.ndarray:
        """bool[N]: the states an eligibility (nato, eu, eda, nato_or_eu, any) admits
        this year."""
        if eligibility == "any":
            return np.ones_like(self.nato)
        eda = self.eu if self.eda is None else self.eda
        return {"nato": self.nato, "eu": self.eu, "eda": eda, "nato_or_eu": self.nato | self.eu}[
            eligibility
        ]


@dataclass(frozen=True)
class MemberMeans:
    """Each framework as each state sees it, [N, F]: its members (i included) and the
    mean over the members other than i of i's trust in them, its fit with them, its
    distance to them and the catalyst's relief between them."""

    member: np.ndarray  # float[N, F]: 1 for a member
    n_members: np.ndarray  # float[F]
    trust: np.ndarray
    fit: np.ndarray
    distance: np.ndarray
    relief: np.ndarray
    allied_exposure: np.ndarray  # the members' threat exposure, counted for allies of i


def follow_institutions(
    members: np.ndarray, frameworks: list[Framework], nato: np.ndarray, eu: np.ndarray
) -> tuple[np.ndarray, list[Event]]:
    """The memberships after the baseline (fixed) frameworks take this year's NATO and
    EU members, and the events."""
    members = members.copy()
    events = []
    for f, fw in enumerate(frameworks):
        if not fw.fixed:
            continue
        target = fw.open_to(nato, eu)
        for i in np.flatnonzero(target & ~members[f]):
            events.append(framework_event("joined", i, fw, fw.form, "accession", from_form=0))
        for i in np.flatnonzero(members[f] & ~target):
            events.append(framework_event("left", i, fw, 0, "departure"))
        members[f] = target
    return members, events


def end_frameworks(
    members: np.ndarray, frameworks: list[Framework], ended: np.ndarray, year: int
) -> tuple[np.ndarray, np.ndarray, list[Event]]:
    """End frameworks whose lifetime is over, that have fewer than two members, or whose
    lead has left one built around it; the remaining members leave (reason ``ended``).
    Returns the memberships after, the year each framework ended, and the events."""
    members, ended = members.copy(), ended.copy()
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
        elif fw.host >= 0 and not m[fw.host]:
            reason = "host_left"
        if not reason:
            continue
        who = fw.lead if fw.lead >= 0 else (int(np.flatnonzero(m)[0]) if m.any() else -1)
        events.append(framework_event("ended", who, fw, 0, reason))
        for i in np.flatnonzero(m):
            events.append(framework_event("left", i, fw, 0, "ended"))
        members[f] = False
        ended[f] = year
    return members, ended, events


def join_and_leave(
    rules: CooperationRules,
    state: CoopState,
    setting: FrameworkSetting,
    year: CoopYear,
    rng: np.random.Generator,
    founded_rng: np.random.Generator | None = None,
) -> tuple[CoopState, list[Event]]:
    """States leave frameworks they are no longer eligible for, whose area they no
    longer hold or whose members they no longer trust; they join those that pay off,
    with probability ``framework_join_rate`` a year (joining takes negotiation), if at
    least ``framework_consent`` of the members trust the newcomer enough for the
    framework's form (consent: EATC and NATO admit members by consensus). Returns the
    record after, and the events.

    A pool (a pooled fleet or an exchange, :data:`POOLS`) keeps and admits members
    that lack the capability: sharing it is what the pool is for; a pooled-fleet
    member without it pays ``pool_share_cost`` for its share. A forward presence
    requires less fit and trust (:func:`imssim.model.presence.threshold_relief`) and
    adds its political value (:func:`imssim.model.presence.presence_value`).

    Computed for all frameworks at once: arrays are [N, F] (state x framework). The
    record's frameworks draw from `rng`, those founded in the run from `founded_rng`:
    a framework founded in one run only leaves the others' draws alone.
    """
    p, fm = rules.params, rules.forms
    if not setting.frameworks:
        return state, []
    means = _member_means(rules, state, year)
    level, relief = setting.level, threshold_relief(rules, year, setting.host)
    k, handed, allowed = year.states.k, year.states.handed, year.policy.allowed
    k_f = k[:, setting.area]
    pool = setting.pool[None, :]
    # a presence's host and lead are bound to it by their roles, not by what they hold
    who = np.arange(k.shape[0])[:, None]
    roles = (who == setting.host[None, :]) | ((who == setting.lead[None, :]) & (setting.host >= 0))
    holds = (k_f > EPS) | (handed[:, setting.area] > EPS) | pool | roles
    allowed_f = allowed[:, setting.area]
    elig = setting.eligible.T  # [N, F]
    member = state.members.T & ~setting.fixed[None, :]
    trust_low = means.trust < (fm.trust_required[level - 1] - relief)[None, :] - p.trust_margin
    leave = member & (~elig | ~holds | trust_low | (allowed_f < level[None, :]))
    presence, elsewhere = _presence_terms(rules, state, setting, year)
    if kernels.enabled():
        worth = _join_worth_compiled(rules, state, setting, year, (means, presence))
    else:
        worth = _join_value(rules, state, setting, year, means) + presence
        worth -= p.pool_share_cost * (setting.fleet[None, :] & (k_f <= EPS))
    consent = _consent(rules, state, level, means.n_members, relief)
    draws = _join_draws(setting, means.member.shape, rng, founded_rng)
    join = (
        elig
        & ~state.members.T
        & ~setting.fixed[None, :]
        & ~elsewhere
        & (means.n_members > 0)[None, :]
        & ((k_f > EPS) | pool)
        & (allowed_f >= level[None, :])
        & (means.fit >= (fm.fit_required[level] - relief)[None, :])
        & (means.trust >= (fm.trust_required[level] - relief)[None, :])
        & (consent >= p.framework_consent - EPS)
        & (worth > 0)
        & (draws < p.framework_join_rate)
    )
    events = _join_leave_events(setting, leave, join, elig, holds, allowed_f)
    members = state.members.copy()
    members[leave.T] = False
    members[join.T] = True
    return dataclasses.replace(state, members=members), events


def _join_leave_events(
    setting: FrameworkSetting,
    leave: np.ndarray,
    join: np.ndarray,
    elig: np.ndarray,
    holds: np.ndarray,
    allowed_f: np.ndarray,
) -> list[Event]:
    """The events of the states that leave and join each framework ([N, F] masks),
    each departure with its reason."""
    events: list[Event] = []
    for f in np.flatnonzero(leave.any(axis=0) | join.any(axis=0)):
        fw = setting.frameworks[f]
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
            events.append(framework_event("left", i, fw, 0, reason))
        for i in np.flatnonzero(join[:, f]):
            events.append(framework_event("joined", i, fw, fw.form, "mutual_gain", from_form=0))
    return events


def _member_means(rules: CooperationRules, state: CoopState, year: CoopYear) -> MemberMeans:
    """Each framework's members and the means over them, as each state sees it."""
    m = state.members.T.astype(float)  # [N, F]
    n_members = m.sum(axis=0)
    others = n_members[None, :] - m  # members other than i
    count = np.maximum(others, 1.0)
    # the diagonals of trust, fit, distance and relief are 0: i itself adds nothing
    return MemberMeans(
        member=m,
        n_members=n_members,
        trust=state.trust @ m / count,
        fit=year.pairs.fit @ m / count,
        distance=rules.distance @ m / count,
        relief=rules.relief @ m / count,
        allied_exposure=(rules.comember * year.states.exposure[None, :]) @ m / count,
    )


def _join_value(
    rules: CooperationRules,
    state: CoopState,
    setting: FrameworkSetting,
    year: CoopYear,
    means: MemberMeans,
) -> np.ndarray:
    """float[N, F]: each state's value of joining each framework: the value of 7.10
    for the framework's form with its members (their mean fit, distance and relief),
    the military gain over the least access it has now with any member."""
    p, fm = rules.params, rules.forms
    area, level, relief = setting.area, setting.level, means.relief
    form_now = year.area_form[:, area]  # [N, F]
    base = fm.net_saving(form_now, relief)
    deeper = level[None, :] > form_now
    gain = np.where(
        deeper, fm.net_saving(np.broadcast_to(level, form_now.shape), relief) - base, 0.0
    )
    econ = gain * economic_scale(p, year.states.pressure)[:, None]
    mil = _military_gain(rules, state, setting, year)
    pol = political_value(p, year.states.exposure[:, None], means.allied_exposure, np.True_)
    mixed = econ + year.states.military_weight[:, None] * mil + pol
    benefit = p.benefit_scale * means.fit * mixed
    d_con = np.where(deeper, fm.constraint[level][None, :] - fm.constraint[form_now], 0.0)
    core_factor = np.where(rules.core[:, area], p.core_weight, 1.0)
    autonomy_weight = year.policy.autonomy_weight
    cost = autonomy_weight[:, None] * d_con * core_factor + p.transaction_cost * (1.0 - relief)
    return benefit - cost


def _join_worth_compiled(
    rules: CooperationRules,
    state: CoopState,
    setting: FrameworkSetting,
    year: CoopYear,
    terms: tuple[MemberMeans, np.ndarray],
) -> np.ndarray:
    """float[N, F]: :func:`_join_value` plus the presence value (`terms`: the means and
    the presences' value [N, F]) less a pooled fleet's share cost, in one compiled pass
    (:func:`imssim.model.kernels.frameworks.join_worth`)."""
    p, fm, s = rules.params, rules.forms, year.states
    means, presence = terms
    mil = _military_gain(rules, state, setting, year)
    stacked = np.stack((means.fit, means.relief, means.allied_exposure, mil, presence))
    states = np.stack((s.pressure, s.military_weight, s.exposure, year.policy.autonomy_weight))
    areas = np.stack((rules.core.astype(float), s.k))
    fw = np.stack((setting.area, setting.level, setting.fleet)).astype(np.int64)
    forms = np.stack((fm.saving, fm.overhead, fm.constraint))
    prm = np.array(
        [
            p.goal_weight_economic,
            p.economic_pressure,
            p.goal_weight_political,
            p.political_base,
            p.political_threat,
            p.benefit_scale,
            p.core_weight,
            p.transaction_cost,
            p.pool_share_cost,
        ]
    )
    join_worth = kernels.load("frameworks").join_worth
    return join_worth(stacked, states, year.area_form, areas, fw, forms, prm)


def _presence_terms(
    rules: CooperationRules, state: CoopState, setting: FrameworkSetting, year: CoopYear
) -> tuple[np.ndarray, np.ndarray]:
    """float[N, F]: each state's political value of each forward presence
    (:func:`imssim.model.presence.presence_value`; 0 for the other frameworks), and
    bool[N, F]: the presences a state takes no part in while it takes part in another
    (its unit is committed there)."""
    n = state.members.shape[1]
    value = np.zeros((n, len(setting.frameworks)))
    elsewhere = np.zeros((n, len(setting.frameworks)), dtype=bool)
    who = np.arange(n)
    presences = np.flatnonzero((setting.host >= 0) & (setting.ended == 0))
    taking_part = state.members[presences].sum(axis=0)  # [N]
    for f in presences:
        fw = setting.frameworks[f]
        elsewhere[:, f] = taking_part - state.members[f] > 0
        value[:, f] = presence_value(rules, year, state.trust, fw.lead, fw.host, who)
    return value, elsewhere


def _military_gain(
    rules: CooperationRules, state: CoopState, setting: FrameworkSetting, year: CoopYear
) -> np.ndarray:
    """float[N, F]: the most access the framework's form adds over i's current form with
    any member (the least access i has now with one): per framework over its members
    (0 for a framework without members). For a small world all frameworks at once, over
    an [N, N, F] array; for a large one framework by framework, over its members only."""
    fm = rules.forms
    n, n_fw = state.members.shape[1], len(setting.frameworks)
    monotone = bool((np.diff(fm.access) >= 0).all())  # (the config checks ensure it)
    if monotone and kernels.enabled():  # any size: no [N, N, F] array
        least_form = kernels.load("frameworks").least_forms(year.eff, setting.area, state.members)
        least = fm.access[least_form]
        mil = np.clip(fm.access[setting.level][None, :] - least, 0.0, None)
        mil[:, ~state.members.any(axis=1)] = 0.0
        return mil
    if n_fw == 0 or n * n * n_fw > BLOCK_ELEMENTS:
        return _military_gain_each(rules, state, setting, year, monotone)
    # forms[i, j, f]: the form of i with j in framework f's area
    forms = year.eff[:, :, setting.area]
    outside = ~state.members.T[None, :, :]  # [1, N, F]: j is not a member of f
    if monotone:  # the least access is the access of the least form
        least = fm.access[np.where(outside, np.int8(TOP_FORM), forms).min(axis=1)]
    else:
        least = np.where(outside, np.inf, fm.access[forms]).min(axis=1)
    mil = np.clip(fm.access[setting.level][None, :] - least, 0.0, None)
    mil[:, ~state.members.any(axis=1)] = 0.0
    return mil


def _military_gain_each(
    rules: CooperationRules,
    state: CoopState,
    setting: FrameworkSetting,
    year: CoopYear,
    monotone: bool,
) -> np.ndarray:
    """:func:`_military_gain` framework by framework (for a large world)."""
    fm = rules.forms
    area, level = setting.area, setting.level
    mil = np.zeros((state.members.shape[1], len(setting.frameworks)))
    for ar in np.unique(area):
        layer = np.ascontiguousarray(year.eff[:, :, ar])  # [N, N]: the forms in this area
        access_now = None if monotone else fm.access[layer]
        for f in np.flatnonzero(area == ar):
            who = np.flatnonzero(state.members[f])
            if who.size:
                if monotone:  # the least access is the access of the least form
                    least = fm.access[layer[:, who].min(axis=1)]
                else:
                    assert access_now is not None  # set when the access is not monotone
                    least = access_now[:, who].min(axis=1)
                mil[:, f] = np.clip(fm.access[level[f]] - least, 0.0, None)
    return mil


def _consent(
    rules: CooperationRules,
    state: CoopState,
    level: np.ndarray,
    n_members: np.ndarray,
    relief: np.ndarray,
) -> np.ndarray:
    """float[N, F]: the share of each framework's members whose trust in i meets its
    form's requirement, less `relief` [F] (counted over each framework's members: the
    trust of member j in every i)."""
    p, fm = rules.params, rules.forms
    needed = fm.trust_required[level] - relief - p.trust_margin  # [F]
    if kernels.enabled():
        admitted = kernels.load("frameworks").consenting(state.trust, state.members, needed)
        return admitted / np.maximum(n_members, 1.0)[None, :]
    admitted = np.zeros((state.members.shape[1], state.members.shape[0]))
    members = state.members.astype(float)
    for threshold in np.unique(needed):  # per threshold: whose trust in whom meets it
        fs = np.flatnonzero(needed == threshold)
        # counts of members (small whole numbers: exact in floating point)
        admitted[:, fs] = (members[fs] @ (state.trust >= threshold).astype(float)).T
    return admitted / np.maximum(n_members, 1.0)[None, :]


def _join_draws(
    setting: FrameworkSetting,
    shape: tuple[int, int],
    rng: np.random.Generator,
    founded_rng: np.random.Generator | None,
) -> np.ndarray:
    """float[N, F]: each state's draw for joining each framework: the record's from
    `rng`, those founded in the run from `founded_rng` (all from `rng` without it)."""
    n_record = shape[1] if founded_rng is None else setting.n_record
    draws = rng.random((shape[0], n_record))
    if shape[1] > n_record:
        assert founded_rng is not None  # without it, n_record is every framework
        draws = np.hstack([draws, founded_rng.random((shape[0], shape[1] - n_record))])
    return draws
