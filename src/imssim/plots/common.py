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


def year_ticks(ax, years: Sequence[int], *, minor: bool = True) -> None:
    """Round years as labelled ticks on the x axis (every 1, 2, 5 or 10 years) and, with
    `minor`, a short mark under every year.

    The yearly marks are one line of tick-shaped markers rather than matplotlib minor
    ticks: they look the same, but a minor tick is a full Tick object (two lines, two
    labels) laid out and drawn one by one, which made them a large part of the cost of
    a chart.
    """
    import matplotlib as mpl
    from matplotlib.markers import TICKDOWN
    from matplotlib.ticker import MultipleLocator

    span = max(years) - min(years)
    step = 1 if span <= 8 else 2 if span <= 16 else 5 if span <= 50 else 10
    ax.xaxis.set_major_locator(MultipleLocator(step))
    if not minor or step == 1:
        return
    marks = [y for y in range(min(years), max(years) + 1) if y % step]
    ax.plot(
        marks,
        [0.0] * len(marks),
        transform=ax.get_xaxis_transform(),
        linestyle="none",
        marker=TICKDOWN,
        markersize=mpl.rcParams["xtick.minor.size"],
        markeredgewidth=mpl.rcParams["xtick.minor.width"],
        color=mpl.rcParams["xtick.color"],
        clip_on=False,
        scalex=False,
        scaley=False,
        label="_year marks",
        gid="year-marks",
    )
