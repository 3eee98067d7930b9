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
5. cooperation: ties that no longer hold are downgraded or abandoned
   (:mod:`imssim.model.downgrades`); states leave and join frameworks and lead states
   found new ones (:mod:`imssim.model.frameworks`, :mod:`imssim.model.founding`); each
   state initiates up to ``initiatives_per_year`` mutually beneficial steps one form
   deeper, and thematic ties start (:mod:`imssim.model.moves`; the record and the
   year's inputs: :mod:`imssim.model.cooperation`);
6. rings are recomputed with hysteresis (:mod:`imssim.model.rings`) and the year's outcomes
   are recorded (:mod:`imssim.model.capacity`, :mod:`imssim.model.tables`).

The model's state is a few objects, each replaced by what a mechanism returns:
``inputs`` (the year's economy, threat and needs, :class:`~imssim.model.economy.YearInputs`),
``budgets`` (pressure and the real budgets so far), ``caps`` (capabilities,
:class:`~imssim.model.capabilities.CapabilityState`), ``coop`` (the cooperation record),
``rings`` (:class:`~imssim.model.rings.RingState`), ``institutions`` (NATO and EU
memberships and what follows from them), the frameworks, and ``outcomes`` (the year's as
recorded, :class:`~imssim.model.capacity.Outcomes`); ``start`` and ``policy`` hold what
stays fixed. The model knows nothing of Hydra, files or plots:
:func:`imssim.runs.api.run` builds it from a :class:`~imssim.config.Config` and returns
its tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import mesa
import numpy as np

from imssim.config import Config, to_config
from imssim.errors import ConfigError, WorldDataError
from imssim.model import capabilities
from imssim.model import frameworks as fwk
from imssim.model.agents import StateAgent
from imssim.model.blocks import deepest_with, max_over_areas
from imssim.model.capabilities import CapabilityRules, CapabilityState, CapabilityYear
from imssim.model.capacity import (
    Outcomes,
    contribution,
    pair_offers,
    reference_level,
    shortfall_surplus,
    threat_factor,
    year_outcomes,
)
from imssim.model.cooperation import (
    CooperationRules,
    CoopYear,
    PairTerms,
    Standing,
    dependent_of,
    hand_over,
    initial_record,
    priority_partners,
    thematic_rates,
)
from imssim.model.downgrades import downgrade
from imssim.model.economy import (
    BudgetState,
    StartLevels,
    YearInputs,
    build_paths,
    first_year,
    next_budgets,
    next_year,
)
from imssim.model.events import EventLog, Events
from imssim.model.forms import Form, FormTable
from imssim.model.founding import found, found_presence
from imssim.model.layers import FrameworkLayers
from imssim.model.moves import apply_moves, propose, thematic
from imssim.model.partners import current_fit, institutions
from imssim.model.policy import state_policy
from imssim.model.rings import RingState, initial_deep_years, moved, one_year_on, target_rings
from imssim.model.tables import TABLE_NAMES, Recorder, Tables, YearState
from imssim.model.trust import initial_trust, reliability, update_trust
from imssim.world import Framework, World, load_world
from imssim.world.loader import CULTURE_COLUMNS, LEVEL_WEIGHT

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
    "presence",
)


def random_streams(seed: int) -> dict[str, np.random.Generator]:
    """Independent generators per mechanism, spawned from `seed`."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(c) for name, c in zip(STREAMS, children, strict=True)}


CULTURE_EXPEDITIONARY = CULTURE_COLUMNS.index("culture_expeditionary")


class CooperationModel(mesa.Model):
    """States that form, deepen and abandon military cooperation under austerity."""

    def __init__(
        self,
        config: Config | Mapping[str, Any] | None = None,
        world: World | None = None,
        tables: Iterable[str] = TABLE_NAMES,
    ) -> None:
        """The 2012 state of a run of `config` (a Config, or a mapping or DictConfig
        checked by :func:`~imssim.config.to_config`; None: the defaults) in `world` (by
        default the one ``config.world.data_dir`` names), recording `tables`."""
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

        # memberships, the pairs' static attributes and per-state policy
        self.institutions = institutions(w, p)
        self.policy = state_policy(config.policy, w, self.focal)
        crit = self.institutions.criteria
        self.rules = CooperationRules(
            p, self.forms, crit.distance, crit.comember, w.core, config.catalyst
        )
        self.membership_steps = fwk.membership_schedule(config.scenario, w)
        self.frameworks = list(w.frameworks)  # the record's, then those founded
        self.fw_ended = np.zeros(len(self.frameworks), dtype=np.int32)  # year it ended
        self.coop = initial_record(w)
        self._fw_layers = FrameworkLayers()
        self._setting_cache: tuple[tuple, object, fwk.FrameworkSetting] | None = None

        # capabilities, the start levels and the first year's inputs; trust; the rings
        eff, area_form = self.effective_forms()
        self._start_capabilities(eff, area_form)
        contrib = self._start_rings(eff)
        self.thematic_rate = thematic_rates(
            self.coop.bilateral,
            crit.comember,
            w.culture[:, CULTURE_EXPEDITIONARY],
            self.policy.thematic_factor,
            p,
        )
        n = w.n_states
        for i in range(n):
            StateAgent(self, i)
        self.events = EventLog()
        self.recorder = Recorder(w, tables)
        self.outcomes = self._record(eff, area_form, contrib)

    # --- helpers ------------------------------------------------------------------

    def _start_capabilities(self, eff: np.ndarray, area_form: np.ndarray) -> None:
        """The 2012 holdings, start levels, first inputs and budgets, the capability
        rules, and trust: enough for the forms already held, otherwise a base by
        membership."""
        w, p, config = self.world, self.params, self.config
        self.caps, self.start, self.inputs = self._start(eff, area_form)
        held = self.caps.k + self.caps.handed
        self.budgets = BudgetState(
            pressure=np.zeros(w.n_states), history=(self.inputs.budget.copy(),)
        )
        self.capability_rules = CapabilityRules(
            params=p,
            forms=self.forms,
            core=w.core,
            profile=self.start.profile,
            alliance=self.start.alliance,
            allowed=self.policy.allowed,
            coordinated=config.coordinated_cuts,
            held_2012=held,
            viable=capabilities.viable_holdings(held, w.min_viable, p),
        )
        self.coop.trust = initial_trust(self.institutions.trust_base, eff, self.forms, p)

    def _start_rings(self, eff: np.ndarray) -> np.ndarray:
        """The 2012 rings, from how long each pair has cooperated at form >=
        ring_duration_form; returns what partners make available to each state [N, A]
        (the rings and the record read the same state)."""
        n = self.world.n_states
        rings = RingState(
            ring=np.zeros((n, n), dtype=np.int8),
            below=np.zeros((n, n), dtype=np.int16),
            deep_years=initial_deep_years(self.world, self.config.start_year, self.params),
        )
        offer, contrib = self._offers(eff)
        self.rings = RingState(self._target_rings(rings, offer), rings.below, rings.deep_years)
        return contrib

    def _start(
        self, eff: np.ndarray, area_form: np.ndarray
    ) -> tuple[CapabilityState, StartLevels, YearInputs]:
        """The start year's capabilities, start levels and inputs: the 2011 budget
        exactly carries the 2012 holdings, of which the form-6 ties of the record hand
        ``specialisation_share`` to the provider (marked in the record's dependence)."""
        w, p = self.world, self.params
        gdp, share = w.gdp.copy(), self.paths.share[0]
        budget = gdp * share
        weight = LEVEL_WEIGHT[w.level]
        profile = weight / weight.sum(axis=1, keepdims=True)
        unit = self._unit_cost(eff, area_form, 1.0)
        caps = CapabilityState.holding(budget[:, None] * profile / unit)
        bil = self.coop.bilateral
        for i, j, ar in zip(*np.nonzero(np.triu(bil == Form.SPECIALISATION)), strict=True):
            d, _ = dependent_of(caps.k, self.coop.dependent, i, j, ar, p.swap_min_ratio)
            prov = j if d == i else i
            self.coop.dependent[d, prov, ar] = True
            hand_over(caps.k, caps.handed, d, ar, p.specialisation_share)
        alliance = (w.nato | w.eu) & (w.region != "north_america")  # the 2012 members
        stake = budget * alliance
        start = StartLevels(
            alliance=alliance,
            weight=stake / stake.sum(),  # each member's share of the 2012 budgets
            need=reference_level(caps.k, caps.handed),
            requirement=w.requirement * caps.k[alliance].sum(axis=0),
            profile=profile,
        )
        return caps, start, first_year(gdp, share, self.paths.threat[0].copy(), start)

    def _framework_layers(self) -> tuple[np.ndarray, np.ndarray]:
        """The forms pairs share through all frameworks, and through those beyond the
        NATO and EU baseline (both int8[N, N, A]), kept as the memberships change
        (:class:`imssim.model.layers.FrameworkLayers`)."""
        return self._fw_layers.update(self.coop.members, self.frameworks, self.world.n_areas)

    def effective_forms(self) -> tuple[np.ndarray, np.ndarray]:
        """Effective form per pair and area (bilateral or framework), and per state
        and area the deepest form over all partners
        (:meth:`imssim.model.layers.FrameworkLayers.effective`)."""
        return self._fw_layers.effective(self.coop.bilateral, self.coop.members, self.frameworks)

    def _offers(self, eff: np.ndarray) -> tuple[Callable, np.ndarray]:
        """What partners offer each state: over all areas, a function of the pairs
        (:func:`imssim.model.capacity.pair_offers`: the rings need it only for their
        candidates), and per area, what they make available to it [N, A]
        (:func:`imssim.model.capacity.contribution`)."""
        k, handed, reliability = self.caps.k.copy(), self.caps.handed.copy(), self.reliability()

        def offer_at(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
            """float[P]: what partner ``cols[p]`` offers state ``rows[p]`` over all areas."""
            return pair_offers(k, handed, eff, reliability, self.forms, rows, cols)

        return offer_at, contribution(k, handed, eff, reliability, self.forms)

    def _target_rings(self, rings: RingState, offer: Callable) -> np.ndarray:
        """The rings each view qualifies for now (:func:`imssim.model.rings.target_rings`)."""
        bil, initiative = self.coop.bilateral, self.coop.initiative
        assert initiative is not None  # the model's record counts every state's initiative
        return target_rings(
            rings,
            bil,
            self._framework_layers()[1],
            initiative,
            offer,
            self.institutions.criteria.comember,
            self.params,
            priority_partners(bil, self.coop.trust, self.policy.priority_limit),
        )

    @property
    def framework_open(self) -> np.ndarray:
        """bool[F, N]: who may be a member of each framework under this year's memberships."""
        inst = self.institutions
        return fwk.open_to(self.frameworks, inst.nato, inst.eu, self.eda)

    @property
    def eda(self) -> np.ndarray:
        """bool[N]: the European Defence Agency's participants under this year's EU
        membership (:func:`imssim.model.frameworks.eda_participants`)."""
        return fwk.eda_participants(self.institutions.eu, self.world.groups)

    def _change_memberships(self, year: int) -> Events:
        """Apply `year`'s NATO and EU accessions and departures (scenario inputs)."""
        steps = [s for s in self.membership_steps if s.year == year]
        if not steps:
            return []
        nato, eu = self.institutions.nato.copy(), self.institutions.eu.copy()
        for step in steps:
            target = nato if step.institution == "nato" else eu
            target[step.states] = step.join
        self.institutions = institutions(self.world, self.params, nato, eu)
        crit = self.institutions.criteria
        self.rules = self.rules.with_memberships(crit.distance, crit.comember)
        members, events = fwk.follow_institutions(self.coop.members, self.frameworks, nato, eu)
        self.coop = dataclasses.replace(self.coop, members=members)
        return Events(events)

    def _relief(self, eff: np.ndarray, area_form: np.ndarray) -> np.ndarray:
        """Catalyst relief per state and area: applies when the deepest tie is with a co-member."""
        comember = self.institutions.criteria.comember
        return self.config.catalyst * deepest_with(comember, eff, area_form)

    def _unit_cost(self, eff: np.ndarray, area_form: np.ndarray, cost_index: float) -> np.ndarray:
        """float[N, A]: what a unit of capability costs each state a year, net of what
        its deepest form in the area saves (docs/ODD.md, 7.2)."""
        saving = self.forms.net_saving(area_form, self._relief(eff, area_form))
        return self.params.upkeep_cost * cost_index * (1.0 - saving)

    def reliability(self) -> np.ndarray:
        """float[N, N]: the share of a promised contribution j delivers to i, from trust."""
        return reliability(self.coop.trust, self.params)

    @property
    def military_weight(self) -> np.ndarray:
        """float[N]: each state's weight of the military goal, raised by its threat level."""
        p = self.params
        return p.goal_weight_military * threat_factor(self.inputs.threat, p.threat_military_goal)

    def partner_fit(self, eff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Partner fit and concrete goals under this year's holdings and effective forms
        `eff` (:func:`imssim.model.partners.current_fit`)."""
        crit = self.institutions.criteria
        return current_fit(crit, self.caps.k, self.caps.handed, eff, self.params)

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
        events = self._change_memberships(self.year)
        gdp_growth = self.config.scenario.gdp_growth
        self.inputs = next_year(self.inputs, self.paths, t, self.start, gdp_growth, p)

        # 2 pressure
        eff, area_form = self.effective_forms()
        unit = self._unit_cost(eff, area_form, self.inputs.cost_index)
        upkeep = (unit * self.caps.k).sum(axis=1)
        gap = self.inputs.budget - upkeep
        self.budgets = next_budgets(self.budgets, self.inputs, gap, p)

        # 3 capabilities
        before = self.caps
        events += self._adjust_capabilities(eff, area_form, unit, gap)
        cut_fraction = capabilities.cut_fraction(before.k, self.caps.k)

        # 4 trust
        trust = update_trust(
            self.coop.trust,
            self.institutions.trust_base,
            eff,
            self.coop.bilateral,
            cut_fraction,
            p,
            self.streams["trust"],
        )
        self.coop = dataclasses.replace(self.coop, trust=trust)

        # 5 cooperation
        events += self._cooperate(eff, area_form, cut_fraction)
        self.events.add(self.year, events)

        # 6 rings and outcomes
        eff, area_form = self.effective_forms()
        rings = one_year_on(self.rings, self.coop.bilateral, p)
        offer, contrib = self._offers(eff)
        self.rings = moved(rings, self._target_rings(rings, offer), p)
        self.outcomes = self._record(eff, area_form, contrib)
        if self.year >= self.config.end_year:
            self.running = False

    def _adjust_capabilities(
        self, eff: np.ndarray, area_form: np.ndarray, unit: np.ndarray, gap: np.ndarray
    ) -> Events:
        """Phase 3 (:func:`imssim.model.capabilities.adjust`): the new capabilities, and
        the ties the phase set, replace the model's."""
        year = CapabilityYear(
            year=self.year,
            inputs=self.inputs,
            owed=capabilities.areas_owed(self.inputs, self.budgets.peak, self.params),
            alliance_gap=self.outcomes.gap,
            criteria=self.institutions.criteria,
            eff=eff,
            area_form=area_form,
            unit=unit,
            gap=gap,
        )
        done = capabilities.adjust(
            self.caps, self.coop, year, self.capability_rules, self.streams["cuts"]
        )
        self.caps = done.caps
        self.coop = dataclasses.replace(self.coop, bilateral=done.bilateral, since=done.since)
        return Events(done.events)

    def _cooperate(
        self, eff: np.ndarray, area_form: np.ndarray, cut_fraction: np.ndarray
    ) -> Events:
        """Phase 5 (:mod:`imssim.model.downgrades`, :mod:`imssim.model.frameworks`,
        :mod:`imssim.model.founding`, :mod:`imssim.model.moves`): ties downgraded,
        frameworks, moves one form deeper and thematic ties; the record and holdings
        each returns replace the model's. `eff` and `area_form` as at the start of the
        year."""
        fit, _ = self.partner_fit(eff)
        year = self._coop_year(eff, area_form, fit, cut_fraction)
        self.coop, standing, events = downgrade(
            self.rules, self.coop, year, self.streams["downgrades"]
        )
        self._hold(standing)
        year = year.with_states(standing)
        events += self._frameworks_step(year)
        year = year.with_forms(*self.effective_forms())
        moves = propose(self.rules, self.coop, year, self.streams["moves"])
        self.coop, standing, applied = apply_moves(self.rules, self.coop, moves, year)
        self._hold(standing)
        year = year.with_states(standing)
        events += applied
        self.coop, started = thematic(
            self.rules,
            self.coop,
            year,
            self.thematic_rate,
            self.streams["thematic"],
            self.streams["thematic_choice"],
        )
        return events + started

    def _hold(self, standing: Standing) -> None:
        """The holdings a cooperation mechanism returned replace the model's."""
        caps = self.caps
        if standing.k is not caps.k or standing.handed is not caps.handed:
            self.caps = dataclasses.replace(caps, k=standing.k, handed=standing.handed)

    def _coop_year(
        self, eff: np.ndarray, area_form: np.ndarray, fit: np.ndarray, cut: np.ndarray
    ) -> CoopYear:
        """The year's inputs to cooperation (:class:`imssim.model.cooperation.CoopYear`);
        `cut` [N, A]: the share of each holding cut this year."""
        states = Standing(
            k=self.caps.k,
            handed=self.caps.handed,
            need=self.inputs.need,
            cut=cut,
            pressure=self.budgets.pressure,
            military_weight=self.military_weight,
            threat=self.inputs.threat,
            alliance_gap=shortfall_surplus(
                self.caps.k, self.inputs.requirement, self.start.alliance
            )[1],
        )
        priority = priority_partners(
            self.coop.bilateral, self.coop.trust, self.policy.priority_limit
        )
        beyond = max_over_areas(self._framework_layers()[1])
        depth = np.maximum(max_over_areas(self.coop.bilateral), beyond)
        trust, ring = self.coop.trust, self.rings.ring
        pairs = PairTerms.of(fit, self.reliability(), priority, depth, trust, ring)
        return CoopYear(self.year, eff, area_form, states, pairs, self.policy)

    def _frameworks_step(self, year: CoopYear) -> Events:
        """Frameworks end, states leave and join them, lead states found new ones and
        forward presences (:mod:`imssim.model.frameworks`, :mod:`imssim.model.founding`)."""
        members, self.fw_ended, events = fwk.end_frameworks(
            self.coop.members, self.frameworks, self.fw_ended, self.year
        )
        self.coop = dataclasses.replace(self.coop, members=members)
        setting = self._framework_setting()
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
        k, start = self.caps.k, self.start
        # structural scarcity, in the areas whose platforms partners can pool as a fleet
        scarcity = 1.0 - k[start.alliance].sum(axis=0) / start.requirement
        scarcity = np.where(self.world.fleet, scarcity, 0.0)
        self.coop, new, founded = found(
            self.rules, self.coop, setting, year, self.world, scarcity, self.streams["founding"]
        )
        self._add_frameworks(new)
        self.coop, new, present = found_presence(
            self.rules,
            self.coop,
            self._framework_setting(),
            year,
            self.world,
            self.streams["presence"],
        )
        self._add_frameworks(new)
        return Events(events + joined + founded + present)

    def _framework_setting(self) -> fwk.FrameworkSetting:
        """The frameworks as they now stand, with this year's memberships (the same
        setting, with what it has computed, while the frameworks, the years they ended
        and the memberships of NATO and the EU stay as they were)."""
        inst = self.institutions
        key = (len(self.frameworks), self.fw_ended.tobytes())
        cached = self._setting_cache
        if cached is not None and cached[0] == key and cached[1] is inst:
            return cached[2]
        setting = fwk.FrameworkSetting(
            self.frameworks,
            self.fw_ended,
            inst.nato,
            inst.eu,
            len(self.world.frameworks),
            eda=self.eda,
        )
        self._setting_cache = (key, inst, setting)
        return setting

    def _add_frameworks(self, new: list[Framework]) -> None:
        """Frameworks founded this year join the run's, in force."""
        if new:
            self.frameworks.extend(new)
            self.fw_ended = np.concatenate([self.fw_ended, np.zeros(len(new), dtype=np.int32)])

    # --- outcomes -----------------------------------------------------------------

    def _record(self, eff: np.ndarray, area_form: np.ndarray, contrib: np.ndarray) -> Outcomes:
        """Record the year and return its outcomes (the alliance's gap guides next
        year's cuts); `contrib` [N, A] is what partners make available to each state
        (:meth:`_offers`)."""
        caps = self.caps
        outcomes = year_outcomes(
            caps.k,
            caps.handed,
            area_form,
            contrib,
            self.inputs.requirement,
            self.start.alliance,
            self.forms,
        )
        state = YearState(
            year=self.year,
            inputs=self.inputs,
            budgets=self.budgets,
            caps=caps,
            coop=self.coop,
            ring=self.rings.ring,
            eff=eff,
            outcomes=outcomes,
        )
        self.recorder.record(state)
        self.recorder.record_frameworks(
            self.year, self.frameworks, self.coop.members, self.fw_ended
        )
        return outcomes

    def run(self) -> None:
        """Run from the current year to the configured end year."""
        self.run_for(self.config.end_year - self.year)

    def tables(self) -> Tables:
        """The run's tidy tables so far (countries, pairs, events, alliance)."""
        return self.recorder.tables(self.events)
