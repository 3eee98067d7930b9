"""The calibration's two figures: each parameter's posterior against its prior, and the
posterior-predictive check (each target at the defaults and at posterior draws, beside
its observed value)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from imssim.present.plots.style import LINE_COLOURS, style
from imssim.studies.calibration.targets import TARGETS, YEARS

BEFORE, AFTER, OBSERVED = LINE_COLOURS[1], LINE_COLOURS[0], "#000000"


def _grid(n: int) -> tuple[int, int]:
    cols = min(3, n)
    return math.ceil(n / cols), cols


def posterior_figure(particles: pd.DataFrame, summary: pd.DataFrame, title: str) -> Figure:
    """One panel per parameter: the posterior's weighted histogram over the prior's
    range (the prior's flat density as a line), the 90 % credible interval shaded, the
    default and, in a known-answer study, the true value marked."""
    rows, cols = _grid(len(summary))
    with style():
        fig = Figure(figsize=(4.4 * cols, 3.3 * rows + 0.9), layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
        for ax, row in zip(axes, summary.itertuples(index=False), strict=False):
            low, high = row.prior_low, row.prior_high
            bins = np.linspace(low, high, 21)
            ax.hist(
                particles[row.parameter],
                bins=bins,
                weights=particles["weight"],
                density=True,
                color=AFTER,
                alpha=0.55,
                label="posterior",
            )
            ax.axhline(1.0 / (high - low), color="0.35", linestyle=":", label="prior (uniform)")
            ax.axvspan(row.q05, row.q95, color=AFTER, alpha=0.12, label="90 % credible interval")
            ax.axvline(row.default, color=BEFORE, linestyle="--", label="default")
            if np.isfinite(row.truth):
                ax.axvline(row.truth, color=OBSERVED, linewidth=2.0, label="true value")
            ax.set_xlim(low, high)
            ax.set_title(row.parameter, loc="left")
            ax.set_xlabel("parameter value")
            ax.set_ylabel("density")
        for ax in axes[len(summary) :]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
        fig.suptitle(title, fontsize=12)
    return fig


def predictive_figure(checks: pd.DataFrame, observed: dict, title: str) -> Figure:
    """One panel per target: its values over the evaluations at the defaults (before)
    and at posterior draws (after), each evaluation a point, the median a bar, the
    observed value a black line; a target by year shows its shares per year."""
    names = list(observed)
    rows, cols = _grid(len(names))
    with style():
        fig = Figure(figsize=(4.6 * cols, 3.4 * rows + 1.0), layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
        for ax, name in zip(axes, names, strict=False):
            part = checks[checks["target"] == name]
            obs = np.atleast_1d(observed[name])
            if obs.size == len(YEARS) and obs.size > 1:
                _by_year(ax, part, obs)
            else:
                _scalar(ax, part, float(obs[0]))
            ax.set_title(name, loc="left")
        for ax in axes[len(names) :]:
            ax.set_visible(False)
        legend = [
            Patch(color=BEFORE, alpha=0.7, label="at the defaults"),
            Patch(color=AFTER, alpha=0.7, label="posterior draws"),
            Line2D([], [], color=OBSERVED, linewidth=2, label="observed"),
        ]
        fig.legend(handles=legend, loc="outside lower center", ncols=3, frameon=False)
        fig.suptitle(title, fontsize=12)
    return fig


def _scalar(ax, part: pd.DataFrame, observed: float) -> None:
    rng = np.random.default_rng(0)
    for x, (when, colour) in enumerate((("before", BEFORE), ("after", AFTER))):
        values = part[part["when"] == when]["value"].to_numpy(dtype=float)
        jitter = rng.uniform(-0.12, 0.12, len(values))
        ax.scatter(x + jitter, values, s=22, color=colour, alpha=0.7, linewidths=0)
        if len(values):
            ax.plot([x - 0.25, x + 0.25], [np.median(values)] * 2, color=colour, linewidth=2.5)
    ax.axhline(observed, color=OBSERVED, linewidth=2.0)
    ax.set_xticks([0, 1], ["at the defaults", "posterior draws"])
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylabel(_unit(part["target"].iloc[0]))


def _by_year(ax, part: pd.DataFrame, observed: np.ndarray) -> None:
    years = np.array(YEARS)
    for offset, (when, colour) in ((-0.15, ("before", BEFORE)), (0.15, ("after", AFTER))):
        frame = part[part["when"] == when].pivot(index="draw", columns="element", values="value")
        if frame.empty:
            continue
        values = frame.to_numpy(dtype=float)
        lo, mid, hi = np.percentile(values, [10, 50, 90], axis=0)
        ax.errorbar(
            years + offset,
            mid,
            yerr=[mid - lo, hi - mid],
            fmt="o",
            color=colour,
            capsize=3,
        )
    ax.plot(years, observed, color=OBSERVED, marker="_", markersize=18, linewidth=0, mew=2.5)
    ax.set_xticks(years)
    ax.set_xlabel("year")
    ax.set_ylabel("share of 2013-2017 deepenings")


def _unit(name: str) -> str:
    return {
        "record_auc": "ROC AUC (0.5 chance, 1 perfect)",
        "record_ap": "average precision (1 perfect)",
        "burden_rho": "Spearman rho",
        "deepenings": "ties deepened, 2013-2017",
    }.get(name, TARGETS[name].description)
