"""Budget, own capability and capacity to act (first year = 100) and autonomy of the
focal state and others."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from imssim.config import Config
from imssim.model.tables import Tables
from imssim.outcomes import OUTCOMES, yearly
from imssim.present.choices import RunChoices, choose_focal, choose_others, run_years
from imssim.present.names import world_names
from imssim.present.plots.common import (
    FOUR_PANELS,
    display,
    grid,
    legend_below,
    run_label,
    year_ticks,
)
from imssim.present.plots.style import line_style, style

# the focal state's outcomes drawn as indices (imssim.outcomes): key and panel title
INDEX_MEASURES = tuple(
    (key, OUTCOMES[key].title)
    for key in ("budget_index", "capability_index", "capacity_to_act_index")
)


def draw(tables: Tables, config: Config, choices: RunChoices) -> tuple[Figure, pd.DataFrame]:
    return index_chart(tables, config, focal=choices.focal, others=choices.others)


def index_chart(
    tables: Tables,
    config: Config,
    focal: str | None = None,
    others: Sequence[str] | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """Budget, own capability and capacity to act (first year = 100) and autonomy.

    One panel per measure, one line per state (the focal state drawn thicker). The
    frame has one row per state and year: year, country, budget_index,
    capability_index, capacity_to_act_index (first year = 100) and autonomy (0-1).
    """
    focal = choose_focal(tables, config, focal)
    states = [focal, *choose_others(tables, focal, others)]
    names = world_names(config)
    first_year = int(tables.countries["year"].min())
    keys = [key for key, _ in INDEX_MEASURES]
    frames = []
    for code in states:
        values = yearly(tables, code, [*keys, "autonomy"])
        part = pd.DataFrame({"year": values.index.astype(int).to_numpy(), "country": code})
        for key in [*keys, "autonomy"]:
            part[key] = values[key].to_numpy(dtype=float)
        frames.append(part)
    data = pd.concat(frames, ignore_index=True)

    with style():
        fig = Figure(figsize=(11.4, 8.3), layout="none")
        cells = grid(fig, 2, 2, FOUR_PANELS)
        axes = cells.subplots(sharex=True).ravel()
        panels = [(key, title, f"index, {first_year} = 100") for key, title in INDEX_MEASURES]
        panels.append(("autonomy", "Autonomy", "share of capability at own disposal (0-1)"))
        for ax, (column, title, ylabel) in zip(axes, panels, strict=True):
            if column != "autonomy":
                ax.axhline(100.0, color="#888888", linewidth=0.8, linestyle=":", zorder=0)
            for i, code in enumerate(states):
                part = data[data["country"] == code]
                spec = line_style(i)
                ax.plot(
                    part["year"],
                    part[column],
                    label=display(code, names),
                    linewidth=2.6 if code == focal else 1.5,
                    markersize=6 if code == focal else 5,
                    markevery=(i % 4, 4),
                    zorder=3 if code == focal else 2,
                    **spec,
                )
            if column == "autonomy":  # a share: on its whole range, so noise is not magnified
                ax.set_ylim(0.0, 1.0)
            ax.set_title(title)
            ax.set_ylabel(ylabel)
            year_ticks(ax, run_years(tables))
        for ax in axes[2:]:
            ax.set_xlabel("year")
        fig.suptitle(
            "Budget, capability, capacity to act and autonomy of "
            f"{display(focal, names, sentence=True)} and other states\n{run_label(config)}",
            fontsize=14,
        )
        legend_below(fig, axes[0], ncol=min(len(states), 5))
    return fig, data
