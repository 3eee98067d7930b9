"""A sensitivity study's indices as one chart: a panel per outcome (rows) and year (columns).

Each panel has a row of horizontal bars per parameter, in the study's order in every
panel so that panels compare at a glance, with whiskers for the confidence interval.
Sobol' studies show the first-order index S1 (hatched, orange) beside the total index
ST (solid, blue) on one scale for every panel (a share of the outcome's variance);
Morris studies show mu* (bars) and sigma (diamonds) in the outcome's units, one scale
per outcome. Colours are Okabe-Ito and the two indices also differ by hatching, so the
chart reads in grayscale too. Each panel names the outcome's spread across the samples:
a large share of a tiny spread matters little.

The chart knows no study: :class:`IndicesChart` tells it what to show and how to name it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from imssim.present.plots.style import style

BLUE, ORANGE, VERMILION = "#0072B2", "#E69F00", "#D55E00"
_WHISKERS = {"ecolor": "black", "elinewidth": 1.0, "capsize": 2.5}


@dataclasses.dataclass(frozen=True)
class IndicesChart:
    """What the chart of a study's indices shows, in the study's order.

    `parameters`: (key in the indices, name on the axis), the first at the top;
    `outcomes`: (outcome, label, unit or None), a row of panels each; `years`: a column
    of panels each (None: the last year); `method`: ``sobol`` or ``morris``."""

    method: str
    conf_level: float
    parameters: Sequence[tuple[str, str]]
    outcomes: Sequence[tuple[str, str, str | None]]
    years: Sequence[int | None]
    title: str = ""

    @property
    def keys(self) -> list[str]:
        """The parameters' keys, as the indices name them."""
        return [key for key, _ in self.parameters]


def _panel(indices: pd.DataFrame, outcome: str, year: int | None) -> pd.DataFrame:
    part = indices[indices["outcome"] == outcome]
    return part[part["year"].isna()] if year is None else part[part["year"] == year]


def _index(part: pd.DataFrame, index: str, keys: list[str]) -> pd.DataFrame:
    """One index of a panel, a row per parameter in the chart's order."""
    return part[part["index"] == index].set_index("parameter").reindex(keys)


def indices_figure(indices: pd.DataFrame, chart: IndicesChart) -> Figure:
    """The chart of a study's indices (see the module's description)."""
    keys, years, k = chart.keys, list(chart.years), len(chart.parameters)
    sobol = chart.method == "sobol"
    with style():
        fig = Figure(
            figsize=(2.2 + 4.3 * len(years), 1.2 + len(chart.outcomes) * (0.95 + 0.34 * k)),
            layout="constrained",
        )
        axes = fig.subplots(len(chart.outcomes), len(years), sharey=True, squeeze=False)
        pos = np.arange(k)[::-1]  # the first parameter at the top
        xlim = _sobol_range(indices) if sobol else None
        for r, (outcome, _, unit) in enumerate(chart.outcomes):
            row_max = 0.0
            for c, year in enumerate(years):
                ax = axes[r, c]
                part = _panel(indices, outcome, year)
                _frame_panel(ax, part, chart, r, year)
                if sobol:
                    _sobol_panel(ax, part, keys, pos)
                    ax.set_xlim(*xlim)
                    if r == len(chart.outcomes) - 1:
                        ax.set_xlabel("share of the outcome's variance")
                else:
                    row_max = max(row_max, _morris_panel(ax, part, keys, pos))
                    ax.set_xlabel(
                        f"effect across the range ({unit or 'outcome units'})", fontsize=10
                    )
                ax.set_ylim(-0.6, k - 0.4)
                if c > 0:
                    ax.tick_params(axis="y", labelleft=False)
            if not sobol:
                for c in range(len(years)):
                    axes[r, c].set_xlim(0, row_max * 1.08 if row_max > 0 else 1.0)
        _legend(fig, sobol, round(100 * chart.conf_level))
        if chart.title:
            fig.suptitle(chart.title, fontsize=12.5)
    return fig


def _sobol_range(indices: pd.DataFrame) -> tuple[float, float]:
    """One scale for every Sobol' panel: 0-1, widened to the confidence intervals' ends."""
    lows = indices["conf_low"].dropna()
    highs = indices["conf_high"].dropna()
    left = max(-0.3, min(0.0, float(lows.min()) - 0.02)) if len(lows) else 0.0
    right = min(1.3, max(1.0, float(highs.max()) + 0.02)) if len(highs) else 1.0
    return left, right


def _frame_panel(
    ax: Axes,
    part: pd.DataFrame,
    chart: IndicesChart,
    row: int,
    year: int | None,
) -> None:
    """A panel's title (the row's outcome, the year and the spread), the parameters'
    names and the zero line."""
    _, label, unit = chart.outcomes[row]
    sd = float(part["outcome_sd"].iloc[0]) if len(part) else math.nan
    when = "" if year is None else f", {year}"
    ax.set_title(
        f"{label}{when}\nsd across samples {sd:.3g}" + (f" ({unit})" if unit else ""),
        fontsize=10.5,
    )
    ax.set_yticks(np.arange(len(chart.parameters))[::-1])
    ax.set_yticklabels([name for _, name in chart.parameters])
    ax.grid(axis="y", visible=False)
    ax.axvline(0, color="#555555", linewidth=0.8)


def _sobol_panel(ax: Axes, part: pd.DataFrame, keys: list[str], pos: np.ndarray) -> None:
    """ST (solid) above S1 (hatched) for each parameter, with their intervals."""
    s1 = _index(part, "S1", keys)
    st = _index(part, "ST", keys)
    if st["value"].isna().all():
        ax.text(0.5, 0.5, "does not vary", transform=ax.transAxes, ha="center")
    # ST solid and S1 hatched (white edges draw the hatching), half a row each
    for frame, shift, look in (
        (st, 0.19, {"color": BLUE, "edgecolor": BLUE}),
        (s1, -0.19, {"color": ORANGE, "edgecolor": "white", "hatch": "///"}),
    ):
        values, conf = frame["value"].fillna(0.0), frame["conf"].fillna(0.0)
        ax.barh(
            pos + shift, values, height=0.36, linewidth=0.0, xerr=conf, error_kw=_WHISKERS, **look
        )


def _morris_panel(ax: Axes, part: pd.DataFrame, keys: list[str], pos: np.ndarray) -> float:
    """mu* (bars, with intervals) and sigma (diamonds); returns the panel's largest value."""
    mu = _index(part, "mu_star", keys)
    sigma = _index(part, "sigma", keys)
    ax.barh(
        pos, mu["value"], height=0.55, color=BLUE, xerr=mu["conf"].fillna(0.0), error_kw=_WHISKERS
    )
    ax.plot(
        sigma["value"],
        pos,
        linestyle="none",
        marker="D",
        markersize=6,
        color=VERMILION,
        markeredgecolor="black",
        markeredgewidth=0.6,
    )
    return max(
        float(np.nanmax([*(mu["value"] + mu["conf"].fillna(0.0)), 0.0])),
        float(np.nanmax([*sigma["value"], 0.0])),
    )


def _legend(fig: Figure, sobol: bool, pct: int) -> None:
    """The indices' legend below the panels, with what the whiskers show."""
    if sobol:
        handles: list = [
            Patch(facecolor=BLUE, label="total ST (with interactions)"),
            Patch(facecolor=ORANGE, hatch="///", edgecolor="white", label="first order S1"),
        ]
        note = f"whiskers: {pct} % confidence interval (bootstrap)"
    else:
        handles = [
            Patch(facecolor=BLUE, label="mu* (mean absolute effect)"),
            Line2D(
                [],
                [],
                linestyle="none",
                marker="D",
                color=VERMILION,
                markeredgecolor="black",
                label="sigma (spread: interactions, non-linearity)",
            ),
        ]
        note = f"whiskers: {pct} % confidence interval of mu*"
    handles.append(Patch(facecolor="none", edgecolor="none", label=note))
    fig.legend(
        handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=10
    )
