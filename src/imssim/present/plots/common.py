"""Pieces the figures of a run share: names in titles, year ticks, region labels.

Imported by the registry too (for captions), so matplotlib is imported only inside
the functions that draw.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from imssim.config import Config
from imssim.present.scenario_text import state_name

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


def frame(fig, *, left: float, right: float, top: float, bottom: float) -> tuple[float, ...]:
    """The rectangle (figure fractions, for ``fig.add_axes`` or ``add_gridspec``) inside
    margins given in inches.

    The figures of a run are laid out by hand, with margins wide enough for their
    longest labels, not by a layout engine: constrained layout measured every text and
    tick of a chart three times before drawing it, a fifth of the time of a chart.
    Margins to spare cost nothing, since a file is cut to its ink when written.
    """
    width, height = fig.get_size_inches()
    return (left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height)


@dataclasses.dataclass(frozen=True)
class Margins:
    """The margins round a grid of panels and the gaps between its cells, in inches
    (see :func:`grid`)."""

    left: float
    right: float
    top: float
    bottom: float
    wgap: float = 0.0
    hgap: float = 0.0


# four panels, two by two, with a legend below them (see legend_below)
FOUR_PANELS = Margins(left=0.9, right=0.2, top=1.0, bottom=1.0, wgap=1.0, hgap=0.45)


def grid(fig, rows: int, cols: int, margins: Margins):
    """A GridSpec inside `margins`, with their gaps between cells (see :func:`frame`)."""
    m = margins
    x, y, w, h = frame(fig, left=m.left, right=m.right, top=m.top, bottom=m.bottom)
    width, height = fig.get_size_inches()
    cell_w = (w * width - (cols - 1) * m.wgap) / cols
    cell_h = (h * height - (rows - 1) * m.hgap) / rows
    return fig.add_gridspec(
        rows,
        cols,
        left=x,
        right=x + w,
        bottom=y,
        top=y + h,
        wspace=m.wgap / cell_w if cols > 1 else None,
        hspace=m.hgap / cell_h if rows > 1 else None,
    )


def run_label(config: Config) -> str:
    return f"scenario {config.scenario.name}, policy {config.policy.name}"


# the yearly marks: markers only, under the axis, outside the data limits and the legend
_YEAR_MARKS = {
    "linestyle": "none",
    "clip_on": False,
    "scalex": False,
    "scaley": False,
    "label": "_year marks",
    "gid": "year-marks",
}


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
        marker=TICKDOWN,
        markersize=mpl.rcParams["xtick.minor.size"],
        markeredgewidth=mpl.rcParams["xtick.minor.width"],
        color=mpl.rcParams["xtick.color"],
        **_YEAR_MARKS,
    )


def legend_below(fig, ax, ncol: int, *, left: float = 0.9, right: float = 0.2) -> None:
    """The legend of `ax`, centred under the panels of a figure laid out with `left`
    and `right` margins (inches) by :func:`grid`."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5 + (left - right) / 2 / fig.get_figwidth(), 0.0),
        ncol=ncol,
        frameon=False,
    )
