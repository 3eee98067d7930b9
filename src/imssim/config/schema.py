"""The typed schema of a run's settings: one dataclass per part of the config.

These dataclasses are the single definition of every setting of a run: Hydra registers
them (:func:`imssim.config.compose.register_schema`) so that a typo or a wrong type in
an override is rejected with the key's name, and :func:`imssim.config.convert.to_config`
turns any mapping into a checked :class:`Config` without Hydra.

Every mechanism parameter has a default here, and every numeric setting of
:class:`Config`, :class:`PolicyConfig` and :class:`ModelParams` its bounds beside it
(:func:`imssim.config.fields.param`), and, where one was judged, its plausible range
with the reason for it; ``docs/ODD.md`` gives each default its justification (a passage
of the 2012 note, a published finding or a stated judgement).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from imssim.config.fields import param

N_FORMS = 7  # form 0 (no cooperation) .. form 6 (role and task specialisation)
FIRST_YEAR = 2012  # the world data describe 2012 (2011 economic figures, 2012 cooperation record)
LAST_YEAR = 2100
UNIT = (0.0, 1.0)  # bounds of a share, a probability or a weight
NON_NEGATIVE = (0.0, None)


@dataclass
class BudgetChange:
    """A cut or a rise of the defence budget, phased in linearly from `start` to `end`.

    `who` names the states it applies to: ``all``, a region (north, west, south, east,
    north_america, other), a membership (nato, eu) or regional group (northern_group,
    benelux, nordic, visegrad, weimar, baltic, nb8), or ISO 3166 alpha-3 codes.
    The budget multiplier reaches ``1 - cut`` (or ``1 + rise``) in `end` and stays there.
    """

    who: list[str] = field(default_factory=lambda: ["all"])
    start: int = 2012
    end: int = 2015
    cut: float = 0.0
    rise: float = 0.0


@dataclass
class GrowthChange:
    """Real GDP growth per year for `who` during the years `start`..`end` (inclusive)."""

    who: list[str] = field(default_factory=lambda: ["all"])
    start: int = 2012
    end: int = 2013
    growth: float = 0.0


BUDGET_RULES = ("target_share", "threat", "observed")


@dataclass
class BudgetRule:
    """How `who` sets its share of GDP for defence from `start` on (instead of its 2011 share).

    - ``target_share``: the share moves linearly from its value in ``start - 1`` to
      `share` in `end` and is held there; a state already above `share` keeps its own
      (the 2014 Wales pledge: 2 % of GDP within a decade);
    - ``threat``: the share follows the state's threat level (``params.threat_budget_response``),
      closing ``params.budget_adjust_rate`` of the distance each year up to `end`, then held;
    - ``observed``: the observed share of GDP (world data ``milex_shares.csv``) for the
      years `start`..`end`, held at its last value afterwards.

    A rule starts from the share of the year before, cuts and rises included; budget
    changes still phasing in after its start multiply on top.
    """

    who: list[str] = field(default_factory=lambda: ["all"])
    rule: str = "target_share"
    start: int = 2015
    end: int = 2024
    share: float = 0.02


@dataclass
class ThreatEvent:
    """A rise of the threat level in `year`, for the states `who` names.

    Every such state's threat level rises by `rise`, plus `near_rise` x
    ``exp(-d / params.threat_distance_km)``, where d is the great-circle distance from
    its capital to the origin (`origin_lat`, `origin_lon`; the default is Moscow), so
    the states nearest the source (and on its border) feel it most.
    """

    who: list[str] = field(default_factory=lambda: ["all"])
    year: int = 2014
    rise: float = 0.0
    near_rise: float = 0.0
    origin_lat: float = 55.75
    origin_lon: float = 37.62


INSTITUTIONS = ("nato", "eu")
MEMBERSHIP_CHANGES = ("join", "leave")


@dataclass
class MembershipChange:
    """`who` joins or leaves NATO or the EU in `year` (an input: accessions, a departure).

    From that year the state counts (or no longer counts) as a co-member of the
    institution's members: for partner distance, the catalyst, trust, the affiliated
    ring and the frameworks open to it. The alliance measure keeps its 2012 members.
    """

    who: list[str] = field(default_factory=list)
    institution: str = "nato"
    change: str = "join"
    year: int = 2013


@dataclass
class ScenarioConfig:
    """A scenario: GDP growth, budget rules, budget cuts and rises, threat events and
    membership changes."""

    name: str = "baseline"
    description: str = ""
    gdp_growth: float = 0.015
    growth_changes: list[GrowthChange] = field(default_factory=list)
    budget_rules: list[BudgetRule] = field(default_factory=list)
    budget_changes: list[BudgetChange] = field(default_factory=list)
    threat_events: list[ThreatEvent] = field(default_factory=list)
    membership_changes: list[MembershipChange] = field(default_factory=list)


@dataclass
class PolicyConfig:
    """A cooperation policy, applied to the focal state or to all states."""

    name: str = "default"
    description: str = ""
    applies_to: str = "focal"  # "focal" or "all"
    max_form: int = param(6, bounds=(1, 6))
    max_form_core: int = param(5, bounds=(1, 6))  # and at most max_form
    # 0: no limit on partners with deep (>=4) forms
    max_priority_partners: int = param(0, bounds=(0, None))
    deepen_bonus: float = param(0.0, bounds=NON_NEGATIVE)
    new_partner_penalty: float = param(0.0, bounds=NON_NEGATIVE)
    # scales the rate of new thematic (opportunity) ties
    thematic_factor: float = param(1.0, bounds=NON_NEGATIVE)
    # yearly chance of ending a shallow tie with a non-priority partner
    prune_rate: float = param(0.0, bounds=UNIT)
    prune_max_form: int = param(2, bounds=(1, 3))  # "shallow" for pruning: forms up to this one
    autonomy_weight: float = param(
        0.5,
        bounds=NON_NEGATIVE,
        judged=(0.25, 1.0),
        why="Autonomy counts but is no longer decisive (p. 3): half to double, below the "
        "old test's 1.5; the other policies scale along (the test stays at three times it).",
    )


@dataclass
class ModelParams:
    """Mechanism parameters (see docs/ODD.md for the justification of each)."""

    # economy, threat and budget
    upkeep_cost: float = param(1.0, bounds=NON_NEGATIVE, open_low=True)
    # growth a year of the cost of capability beyond GDP growth
    cost_growth_excess: float = param(
        0.0,
        bounds=(-0.05, 0.1),
        judged=(-0.005, 0.01),
        why="The cost of capability rising with the economy, from half a point slower to a "
        "point faster a year (defence cost inflation runs above general inflation).",
    )
    acquisition_years: float = param(3.0, bounds=NON_NEGATIVE, open_low=True)
    threat_distance_km: float = param(1500.0, bounds=NON_NEGATIVE, open_low=True)
    threat_budget_response: float = param(0.5, bounds=NON_NEGATIVE)
    budget_adjust_rate: float = param(0.3, bounds=UNIT)
    threat_requirement: float = param(1.0, bounds=NON_NEGATIVE)
    threat_military_goal: float = param(1.0, bounds=NON_NEGATIVE)
    need_weight: float = param(
        1.0,
        bounds=NON_NEGATIVE,
        judged=(0.5, 2.0),
        why="How much a gap between holding and need raises the value of a partner's "
        "capability, judged: half and double.",
    )
    pressure_memory: int = param(4, bounds=(1, None))
    pressure_smoothing: float = param(0.5, bounds=UNIT)
    # the six forms (index 0 = no cooperation); the bounds are those of each value
    form_saving: list[float] = param(
        factory=lambda: [0.0, 0.03, 0.08, 0.15, 0.22, 0.30, 0.40], bounds=UNIT
    )
    form_overhead: list[float] = param(
        factory=lambda: [0.0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.06], bounds=UNIT
    )
    form_access: list[float] = param(
        factory=lambda: [0.0, 0.05, 0.10, 0.20, 0.35, 0.50, 0.90], bounds=UNIT
    )
    form_constraint: list[float] = param(
        factory=lambda: [0.0, 0.02, 0.05, 0.10, 0.20, 0.35, 0.60], bounds=UNIT
    )
    form_trust_required: list[float] = param(
        factory=lambda: [0.0, 0.0, 0.15, 0.30, 0.45, 0.60, 0.75], bounds=UNIT
    )
    form_fit_required: list[float] = param(
        factory=lambda: [0.0, 0.30, 0.40, 0.45, 0.55, 0.60, 0.65], bounds=UNIT
    )
    # partner criteria (weights of the fit score) and distance
    weight_distance: float = param(0.3, bounds=UNIT)
    weight_culture: float = param(0.3, bounds=UNIT)
    weight_synergy: float = param(0.2, bounds=UNIT)
    weight_goals: float = param(0.2, bounds=UNIT)
    distance_scale_km: float = param(3000.0, bounds=NON_NEGATIVE, open_low=True)
    distance_geo_share: float = param(0.5, bounds=UNIT)
    # goal categories (imssim.model.motives): each goal's weight moves at most about
    # threefold across a parameter's judged range
    goal_weight_political: float = param(
        1.0,
        bounds=NON_NEGATIVE,
        judged=(0.6, 1.7),
        why="The scale the other goals are judged against; about threefold between its ends.",
    )
    goal_weight_military: float = param(
        0.3,
        bounds=NON_NEGATIVE,
        judged=(0.18, 0.5),
        why="Judged to keep the access term as large as the other two goals; about threefold "
        "between its ends.",
    )
    goal_weight_economic: float = param(
        0.3,
        bounds=NON_NEGATIVE,
        judged=(0.18, 0.5),
        why="Efficiency counts without pressure too ('doelmatigheid', p. 1), judged about a "
        "third of the political goal; about threefold between its ends.",
    )
    economic_pressure: float = param(
        15.0,
        bounds=NON_NEGATIVE,
        judged=(7.5, 30.0),
        why="Austerity is the occasion (p. 1): a 10 % fall below the budget's peak multiplies "
        "the weight of savings by 2.5 (judged): half and double.",
    )
    political_base: float = param(
        0.01,
        bounds=NON_NEGATIVE,
        judged=(0.005, 0.02),
        why="The standing political value of a step between any two states, judged small "
        "against solidarity: half and double.",
    )
    political_threat: float = param(
        0.2,
        bounds=NON_NEGATIVE,
        judged=(0.12, 0.35),
        why="Solidarity and security per unit of threat exposure (evidence, section 5: "
        "deterrence drove the cooperation of 2014-2017), judged so that an exposed ally's "
        "first step pays after 2014; about threefold between its ends.",
    )
    alliance_need_weight: float = param(
        0.5,
        bounds=NON_NEGATIVE,
        judged=(0.25, 1.0),
        why="The alliance's shortfall in an area counts half as much as one's own, judged: "
        "half and double.",
    )
    # relationships that widen (imssim.model.motives)
    widen_value: float = param(
        0.015,
        bounds=NON_NEGATIVE,
        judged=(0.0075, 0.03),
        why="Partners extend their cooperation to other areas (p. 5): a fully known partner "
        "is worth about a third of a transaction cost, judged: half and double.",
    )
    widen_relief: float = param(
        0.5,
        bounds=UNIT,
        judged=(0.25, 0.75),
        why="A fully known partner saves half the staff time and negotiation of a step, "
        "judged: from a quarter to three quarters.",
    )
    ring_preference: float = param(
        0.01,
        bounds=NON_NEGATIVE,
        judged=(0.005, 0.02),
        why="Strategic partners are the first for new initiatives (p. 9), judged about a "
        "quarter of a transaction cost for a step to form 3: half and double.",
    )
    # sovereignty as a share (imssim.model.motives.bound_share)
    bound_share_floor: float = param(
        0.2,
        bounds=UNIT,
        open_low=True,
        judged=(0.1, 0.4),
        why="The least share of its forces in an area a step binds, judged: any commitment "
        "ties planning and staff (a fifth; half and double).",
    )
    transaction_cost: float = param(
        0.04,
        bounds=NON_NEGATIVE,
        judged=(0.02, 0.08),
        why="Staff time and negotiation per step, judged about a typical saving: half and double.",
    )
    benefit_scale: float = param(
        1.0,
        bounds=NON_NEGATIVE,
        judged=(0.5, 2.0),
        why="A scale on every benefit against fixed costs: half and double.",
    )
    core_weight: float = param(3.0, bounds=NON_NEGATIVE)
    # trust and reliability
    trust_gain: float = param(
        0.08,
        bounds=UNIT,
        judged=(0.04, 0.16),
        why="Trust grows slowly by working together (p. 1): half and double the judged rate.",
    )
    trust_decay: float = param(
        0.05,
        bounds=UNIT,
        judged=(0.025, 0.1),
        why="Unused trust fades over one to two decades: half and double give half-lives of "
        "about 7 to 28 years.",
    )
    trust_noise: float = param(0.03, bounds=UNIT)
    trust_shock: float = param(0.15, bounds=UNIT)
    trust_base_member: float = param(0.2, bounds=UNIT)
    trust_base_other: float = param(0.05, bounds=UNIT)
    trust_initial_margin: float = param(0.1, bounds=UNIT)
    reliability_floor: float = param(0.5, bounds=UNIT)
    # cooperation dynamics
    initiatives_per_year: int = param(2, bounds=(1, None))
    choice_temperature: float = param(
        0.02,
        bounds=NON_NEGATIVE,
        judged=(0.01, 0.04),
        why="Noise of the order of a move's value (p. 5: partners are not chosen with "
        "scientific precision): half and double.",
    )
    cut_tolerance: float = param(
        0.15,
        bounds=UNIT,
        judged=(0.075, 0.3),
        why="Half still tolerates the phased cuts of 2012-2015 (2-3 % a year); double "
        "tolerates a third of an area cut in one year.",
    )
    trust_margin: float = param(0.05, bounds=UNIT)
    fit_margin: float = param(0.05, bounds=UNIT)
    hire_duration: float = param(4.0, bounds=(1.0, None))  # years
    framework_join_rate: float = param(0.1, bounds=UNIT)
    # share of members whose trust must admit a newcomer
    framework_consent: float = param(
        1.0,
        bounds=UNIT,
        judged=(0.5, 1.0),
        why="Consensus of the members (1), as EATC and NATO admit members, down to a simple "
        "majority.",
    )
    # yearly chance a lead with willing partners founds a framework
    found_rate: float = param(
        0.1,
        bounds=UNIT,
        judged=(0.05, 0.2),
        why="Judged from the frameworks lead states founded in 2013-2018: half and double.",
    )
    found_lead_rank: int = param(5, bounds=(1, None))  # framework nations: the largest holders
    found_min_members: int = param(3, bounds=(2, None))
    found_max_members: int = param(9, bounds=(2, None))  # and at least found_min_members
    # an invitee's shortfall against its need in the area
    found_need_gap: float = param(
        0.1,
        bounds=UNIT,
        judged=(0.05, 0.2),
        why="Partners join a framework for what they lack, the shortfall judged: half and double.",
    )
    # a lead this expeditionary founds an expeditionary force
    found_expeditionary: float = param(0.7, bounds=UNIT)
    # pools: a pooled fleet or exchange keeps and admits members without the capability;
    # a pooled-fleet member without it buys a share (SAC C-17 and MMF flight hours)
    pool_share_cost: float = param(
        0.02,
        bounds=NON_NEGATIVE,
        judged=(0.01, 0.04),
        why="A member without the capability pays for its share of the fleet's hours, judged "
        "half the transaction cost of a step: half and double.",
    )
    # forward presence: after a threat rise, a large expeditionary state leads a
    # framework hosted by an exposed state; contributors weigh it as political value
    presence_host_exposure: float = param(
        0.3,
        bounds=NON_NEGATIVE,
        judged=(0.25, 0.35),
        why="The exposure above which a state hosts a presence: 0.3 selects the three "
        "Baltic states and Poland after the 2014 rise (Warsaw 2016), 0.25 also Romania "
        "and Germany, 0.35 the Baltic states alone.",
    )
    presence_lead_rank: int = param(4, bounds=(1, None))  # the four framework nations of 2016
    presence_rate: float = param(
        0.5,
        bounds=UNIT,
        judged=(0.25, 1.0),
        why="A possible lead proposes with this yearly chance: one half gives the two years "
        "from the 2014 rise to the Warsaw decision of 2016; a quarter and all years.",
    )
    presence_weight: float = param(
        0.4,
        bounds=NON_NEGATIVE,
        judged=(0.2, 0.8),
        why="The political value of presence per unit of exposure, judged so that a host "
        "whose armour is in its sovereign core (Poland) values hosting a US-led presence "
        "at the 2014 exposure: half and double.",
    )
    presence_visibility: float = param(
        0.5,
        bounds=NON_NEGATIVE,
        judged=(0.25, 1.0),
        why="The weight of a state's standing with the lead (its trust) against the "
        "exposures, judged: half and double.",
    )
    presence_threshold_relief: float = param(
        0.7,
        bounds=NON_NEGATIVE,
        judged=(0.5, 1.0),
        why="The fit and trust a presence requires fall by this times the host's exposure: "
        "0.7 admits Canada-Latvia (fit 0.40) and the UK-Estonia (fit 0.51, trust 0.20) at "
        "the 2014 exposure of the Baltic states (0.39); 0.5 does not admit the UK-Estonia.",
    )
    thematic_rate: float = param(
        1.0,
        bounds=NON_NEGATIVE,
        judged=(0.5, 2.0),
        why="The rate of new thematic ties, judged for the states without such ties in 2012: "
        "half and double.",
    )
    coordination_strength: float = param(
        2.0,
        bounds=NON_NEGATIVE,
        judged=(1.0, 4.0),
        why="The judged tilt of coordinated cuts towards shortfalls: half and double.",
    )
    core_protection: float = param(0.8, bounds=UNIT)
    # capabilities thin out rather than vanish: a cut that takes a holding below its
    # minimum viable scale (areas.csv min_viable_share of the state's 2012 holding,
    # times this factor) gives the area up; 0: no area is given up for thinning
    viable_scale_factor: float = param(
        1.0,
        bounds=NON_NEGATIVE,
        judged=(0.5, 1.5),
        why="The per-area minima (a battalion, a squadron, three hulls) are rough judgements "
        "against 2012 forces of very different sizes: half to one and a half (at 1.5 the "
        "largest, 0.4 for submarines and tankers, reach 0.6 of the 2012 force, while the "
        "Netherlands kept tankers with one of its two KDC-10s).",
    )
    # a non-core area given up deliberately for each such (very deep) fall below the
    # peak budget; 0: none
    drop_step: float = param(
        0.3,
        bounds=UNIT,
        judged=(0.2, 0.5),
        why="Real cuts of 8-15 % in 2010-2013 thinned forces without costing any large state a "
        "whole area at the model's grain (the Dutch tanks were part of armour, which kept its "
        "CV90s): one area only per fifth to half of the real budget lost.",
    )
    rebuild_years: int = param(4, bounds=(0, None))
    rebuild_premium: float = param(0.08, bounds=NON_NEGATIVE)
    rebuild_share: float = param(0.5, bounds=UNIT)
    pool_scarce_gap: float = param(
        0.25,
        bounds=UNIT,
        judged=(0.15, 0.4),
        why="Which enablers count as scarce: from a sixth short (helicopters, medical, air "
        "transport too) to two fifths (none of the 2012 gaps).",
    )
    swap_min_ratio: float = param(
        0.5,
        bounds=(0.0, 1.0),
        open_low=True,
        judged=(0.25, 1.0),
        why="A state that relies on a partner in one area provides for it in another only "
        "where it holds at least half the partner's capability there (judged; the Belgian "
        "mine-countermeasures school serves the Dutch navy), from a quarter to as much.",
    )
    specialisation_share: float = param(
        0.5,
        bounds=UNIT,
        judged=(0.25, 1.0),
        why="Form 6 hands over part of an area (the Belgian-Dutch navies share schools and "
        "maintenance, not ships) up to all of it.",
    )
    # rings
    strategic_min_form: int = param(3, bounds=(1, 6))
    strategic_min_areas: int = param(3, bounds=(1, None))
    strategic_min_years: int = param(3, bounds=(1, None))
    strategic_min_initiative: int = param(1, bounds=(0, None))
    strategic_max_partners: int = param(8, bounds=(1, None))
    ring_framework_weight: float = param(1.0, bounds=UNIT)
    ring_duration_form: int = param(3, bounds=(1, 6))
    ring_hysteresis: float = param(
        0.25,
        bounds=UNIT,
        judged=(0.125, 0.5),
        why="Judged: half and double (at 0.5 a strategic partner stays strategic down to "
        "half the threshold score).",
    )
    ring_exit_delay: int = param(2, bounds=(0, None))


@dataclass
class WorldConfig:
    """Where the world data come from (``null``: the data shipped in the package)."""

    data_dir: str | None = None


FIGURE_FORMATS = ("png", "svg", "pdf")
DPI_RANGE = (50, 600)


@dataclass
class OutputConfig:
    """Where results go: each run writes a new folder under `root`.

    With `figures`, a single run also writes its key figures into ``<run>/figures``
    and a sweep writes the comparison figures into ``<sweep>/figures`` once all its
    jobs are done (sweep jobs write no per-run figures: ``imssim-plot`` makes them).
    Figures are written in `formats` (png, svg, pdf), PNG at `dpi` dots per inch.
    """

    root: str = "results"
    figures: bool = True
    formats: list[str] = field(default_factory=lambda: ["png"])
    dpi: int = 120
    # False: a sweep's run folders keep their manifest (with the headline outcomes) and
    # config but no tables, for studies of thousands of runs
    tables: bool = True


@dataclass
class SweepConfig:
    """A sweep's folder: ``name`` gives it a fixed name under ``output.root`` (null: a
    new time-stamped folder), so that running the same command again resumes it."""

    name: str | None = None


@dataclass
class Config:
    """The whole configuration of one run."""

    seed: int = param(42, bounds=(0, None))
    start_year: int = param(FIRST_YEAR, bounds=(FIRST_YEAR, FIRST_YEAR))
    end_year: int = param(2035, bounds=(FIRST_YEAR + 1, LAST_YEAR))
    focal: str = "NLD"
    catalyst: float = param(
        0.5,
        bounds=UNIT,
        judged=(0.25, 0.75),
        why="Bounded by meaning to 0-1, and a catalyst and facilitator rather than organiser "
        "(p. 9) excludes both ends: a quarter either side of halfway.",
    )
    coordinated_cuts: bool = False
    # what the run is compared with: "baseline" (the scenario without its budget
    # changes and rules), "none", or the name of a shipped scenario
    counterfactual: str = "baseline"
    # runs per job, seeded from `seed` by numpy's SeedSequence.spawn (1: `seed` itself)
    replicates: int = param(1, bounds=(1, 100_000))
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    params: ModelParams = field(default_factory=ModelParams)
    world: WorldConfig = field(default_factory=WorldConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    sweep: SweepConfig = field(default_factory=SweepConfig)
