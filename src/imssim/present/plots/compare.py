"""Several runs side by side: scenarios and policies over time and at the end.

Runs are grouped by scenario and policy (and by any other setting that differs
between them, the seed excepted); a group with several seeds is drawn as its median
with a 10-90 % band. Each figure has a public function returning the figure and the
data frame of exactly what it draws (the numbers come from
:func:`imssim.present.outcome_table.outcomes`), so numbers in a text can be taken from the same
source as the chart. :func:`imssim.present.plots.writer.make_compare_figures` writes them.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from imssim.outcomes import MEASURES
from imssim.present.names import country_names
from imssim.present.outcome_table import HIGH_Q, LOW_Q, outcomes, span, summarise_groups
from imssim.present.plots.style import band, line_style, style
from imssim.runs.folders import RunFolder


def measure_title(key: str, focal: str | None, names: dict[str, str] | None = None) -> str:
    """The panel title of the measure `key`, naming the focal state (None: it differs
    between the runs)."""
    if focal is None:
        state = "Focal state"
    else:
        state = (names if names is not None else country_names()).get(focal, focal)
    return MEASURES[key].chart_title(state)


def measure_unit(key: str, base: int) -> str:
    """The axis label of the measure `key`, an index based on `base`."""
    return MEASURES[key].axis(base)


def _grid(n: int) -> tuple[int, int]:
    if n <= 3:
        return 1, n
    return (n + 1) // 2, 2


def figure_title(fig: Figure, title: str, notes: Sequence[str], width: int) -> None:
    """The figure's title, with the notes on comparability as wrapped lines below it."""
    lines = [title]
    for note in notes:
        lines += textwrap.wrap(note, width=width)
    fig.suptitle("\n".join(lines), fontsize=12)


def honest_range(ax, key: str, which: str) -> None:
    """An axis that does not magnify noise: a share on 0-1, a count or a shortfall from
    0 (the measure's ``axis_range``); other measures keep the range fitted to the data."""
    bounds = MEASURES[key].axis_range
    if bounds is None:
        return
    low, high = bounds
    get, put = (ax.get_ylim, ax.set_ylim) if which == "y" else (ax.get_xlim, ax.set_xlim)
    if high is None:  # from 0 to the data's top, with room for its markers
        top = get()[1]
        high = top + 0.06 * (top - low)
    put(low, max(high, low + 1e-9))


def _runs_per_group(n_runs: pd.Series) -> str:
    sizes = sorted(set(int(n) for n in n_runs))
    if sizes == [1]:
        return "one run per scenario and policy"
    counts = sizes[0] if len(sizes) == 1 else f"{sizes[0]}-{sizes[-1]}"
    return (
        f"median of {counts} runs (seeds) per scenario and policy, "
        f"band {LOW_Q}-{HIGH_Q} % across runs"
    )


def outcomes_over_time(
    runs: Sequence[RunFolder | str | Path] | str | Path,
    measure: str | Sequence[str] | None = None,
    *,
    focal: str | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """Small multiples of outcomes by year: a median line per group, a 10-90 % band.

    The band is drawn only for groups with more than one run. Returns the figure and
    the summary (:func:`summarise_groups`) it draws.
    """
    frame = outcomes(runs, measure, focal=focal)
    stats = summarise_groups(frame)
    measures = list(frame["measure"].cat.categories)
    groups = list(frame["group"].cat.categories)
    years = frame.attrs["years"]
    n_seeds = frame.groupby("group", observed=True)["run"].nunique()
    with style():
        rows, cols = _grid(len(measures))
        fig = Figure(figsize=(5.2 * cols if cols > 1 else 7.5, 3.6 * rows + 0.9))
        axes = fig.subplots(rows, cols, squeeze=False, sharex=True)
        every = max(1, len(years) // 6)
        for ax, key in zip(axes.flat, measures, strict=False):
            part = stats[stats["measure"] == key]
            if MEASURES[key].kind == "index":
                ax.axhline(100, color="0.5", linewidth=0.8, zorder=0, gid="reference")
            for i, group in enumerate(groups):
                g = part[part["group"] == group].sort_values("year")
                st = line_style(i)
                if bool(g["band"].any()):
                    band(ax, g, str(st["color"]), group)
                ax.plot(
                    g["year"],
                    g["median"],
                    label=group,
                    linewidth=1.8,
                    markersize=5,
                    markevery=every,
                    gid=f"median:{group}",
                    **st,
                )
            ax.set_title(measure_title(key, frame.attrs["focal"], frame.attrs["names"]), loc="left")
            ax.set_ylabel(measure_unit(key, years[0]))
            honest_range(ax, key, "y")
        for ax in axes[-1]:
            ax.set_xlabel("year")
            step = max(1, math.ceil(len(years) / 8))
            ax.set_xticks(years[::step])
        for ax in list(axes.flat)[len(measures) :]:
            ax.set_visible(False)
        figure_title(
            fig,
            f"Outcomes {span(years)}: {_runs_per_group(n_seeds)}",
            frame.attrs["notes"],
            width=int(14 * fig.get_figwidth()),
        )
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=min(2, len(labels)),
            title="scenario / policy",
            frameon=False,
        )
    return fig, stats


# a group's median in a panel of the last year: a dot, outlined, above the whisker
_MEDIAN = {
    "markersize": 8,
    "markeredgecolor": "black",
    "markeredgewidth": 0.6,
    "linestyle": "none",
    "zorder": 4,
}


def _group_row(ax, stats: pd.DataFrame, end: pd.DataFrame, key: str, group: str, y: int, i: int):
    """One group's row in a panel of the last year: each run a faint point, the 10-90 %
    whisker across runs and the median dot."""
    st = line_style(i)
    s = stats[(stats["measure"] == key) & (stats["group"] == group)].iloc[0]
    pts = end[(end["measure"] == key) & (end["group"] == group)]["value"]
    offsets = np.linspace(-0.18, 0.18, len(pts)) if len(pts) > 1 else np.zeros(1)
    ax.scatter(
        pts,
        y + offsets,
        s=18,
        color=st["color"],
        alpha=0.45,
        linewidths=0,
        zorder=2,
        gid=f"runs:{group}",
    )
    ax.plot(
        [s["p10"], s["p90"]],
        [y, y],
        color=st["color"],
        linewidth=2.2,
        solid_capstyle="butt",
        zorder=3,
        gid=f"whisker:{group}",
    )
    ax.plot(
        [s["median"]], [y], marker=st["marker"], color=st["color"], gid=f"median:{group}", **_MEDIAN
    )


def _last_year_legend(fig: Figure, stats: pd.DataFrame) -> None:
    """What the dot, the whisker and the faint points of the last year's panels are."""
    dot = Line2D([], [], marker="o", color="0.3", markeredgecolor="black", linestyle="none")
    if int(stats["n_runs"].max()) > 1:
        proxies = [
            dot,
            Line2D([], [], color="0.3", linewidth=2.2),
            Line2D([], [], marker="o", color="0.3", alpha=0.45, linestyle="none", ms=4.5),
        ]
        texts = ["median across runs", f"{LOW_Q}-{HIGH_Q} % of runs", "one run (seed)"]
    else:
        proxies, texts = [dot], ["value of the run (one run per scenario and policy)"]
    fig.legend(proxies, texts, loc="outside lower center", ncols=3, frameon=False)


def headline_outcomes(
    runs: Sequence[RunFolder | str | Path] | str | Path,
    measure: str | Sequence[str] | None = None,
    *,
    focal: str | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """Groups compared at the last common year: median dot, 10-90 % whisker, each run.

    Returns the figure and a frame with one row per run (``value``, a faint point)
    carrying its group's ``n_runs``, ``median``, ``p10``, ``p90``, ``min`` and ``max``
    (the dot and the whisker).
    """
    frame = outcomes(runs, measure, focal=focal)
    years = frame.attrs["years"]
    last = years[-1]
    end = frame[frame["year"] == last]
    stats = summarise_groups(end)
    drawn = end.merge(
        stats.drop(columns=["scenario", "policy"]), on=["group", "measure", "year"], how="left"
    )
    drawn.attrs = dict(frame.attrs)
    measures = list(frame["measure"].cat.categories)
    groups = list(frame["group"].cat.categories)
    with style():
        rows, cols = _grid(len(measures))
        height = max(2.6, 0.55 * len(groups) + 1.4)
        fig = Figure(figsize=(5.2 * cols if cols > 1 else 7.5, height * rows + 1.0))
        axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
        ypos = {g: len(groups) - 1 - i for i, g in enumerate(groups)}
        for ax, key in zip(axes.flat, measures, strict=False):
            for i, group in enumerate(groups):
                _group_row(ax, stats, end, key, group, ypos[group], i)
            if MEASURES[key].kind == "index":
                ax.axvline(100, color="0.5", linewidth=0.8, zorder=0, gid="reference")
            ax.set_title(measure_title(key, frame.attrs["focal"], frame.attrs["names"]), loc="left")
            ax.set_xlabel(measure_unit(key, years[0]))
            ax.grid(axis="y", visible=False)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
            ax.margins(x=0.08)
            honest_range(ax, key, "x")
            ax.set_ylim(-0.6, len(groups) - 0.4)
        for ax in axes[:, 0]:
            ax.set_yticks([ypos[g] for g in groups], [g.replace(" / ", "\n", 1) for g in groups])
        for ax in list(axes.flat)[len(measures) :]:
            ax.set_visible(False)
        n = frame["run"].nunique()
        figure_title(
            fig,
            f"Scenarios and policies in {last} ({n} runs)",
            frame.attrs["notes"],
            width=int(14 * fig.get_figwidth()),
        )
        _last_year_legend(fig, stats)
    return fig, drawn
