"""A sensitivity study's indices as one chart: a panel per outcome (rows) and year (columns).

Each panel has a row of horizontal bars per parameter, in the study's order in every
panel so that panels compare at a glance, with whiskers for the confidence interval.
Sobol' studies show the first-order index S1 (hatched, orange) beside the total index
ST (solid, blue) on one scale for every panel (a share of the outcome's variance);
Morris studies show mu* (bars) and sigma (diamonds) in the outcome's units, one scale
per outcome. Colours are Okabe-Ito and the two indices also differ by hatching, so the
chart reads in grayscale too. Each panel names the outcome's spread across the samples:
a large share of a tiny spread matters little.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from imssim.present.plots.style import style

BLUE, ORANGE, VERMILION = "#0072B2", "#E69F00", "#D55E00"


def _panel(indices: pd.DataFrame, outcome: str, year: int | None) -> pd.DataFrame:
    part = indices[indices["outcome"] == outcome]
    return part[part["year"].isna()] if year is None else part[part["year"] == year]


def indices_figure(
    indices: pd.DataFrame,
    study,
    y: pd.DataFrame | None = None,
    *,
    title: str = "",
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """The chart of a study's indices (see the module's description)."""
    from imssim.studies.sensitivity import UNITS, outcome_label, short_name

    keys = study.keys
    years = list(study.years) or [None]
    outcomes = list(study.outcomes)
    sobol = study.method == "sobol"
    k = len(keys)
    pct = round(100 * study.conf_level)
    with style():
        fig = Figure(
            figsize=(2.2 + 4.3 * len(years), 1.2 + len(outcomes) * (0.95 + 0.34 * k)),
            layout="constrained",
        )
        axes = fig.subplots(len(outcomes), len(years), sharey=True, squeeze=False)
        pos = np.arange(k)[::-1]  # the first parameter at the top
        if sobol:
            lows = indices["conf_low"].dropna()
            highs = indices["conf_high"].dropna()
            left = max(-0.3, min(0.0, float(lows.min()) - 0.02)) if len(lows) else 0.0
            right = min(1.3, max(1.0, float(highs.max()) + 0.02)) if len(highs) else 1.0
        for r, outcome in enumerate(outcomes):
            base = outcome.removesuffix("_diff")
            unit = UNITS.get(base, "outcome units")
            row_max = 0.0
            for c, year in enumerate(years):
                ax = axes[r, c]
                part = _panel(indices, outcome, year)
                sd = float(part["outcome_sd"].iloc[0]) if len(part) else math.nan
                when = "" if year is None else f", {year}"
                ax.set_title(
                    f"{outcome_label(outcome, labels)}{when}\n"
                    f"sd across samples {sd:.3g}" + (f" ({unit})" if base in UNITS else ""),
                    fontsize=10.5,
                )
                ax.set_yticks(pos)
                ax.set_yticklabels([short_name(key) for key in keys])
                ax.grid(axis="y", visible=False)
                ax.axvline(0, color="#555555", linewidth=0.8)
                if sobol:
                    s1 = part[part["index"] == "S1"].set_index("parameter").reindex(keys)
                    st = part[part["index"] == "ST"].set_index("parameter").reindex(keys)
                    if st["value"].isna().all():
                        ax.text(0.5, 0.5, "does not vary", transform=ax.transAxes, ha="center")
                    for frame, shift, colour, hatch in (
                        (st, 0.19, BLUE, None),
                        (s1, -0.19, ORANGE, "///"),
                    ):
                        ax.barh(
                            pos + shift,
                            frame["value"].fillna(0.0),
                            height=0.36,
                            color=colour,
                            hatch=hatch,
                            edgecolor="white" if hatch else colour,
                            linewidth=0.0,
                            xerr=frame["conf"].fillna(0.0),
                            error_kw={"ecolor": "black", "elinewidth": 1.0, "capsize": 2.5},
                        )
                    ax.set_xlim(left, right)
                    if r == len(outcomes) - 1:
                        ax.set_xlabel("share of the outcome's variance")
                else:
                    mu = part[part["index"] == "mu_star"].set_index("parameter").reindex(keys)
                    sigma = part[part["index"] == "sigma"].set_index("parameter").reindex(keys)
                    ax.barh(
                        pos,
                        mu["value"],
                        height=0.55,
                        color=BLUE,
                        xerr=mu["conf"].fillna(0.0),
                        error_kw={"ecolor": "black", "elinewidth": 1.0, "capsize": 2.5},
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
                    row_max = max(
                        row_max,
                        float(np.nanmax([*(mu["value"] + mu["conf"].fillna(0.0)), 0.0])),
                        float(np.nanmax([*sigma["value"], 0.0])),
                    )
                    ax.set_xlabel(f"effect across the range ({unit})", fontsize=10)
                ax.set_ylim(-0.6, k - 0.4)
                if c > 0:
                    ax.tick_params(axis="y", labelleft=False)
            if not sobol:
                for c in range(len(years)):
                    axes[r, c].set_xlim(0, row_max * 1.08 if row_max > 0 else 1.0)
        if sobol:
            handles = [
                Patch(facecolor=BLUE, label="total ST (with interactions)"),
                Patch(facecolor=ORANGE, hatch="///", edgecolor="white", label="first order S1"),
            ]
            note = f"whiskers: {pct} % confidence interval (bootstrap)"
        else:
            from matplotlib.lines import Line2D

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
            handles=handles,
            loc="outside lower center",
            ncols=len(handles),
            frameon=False,
            fontsize=10,
        )
        if title:
            fig.suptitle(title, fontsize=12.5)
    return fig
