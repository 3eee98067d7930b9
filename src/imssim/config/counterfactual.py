"""What a run is compared with: the counterfactual a strategist names.

``counterfactual`` takes one of:

- ``baseline`` (the default): the same scenario without its budget changes and budget
  rules, its growth, threats and memberships kept;
- ``none``: no counterfactual;
- a scenario's name on the search path, or the path of a scenario file (``.yaml``):
  that scenario instead, all else the same;
- ``without:<removal>[+<removal>...]``: the same scenario without what each removal
  names. A removal is a list of the scenario (``budget_changes``, ``budget_rules``,
  ``threat_events``, ``membership_changes``, ``growth_changes``), all of it, or one
  entry of it: ``<list>.<position>`` (from 0, in the order of the file) or
  ``<list>.<who>`` (the entries whose ``who`` names that state code or group). So
  ``without:budget_changes.DEU`` isolates Germany's cut, and
  ``without:budget_rules.POL+threat_events`` removes Poland's rule and every threat.

This module parses a removal and applies it to a :class:`ScenarioConfig`; it knows
nothing of files or Hydra (:mod:`imssim.config.scenarios` loads named scenarios).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from imssim.config.schema import ScenarioConfig
from imssim.errors import ConfigError

PREFIX = "without:"
LISTS = ("budget_changes", "budget_rules", "threat_events", "membership_changes", "growth_changes")
# how a removal is named in words: the list, and one entry of it
WORDS = {
    "budget_changes": ("the budget changes", "budget change"),
    "budget_rules": ("the budget rules", "budget rule"),
    "threat_events": ("the threat events", "threat event"),
    "membership_changes": ("the membership changes", "membership change"),
    "growth_changes": ("the growth changes", "growth change"),
}


@dataclass(frozen=True)
class Removal:
    """One removal: a list of the scenario, and which of its entries (None: all)."""

    entries: str
    selector: str | None = None

    def picks(self, scenario: ScenarioConfig) -> list[int]:
        """The positions of the entries this removal takes out of `scenario`; a
        ConfigError when it names none."""
        items = getattr(scenario, self.entries)
        if self.selector is None:
            return list(range(len(items)))
        if self.selector.isdigit():
            k = int(self.selector)
            if k >= len(items):
                raise ConfigError(
                    f"counterfactual: {self.entries}.{k}: the scenario has "
                    f"{len(items)} {self.entries.replace('_', ' ')} (positions from 0)"
                )
            return [k]
        found = [k for k, item in enumerate(items) if self.selector in item.who]
        if not found:
            raise ConfigError(
                f"counterfactual: {self.entries}.{self.selector}: no entry of "
                f"scenario.{self.entries} names {self.selector!r} in its who"
            )
        return found

    def words(self, scenario: ScenarioConfig) -> str:
        """The removal in words, e.g. "DEU's budget change (budget_changes[0])"."""
        every, one = WORDS[self.entries]
        if self.selector is None:
            return every
        picked = ", ".join(f"{self.entries}[{k}]" for k in self.picks(scenario))
        if self.selector.isdigit():
            return f"the {one} at {picked}"
        return f"{self.selector}'s {one} ({picked})"


def is_removal(kind: str) -> bool:
    """Whether a counterfactual value names removals (``without:...``)."""
    return kind.startswith(PREFIX)


def removals(kind: str) -> list[Removal]:
    """The removals a ``without:`` value names; a one-line ConfigError when malformed."""
    body = kind[len(PREFIX) :]
    out = []
    for part in body.split("+"):
        entries, _, selector = part.partition(".")
        if entries not in LISTS:
            raise ConfigError(
                f"counterfactual: {part!r}: name one of {', '.join(LISTS)}, optionally with "
                f".<position> or .<who> (e.g. without:budget_changes.DEU)"
            )
        if _ and not selector:
            raise ConfigError(f"counterfactual: {part!r}: a position or a who after the dot")
        out.append(Removal(entries, selector or None))
    return out


def without(scenario: ScenarioConfig, kind: str) -> ScenarioConfig:
    """`scenario` without what the ``without:`` value `kind` names, named so."""
    taken = {name: set[int]() for name in LISTS}
    for removal in removals(kind):
        taken[removal.entries].update(removal.picks(scenario))
    out = dataclasses.replace(scenario, name=f"{scenario.name} {without_words(scenario, kind)}")
    for name in LISTS:  # each list without its taken entries (the others kept as they are)
        kept = [e for k, e in enumerate(getattr(scenario, name)) if k not in taken[name]]
        setattr(out, name, kept)
    return out


def without_words(scenario: ScenarioConfig, kind: str) -> str:
    """How a ``without:`` value reads: "without DEU's budget change (budget_changes[0])
    and the threat events"."""
    parts = [r.words(scenario) for r in removals(kind)]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"without {joined}"


def baseline_kind() -> str:
    """The ``without:`` value the default counterfactual (``baseline``) stands for."""
    return f"{PREFIX}budget_changes+budget_rules"
