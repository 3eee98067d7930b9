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
from imssim.model.cooperation import CooperationRules, CoopState, CoopYear
from imssim.model.events import Event
from imssim.model.framework_values import (
    consent,
    join_value,
    member_means,
    member_sums,
    presence_terms,
)
from imssim.model.layers import area_layer
from imssim.model.presence import PRESENCE, threshold_relief
from imssim.model.tolerances import EPS
from imssim.world import Framework, World
from imssim.world.loader import EDA_ASSOCIATE, EDA_OPT_OUT

# frameworks built around their lead: they end when the lead leaves
LEAD_BUILT = ("expeditionary_force", "framework_cluster", "rotation", PRESENCE)
# pools: what they share is what a member lacks, so they keep and admit members without
# the capability (the pooled fleets, and the exchanges of the pooling-and-sharing projects)
POOLS = ("pooled_fleet", "exchange")
# who may be a member of a framework (imssim.world.Framework.eligibility)
ELIGIBILITIES = ("nato", "eu", "eda", "nato_or_eu", "any")
# what a year changes for a state in a framework (the codes of join_and_leave's [F, N]
# array, and of its compiled kernel's): nothing, it joined, or why it left
CHANGES = ("stays", "joined", "not_eligible", "no_capability", "policy", "trust_fell")
STAYS, JOINED, NOT_ELIGIBLE, NO_CAPABILITY, POLICY, TRUST_FELL = range(len(CHANGES))


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

    @cached_property
    def table(self) -> np.ndarray:
        """int[8, F]: each framework's area, form, lead, host, whether it is a pool, a
        pooled fleet, a baseline framework, and running (the rows of
        :func:`imssim.model.kernels.frameworks.join_leave`)."""
        rows = (self.area, self.level, self.lead, self.host, self.pool, self.fleet, self.fixed)
        return np.stack((*rows, self.ended == 0)).astype(np.int64)

    def eligible_for(self, eligibility: str) -> np.ndarray:
        """bool[N]: the states an eligibility (nato, eu, eda, nato_or_eu, any) admits
        this year (an array to read, not to write)."""
        return self._eligibilities[eligibility]

    @cached_property
    def _eligibilities(self) -> dict[str, np.ndarray]:
        """The states each eligibility admits this year (:meth:`eligible_for`)."""
        eda = self.eu if self.eda is None else self.eda
        return {
            "nato": self.nato,
            "eu": self.eu,
            "eda": eda,
            "nato_or_eu": self.nato | self.eu,
            "any": np.ones_like(self.nato),
        }

    @cached_property
    def eligibility_table(self) -> np.ndarray:
        """bool[E, N]: the states each eligibility of :data:`ELIGIBILITIES` admits."""
        return np.stack([self._eligibilities[name] for name in ELIGIBILITIES])


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
    Returns the memberships after, the year each framework ended, and the events (the
    arrays given when none ends)."""
    counts, done = members.sum(axis=1).tolist(), ended.tolist()
    after, events = members, []
    for f, fw in enumerate(frameworks):
        if done[f] or fw.fixed:
            continue
        reason = _end_reason(fw, members[f], counts[f], year)
        if not reason:
            continue
        if after is members:
            after, ended = members.copy(), ended.copy()
        m = members[f]
        who = fw.lead if fw.lead >= 0 else (int(np.flatnonzero(m)[0]) if counts[f] else -1)
        events.append(framework_event("ended", who, fw, 0, reason))
        for i in np.flatnonzero(m):
            events.append(framework_event("left", i, fw, 0, "ended"))
        after[f] = False
        ended[f] = year
    return after, ended, events


def _end_reason(fw: Framework, members: np.ndarray, count: int, year: int) -> str:
    """Why a framework with `members` (bool[N]; `count` of them) ends in `year`:
    lifetime, too_few_members, lead_left or host_left; "" when it goes on."""
    if fw.until and year > fw.until:
        return "lifetime"
    if count < 2:
        return "too_few_members"
    if fw.lead >= 0 and fw.purpose in LEAD_BUILT and not members[fw.lead]:
        return "lead_left"
    if fw.host >= 0 and not members[fw.host]:
        return "host_left"
    return ""


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

    Computed for all frameworks at once: arrays are [N, F] (state x framework), in one
    compiled pass where the kernels are on. The record's frameworks draw from `rng`,
    those founded in the run from `founded_rng`: a framework founded in one run only
    leaves the others' draws alone.
    """
    if not setting.frameworks:
        return state, []
    draws = _join_draws(setting, state.members.shape[::-1], rng, founded_rng)
    if kernels.enabled():
        members, changes = _changes_compiled(rules, state, setting, year, draws)
    else:
        members, changes = _changes(rules, state, setting, year, draws)
    if not changes.any():
        return state, []
    events = _join_leave_events(setting, changes)
    return dataclasses.replace(state, members=members), events


def _changes(
    rules: CooperationRules,
    state: CoopState,
    setting: FrameworkSetting,
    year: CoopYear,
    draws: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The memberships [F, N] after the year's departures and accessions, and what
    changed, int8[F, N] (codes of :data:`CHANGES`), with numpy (`draws` [N, F]: the
    join draws)."""
    p, fm = rules.params, rules.forms
    means = member_means(rules, state, year)
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
    presence, elsewhere = presence_terms(rules, state, setting, year)
    worth = join_value(rules, state, setting, year, means) + presence
    worth -= p.pool_share_cost * (setting.fleet[None, :] & (k_f <= EPS))
    agree = consent(rules, state, level, means.n_members, relief)
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
        & (agree >= p.framework_consent - EPS)
        & (worth > 0)
        & (draws < p.framework_join_rate)
    )
    # why a member leaves: the first that holds of these, else its trust fell
    why = np.select(
        [~elig, ~holds, allowed_f < level[None, :]],
        [NOT_ELIGIBLE, NO_CAPABILITY, POLICY],
        TRUST_FELL,
    )
    changes = np.where(join, JOINED, np.where(leave, why, STAYS)).astype(np.int8).T
    members = state.members.copy()
    members[leave.T] = False
    members[join.T] = True
    return members, changes


def _changes_compiled(
    rules: CooperationRules,
    state: CoopState,
    setting: FrameworkSetting,
    year: CoopYear,
    draws: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_changes` in one compiled pass
    (:func:`imssim.model.kernels.frameworks.join_leave`), from the sums over the
    members that :func:`imssim.model.framework_values.member_sums` gives."""
    p, fm, s = rules.params, rules.forms, year.states
    sums = member_sums(rules, state, year)[1]
    standing = (s.pressure, s.military_weight, s.exposure, year.policy.autonomy_weight)
    forms = (fm.saving, fm.overhead, fm.constraint, fm.access, fm.trust_required, fm.fit_required)
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
            p.trust_margin,
            p.framework_consent,
            p.framework_join_rate,
            p.presence_threshold_relief,
            p.presence_weight,
            p.presence_visibility,
        ]
    )
    join_leave = kernels.load("frameworks").join_leave
    return join_leave(
        sums,
        draws,
        state.trust,
        year.eff,
        (*standing, year.area_form),
        (rules.core, s.k, s.handed, year.policy.allowed),
        (setting.table, state.members, setting.eligible),
        (forms, prm),
    )


def _join_leave_events(setting: FrameworkSetting, changes: np.ndarray) -> list[Event]:
    """The events of the states that leave and join each framework (`changes` [F, N]:
    codes of :data:`CHANGES`): per framework, its departures with their reasons, then
    its accessions."""
    events: list[Event] = []
    fs, who = np.nonzero(changes)
    codes = changes[fs, who].tolist()
    joined = [code == JOINED for code in codes]
    for f, _, i, code in sorted(zip(fs.tolist(), joined, who.tolist(), codes, strict=True)):
        fw = setting.frameworks[f]
        if code == JOINED:
            events.append(framework_event("joined", i, fw, fw.form, "mutual_gain", from_form=0))
        else:
            events.append(framework_event("left", i, fw, 0, CHANGES[code]))
    return events


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
