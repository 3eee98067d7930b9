"""The cooperation record, the rules' setting and the year's inputs to cooperation.

Cooperation is held per unordered pair of states and capability area at a form 0..6
(``bilateral``, symmetric), plus memberships of multilateral frameworks, each of
which ties all its members in one area at one form. The effective form of a pair in
an area is the deeper of the two. Every change is returned as an
:class:`imssim.model.events.Event` (many at once as an
:class:`imssim.model.events.EventBlock`).

The rules follow the note:
- goals come in three categories (p. 3): political-strategic, military
  (effectiveness) and economic (efficiency); the value of a step deeper to a state is
  their weighted sum, scaled by partner fit, minus the autonomy it costs and the
  transaction cost, which the NATO/EU catalyst lowers between co-members ("de NAVO
  en de EU veeleer als katalysator en facilitator", p. 9)
  (:mod:`imssim.model.step_value`);
- deeper forms need more fit and more trust (p. 5: deep forms succeed with partners
  at small distance and with a similar political culture) and go one level a step
  ("bottom-up"); both sides must gain (:mod:`imssim.model.moves`);
- ties are downgraded when the partner cuts the shared capability, when trust falls
  or when the fit no longer holds; joint hire (form 1) is temporary
  (:mod:`imssim.model.downgrades`).

Each mechanism takes the record (:class:`CoopState`), the rules' setting
(:class:`CooperationRules`) and the year's inputs (:class:`CoopYear`), and returns
the record it leaves (new arrays where it changed) with its events; it writes
nothing it was given.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from imssim.config import ModelParams
from imssim.model.capacity import need_gap, reference_level
from imssim.model.forms import Form, FormTable
from imssim.model.motives import familiarity, ring_share
from imssim.model.policy import StatePolicy
from imssim.world import World


@dataclass
class CoopState:
    """The cooperation record of a run."""

    bilateral: np.ndarray  # int8[N, N, A], symmetric
    since: np.ndarray  # int16[N, N, A]: year the bilateral tie reached its current form
    dependent: np.ndarray  # bool[N, N, A]: i relies on j in area a (form 6)
    members: np.ndarray  # bool[F, N]
    trust: np.ndarray  # float[N, N]: i's trust in j
    initiative: np.ndarray | None = None  # int[N, N]: bilateral ties i proposed to j


def initial_record(world: World) -> CoopState:
    """The 2012 cooperation record: the world's bilateral ties (both ways) and
    framework memberships; no one relies on a partner yet and trust is still 0."""
    n, a = world.n_states, world.n_areas
    bil = np.zeros((n, n, a), dtype=np.int8)
    since = np.zeros((n, n, a), dtype=np.int16)
    bil[world.tie_a, world.tie_b, world.tie_area] = world.tie_form
    bil[world.tie_b, world.tie_a, world.tie_area] = world.tie_form
    since[world.tie_a, world.tie_b, world.tie_area] = world.tie_since
    since[world.tie_b, world.tie_a, world.tie_area] = world.tie_since
    frameworks = world.frameworks
    members = np.array([fw.members for fw in frameworks]).reshape(len(frameworks), n).copy()
    return CoopState(
        bilateral=bil,
        since=since,
        dependent=np.zeros((n, n, a), dtype=bool),
        members=members,
        trust=np.zeros((n, n)),
        initiative=(bil > 0).any(axis=2).astype(np.int16),  # the record's: both sides
    )


@dataclass(frozen=True)
class CooperationRules:
    """The rules' setting: the run's parameters and form table, and the pairs'
    standing attributes (their distance, whether they are co-members of NATO or the
    EU, and the catalyst's relief that follows from it), with each state's core."""

    params: ModelParams
    forms: FormTable
    distance: np.ndarray  # float[N, N]
    comember: np.ndarray  # bool[N, N]
    core: np.ndarray  # bool[N, A]: the area is in the state's sovereign core
    catalyst: float
    relief: np.ndarray = field(init=False, repr=False, compare=False)  # float[N, N]

    def __post_init__(self) -> None:
        object.__setattr__(self, "relief", self.catalyst * self.comember.astype(float))

    @cached_property
    def allied(self) -> np.ndarray:
        """bool[N]: the states in NATO or the EU (a co-member of some state)."""
        return self.comember.any(axis=1)

    def with_memberships(self, distance: np.ndarray, comember: np.ndarray) -> CooperationRules:
        """The rules after a change of NATO or EU memberships."""
        return dataclasses.replace(self, distance=distance, comember=comember)


@dataclass(frozen=True)
class Standing:
    """Each state's standing this year: what it holds and needs in each area, what it
    cut, and what weighs on its choices."""

    k: np.ndarray  # float[N, A]: capability held
    handed: np.ndarray  # float[N, A]: handed over to a provider at form 6
    need: np.ndarray  # float[N, A]: what it needs (its 2012 holding scaled by threat)
    cut: np.ndarray  # float[N, A]: the share of last year's holding cut this year
    pressure: np.ndarray  # float[N]: budget pressure
    military_weight: np.ndarray  # float[N]: weight of the military goal
    threat: np.ndarray  # float[N]: threat level (1 = the 2012 level); exposure is threat - 1
    alliance_gap: np.ndarray  # float[A]: the alliance's shortfall against its requirement

    @cached_property
    def exposure(self) -> np.ndarray:
        """float[N]: how far each state's threat has risen above its 2012 level (>= 0)."""
        return np.maximum(self.threat - 1.0, 0.0)

    @cached_property
    def ref(self) -> np.ndarray:
        """float[N, A]: the capability base (:func:`imssim.model.capacity.reference_level`)."""
        return reference_level(self.k, self.handed)

    @cached_property
    def need_gap(self) -> np.ndarray:
        """float[N, A]: the shortfall against the need (:func:`imssim.model.capacity.need_gap`)."""
        return need_gap(self.k, self.handed, self.need)

    def holding(self, k: np.ndarray, handed: np.ndarray) -> Standing:
        """The same standing with other holdings."""
        return dataclasses.replace(self, k=k, handed=handed)


@dataclass(frozen=True)
class PairTerms:
    """What each pair brings this year (i's view of j)."""

    fit: np.ndarray  # float[N, N]: partner fit
    reliability: np.ndarray  # float[N, N]: the share of a promise j delivers to i
    priority: np.ndarray  # bool[N, N]: j is among i's priority partners
    depth: np.ndarray  # int8[N, N]: the deepest form they share, in a tie or a framework
    # beyond NATO and the EU as such, at the start of the year
    known: np.ndarray  # float[N, N]: how well i knows j (imssim.model.motives.familiarity)
    # float[N, N]: the weight of the ring i saw j in last year (motives.ring_share)
    ring_share: np.ndarray

    @classmethod
    def of(
        cls,
        fit: np.ndarray,
        reliability: np.ndarray,
        priority: np.ndarray,
        depth: np.ndarray,
        trust: np.ndarray,
        ring: np.ndarray,
    ) -> PairTerms:
        """The pairs' terms, with familiarity from `depth` and `trust` [N, N]
        (:func:`imssim.model.motives.familiarity`) and the weight of `ring` [N, N], the
        ring i saw j in (:func:`imssim.model.motives.ring_share`)."""
        known = familiarity(depth, trust)
        return cls(fit, reliability, priority, depth, known, ring_share(ring))


@dataclass(frozen=True)
class CoopYear:
    """The year's inputs to cooperation, beside the record: the year, the effective
    forms when they were taken, each state's standing, the pairs' terms and the
    policy's levers."""

    year: int
    eff: np.ndarray  # int8[N, N, A]: effective form of each pair in each area
    area_form: np.ndarray  # int8[N, A]: each state's deepest effective form per area
    states: Standing
    pairs: PairTerms
    policy: StatePolicy  # each state's policy levers

    def with_forms(self, eff: np.ndarray, area_form: np.ndarray) -> CoopYear:
        """The same inputs with the effective forms as they now are."""
        return CoopYear(self.year, eff, area_form, self.states, self.pairs, self.policy)

    def with_states(self, states: Standing) -> CoopYear:
        """The same inputs with another standing (after a change of holdings)."""
        return CoopYear(self.year, self.eff, self.area_form, states, self.pairs, self.policy)


def hand_over(k: np.ndarray, handed: np.ndarray, d: int, area: int, share: float) -> None:
    """Form 6: state `d` hands `share` of its capability in `area` to its provider
    (written into `k` and `handed`).

    Role and task specialisation may cover part of an area (the Belgian and Dutch navies
    each keep ships and share one school and one maintenance base), so the dependent
    keeps ``1 - share`` of its own and relies on the partner for the rest.
    """
    moved = share * k[d, area]
    handed[d, area] += moved
    k[d, area] -= moved


def is_dependent(
    k: np.ndarray, relies: np.ndarray, at: tuple[np.ndarray, np.ndarray, np.ndarray], ratio: float
) -> np.ndarray:
    """Whether i would be the dependent of a form-6 tie, for each tie (i, j, a) of `at`.

    A division of tasks: where one of the pair already relies on the other in another
    area (`relies` [N, N]: i relies on j somewhere) and holds at least `ratio`
    (``swap_min_ratio``) of the partner's capability here, it provides here, so that
    each relies on the other in one area (the Belgian-Dutch navies: the Netherlands
    trains and maintains the frigates, Belgium runs the mine-countermeasures school).
    Otherwise the smaller holder depends (on a tie, the state with the lower index
    provides): a one-sided specialisation.
    """
    i, j, ar = at
    ki, kj = k[i, ar], k[j, ar]
    smaller = (ki < kj) | ((ki == kj) & (i > j))
    i_relies, j_relies = relies[i, j], relies[j, i]
    i_gives = i_relies & ~j_relies & (ki >= ratio * kj)
    j_gives = j_relies & ~i_relies & (kj >= ratio * ki)
    return np.where(i_gives, False, np.where(j_gives, True, smaller))


def dependent_of(
    k: np.ndarray, dependent: np.ndarray, i: int, j: int, ar: int, ratio: float
) -> tuple[int, bool]:
    """Which of a form-6 pair becomes dependent in area `ar` (:func:`is_dependent`, with
    `dependent` [N, N, A] the record's dependence), and whether the tie is a swap: the
    provider relies on the dependent in another area."""
    relies = np.zeros((k.shape[0], k.shape[0]), dtype=bool)
    relies[i, j], relies[j, i] = dependent[i, j].any(), dependent[j, i].any()
    at = (np.array([i]), np.array([j]), np.array([ar]))
    d = i if bool(is_dependent(k, relies, at, ratio)[0]) else j
    prov = j if d == i else i
    return d, bool(relies[prov, d])


def thematic_rates(
    bilateral: np.ndarray,
    comember: np.ndarray,
    expeditionary: np.ndarray,
    factor: np.ndarray,
    p: ModelParams,
) -> np.ndarray:
    """float[N]: new thematic ties a year per state.

    ``thematic_rate`` x the expeditionary culture, but at least the rate that keeps the
    state's 2012 number of opportunity ties (joint hire with states outside its
    alliances) steady, since each lasts ``hire_duration`` years on average; times
    ``benefit_scale`` and the policy's ``thematic_factor``.
    """
    outside = ~comember.any(axis=1)  # in neither NATO nor the EU: a thematic partner
    held = ((bilateral == Form.JOINT_HIRE).any(axis=2) & outside[None, :]).sum(axis=1)
    rate = np.maximum(p.thematic_rate * expeditionary, held / p.hire_duration)
    return rate * p.benefit_scale * factor


def priority_partners(bilateral: np.ndarray, trust: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """bool[N, N]: each state's top-`limit` partners by cooperation (all when limit is 0).

    Partners are ranked by the sum of bilateral forms over areas (the pair's own
    initiative, not shared frameworks), trust breaking ties; this is
    the "fewer partners, more intensively" policy (p. 9: "met minder partners, maar
    wel intensiever").
    """
    n = bilateral.shape[0]
    out = np.ones((n, n), dtype=bool)
    limited = np.flatnonzero(limit > 0)
    if limited.size == 0:
        return out
    strength = bilateral.sum(axis=2).astype(float) + trust
    for i in limited:
        row = strength[i].copy()
        row[i] = -np.inf
        top = np.argsort(-row, kind="stable")[: int(limit[i])]
        out[i] = False
        out[i, top] = True
    return out
