"""Typed configuration schemas.

The dataclasses below are the single definition of every setting of a run: Hydra
registers them in its ConfigStore so that a typo or a wrong type in an override is
rejected with the key's name, and :func:`to_config` turns any mapping (a Hydra
``DictConfig``, a plain ``dict``) into a validated :class:`Config` without Hydra.

Every mechanism parameter has a default here; ``docs/ODD.md`` gives each one its
justification (a passage of the 2012 note, a published finding or a stated judgement).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import itertools
import re
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf._utils import get_omega_conf_dumper
from omegaconf.errors import OmegaConfBaseException

from imssim.errors import ConfigError

N_FORMS = 7  # form 0 (no cooperation) .. form 6 (role and task specialisation)


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
    max_form: int = 6
    max_form_core: int = 5
    max_priority_partners: int = 0  # 0: no limit on partners with deep (>=4) forms
    deepen_bonus: float = 0.0
    new_partner_penalty: float = 0.0
    thematic_factor: float = 1.0  # scales the rate of new thematic (opportunity) ties
    prune_rate: float = 0.0  # yearly chance of ending a shallow tie with a non-priority partner
    prune_max_form: int = 2  # "shallow" for pruning: forms up to this one
    autonomy_weight: float = 0.5


@dataclass
class ModelParams:
    """Mechanism parameters (see docs/ODD.md for the justification of each)."""

    # economy, threat and budget
    upkeep_cost: float = 1.0
    cost_growth_excess: float = 0.0  # growth a year of the cost of capability beyond GDP growth
    acquisition_years: float = 3.0
    threat_distance_km: float = 1500.0
    threat_budget_response: float = 0.5
    budget_adjust_rate: float = 0.3
    threat_requirement: float = 1.0
    threat_military_goal: float = 1.0
    need_weight: float = 1.0
    pressure_memory: int = 4
    pressure_smoothing: float = 0.5
    # the six forms (index 0 = no cooperation)
    form_saving: list[float] = field(
        default_factory=lambda: [0.0, 0.03, 0.08, 0.15, 0.22, 0.30, 0.40]
    )
    form_overhead: list[float] = field(
        default_factory=lambda: [0.0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.06]
    )
    form_access: list[float] = field(
        default_factory=lambda: [0.0, 0.05, 0.10, 0.20, 0.35, 0.50, 0.90]
    )
    form_constraint: list[float] = field(
        default_factory=lambda: [0.0, 0.02, 0.05, 0.10, 0.20, 0.35, 0.60]
    )
    form_trust_required: list[float] = field(
        default_factory=lambda: [0.0, 0.0, 0.15, 0.30, 0.45, 0.60, 0.75]
    )
    form_fit_required: list[float] = field(
        default_factory=lambda: [0.0, 0.30, 0.40, 0.45, 0.55, 0.60, 0.65]
    )
    # partner criteria (weights of the fit score) and distance
    weight_distance: float = 0.3
    weight_culture: float = 0.3
    weight_synergy: float = 0.2
    weight_goals: float = 0.2
    distance_scale_km: float = 3000.0
    distance_geo_share: float = 0.5
    # goal categories
    goal_weight_political: float = 1.0
    goal_weight_military: float = 0.3
    goal_weight_economic: float = 1.0
    economic_base: float = 0.1
    economic_pressure: float = 15.0
    political_base: float = 0.05
    transaction_cost: float = 0.04
    benefit_scale: float = 1.0
    core_weight: float = 3.0
    # trust and reliability
    trust_gain: float = 0.08
    trust_decay: float = 0.05
    trust_noise: float = 0.03
    trust_shock: float = 0.15
    trust_base_member: float = 0.2
    trust_base_other: float = 0.05
    trust_initial_margin: float = 0.1
    reliability_floor: float = 0.5
    # cooperation dynamics
    initiatives_per_year: int = 2
    choice_temperature: float = 0.02
    cut_tolerance: float = 0.15
    trust_margin: float = 0.05
    fit_margin: float = 0.05
    hire_duration: float = 4.0
    framework_join_rate: float = 0.1
    framework_consent: float = 1.0  # share of members whose trust must admit a newcomer
    found_rate: float = 0.1  # yearly chance a lead with willing partners founds a framework
    found_lead_rank: int = 5  # framework nations: the largest holders of the area
    found_min_members: int = 3
    found_max_members: int = 9
    found_need_gap: float = 0.1  # an invitee's shortfall against its need in the area
    found_expeditionary: float = 0.7  # a lead this expeditionary founds an expeditionary force
    thematic_rate: float = 1.0
    coordination_strength: float = 2.0
    core_protection: float = 0.8
    drop_step: float = 0.1  # a non-core area given up for each such fall below the peak budget
    rebuild_years: int = 4
    rebuild_premium: float = 0.08
    rebuild_share: float = 0.5
    pool_scarce_gap: float = 0.25
    specialisation_share: float = 0.5
    # rings
    strategic_min_form: int = 3
    strategic_min_areas: int = 3
    strategic_min_years: int = 3
    strategic_min_initiative: int = 1
    strategic_max_partners: int = 8
    ring_framework_weight: float = 1.0
    ring_duration_form: int = 3
    ring_hysteresis: float = 0.25
    ring_exit_delay: int = 2


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

    seed: int = 42
    start_year: int = 2012
    end_year: int = 2035
    focal: str = "NLD"
    catalyst: float = 0.5
    coordinated_cuts: bool = False
    # what the run is compared with: "baseline" (the scenario without its budget
    # changes and rules), "none", or the name of a shipped scenario
    counterfactual: str = "baseline"
    # runs per job, seeded from `seed` by numpy's SeedSequence.spawn (1: `seed` itself)
    replicates: int = 1
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    params: ModelParams = field(default_factory=ModelParams)
    world: WorldConfig = field(default_factory=WorldConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    sweep: SweepConfig = field(default_factory=SweepConfig)


FIRST_YEAR = 2012  # the world data describe 2012 (2011 economic figures, 2012 cooperation record)
LAST_YEAR = 2100


def to_config(cfg: Any = None) -> Config:
    """Validate `cfg` (a nested mapping, DictConfig, Config or None) against the schema.

    Unknown keys, wrong types and impossible values raise :class:`ConfigError` with
    a one-line message naming the key; None gives the defaults.
    """
    if isinstance(cfg, Config):
        check_values(cfg)  # built in Python: the types are the dataclass's own
        return cfg
    try:
        schema = _schema()
        if cfg is None:
            merged = copy.deepcopy(schema)
        else:
            if isinstance(cfg, DictConfig):
                cfg = OmegaConf.to_container(cfg, resolve=True)
            if isinstance(cfg, dict):
                cfg = {k: _shipped(k, v) for k, v in cfg.items() if k != "hydra"}
            merged = OmegaConf.merge(schema, cfg)
        config: Config = OmegaConf.to_object(merged)  # type: ignore[assignment]
    except OmegaConfBaseException as exc:
        raise ConfigError(_omegaconf_message(exc)) from None
    check_values(config)
    return config


@functools.cache
def _schema() -> DictConfig:
    """:class:`Config` as an OmegaConf schema, built once per process: ``OmegaConf.merge``
    deep-copies its first argument, so a merge never changes the schema."""
    return OmegaConf.structured(Config)


def config_container(config: Any) -> Any:
    """A config dataclass as plain dicts and lists: what
    ``OmegaConf.to_container(OmegaConf.structured(config))`` gives.

    A config whose every value already has its field's exact type (one built by
    :func:`to_config`, and one derived from it by ``dataclasses.replace``) is taken
    as it is (``dataclasses.asdict``): OmegaConf would convert none of its values. Any
    other (an int in a float field, a tuple for a list, a string holding ``${``, which
    OmegaConf parses as an interpolation) goes through OmegaConf, its conversions and
    its errors.
    """
    if dataclasses.is_dataclass(config) and _as_typed(config, type(config)):
        return dataclasses.asdict(config)
    return OmegaConf.to_container(OmegaConf.structured(config))


def config_yaml(container: Any) -> str:
    """``OmegaConf.to_yaml(container)`` for a container from :func:`config_container`:
    the same dump (OmegaConf's dumper and options), without first turning the container
    into a DictConfig and back, which gives it back unchanged."""
    return yaml.dump(
        container,
        default_flow_style=False,
        allow_unicode=True,
        sort_keys=False,
        Dumper=get_omega_conf_dumper(),
    )


@functools.cache
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in fields(cls))


_PLAIN = (int, float, str, bool)


def _as_typed(value: Any, hint: Any) -> bool:
    """Whether `value` has exactly the type `hint` names (a dataclass, ``list[...]``,
    ``X | None``, int, float, str or bool), all the way down, with no string OmegaConf
    would read as an interpolation."""
    if hint in _PLAIN:
        return type(value) is hint and not (hint is str and "${" in value)
    if hint is type(None):
        return value is None
    if dataclasses.is_dataclass(hint):
        return type(value) is hint and all(
            _as_typed(getattr(value, name), h) for name, h in _field_types(hint)
        )
    origin = typing.get_origin(hint)
    if origin is list:
        (item,) = typing.get_args(hint)
        return type(value) is list and all(_as_typed(v, item) for v in value)
    if origin is types.UnionType or origin is typing.Union:
        return any(_as_typed(value, h) for h in typing.get_args(hint))
    return False


def counterfactual_config(config: Config) -> Config | None:
    """The configuration of `config`'s counterfactual, or None (``counterfactual: none``).

    ``baseline``: the same world, seed, policy and settings, and the same scenario
    without its budget changes and budget rules (its growth, threats and memberships
    kept): what would have happened without the cuts or rises. A shipped scenario's
    name: that scenario instead, all else the same.
    """
    if config.counterfactual == "none":
        return None
    if config.counterfactual == "baseline":
        scenario = dataclasses.replace(
            config.scenario,
            name=f"{config.scenario.name} without its budget changes",
            budget_changes=[],
            budget_rules=[],
        )
    else:
        scenario = to_config({"scenario": config.counterfactual}).scenario
    return dataclasses.replace(config, scenario=scenario, counterfactual="none")


def scale_budget_changes(scenario: ScenarioConfig, factor: float) -> ScenarioConfig:
    """`scenario` with every budget change's cut and rise multiplied by `factor` (0: none,
    1: as written, 2: twice as deep); its budget rules, growth, threats and memberships
    are kept. The name says so unless `factor` is 1. A cut scaled to 100 % or more is
    refused when the config is checked (:func:`check_values`)."""
    return _scaled(scenario, factor, "budget_changes", ("cut", "rise"), "budget changes")


def scale_threat_events(scenario: ScenarioConfig, factor: float) -> ScenarioConfig:
    """`scenario` with every threat event's rise and near rise multiplied by `factor`
    (0: no rise, 1: as written); all else kept, the name saying so unless `factor` is 1.
    The model has no threat parameter of its own: threat levels move only through a
    scenario's threat events (and budgets answer them only through budget rules)."""
    return _scaled(scenario, factor, "threat_events", ("rise", "near_rise"), "threat rises")


def _scaled(
    scenario: ScenarioConfig, factor: float, entries: str, fields: tuple[str, ...], label: str
) -> ScenarioConfig:
    """`scenario` with `fields` of each of its `entries` multiplied by `factor`, named so."""
    what = entries.replace("_", " ")
    if factor < 0:
        raise ConfigError(f"{what}: the scale must be >= 0 (got {factor})")
    if factor == 1:
        return scenario
    scaled = [
        dataclasses.replace(entry, **{f: getattr(entry, f) * factor for f in fields})
        for entry in getattr(scenario, entries)
    ]
    return dataclasses.replace(
        scenario, name=f"{scenario.name} ({label} x{factor:g})", **{entries: scaled}
    )


def unused_changes(config: Config) -> list[str]:
    """Scenario entries dated after `end_year`, which a run never reaches (one line each):
    legitimate in a short run of a longer scenario, so reported rather than refused."""
    sc, end = config.scenario, config.end_year
    dated = [
        *(("budget_changes", k, ch.start) for k, ch in enumerate(sc.budget_changes)),
        *(("budget_rules", k, r.start) for k, r in enumerate(sc.budget_rules)),
        *(("growth_changes", k, g.start) for k, g in enumerate(sc.growth_changes)),
        *(("threat_events", k, e.year) for k, e in enumerate(sc.threat_events)),
        *(("membership_changes", k, m.year) for k, m in enumerate(sc.membership_changes)),
    ]
    return [
        f"scenario.{group}[{k}] starts in {year}, after end_year {end}: no effect in this run"
        for group, k, year in dated
        if year > end
    ]


def conf_dir() -> Path:
    """The repository's ``conf/`` (source checkout) or the copy shipped in the package."""
    repo = Path(__file__).resolve().parents[3] / "conf"
    if (repo / "config.yaml").is_file():
        return repo
    return Path(__file__).resolve().parents[1] / "conf"


def _shipped(key: str, value: Any) -> Any:
    """A shipped scenario or policy named by its file (``"deep_cuts"``) as its settings."""
    if key not in ("scenario", "policy") or not isinstance(value, str):
        return value
    folder = conf_dir() / key
    path = folder / f"{value}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml")))
        raise ConfigError(f"{key}: no shipped {key} named {value!r} (one of: {known})")
    content = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
    if not isinstance(content, dict) or not content:
        raise ConfigError(f"{key}: {path} is empty or holds no settings")
    return content


def _omegaconf_message(exc: OmegaConfBaseException) -> str:
    """One line from an OmegaConf error: what went wrong and at which key."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    key = getattr(exc, "full_key", None)
    if key and key not in first:
        return f"{first} (key: {key})"
    return first


def _require(ok: bool, key: str, message: str) -> None:
    if not ok:
        raise ConfigError(f"{key}: {message}")


def check_values(config: Config) -> None:
    """Reject impossible values that the types alone admit (one-line ConfigError)."""
    _require(
        config.start_year == FIRST_YEAR,
        "start_year",
        f"must be {FIRST_YEAR}: the world data describe {FIRST_YEAR} (got {config.start_year})",
    )
    _require(
        config.start_year < config.end_year <= LAST_YEAR,
        "end_year",
        f"must lie after start_year {config.start_year} and not after {LAST_YEAR} "
        f"(got {config.end_year})",
    )
    _require(
        0.0 <= config.catalyst <= 1.0, "catalyst", f"must be in [0, 1] (got {config.catalyst})"
    )
    _require(config.seed >= 0, "seed", f"must be a non-negative integer (got {config.seed})")
    _require(
        1 <= config.replicates <= 100_000,
        "replicates",
        f"must be an integer from 1 to 100000 (got {config.replicates})",
    )
    name = config.sweep.name
    _require(
        name is None or (name not in ("", ".", "..") and re.fullmatch(r"[A-Za-z0-9_.-]+", name)),
        "sweep.name",
        f"must be a folder name of letters, digits, '_', '.' and '-' (got {name!r})",
    )
    if config.counterfactual not in ("baseline", "none"):
        known = sorted(p.stem for p in (conf_dir() / "scenario").glob("*.yaml"))
        _require(
            config.counterfactual in known,
            "counterfactual",
            f"must be baseline, none or a shipped scenario ({', '.join(known)}); "
            f"got {config.counterfactual!r}",
        )
    _check_scenario(config)
    _check_policy(config.policy)
    _check_params(config.params)
    check_formats(config.output.formats, "output.formats")
    check_dpi(config.output.dpi, "output.dpi")


def check_formats(formats: Any, key: str = "formats") -> tuple[str, ...]:
    """File formats of figures without repeats, each one of png, svg, pdf (ConfigError)."""
    if isinstance(formats, str):
        formats = [formats]
    chosen = tuple(dict.fromkeys(formats))
    _require(len(chosen) > 0, key, f"give at least one of {', '.join(FIGURE_FORMATS)}")
    for fmt in chosen:
        _require(
            fmt in FIGURE_FORMATS,
            key,
            f"unknown format {fmt!r} (choose from {', '.join(FIGURE_FORMATS)})",
        )
    return chosen


def check_dpi(dpi: Any, key: str = "dpi") -> int:
    """Dots per inch of PNG figures: a whole number from 50 to 600 (ConfigError)."""
    low, high = DPI_RANGE
    whole = isinstance(dpi, int) and not isinstance(dpi, bool)
    _require(
        whole and low <= dpi <= high, key, f"must be a whole number {low}-{high} (got {dpi!r})"
    )
    return dpi


def _check_scenario(config: Config) -> None:
    sc = config.scenario
    _require(-0.5 < sc.gdp_growth < 0.5, "scenario.gdp_growth", f"implausible ({sc.gdp_growth})")
    for k, ch in enumerate(sc.budget_changes):
        key = f"scenario.budget_changes[{k}]"
        _require(
            config.start_year <= ch.start <= LAST_YEAR,
            f"{key}.start",
            f"must lie in {config.start_year}..{LAST_YEAR}: the model starts from the "
            f"{config.start_year} data (got {ch.start})",
        )
        _require(ch.end <= LAST_YEAR, f"{key}.end", f"must not lie after {LAST_YEAR}")
        _require(0.0 <= ch.cut < 1.0, f"{key}.cut", f"must be in [0, 1) (got {ch.cut})")
        _require(ch.rise >= 0.0, f"{key}.rise", f"must be >= 0 (got {ch.rise})")
        _require(ch.start <= ch.end, f"{key}.end", f"must not lie before start {ch.start}")
        _require(len(ch.who) > 0, f"{key}.who", "names no state")
    for k, rule in enumerate(sc.budget_rules):
        key = f"scenario.budget_rules[{k}]"
        _require(
            rule.rule in BUDGET_RULES,
            f"{key}.rule",
            f"must be one of {', '.join(BUDGET_RULES)} (got {rule.rule!r})",
        )
        _require(
            FIRST_YEAR < rule.start <= LAST_YEAR,
            f"{key}.start",
            f"must lie in {FIRST_YEAR + 1}..{LAST_YEAR} (got {rule.start})",
        )
        _require(rule.start <= rule.end, f"{key}.end", f"must not lie before start {rule.start}")
        _require(0.0 < rule.share < 0.2, f"{key}.share", f"must be in (0, 0.2) (got {rule.share})")
        _require(len(rule.who) > 0, f"{key}.who", "names no state")
    for k, ev in enumerate(sc.threat_events):
        key = f"scenario.threat_events[{k}]"
        _require(
            FIRST_YEAR < ev.year <= LAST_YEAR,
            f"{key}.year",
            f"must lie in {FIRST_YEAR + 1}..{LAST_YEAR} (got {ev.year})",
        )
        _require(-1.0 < ev.rise <= 5.0, f"{key}.rise", f"must be in (-1, 5] (got {ev.rise})")
        _require(
            0.0 <= ev.near_rise <= 5.0,
            f"{key}.near_rise",
            f"must be in [0, 5] (got {ev.near_rise})",
        )
        _require(abs(ev.origin_lat) <= 90, f"{key}.origin_lat", "must be in [-90, 90]")
        _require(abs(ev.origin_lon) <= 180, f"{key}.origin_lon", "must be in [-180, 180]")
        _require(len(ev.who) > 0, f"{key}.who", "names no state")
    for k, mc in enumerate(sc.membership_changes):
        key = f"scenario.membership_changes[{k}]"
        _require(
            mc.institution in INSTITUTIONS,
            f"{key}.institution",
            f"must be one of {', '.join(INSTITUTIONS)} (got {mc.institution!r})",
        )
        _require(
            mc.change in MEMBERSHIP_CHANGES,
            f"{key}.change",
            f"must be one of {', '.join(MEMBERSHIP_CHANGES)} (got {mc.change!r})",
        )
        _require(
            FIRST_YEAR < mc.year <= LAST_YEAR,
            f"{key}.year",
            f"must lie in {FIRST_YEAR + 1}..{LAST_YEAR} (got {mc.year})",
        )
        _require(len(mc.who) > 0, f"{key}.who", "names no state")
    for k, gc in enumerate(sc.growth_changes):
        key = f"scenario.growth_changes[{k}]"
        _require(
            config.start_year <= gc.start <= LAST_YEAR,
            f"{key}.start",
            f"must lie in {config.start_year}..{LAST_YEAR}: the model starts from the "
            f"{config.start_year} data (got {gc.start})",
        )
        _require(-0.5 < gc.growth < 0.5, f"{key}.growth", f"implausible ({gc.growth})")
        _require(gc.start <= gc.end, f"{key}.end", f"must not lie before start {gc.start}")
        _require(len(gc.who) > 0, f"{key}.who", "names no state")


def _check_policy(policy: PolicyConfig) -> None:
    _require(
        policy.applies_to in ("focal", "all"),
        "policy.applies_to",
        f"must be 'focal' or 'all' (got {policy.applies_to!r})",
    )
    _require(1 <= policy.max_form <= 6, "policy.max_form", f"must be 1..6 (got {policy.max_form})")
    _require(
        1 <= policy.max_form_core <= policy.max_form,
        "policy.max_form_core",
        f"must be 1..max_form ({policy.max_form}) (got {policy.max_form_core})",
    )
    _require(policy.max_priority_partners >= 0, "policy.max_priority_partners", "must be >= 0")
    _require(policy.autonomy_weight >= 0, "policy.autonomy_weight", "must be >= 0")
    _require(policy.deepen_bonus >= 0, "policy.deepen_bonus", "must be >= 0")
    _require(policy.new_partner_penalty >= 0, "policy.new_partner_penalty", "must be >= 0")
    _require(policy.thematic_factor >= 0, "policy.thematic_factor", "must be >= 0")
    _require(
        0 <= policy.prune_rate <= 1,
        "policy.prune_rate",
        f"must be in [0, 1] (got {policy.prune_rate})",
    )
    _require(
        1 <= policy.prune_max_form <= 3,
        "policy.prune_max_form",
        f"must be 1..3 (got {policy.prune_max_form})",
    )
    _require(
        policy.prune_rate == 0 or policy.max_priority_partners > 0,
        "policy.prune_rate",
        "needs policy.max_priority_partners > 0 (pruning ends ties with non-priority partners)",
    )


_UNIT_INTERVAL = (
    "pressure_smoothing",
    "weight_distance",
    "weight_culture",
    "weight_synergy",
    "weight_goals",
    "distance_geo_share",
    "trust_gain",
    "trust_decay",
    "trust_noise",
    "trust_shock",
    "trust_base_member",
    "trust_base_other",
    "trust_initial_margin",
    "reliability_floor",
    "cut_tolerance",
    "trust_margin",
    "fit_margin",
    "framework_join_rate",
    "core_protection",
    "drop_step",
    "ring_hysteresis",
    "budget_adjust_rate",
    "rebuild_share",
    "pool_scarce_gap",
    "specialisation_share",
    "framework_consent",
    "found_rate",
    "found_need_gap",
    "found_expeditionary",
    "ring_framework_weight",
)
_NON_NEGATIVE = (
    "upkeep_cost",
    "acquisition_years",
    "goal_weight_political",
    "goal_weight_military",
    "goal_weight_economic",
    "economic_base",
    "economic_pressure",
    "political_base",
    "transaction_cost",
    "benefit_scale",
    "core_weight",
    "choice_temperature",
    "coordination_strength",
    "thematic_rate",
    "threat_budget_response",
    "threat_requirement",
    "threat_military_goal",
    "need_weight",
    "rebuild_premium",
)


def _check_params(p: ModelParams) -> None:
    for name in _UNIT_INTERVAL:
        v = getattr(p, name)
        _require(0.0 <= v <= 1.0, f"params.{name}", f"must be in [0, 1] (got {v})")
    for name in _NON_NEGATIVE:
        v = getattr(p, name)
        _require(v >= 0.0, f"params.{name}", f"must be >= 0 (got {v})")
    _require(p.upkeep_cost > 0, "params.upkeep_cost", "must be > 0")
    _require(p.acquisition_years > 0, "params.acquisition_years", "must be > 0")
    _require(p.distance_scale_km > 0, "params.distance_scale_km", "must be > 0")
    _require(
        -0.05 <= p.cost_growth_excess <= 0.1,
        "params.cost_growth_excess",
        f"must be in [-0.05, 0.1] (got {p.cost_growth_excess})",
    )
    _require(p.threat_distance_km > 0, "params.threat_distance_km", "must be > 0")
    _require(p.rebuild_years >= 0, "params.rebuild_years", "must be >= 0")
    _require(p.hire_duration >= 1, "params.hire_duration", "must be >= 1 year")
    for name in ("pressure_memory", "initiatives_per_year", "strategic_min_years"):
        v = getattr(p, name)
        _require(v >= 1, f"params.{name}", f"must be >= 1 (got {v})")
    _require(p.ring_exit_delay >= 0, "params.ring_exit_delay", "must be >= 0")
    _require(1 <= p.strategic_min_form <= 6, "params.strategic_min_form", "must be 1..6")
    _require(1 <= p.ring_duration_form <= 6, "params.ring_duration_form", "must be 1..6")
    _require(p.strategic_min_areas >= 1, "params.strategic_min_areas", "must be >= 1")
    _require(p.strategic_min_initiative >= 0, "params.strategic_min_initiative", "must be >= 0")
    _require(p.strategic_max_partners >= 1, "params.strategic_max_partners", "must be >= 1")
    _require(p.found_lead_rank >= 1, "params.found_lead_rank", "must be >= 1")
    _require(p.found_min_members >= 2, "params.found_min_members", "must be >= 2")
    _require(
        p.found_max_members >= p.found_min_members,
        "params.found_max_members",
        f"must be >= found_min_members ({p.found_min_members})",
    )
    weights = p.weight_distance + p.weight_culture + p.weight_synergy + p.weight_goals
    _require(weights > 0, "params.weight_*", "the four partner-criteria weights are all zero")
    for f in fields(p):
        if f.name.startswith("form_"):
            values = getattr(p, f.name)
            key = f"params.{f.name}"
            _require(len(values) == N_FORMS, key, f"needs {N_FORMS} values, forms 0..6")
            _require(all(0.0 <= v <= 1.0 for v in values), key, "values must be in [0, 1]")
            _require(values[0] == 0.0, key, "form 0 (no cooperation) must be 0")
            if f.name != "form_overhead":
                _require(
                    all(a <= b for a, b in itertools.pairwise(values)),
                    key,
                    "must not decrease with the form",
                )
    _require(
        all(s >= o for s, o in zip(p.form_saving, p.form_overhead, strict=True)),
        "params.form_overhead",
        "must not exceed form_saving at any form",
    )


def register_schema() -> None:
    """Register :class:`Config` as ``config_schema`` in Hydra's ConfigStore (idempotent)."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="config_schema", node=Config)


register_schema()
