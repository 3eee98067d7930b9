"""What the scenario changes: the focal state and the alliance, with and without the
scenario (its counterfactual), year by year."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from imssim.config import Config
from imssim.config.scenarios import counterfactual_words
from imssim.model.tables import Tables
from imssim.outcomes import OUTCOMES, yearly
from imssim.present.choices import RunChoices, run_years
from imssim.present.names import world_names
from imssim.present.plots.common import (
    FOUR_PANELS,
    display,
    grid,
    legend_below,
    run_label,
    year_ticks,
)
from imssim.present.plots.style import LINE_COLOURS, style

# the outcomes drawn (imssim.outcomes), one panel each: the focal state's, then the alliance's
DRAWN = ("capacity_to_act_index", "real_budget_index", "autonomy", "shortfall_pct")
# this chart's own wording of two axes (the comparison charts word them otherwise)
AXIS_LABELS = {
    "autonomy": "share of capability at own disposal (0-1)",
    "shortfall_pct": "unmet share of the requirement (%)",
}
PANELS = tuple(
    # column, title, axis label, indexed to the first year?, axis from 0 to 1?
    (
        o.column,
        o.title,
        AXIS_LABELS.get(o.key, o.axis_label),
        o.kind == "index",
        o.axis_range == (0.0, 1.0),
    )
    for o in (OUTCOMES[key] for key in DRAWN)
)


def draw(
    tables: Tables, config: Config, choices: RunChoices, counterfactual: Tables
) -> tuple[Figure, pd.DataFrame]:
    return effects_chart(tables, counterfactual, config, focal=choices.focal)


def effects_chart(
    tables: Tables,
    counterfactual: Tables,
    config: Config,
    focal: str,
    span: tuple[int, int] | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """Four panels over the years, each with two lines, the scenario (solid) and its
    counterfactual (dashed), and the gap between them shaded: the focal state's capacity
    to act and real budget (first year = 100), its autonomy (on 0-1), and the alliance's
    total shortfall (from 0). The x axis covers `span` (first and last year; default:
    the years of the run), so that a run still under way is drawn on the axis it will
    fill. The frame has one row per variant and year: variant (scenario or
    counterfactual), year and the four measures."""
    names = world_names(config)
    first = int(tables.countries["year"].min())
    data = _effects_values(tables, counterfactual, focal)
    scenario = config.scenario.name
    other = f"{scenario} {counterfactual_words(config)}"
    with style():
        fig = Figure(figsize=(11.4, 8.3), layout="none")
        cells = grid(fig, 2, 2, FOUR_PANELS)
        axes = cells.subplots(sharex=True).ravel()
        for ax, (column, title, ylabel, indexed, unit) in zip(axes, PANELS, strict=True):
            _draw_both(ax, data, column, indexed, (scenario, other))
            if unit:
                ax.set_ylim(0.0, 1.0)
            elif not indexed:
                ax.set_ylim(0.0, max(1.0, 1.1 * float(data[column].max())))
            who = names.get(focal, focal) if column != "shortfall_total" else "all areas"
            ax.set_title(f"{title}: {who}")
            ax.set_ylabel(ylabel.format(base=first))
            if span is None:
                year_ticks(ax, run_years(tables))
            else:
                ax.set_xlim(span[0] - 0.5, span[1] + 0.5)
                year_ticks(ax, range(span[0], span[1] + 1))
        for ax in axes[2:]:
            ax.set_xlabel("year")
        fig.suptitle(
            f"What {scenario} changes for {display(focal, names, sentence=True)} and the "
            f"alliance\n{run_label(config)}; against the same seed and random draws",
            fontsize=14,
        )
        legend_below(fig, axes[0], ncol=3)
    return fig, data


def _effects_values(tables: Tables, counterfactual: Tables, focal: str) -> pd.DataFrame:
    """The drawn values: one row per variant (scenario, counterfactual) and year with
    the four measures of the panels."""
    frames = []
    for variant, t in (("scenario", tables), ("counterfactual", counterfactual)):
        drawn = yearly(t, focal, DRAWN)
        part = pd.DataFrame({"variant": variant, "year": drawn.index.astype(int).to_numpy()})
        for key, (column, *_) in zip(DRAWN, PANELS, strict=True):
            part[column] = drawn[key].to_numpy(dtype=float)  # in the outcome's own unit
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def _draw_both(
    ax: Axes, data: pd.DataFrame, column: str, indexed: bool, labels: tuple[str, str]
) -> None:
    """One panel's lines: the scenario (solid) and its counterfactual (dashed), labelled
    `labels`, the gap between them shaded, and the line of 100 for an index."""
    with_it = data[data["variant"] == "scenario"]
    without = data[data["variant"] == "counterfactual"]
    if indexed:
        ax.axhline(100.0, color="#888888", linewidth=0.8, linestyle=":", zorder=0)
    ax.fill_between(
        with_it["year"],
        with_it[column],
        without[column].to_numpy(),
        color="#999999",
        alpha=0.25,
        linewidth=0,
        label="the difference",
    )
    ax.plot(
        with_it["year"],
        with_it[column],
        color=LINE_COLOURS[1],
        linestyle="-",
        marker="o",
        markevery=(0, 4),
        linewidth=2.4,
        label=labels[0],
    )
    ax.plot(
        without["year"],
        without[column],
        color=LINE_COLOURS[0],
        linestyle="--",
        marker="s",
        markevery=(2, 4),
        linewidth=2.0,
        label=labels[1],
    )
