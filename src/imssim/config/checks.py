"""The checks of a config's values: what the types alone admit but the model cannot run.

Each setting's bounds are read from the schema (:mod:`imssim.config.parameters`); the
checks here add what bounds cannot say: the years the world data allow, relations
between settings (``params.found_max_members`` >= ``params.found_min_members``,
``policy.max_form_core`` <= ``policy.max_form``), the form vectors, the scenario's
entries and the names of shipped files. Every failure is a one-line
:class:`~imssim.errors.ConfigError` naming the key.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

from imssim.config.counterfactual import is_removal, removals
from imssim.config.fields import Bounds, field_bounds
from imssim.config.parameters import bounded_settings, is_integer
from imssim.config.schema import (
    BUDGET_RULES,
    DPI_RANGE,
    FIGURE_FORMATS,
    FIRST_YEAR,
    INSTITUTIONS,
    LAST_YEAR,
    MEMBERSHIP_CHANGES,
    N_FORMS,
    Config,
    ModelParams,
    PolicyConfig,
    ScenarioConfig,
)
from imssim.config.shipped import group_options
from imssim.errors import ConfigError


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
    check_bounds(config)
    name = config.sweep.name
    _require(
        name is None or (name not in ("", ".", "..") and re.fullmatch(r"[A-Za-z0-9_.-]+", name)),
        "sweep.name",
        f"must be a folder name of letters, digits, '_', '.' and '-' (got {name!r})",
    )
    _check_counterfactual(config)
    _check_scenario(config.scenario, config.start_year)
    _check_policy(config.policy)
    _check_params(config.params)
    check_formats(config.output.formats, "output.formats")
    check_dpi(config.output.dpi, "output.dpi")


def check_bounds(config: Config) -> None:
    """Every numeric setting within the bounds the schema gives it (the values of a list,
    the form vectors, are checked with the list: :func:`check_values`)."""
    for key, bounds in bounded_settings().items():
        value: Any = config
        for part in key.split("."):
            value = getattr(value, part)
        if isinstance(value, list):
            continue
        if not bounds.admits(value):  # the message only when needed: runs check every key
            raise ConfigError(f"{key}: must be {bounds.text(is_integer(key))} (got {value})")


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


def _check_counterfactual(config: Config) -> None:
    """The counterfactual names baseline, none, removals that each take out at least one
    entry, a shipped scenario or a scenario file (:mod:`imssim.config.counterfactual`)."""
    kind = config.counterfactual
    if kind in ("baseline", "none"):
        return
    if is_removal(kind):
        for removal in removals(kind):
            removal.picks(config.scenario)
        return
    if kind.endswith((".yaml", ".yml")):
        _require(Path(kind).expanduser().is_file(), "counterfactual", f"no scenario file {kind!r}")
        return
    known = group_options("scenario")
    _require(
        kind in known,
        "counterfactual",
        f"must be baseline, none, without:<list>[.<position or who>][+...], a scenario file "
        f"(.yaml), a scenario of the search path or a shipped scenario ({', '.join(known)}); "
        f"got {kind!r}",
    )


def _check_scenario(sc: ScenarioConfig, start_year: int) -> None:
    _require(-0.5 < sc.gdp_growth < 0.5, "scenario.gdp_growth", f"implausible ({sc.gdp_growth})")
    _check_budget_changes(sc, start_year)
    _check_budget_rules(sc)
    _check_threat_events(sc)
    _check_membership_changes(sc)
    _check_growth_changes(sc, start_year)


def _check_budget_changes(sc: ScenarioConfig, start_year: int) -> None:
    for k, ch in enumerate(sc.budget_changes):
        key = f"scenario.budget_changes[{k}]"
        _require(
            start_year <= ch.start <= LAST_YEAR,
            f"{key}.start",
            f"must lie in {start_year}..{LAST_YEAR}: the model starts from the "
            f"{start_year} data (got {ch.start})",
        )
        _require(ch.end <= LAST_YEAR, f"{key}.end", f"must not lie after {LAST_YEAR}")
        _require(0.0 <= ch.cut < 1.0, f"{key}.cut", f"must be in [0, 1) (got {ch.cut})")
        _require(ch.rise >= 0.0, f"{key}.rise", f"must be >= 0 (got {ch.rise})")
        _require(ch.start <= ch.end, f"{key}.end", f"must not lie before start {ch.start}")
        _require(len(ch.who) > 0, f"{key}.who", "names no state")


def _check_budget_rules(sc: ScenarioConfig) -> None:
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


def _check_threat_events(sc: ScenarioConfig) -> None:
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


def _check_membership_changes(sc: ScenarioConfig) -> None:
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


def _check_growth_changes(sc: ScenarioConfig, start_year: int) -> None:
    for k, gc in enumerate(sc.growth_changes):
        key = f"scenario.growth_changes[{k}]"
        _require(
            start_year <= gc.start <= LAST_YEAR,
            f"{key}.start",
            f"must lie in {start_year}..{LAST_YEAR}: the model starts from the "
            f"{start_year} data (got {gc.start})",
        )
        _require(-0.5 < gc.growth < 0.5, f"{key}.growth", f"implausible ({gc.growth})")
        _require(gc.start <= gc.end, f"{key}.end", f"must not lie before start {gc.start}")
        _require(len(gc.who) > 0, f"{key}.who", "names no state")


def _check_policy(policy: PolicyConfig) -> None:
    """What the bounds cannot say of a policy: its name of whom it applies to and the
    relations between its settings."""
    _require(
        policy.applies_to in ("focal", "all"),
        "policy.applies_to",
        f"must be 'focal' or 'all' (got {policy.applies_to!r})",
    )
    _require(
        policy.max_form_core <= policy.max_form,
        "policy.max_form_core",
        f"must be 1..max_form ({policy.max_form}) (got {policy.max_form_core})",
    )
    _require(
        policy.prune_rate == 0 or policy.max_priority_partners > 0,
        "policy.prune_rate",
        "needs policy.max_priority_partners > 0 (pruning ends ties with non-priority partners)",
    )


def _check_params(p: ModelParams) -> None:
    """What the bounds cannot say of the mechanism parameters: relations between them
    and the form vectors."""
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
            bounds = field_bounds(f) or Bounds()
            _require(len(values) == N_FORMS, key, f"needs {N_FORMS} values, forms 0..6")
            if not all(bounds.admits(v) for v in values):
                raise ConfigError(f"{key}: values must be {bounds.text()}")
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
