"""The depth matrix: the deepest form of cooperation between every two states in a year."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure

from imssim.analysis import RunChoices, check_year, choose_focal, region_order, run_years
from imssim.config import Config
from imssim.plots.common import REGION_LABELS, run_label
from imssim.plots.style import FORM_CMAP, FORM_COLOURS, FORM_NAMES, style
from imssim.recorder import Tables


def draw(tables: Tables, config: Config, choices: RunChoices) -> tuple[Figure, pd.DataFrame]:
    return depth_matrix(tables, config, year=choices.network_year, focal=choices.focal)


def depth_matrix(
    tables: Tables,
    config: Config,
    year: int | None = None,
    focal: str | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """Deepest form of cooperation between every two states in one year.

    States ordered by region and then code on both axes. The frame is the matrix drawn
    (index country, columns partner, values max_form 0-6; NaN on the diagonal).
    """
    focal = choose_focal(tables, config, focal)
    year = run_years(tables)[-1] if year is None else check_year(tables, year)
    states = region_order(tables)
    order = [str(c) for c in states["country"]]
    view = tables.pairs[tables.pairs["year"] == year]
    matrix = (
        view.pivot(index="country", columns="partner", values="max_form")
        .reindex(index=order, columns=order)
        .fillna(0)
        .astype(float)
    )
    values = matrix.to_numpy(dtype=float, copy=True)
    np.fill_diagonal(values, np.nan)
    data = pd.DataFrame(values, index=pd.Index(order, name="country"))
    data.columns = pd.Index(order, name="partner")

    with style():
        n = len(order)
        side = max(6.0, 0.165 * n + 2.0)
        fig = Figure(figsize=(side + 2.6, side + 0.8))
        ax = fig.add_subplot()
        ax.grid(False)
        cmap = FORM_CMAP.with_extremes(bad="white")
        norm = BoundaryNorm(np.arange(-0.5, len(FORM_COLOURS) + 0.5), cmap.N)
        edges = np.arange(n + 1) - 0.5
        image = ax.pcolormesh(
            edges, edges, np.ma.masked_invalid(values), cmap=cmap, norm=norm, linewidth=0
        )
        ax.set_aspect("equal")
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xticks(range(n), order, rotation=90, fontsize=7)
        ax.set_yticks(range(n), order, fontsize=7)
        for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
            if label.get_text() == focal:
                label.set_fontweight("bold")
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(True)
        ax.set_xlabel("partner (grouped by region)")
        ax.set_ylabel("state (grouped by region)")
        centres, labels = [], []
        regions = states["region"].tolist()
        start = 0
        for i in range(1, n + 1):
            if i == n or regions[i] != regions[start]:
                if i < n:
                    ax.axhline(i - 0.5, color="black", linewidth=0.9)
                    ax.axvline(i - 0.5, color="black", linewidth=0.9)
                centres.append((start + i - 1) / 2.0)
                label = REGION_LABELS.get(regions[start], regions[start])
                labels.append(label.replace(" ", "\n") if i - start < 4 else label)
                start = i
        top = ax.secondary_xaxis("top")
        top.set_xticks(centres, labels, fontsize=9)
        top.tick_params(length=0)
        right = ax.secondary_yaxis("right")
        right.set_yticks(centres, labels, fontsize=9)
        right.tick_params(length=0)
        bar = fig.colorbar(image, ax=ax, ticks=range(len(FORM_COLOURS)), shrink=0.7, pad=0.02)
        bar.ax.set_yticklabels([FORM_NAMES[f] for f in range(len(FORM_COLOURS))])
        bar.set_label("deepest form of cooperation over all capability areas")
        bar.ax.grid(False)
        ax.set_title(f"Deepest form of cooperation between states in {year}\n{run_label(config)}")
    return fig, data
