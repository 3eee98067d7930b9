"""Scenario transforms: a config's counterfactual, a scenario's budget changes or threat
rises scaled, and the scenario entries a run never reaches."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from imssim.config.convert import to_config
from imssim.config.counterfactual import baseline_kind, is_removal, without, without_words
from imssim.config.schema import Config, ScenarioConfig
from imssim.errors import ConfigError


def counterfactual_config(config: Config) -> Config | None:
    """The configuration of `config`'s counterfactual, or None (``counterfactual: none``):
    the same world, seed, policy and settings with another scenario
    (:mod:`imssim.config.counterfactual`).

    ``baseline``: the same scenario without its budget changes and budget rules (its
    growth, threats and memberships kept): what would have happened without the cuts or
    rises. ``without:...``: the same scenario without the lists or entries named. A
    scenario's name or a scenario file's path: that scenario instead.
    """
    kind = config.counterfactual
    if kind == "none":
        return None
    if kind == "baseline":
        kind = baseline_kind()
    scenario = without(config.scenario, kind) if is_removal(kind) else named_scenario(kind)
    return dataclasses.replace(config, scenario=scenario, counterfactual="none")


def named_scenario(name: str) -> ScenarioConfig:
    """A shipped scenario by name, or the scenario of a file (a path ending in .yaml or
    .yml, absolute or relative to the working folder, read as :func:`to_config` reads a
    scenario file); a one-line ConfigError naming the file when it is missing or broken."""
    try:
        return to_config({"scenario": name}).scenario
    except ConfigError as exc:
        if name.endswith((".yaml", ".yml")) and name not in str(exc):
            raise ConfigError(f"{name}: {exc}") from None
        raise


def counterfactual_words(config: Config) -> str:
    """How the summary names the counterfactual of `config`: "without the budget changes
    and the budget rules", "without DEU's budget change (budget_changes[0])", "under
    wales_pledge"."""
    kind = config.counterfactual
    if kind == "baseline":
        kind = baseline_kind()
    if is_removal(kind):
        return without_words(config.scenario, kind)
    return f"under {Path(kind).stem if kind.endswith(('.yaml', '.yml')) else kind}"


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
