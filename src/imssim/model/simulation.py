"""The Mesa model: what happens in a year, in which order.

One step is one year. In order:

1. economy and threat: GDP grows by the scenario's rate; the threat level and the
   budget follow the scenario's paths (:mod:`imssim.model.economy`); the alliance
   requirement and each state's need scale with threat;
2. pressure: how far the real budget fell below its recent peak plus the share of the
   upkeep it cannot pay (smoothed);
3. capabilities: areas given up under deep cuts or rebuilt after recovery; a budget
   that cannot carry the upkeep forces cuts, a surplus buys capability
   (:mod:`imssim.model.capabilities`);
4. trust: grows with cooperation at form >= 2, decays without it, and drops when a
   partner cuts a shared capability (:mod:`imssim.model.trust`);
5. cooperation: ties that no longer hold are downgraded or abandoned; states leave
   and join frameworks; each state initiates up to ``initiatives_per_year``
   mutually beneficial steps one form deeper; thematic ties
   (:mod:`imssim.model.cooperation`);
6. rings are recomputed with hysteresis (:mod:`imssim.model.rings`) and the year's outcomes
   are recorded (:mod:`imssim.model.capacity`, :mod:`imssim.model.tables`).

The model knows nothing of Hydra, files or plots: :func:`imssim.runs.api.run` builds it
from a :class:`~imssim.config.Config` and returns its tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import mesa
import numpy as np

from imssim.config import Config, PolicyConfig, to_config
from imssim.errors import ConfigError, WorldDataError
from imssim.model import capabilities
from imssim.model import frameworks as fwk
from imssim.model.agents import StateAgent
from imssim.model.blocks import any_over_areas, count_over_areas, max_over_areas
from imssim.model.capacity import (
    autonomy,
    contribution,
    pair_offers,
    reference_level,
    shortfall_surplus,
    threat_factor,
)
from imssim.model.cooperation import (
    CooperationRules,
    CoopState,
    CoopYear,
    Event,
    Levers,
    PairTerms,
    Standing,
    hand_over,
    priority_partners,
    thematic_rates,
)
from imssim.model.downgrades import downgrade
from imssim.model.economy import budget_pressure, build_paths
from imssim.model.forms import Form, FormTable
from imssim.model.founding import found
from imssim.model.moves import apply_moves, propose, thematic
from imssim.model.partners import fit as partner_fit
from imssim.model.partners import static_criteria
from imssim.model.rings import target_rings, update_rings
from imssim.model.tables import Recorder, Tables
from imssim.model.trust import reliability, update_trust
from imssim.world import World, load_world
from imssim.world.loader import CULTURE_COLUMNS, LEVEL_WEIGHT

EPS = 1e-9
# one random stream per mechanism, each spawned from the seed: a scenario that changes
# how often one mechanism draws leaves the others' draws as they were, so a run and its
# counterfactual share them (common random numbers)
STREAMS = (
    "cuts",
    "trust",
    "downgrades",
    "frameworks",
    "founding",
    "moves",
    "thematic",
    "thematic_choice",
    "frameworks_founded",
)


def random_streams(seed: int) -> dict[str, np.random.Generator]:
    """Independent generators per mechanism, spawned from `seed`."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(c) for name, c in zip(STREAMS, children, strict=True)}


CULTURE_EXPEDITIONARY = CULTURE_COLUMNS.index("culture_expeditionary")


class CooperationModel(mesa.Model):
    """States that form, deepen and abandon military cooperation under austerity."""

    def __init__(self, config: Config | None = None, world: World | None = None) -> None:
        config = to_config(config)
        super().__init__(rng=config.seed)
        self.config = config
        self.streams = random_streams(config.seed)
        self.world = world if world is not None else load_world(config.world.data_dir)
        w = self.world
        p = self.params = config.params
        self.forms = FormTable.from_params(p)
        try:
            self.focal = w.index(config.focal)
        except WorldDataError:
            raise ConfigError(f"focal: unknown state code {config.focal!r}") from None
        self.year = config.start_year
        self.paths = build_paths(config.scenario, w, config.start_year, config.end_year, p)
        n, a = w.n_states, w.n_areas

        # static pair attributes and per-state policy
        self.criteria = static_criteria(w, p)
        self._set_policy(config.policy)
        self.rules = CooperationRules(
            p, self.forms, self.criteria.distance, self.criteria.comember, w.core, config.catalyst
        )
        self.alliance = (w.nato | w.eu) & (w.region != "north_america")  # the 2012 members
        self.nato, self.eu = w.nato.copy(), w.eu.copy()  # this year's memberships
        self.membership_steps = fwk.membership_schedule(config.scenario, w)
        self.frameworks = list(w.frameworks)  # the record's, then those founded
        self.fw_ended = np.zeros(len(self.frameworks), dtype=np.int32)  # year it ended

        # economy and threat
        self.gdp = w.gdp.copy()
        self.share = self.paths.share[0]
        self.budget = self.gdp * self.share
        self.cost_index = 1.0  # what a unit of capability costs, relative to 2012
        self.budget_history = [self.budget.copy()]  # real budgets (budget / cost_index)
        self.pressure = np.zeros(n)
        self.threat = self.paths.threat[0].copy()

        # the 2012 cooperation record
        bil = np.zeros((n, n, a), dtype=np.int8)
        since = np.zeros((n, n, a), dtype=np.int16)
        bil[w.tie_a, w.tie_b, w.tie_area] = w.tie_form
        bil[w.tie_b, w.tie_a, w.tie_area] = w.tie_form
        since[w.tie_a, w.tie_b, w.tie_area] = w.tie_since
        since[w.tie_b, w.tie_a, w.tie_area] = w.tie_since
        members = np.array([fw.members for fw in w.frameworks]).reshape(len(w.frameworks), n).copy()
        self.coop = CoopState(
            bilateral=bil,
            since=since,
            dependent=np.zeros((n, n, a), dtype=bool),
            members=members,
            trust=np.zeros((n, n)),
            initiative=(bil > 0).any(axis=2).astype(np.int16),  # the record's: both sides
        )

        self._fw_cache: tuple[bytes, np.ndarray, np.ndarray] | None = None

        # capabilities: the 2011 budget exactly carries the 2012 holdings
        weight = LEVEL_WEIGHT[w.level]
        self.profile = weight / weight.sum(axis=1, keepdims=True)
        eff, area_form = self.effective_forms()
        unit = self._unit_cost(eff, area_form)
        self.k = self.budget[:, None] * self.profile / unit
        self.handed = np.zeros((n, a))
        self.dropped = np.zeros((n, a), dtype=bool)  # areas given up under cuts
        self.dropped_level = np.zeros((n, a))  # the holding when given up
        self.dropped_year = np.zeros((n, a), dtype=np.int32)
        self.rebuild_left = np.zeros((n, a), dtype=np.int32)  # years to a national rebuild
        self.rebuild_cost = np.zeros((n, a))  # paid each year of the lead time
        self.rebuilt = np.zeros(n, dtype=np.int32)
        for i, j, ar in zip(*np.nonzero(np.triu(bil == Form.SPECIALISATION)), strict=True):
            d, prov = (i, j) if self.k[i, ar] <= self.k[j, ar] else (j, i)
            self.coop.dependent[d, prov, ar] = True
            hand_over(self.k, self.handed, d, ar, p.specialisation_share)
        self.k_prev = self.k.copy()
        self.need_2012 = reference_level(self.k, self.handed)
        self.need = self.need_2012.copy()
        self.requirement_2012 = w.requirement * self.k[self.alliance].sum(axis=0)
        self.requirement = self.requirement_2012.copy()
        stake = self.budget * self.alliance
        self.alliance_weight = stake / stake.sum()  # each member's share of the 2012 budgets
        self.alliance_threat = float(self.alliance_weight @ self.threat)
        self.alliance_gap = np.zeros(a)

        # trust: enough for the forms already held, otherwise a base by membership
        base = np.where(self.criteria.comember, p.trust_base_member, p.trust_base_other)
        np.fill_diagonal(base, 0.0)
        self.trust_base = base
        held = self.forms.trust_required[eff.max(axis=2)] + p.trust_initial_margin
        self.coop.trust = np.clip(np.maximum(base, np.where(eff.max(axis=2) > 0, held, 0.0)), 0, 1)
        np.fill_diagonal(self.coop.trust, 0.0)

        # how long each pair has cooperated at form >= ring_duration_form
        self.deep_years = self._initial_deep_years(eff)
        self.ring = np.zeros((n, n), dtype=np.int8)
        self.ring_below = np.zeros((n, n), dtype=np.int16)
        offer, contrib = self._offers(eff)  # the rings and the record read the same state
        self.ring = self._target_rings(eff, offer)
        self.thematic_rate = thematic_rates(
            bil,
            self.criteria.comember,
            w.culture[:, CULTURE_EXPEDITIONARY],
            self.thematic_factor,
            p,
        )

        for i in range(n):
            StateAgent(self, i)
        self.events: list[tuple[int, Event]] = []
        self.recorder = Recorder(w)
        self._record(eff, area_form, contrib)

    # --- helpers ------------------------------------------------------------------

    def _set_policy(self, policy: PolicyConfig) -> None:
        n = self.world.n_states
        default = PolicyConfig()
        applies = np.zeros(n, dtype=bool)
        if policy.applies_to == "all":
            applies[:] = True
        else:
            applies[self.focal] = True

        def per_state(name: str) -> np.ndarray:
            return np.where(applies, getattr(policy, name), getattr(default, name))

        self.max_form = per_state("max_form").astype(int)
        self.max_form_core = per_state("max_form_core").astype(int)
        self.allowed = np.where(
            self.world.core, self.max_form_core[:, None], self.max_form[:, None]
        )
        self.priority_limit = per_state("max_priority_partners").astype(int)
        self.deepen_bonus = per_state("deepen_bonus").astype(float)
        self.new_partner_penalty = per_state("new_partner_penalty").astype(float)
        self.autonomy_weight = per_state("autonomy_weight").astype(float)
        self.thematic_factor = per_state("thematic_factor").astype(float)
        self.prune_rate = per_state("prune_rate").astype(float)
        self.prune_max_form = per_state("prune_max_form").astype(int)

    def _initial_deep_years(self, eff: np.ndarray) -> np.ndarray:
        """Years each pair has held a bilateral tie at form >= ring_duration_form."""
        w, p = self.world, self.params
        years = np.zeros(eff.shape[:2])
        start = self.config.start_year
        deep = w.tie_form >= p.ring_duration_form
        for i, j, s in zip(w.tie_a[deep], w.tie_b[deep], w.tie_since[deep], strict=True):
            years[i, j] = years[j, i] = max(years[i, j], start - s)
        np.fill_diagonal(years, 0)
        return years

    def _framework_layers(self) -> tuple[np.ndarray, np.ndarray]:
        """The forms pairs share through all frameworks, and through those beyond the
        NATO and EU baseline (both int8[N, N, A]), cached on the memberships."""
        key = self.coop.members.tobytes()
        if self._fw_cache is None or self._fw_cache[0] != key:
            a = self.world.n_areas
            baseline = np.array([fw.purpose == "baseline" for fw in self.frameworks])
            members = self.coop.members
            beyond = fwk.framework_forms(members & ~baseline[:, None], self.frameworks, a)
            every = fwk.framework_forms(members & baseline[:, None], self.frameworks, a, beyond)
            self._fw_cache = (key, every, beyond)
        return self._fw_cache[1], self._fw_cache[2]

    def effective_forms(self) -> tuple[np.ndarray, np.ndarray]:
        """Effective form per pair and area (bilateral or framework), and per state
        and area the deepest form over all partners."""
        eff = np.maximum(self.coop.bilateral, self._framework_layers()[0])
        # eff is symmetric (ties and frameworks bind both sides), so the deepest form
        # over partners, eff.max(axis=1), is eff.max(axis=0), which numpy reduces faster
        return eff, eff.max(axis=0)

    def _offers(self, eff: np.ndarray) -> tuple[Callable, np.ndarray]:
        """What partners offer each state: over all areas, a function of the pairs
        (:func:`imssim.model.capacity.pair_offers`: the rings need it only for their
        candidates), and per area, what they make available to it [N, A]
        (:func:`imssim.model.capacity.contribution`)."""
        k, handed, reliability = self.k.copy(), self.handed.copy(), self.reliability()

        def offer_at(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
            return pair_offers(k, handed, eff, reliability, self.forms, rows, cols)

        return offer_at, contribution(k, handed, eff, reliability, self.forms)

    def _target_rings(self, eff: np.ndarray, offer: Callable) -> np.ndarray:
        beyond = self._framework_layers()[1]
        bil = self.coop.bilateral
        any_coop = any_over_areas(bil > 0) | any_over_areas(beyond > 0)
        return target_rings(
            bil,
            beyond,
            any_coop,
            self.deep_years,
            self.coop.initiative,
            offer,
            self.criteria.comember,
            self.ring,
            self.params,
            priority_partners(bil, self.coop.trust, self.priority_limit),
        )

    @property
    def framework_open(self) -> np.ndarray:
        """bool[F, N]: who may be a member of each framework under this year's memberships."""
        return fwk.open_to(self.frameworks, self.nato, self.eu)

    def _change_memberships(self) -> list[Event]:
        """Apply this year's NATO and EU accessions and departures (scenario inputs)."""
        steps = [s for s in self.membership_steps if s.year == self.year]
        if not steps:
            return []
        for step in steps:
            target = self.nato if step.institution == "nato" else self.eu
            target[step.states] = step.join
        w = dataclasses.replace(self.world, nato=self.nato.copy(), eu=self.eu.copy())
        self.criteria = static_criteria(w, self.params)
        self.rules = self.rules.with_memberships(self.criteria.distance, self.criteria.comember)
        p = self.params
        base = np.where(self.criteria.comember, p.trust_base_member, p.trust_base_other)
        np.fill_diagonal(base, 0.0)
        self.trust_base = base
        members, events = fwk.follow_institutions(
            self.coop.members, self.frameworks, self.nato, self.eu
        )
        self.coop = dataclasses.replace(self.coop, members=members)
        return events

    def _relief(self, eff: np.ndarray, area_form: np.ndarray) -> np.ndarray:
        """Catalyst relief per state and area: applies when the deepest tie is with a co-member."""
        with_member = (self.criteria.comember[:, :, None] & (eff == area_form[:, None, :])).any(
            axis=1
        )
        return self.config.catalyst * with_member

    def _unit_cost(self, eff: np.ndarray, area_form: np.ndarray) -> np.ndarray:
        saving = self.forms.net_saving(area_form, self._relief(eff, area_form))
        return self.params.upkeep_cost * self.cost_index * (1.0 - saving)

    def reliability(self) -> np.ndarray:
        return reliability(self.coop.trust, self.params)

    @property
    def military_weight(self) -> np.ndarray:
        """float[N]: each state's weight of the military goal, raised by its threat level."""
        p = self.params
        return p.goal_weight_military * threat_factor(self.threat, p.threat_military_goal)

    def partner_fit(self, eff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        holds = (self.k > EPS) | (self.handed > EPS)
        breadth = count_over_areas(eff > 0) / eff.shape[2]  # (eff > 0).mean(axis=2)
        return partner_fit(self.criteria, holds, breadth, self.params)

    # --- the year -----------------------------------------------------------------

    def step(self) -> None:
        """Advance one year."""
        if self.year >= self.config.end_year:
            self.running = False
            return
        self.year += 1
        t = self.year - self.config.start_year
        p = self.params

        # 1 economy, threat and memberships
        events = self._change_memberships()
        self.gdp = self.gdp * (1.0 + self.paths.growth[t])
        self.share = self.paths.share[t]
        self.budget = self.gdp * self.share
        self.cost_index = (1.0 + self.config.scenario.gdp_growth + p.cost_growth_excess) ** t
        self.threat = self.paths.threat[t]
        self.need = self.need_2012 * threat_factor(self.threat, p.threat_requirement)[:, None]
        self.alliance_threat = float(self.alliance_weight @ self.threat)
        self.requirement = self.requirement_2012 * threat_factor(
            np.array(self.alliance_threat), p.threat_requirement
        )

        # 2 pressure
        eff, area_form = self.effective_forms()
        unit = self._unit_cost(eff, area_form)
        upkeep = (unit * self.k).sum(axis=1)
        gap = self.budget - upkeep
        self.pressure = budget_pressure(
            self.pressure, self.budget, self.real_budget, gap, self.budget_history, p
        )
        self.budget_history.append(self.real_budget)

        # 3 capabilities
        self.k_prev = self.k.copy()
        events += capabilities.adjust(self, gap, unit, eff)
        cut_fraction = np.divide(
            self.k_prev - self.k, self.k_prev, out=np.zeros_like(self.k), where=self.k_prev > EPS
        )

        # 4 trust
        self.coop.trust = update_trust(
            self.coop.trust,
            self.trust_base,
            eff,
            self.coop.bilateral,
            cut_fraction,
            p,
            self.streams["trust"],
        )

        # 5 cooperation
        fit, _ = self.partner_fit(eff)
        year = self._coop_year(eff, area_form, fit, cut_fraction)
        self.coop, standing, lowered = downgrade(
            self.rules, self.coop, year, self.streams["downgrades"]
        )
        self.handed = standing.handed
        year = year.with_states(standing)
        events += lowered
        events += self._frameworks_step(year)
        year = year.with_forms(*self.effective_forms())
        moves = propose(self.rules, self.coop, year, self.streams["moves"])
        self.coop, standing, moved = apply_moves(self.rules, self.coop, moves, year)
        self.k, self.handed = standing.k, standing.handed
        year = year.with_states(standing)
        events += moved
        self.coop, started = thematic(
            self.rules,
            self.coop,
            year,
            self.thematic_rate,
            self.streams["thematic"],
            self.streams["thematic_choice"],
        )
        events += started
        self.events.extend((self.year, e) for e in events)

        # 6 rings and outcomes
        eff, area_form = self.effective_forms()
        deep = max_over_areas(self.coop.bilateral) >= p.ring_duration_form
        self.deep_years = np.where(deep, self.deep_years + 1, 0)
        offer, contrib = self._offers(eff)
        target = self._target_rings(eff, offer)
        self.ring, self.ring_below = update_rings(self.ring, self.ring_below, target, p)
        self._record(eff, area_form, contrib)
        if self.year >= self.config.end_year:
            self.running = False

    def _coop_year(
        self, eff: np.ndarray, area_form: np.ndarray, fit: np.ndarray, cut: np.ndarray
    ) -> CoopYear:
        """The year's inputs to cooperation (:class:`imssim.model.cooperation.CoopYear`);
        `cut` [N, A]: the share of each holding cut this year."""
        states = Standing(
            k=self.k,
            handed=self.handed,
            need=self.need,
            cut=cut,
            pressure=self.pressure,
            military_weight=self.military_weight,
        )
        priority = priority_partners(self.coop.bilateral, self.coop.trust, self.priority_limit)
        pairs = PairTerms(fit=fit, reliability=self.reliability(), priority=priority)
        policy = Levers(
            allowed=self.allowed,
            autonomy_weight=self.autonomy_weight,
            deepen_bonus=self.deepen_bonus,
            new_partner_penalty=self.new_partner_penalty,
            prune_rate=self.prune_rate,
            prune_max_form=self.prune_max_form,
        )
        return CoopYear(self.year, eff, area_form, states, pairs, policy)

    def _frameworks_step(self, year: CoopYear) -> list[Event]:
        """Frameworks end, states leave and join them, lead states found new ones
        (:mod:`imssim.model.frameworks`, :mod:`imssim.model.founding`)."""
        members, self.fw_ended, events = fwk.end_frameworks(
            self.coop.members, self.frameworks, self.fw_ended, self.year
        )
        self.coop = dataclasses.replace(self.coop, members=members)
        setting = fwk.FrameworkSetting(
            self.frameworks, self.fw_ended, self.nato, self.eu, len(self.world.frameworks)
        )
        year = year.with_forms(*self.effective_forms())
        self.coop, joined = fwk.join_and_leave(
            self.rules,
            self.coop,
            setting,
            year,
            self.streams["frameworks"],
            self.streams["frameworks_founded"],
        )
        year = year.with_forms(*self.effective_forms())
        scarcity = 1.0 - self.k[self.alliance].sum(axis=0) / self.requirement_2012  # structural
        self.coop, new, founded = found(
            self.rules, self.coop, setting, year, self.world, scarcity, self.streams["founding"]
        )
        if new:
            self.frameworks.extend(new)
            self.fw_ended = np.concatenate([self.fw_ended, np.zeros(len(new), dtype=np.int32)])
        return events + joined + founded

    @property
    def real_budget(self) -> np.ndarray:
        """This year's budget in 2012 prices of capability (budget / cost_index)."""
        return self.budget / self.cost_index

    @property
    def peak_budget(self) -> np.ndarray:
        """Each state's highest real budget so far, this year's included."""
        return np.max(self.budget_history, axis=0)

    # --- outcomes -----------------------------------------------------------------

    def _record(self, eff: np.ndarray, area_form: np.ndarray, contrib: np.ndarray) -> None:
        """Record the year; `contrib` [N, A] is what partners make available to each
        state (:meth:`_offers`)."""
        relying = self.coop.dependent.any(axis=1)
        capability = self.k.sum(axis=1)
        capacity = capability + contrib.sum(axis=1)
        auton = autonomy(self.k, self.handed, area_form, self.forms)
        aggregate, shortfall, surplus = shortfall_surplus(self.k, self.requirement, self.alliance)
        self.alliance_gap = (self.requirement - aggregate) / self.requirement
        self.recorder.record(
            year=self.year,
            gdp=self.gdp,
            budget=self.budget,
            real_budget=self.real_budget,
            share=self.share,
            threat=self.threat,
            pressure=self.pressure,
            capability=capability,
            capacity=capacity,
            autonomy=auton,
            areas_held=(self.k > EPS).sum(axis=1),
            areas_dropped=self.dropped.sum(axis=1),
            areas_rebuilt=self.rebuilt,
            ring=self.ring,
            eff=eff,
            bilateral=self.coop.bilateral,
            trust=self.coop.trust,
            aggregate=aggregate,
            requirement=self.requirement,
            shortfall=shortfall,
            surplus=surplus,
            alliance_capability=float(capability[self.alliance].sum()),
            alliance_threat=self.alliance_threat,
            k=self.k,
            need=self.need,
            dropped=self.dropped,
            rebuilding=self.rebuild_left > 0,
            relying=relying,
        )
        self.recorder.record_frameworks(
            self.year, self.frameworks, self.coop.members, self.fw_ended
        )

    def run(self) -> None:
        """Run from the current year to the configured end year."""
        self.run_for(self.config.end_year - self.year)

    def tables(self) -> Tables:
        """The run's tidy tables so far (countries, pairs, events, alliance)."""
        return self.recorder.tables(self.events)
