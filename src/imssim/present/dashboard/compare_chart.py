"""The comparison page's chart: one panel per measure, each scenario in its own colour
and marker, a solid line, its 10-90 % band across seeds shaded, its counterfactual dashed in
the same colour (or, shown as the difference, the run minus its counterfactual against
a zero line); and the chart as the bytes of a PNG or SVG file.

Drawn in the house style (:mod:`imssim.present.plots.style`: the Okabe-Ito line colours,
fonts, labelled axes with units) from :func:`imssim.present.dashboard.compare.bands`.
Nothing here imports Solara.
"""

from __future__ import annotations

import io
import math
import textwrap

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from imssim.outcomes import MEASURES
from imssim.present.dashboard.compare import SIDES, CompareSetting
from imssim.present.dashboard.views import DRAWING
from imssim.present.names import country_names
from imssim.present.outcome_table import HIGH_Q, LOW_Q, span
from imssim.present.plots.style import LINE_COLOURS, MARKERS, band, png_bytes, style

CHART_FORMATS = ("png", "svg")
# inches per panel, two a row (one alone: ONE_WIDTH); at SCREEN_DPI, two panels make a
# picture about 1030 pixels wide, which a 1366-pixel screen shows at about 80 %: its
# smallest text (10 points, 17 pixels) stays above 12 pixels
PANEL_WIDTH, PANEL_HEIGHT, ONE_WIDTH = 4.3, 2.9, 7.0
SCREEN_DPI = 120


def colour(i: int) -> str:
    """The colour of the i-th scenario (the house palette's line colours, in order)."""
    return LINE_COLOURS[i % len(LINE_COLOURS)]


def marker(i: int) -> str:
    """The marker of the i-th scenario's line, so lines stay apart without colour."""
    return MARKERS[i % len(MARKERS)]


def axis_label(key: str, base: int, show: str) -> str:
    """The value axis of a measure's panel: its unit, or that of the difference."""
    text = MEASURES[key].axis(base)
    return text if show == "levels" else f"run minus counterfactual\n({text})"


def captions(setting: CompareSetting) -> list[str]:
    """Under the chart: what each measure is, and what moves it for reasons unrelated to
    the scenario (the registry's notes)."""
    lines = []
    for key in setting.measures:
        outcome = MEASURES[key]
        text = f"{outcome.title}: {outcome.description}."
        lines.append(f"{text} {outcome.note}" if outcome.note else text)
    return lines


def _panel(ax, stats: pd.DataFrame, setting: CompareSetting, key: str, focal_name: str) -> None:
    """One measure: each scenario's median and band, its counterfactual dashed."""
    part = stats[stats["measure"] == key]
    outcome = MEASURES[key]
    years = sorted(part["year"].unique())
    if setting.show == "difference":
        ax.axhline(0, color="0.35", linewidth=0.9, zorder=1, gid="zero")
    elif outcome.kind == "index":
        ax.axhline(100, color="0.6", linewidth=0.8, zorder=0, gid="reference")
    sides = ("difference",) if setting.show == "difference" else SIDES
    every = max(1, len(years) // 6)
    for i, scenario in enumerate(setting.scenarios):
        shade = colour(i)
        for side in sides:
            g = part[(part["scenario"] == scenario) & (part["side"] == side)].sort_values("year")
            if g.empty:
                continue
            dashed = side == SIDES[1]
            if not dashed and int(g["n"].max()) > 1:
                band(ax, g, shade, scenario)
            ax.plot(
                g["year"],
                g["median"],
                color=shade,
                linestyle="--" if dashed else "-",
                linewidth=1.4 if dashed else 2.0,
                marker=None if dashed else marker(i),
                markersize=4.5,
                markevery=every,
                gid=f"{side}:{scenario}",
            )
    ax.set_title(outcome.chart_title(focal_name), loc="left")
    ax.set_ylabel(axis_label(key, int(years[0]) if years else 0, setting.show))
    if setting.show == "levels" and outcome.axis_range is not None:
        low, high = outcome.axis_range
        top = ax.get_ylim()[1]
        ax.set_ylim(low, high if high is not None else top + 0.06 * (top - low))
    if years:
        step = max(1, math.ceil(len(years) / 7))
        ax.set_xticks(years[::step])


def _legend(fig: Figure, setting: CompareSetting, against: str) -> None:
    handles: list[Line2D | Patch] = [
        Line2D([], [], color=colour(i), marker=marker(i), lw=2.0)
        for i in range(len(setting.scenarios))
    ]
    labels = list(setting.scenarios)
    if setting.seeds > 1:
        handles.append(Patch(facecolor="0.85", edgecolor="0.5", linewidth=0.5))
        labels.append(f"{LOW_Q}-{HIGH_Q} % of the {setting.seeds} seeds")
    if setting.show == "levels":
        handles.append(Line2D([], [], color="0.3", linestyle="--", lw=1.4))
        labels.append(f"dashed: its counterfactual ({against})")
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=min(len(labels), 3),
        frameon=False,
    )


def comparison_figure(stats: pd.DataFrame, setting: CompareSetting, against: str) -> Figure:
    """The chart of :func:`~imssim.present.dashboard.compare.bands` for `setting`;
    `against`: the counterfactual in words."""
    names = country_names()
    focal_name = names.get(setting.focal, setting.focal)
    n = len(setting.measures)
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)
    years = sorted(stats["year"].unique()) if not stats.empty else []
    with style():
        width = ONE_WIDTH if cols == 1 else PANEL_WIDTH * cols
        fig = Figure(figsize=(width, PANEL_HEIGHT * rows + 1.4))
        axes = fig.subplots(rows, cols, squeeze=False, sharex=True)
        for ax, key in zip(axes.flat, setting.measures, strict=False):
            _panel(ax, stats, setting, key, focal_name)
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        for ax in axes[-1]:
            ax.set_xlabel("year")
        seeds = setting.seed_list
        what = "against" if setting.show == "levels" else "minus"
        title = (
            f"Each scenario {what} its counterfactual, {span([int(y) for y in years])}: median of "
            f"{setting.seeds} seed{'s' if setting.seeds > 1 else ''} ({seeds[0]}-{seeds[-1]}), "
            f"policy {setting.policy}"
        )
        fig.suptitle("\n".join(textwrap.wrap(title, width=int(9 * fig.get_figwidth()))))
        _legend(fig, setting, against)
    return fig


def chart_bytes(stats: pd.DataFrame, setting: CompareSetting, against: str, fmt: str) -> bytes:
    """The chart as the bytes of a PNG (at the page's resolution) or an SVG file."""
    if fmt not in CHART_FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}: one of {', '.join(CHART_FORMATS)}")
    with DRAWING:
        fig = comparison_figure(stats, setting, against)
        if fmt == "png":
            return png_bytes(fig, dpi=SCREEN_DPI)
        buffer = io.BytesIO()
        with style():
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "imssim"})
        return buffer.getvalue()
