"""Pieces the figures of a run share: names in titles, year ticks, region labels.

Imported by the registry too (for captions), so matplotlib is imported only inside
the functions that draw.
"""

from __future__ import annotations

from collections.abc import Sequence

from imssim.config import Config
from imssim.summary import state_name

REGION_LABELS = {
    "north": "North",
    "west": "West",
    "south": "South",
    "east": "East",
    "north_america": "North America",
    "other": "Other",
}


def display(code: str, names: dict[str, str], *, sentence: bool = False) -> str:
    """'Spain (ESP)'; in a sentence 'the Netherlands (NLD)'."""
    if code not in names or names[code] == code:
        return code
    name = state_name(code, names) if sentence else names[code]
    return f"{name} ({code})"


def run_label(config: Config) -> str:
    return f"scenario {config.scenario.name}, policy {config.policy.name}"


def year_ticks(axis, years: Sequence[int], *, minor: bool = True) -> None:
    """Round years as labelled ticks (every 1, 2, 5 or 10 years) and, with `minor`,
    every year as a minor tick."""
    from matplotlib.ticker import MultipleLocator

    span = max(years) - min(years)
    step = 1 if span <= 8 else 2 if span <= 16 else 5 if span <= 50 else 10
    axis.set_major_locator(MultipleLocator(step))
    if minor and step > 1:
        axis.set_minor_locator(MultipleLocator(1))
