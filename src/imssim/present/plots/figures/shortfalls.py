"""Alliance-wide shortfall and surplus per capability area and year."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from imssim.config import Config
from imssim.model.tables import Tables
from imssim.present.choices import RunChoices
from imssim.present.names import world_area_labels
from imssim.present.plots.common import frame, run_label, year_ticks
from imssim.present.plots.style import style


def draw(tables: Tables, config: Config, choices: RunChoices) -> tuple[Figure, pd.DataFrame]:
    return shortfall_heatmap(tables, config)


def shortfall_heatmap(tables: Tables, config: Config) -> tuple[Figure, pd.DataFrame]:
    """Alliance-wide shortfall and surplus per capability area and year.

    Both are fractions of the alliance's requirement in the area (the members' summed
    own capability against the need); the colour shows surplus minus shortfall, and
    shortfall cells are hatched as well so the sign survives grayscale. The frame has
    one row per area and year: year, area, label, shortfall, surplus, balance.
    """
    labels = world_area_labels(config)
    alliance = tables.alliance.sort_values("year")
    areas = _drawn_areas(alliance, labels)
    years = alliance["year"].astype(int).to_numpy()
    data = _balances(alliance, areas, labels)
    grid = data.pivot(index="area", columns="year", values="balance").reindex(index=areas)
    values = grid.to_numpy()
    with style():
        fig = Figure(figsize=(11.8, 0.36 * len(areas) + 1.6), layout="none")
        # left: the longest area names ("Education, training and ranges"); right: the
        # colour bar, its numbers and its two-line label
        box = frame(fig, left=3.3, right=1.6, top=0.75, bottom=0.6)
        ax = fig.add_axes(box)
        ax.grid(False)
        limit = float(np.nanmax(np.abs(values))) if values.size else 1.0
        limit = max(limit, 1e-6)
        edges_x = np.concatenate([years - 0.5, [years[-1] + 0.5]])
        edges_y = np.arange(len(areas) + 1) - 0.5
        mesh = ax.pcolormesh(
            edges_x,
            edges_y,
            values,
            cmap="PuOr",
            norm=Normalize(-limit, limit),
            edgecolors="white",
            linewidth=0.4,
        )
        short = data.pivot(index="area", columns="year", values="shortfall").reindex(index=areas)
        for i, area in enumerate(areas):
            _hatch_shortfalls(ax, i, years, short.loc[area].to_numpy() > 0)
        ax.set_ylim(len(areas) - 0.5, -0.5)
        ax.set_yticks(range(len(areas)), [labels.get(a, a) for a in areas])
        ax.set_xlabel("year")
        ax.set_ylabel("capability area")
        year_ticks(ax, [int(y) for y in years])
        for spine in ax.spines.values():
            spine.set_visible(False)
        _colour_bar(fig, mesh, box)
        ax.set_title(
            f"Alliance-wide shortfalls and surpluses per capability area\n{run_label(config)}"
        )
    return fig, data


def _drawn_areas(alliance: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    """The areas with a shortfall column: the world's in its order, then any others
    that also have a surplus column, by name."""
    areas = [a for a in labels if f"shortfall_{a}" in alliance.columns]
    extra = sorted(
        c.removeprefix("shortfall_")
        for c in alliance.columns
        if c.startswith("shortfall_") and c not in ("shortfall_total",)
    )
    areas += [a for a in extra if a not in areas and f"surplus_{a}" in alliance.columns]
    return areas


def _balances(alliance: pd.DataFrame, areas: list[str], labels: dict[str, str]) -> pd.DataFrame:
    """The drawn values: one row per area and year with its shortfall, surplus and
    balance (surplus minus shortfall)."""
    years = alliance["year"].astype(int).to_numpy()
    rows = []
    for area in areas:
        shortfall = alliance[f"shortfall_{area}"].to_numpy(dtype=float)
        surplus = alliance[f"surplus_{area}"].to_numpy(dtype=float)
        rows.append(
            pd.DataFrame(
                {
                    "year": years,
                    "area": area,
                    "label": labels.get(area, area.replace("_", " ")),
                    "shortfall": shortfall,
                    "surplus": surplus,
                    "balance": surplus - shortfall,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _hatch_shortfalls(ax: Axes, row: int, years: np.ndarray, flags: np.ndarray) -> None:
    """Hatch each run of consecutive years with a shortfall in one area's row."""
    j = 0
    while j < len(years):
        if flags[j]:
            k = j
            while k + 1 < len(years) and flags[k + 1]:
                k += 1
            ax.add_patch(
                Rectangle(
                    (years[j] - 0.5, row - 0.5),
                    years[k] - years[j] + 1,
                    1.0,
                    fill=False,
                    hatch="///",
                    edgecolor="#00000055",
                    linewidth=0.0,
                )
            )
            j = k + 1
        else:
            j += 1


def _colour_bar(fig: Figure, mesh: QuadMesh, box: tuple[float, ...]) -> None:
    """The colour bar right of the matrix at `box` (figure fractions)."""
    width = fig.get_figwidth()
    bar_box = (
        box[0] + box[2] + 0.2 / width,
        box[1] + 0.05 * box[3],
        0.25 / width,
        0.9 * box[3],
    )
    bar = fig.colorbar(mesh, cax=fig.add_axes(bar_box))
    bar.set_label(
        "shortfall (-, hatched) or surplus (+)\nas a fraction of the alliance requirement"
    )
    bar.ax.grid(False)
