"""The depth matrix: the deepest form of cooperation between every two states in a year."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation

from imssim.config import Config
from imssim.model.tables import Tables
from imssim.present.choices import RunChoices, check_year, choose_focal, region_order, run_years
from imssim.present.plots.common import REGION_LABELS, frame, run_label
from imssim.present.plots.style import FORM_CMAP, FORM_COLOURS, FORM_NAMES, style


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
    data = _depth_values(tables, year, order)
    values = data.to_numpy()
    with style():
        n = len(order)
        side = max(4.5, 0.16 * n + 0.2)  # inches of the square matrix
        # margins: codes and axis label left and below; region names, title above;
        # region names and the colour bar with its form names and label to the right
        margin = {"left": 0.9, "bottom": 0.85, "top": 1.2, "right": 4.0}
        width = margin["left"] + side + margin["right"]
        height = margin["bottom"] + side + margin["top"]
        fig = Figure(figsize=(width, height), layout="none")
        ax = fig.add_axes(frame(fig, **margin))
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
        _draw_codes(fig, ax, order, focal)
        lines = _draw_regions(fig, ax, states["region"].tolist())
        bar_box = (
            (margin["left"] + side + 0.9) / width,
            (margin["bottom"] + 0.15 * side) / height,
            0.3 / width,
            0.7 * side / height,
        )
        bar = fig.colorbar(image, cax=fig.add_axes(bar_box), ticks=range(len(FORM_COLOURS)))
        bar.ax.set_yticklabels([FORM_NAMES[f] for f in range(len(FORM_COLOURS))])
        bar.set_label("deepest form of cooperation over all capability areas")
        bar.ax.grid(False)
        ax.set_title(
            f"Deepest form of cooperation between states in {year}\n{run_label(config)}",
            pad=3.5 + 9 * 1.25 * lines + 6,  # above the region names (points)
        )
    return fig, data


def _depth_values(tables: Tables, year: int, order: list[str]) -> pd.DataFrame:
    """The matrix drawn: the deepest form between every two states in `order` (NaN on
    the diagonal), index country and columns partner."""
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
    return data


_PAD = 3.5 / 72.0  # inches between the matrix and a text beside it, as a tick label's


def _draw_codes(fig: Figure, ax: Axes, order: list[str], focal: str) -> None:
    """The state codes below and left of the matrix (the focal state's in bold), and
    the axis labels beyond them."""
    # The state codes and region names are texts beside the matrix, not tick labels
    # and secondary axes: 98 tick objects and two more axes made this chart the
    # slowest to lay out, and the codes sit at fixed places anyway.
    ax.set_xticks([])
    ax.set_yticks([])
    below = ax.get_xaxis_transform() + ScaledTranslation(0, -_PAD, fig.dpi_scale_trans)
    left = ax.get_yaxis_transform() + ScaledTranslation(-_PAD, 0, fig.dpi_scale_trans)
    # the axis labels keep room for the codes (labelpad below), so the layout need
    # not measure the codes themselves
    for i, code in enumerate(order):
        bold = "bold" if code == focal else "normal"
        look = {"fontsize": 7, "fontweight": bold, "in_layout": False}  # placed by hand
        ax.text(i, 0, code, transform=below, rotation=90, ha="center", va="top", **look)
        ax.text(0, i, code, transform=left, ha="right", va="center", **look)
    for spine in ax.spines.values():
        spine.set_visible(True)
    # pad + the widest code (capitals are at most 0.9 em wide in DejaVu Sans) + gap
    code_points = 3.5 + 0.9 * 7 * max(len(c) for c in order) + 3.0
    ax.set_xlabel("partner (grouped by region)", labelpad=code_points)
    ax.set_ylabel("state (grouped by region)", labelpad=code_points)


def _draw_regions(fig: Figure, ax: Axes, regions: list[str]) -> int:
    """Lines between the regions' blocks and each region's name above and right of the
    matrix; returns the most lines a name takes."""
    above = ax.get_xaxis_transform() + ScaledTranslation(0, _PAD, fig.dpi_scale_trans)
    right = ax.get_yaxis_transform() + ScaledTranslation(_PAD, 0, fig.dpi_scale_trans)
    n = len(regions)
    start, lines = 0, 1
    for i in range(1, n + 1):
        if i == n or regions[i] != regions[start]:
            if i < n:
                ax.axhline(i - 0.5, color="black", linewidth=0.9)
                ax.axvline(i - 0.5, color="black", linewidth=0.9)
            centre = (start + i - 1) / 2.0
            label = REGION_LABELS.get(regions[start], regions[start])
            label = label.replace(" ", "\n") if i - start < 4 else label
            lines = max(lines, label.count("\n") + 1)
            ax.text(centre, 1, label, transform=above, ha="center", va="bottom", fontsize=9)
            ax.text(1, centre, label, transform=right, ha="left", va="center", fontsize=9)
            start = i
    return lines
