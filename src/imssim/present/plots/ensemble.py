"""What a scenario changes across seeds: runs beside their own counterfactuals.

One row per outcome. Left, each group's scenario (solid) and its counterfactual (dashed),
each its median across the seeds with a 10-90 % band; right, the difference of each
run from its own counterfactual (the same seed, so the same random draws), its median
and 10-90 % band across seeds, against a zero line. The numbers are
:func:`imssim.present.paired.paired_outcomes` summarised by
:func:`imssim.present.outcome_table.summarise_groups`: the frame returned is what is
drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from imssim.outcomes import DIFF, MEASURES, unit
from imssim.present.outcome_table import HIGH_Q, LOW_Q, span, summarise_groups
from imssim.present.paired import COUNTERFACTUAL, DIFFERENCE, SCENARIO, paired_outcomes
from imssim.present.plots.compare import (
    figure_title,
    honest_range,
    measure_title,
    measure_unit,
)
from imssim.present.plots.style import LINE_COLOURS, band, style
from imssim.runs.folders import RunFolder

COUNTERFACTUAL_GREY = "0.35"  # the counterfactual of a single group: dark grey, dashed


def _colours(i: int, n_groups: int) -> tuple[str, str]:
    """The colours of group `i`'s scenario and counterfactual: with one group, blue
    against grey; with several, the group's colour for both (dashed for the second)."""
    colour = LINE_COLOURS[i % len(LINE_COLOURS)]
    return colour, (COUNTERFACTUAL_GREY if n_groups == 1 else colour)


def _band_and_median(
    ax: Axes, part: pd.DataFrame, colour: str, dashed: bool, gid: str, hatch: bool = False
) -> None:
    """One variant of one group: its 10-90 % band across seeds and its median line."""
    part = part.sort_values("year")
    if bool(part["band"].any()):
        band(ax, part, colour, gid, hatch=hatch)
    ax.plot(
        part["year"],
        part["median"],
        color=colour,
        linestyle="--" if dashed else "-",
        linewidth=2.0,
        gid=f"median:{gid}",
    )


def _seeds_text(stats: pd.DataFrame) -> str:
    sizes = sorted(set(int(n) for n in stats["n_runs"]))
    counts = str(sizes[0]) if len(sizes) == 1 else f"{sizes[0]}-{sizes[-1]}"
    plural = "" if sizes == [1] else "s"
    return f"{counts} seed{plural}"


def _legend(fig: Figure, groups: Sequence[str], without: dict[str, str], stats) -> None:
    """What the lines are: per group its scenario and counterfactual, and the band."""
    handles: list[Line2D | Patch] = []
    texts: list[str] = []
    for i, group in enumerate(groups):
        mine, other = _colours(i, len(groups))
        handles += [
            Line2D([], [], color=mine, linewidth=2.0),
            Line2D([], [], color=other, linewidth=2.0, linestyle="--"),
        ]
        texts += [f"{group}: scenario", f"{group}: {without[group]}"]
    if int(stats["n_runs"].max()) > 1:
        handles.append(Patch(facecolor=to_rgba("0.3", 0.16), edgecolor=to_rgba("0.3", 0.6)))
        texts.append(f"{LOW_Q}-{HIGH_Q} % across seeds")
        if len(groups) > 1:  # the counterfactuals' bands are hatched, not filled
            handles.append(Patch(facecolor="none", edgecolor=to_rgba("0.3", 0.6), hatch="///"))
            texts.append(f"{LOW_Q}-{HIGH_Q} % across seeds, counterfactual")
    fig.legend(handles, texts, loc="outside lower center", ncols=2, frameon=False)


def effects_over_time(
    runs: Sequence[RunFolder | str | Path] | str | Path,
    measure: str | Sequence[str] | None = None,
    *,
    focal: str | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """Each outcome with and without the scenario across seeds, and the paired
    difference. Returns the figure and the summary it draws (one row per group,
    variant, measure and year: ``median``, ``p10``, ``p90``, ``n_runs``, ...).
    :class:`imssim.present.paired.NoCounterfactual` when no run has a counterfactual."""
    frame = paired_outcomes(runs, measure, focal=focal)
    stats = summarise_groups(frame)
    measures = list(frame["measure"].cat.categories)
    groups = list(frame["group"].cat.categories)
    years = frame.attrs["years"]
    without = frame.attrs["without"]
    with style():
        fig = Figure(figsize=(11.0, 3.0 * len(measures) + 1.8))
        axes = fig.subplots(len(measures), 2, squeeze=False, sharex=True)
        for (left, right), key in zip(axes, measures, strict=True):
            part = stats[stats["measure"] == key]
            if MEASURES[key].kind == "index":
                left.axhline(100, color="0.6", linewidth=0.8, zorder=0, gid="reference")
            right.axhline(0, color="black", linewidth=1.0, zorder=1, gid="zero")
            for i, group in enumerate(groups):
                mine, other = _colours(i, len(groups))
                g = part[part["group"] == group]
                several = len(groups) > 1
                _band_and_median(left, g[g["variant"] == SCENARIO], mine, False, f"{group}")
                _band_and_median(
                    left,
                    g[g["variant"] == COUNTERFACTUAL],
                    other,
                    True,
                    f"{group}:{COUNTERFACTUAL}",
                    hatch=several,
                )
                _band_and_median(right, g[g["variant"] == DIFFERENCE], mine, False, f"{group}:diff")
            title = measure_title(key, frame.attrs["focal"], frame.attrs["names"])
            left.set_title(title, loc="left")
            left.set_ylabel(measure_unit(key, years[0]))
            honest_range(left, key, "y")
            label = MEASURES[key].label
            right.set_title(f"{label[0].upper()}{label[1:]}: run minus counterfactual", loc="left")
            right.set_ylabel(f"difference ({unit(key + DIFF)})")
        for ax in axes[-1]:
            ax.set_xlabel("year")
            step = max(1, math.ceil(len(years) / 8))
            ax.set_xticks(years[::step])
        words = sorted(set(without.values()))
        against = f"the same run {words[0]}" if len(words) == 1 else "its own counterfactual"
        scenarios = sorted(set(frame["scenario"]))
        what = scenarios[0] if len(scenarios) == 1 else "each scenario"
        figure_title(
            fig,
            f"What {what} changes, {span(years)}, over {_seeds_text(stats)}",
            [
                f"Each run against {against} (the same seed), paired seed by seed; lines "
                f"are medians across seeds, bands the {LOW_Q}-{HIGH_Q} % range across seeds.",
                *frame.attrs["notes"],
            ],
            width=int(13 * fig.get_figwidth()),
        )
        _legend(fig, groups, without, stats)
    return fig, stats
