"""The coverage-density trade-off of scenario discovery (``imssim-discover``): every
step of each box's peeling trajectory as a point (coverage across, density up), its
colour the number of inputs restricted, the box chosen from each trajectory ringed and
labelled, the minimum density asked for as a dashed line."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display

import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from imssim.present.plots.style import MARKERS, style

TITLE_WIDTH = 70  # characters of the condition shown in the title


def tradeoff_figure(trajectory: pd.DataFrame, condition: str, threshold: float) -> Figure:
    """The trade-off chart of a discovery's `trajectory` (rows: box, step, coverage,
    density, restricted, chosen) for the runs where `condition` holds."""
    with style():
        fig = Figure(figsize=(6.4, 5.0))
        ax = fig.add_subplot()
        top = max(1, int(trajectory["restricted"].max()))
        norm = BoundaryNorm(np.arange(-0.5, top + 1.5), 256)
        cmap = matplotlib.colormaps["viridis"]
        points = None
        for i, (number, part) in enumerate(trajectory.groupby("box", sort=True)):
            points = ax.scatter(
                part["coverage"],
                part["density"],
                c=part["restricted"],
                cmap=cmap,
                norm=norm,
                marker=MARKERS[i % len(MARKERS)],
                s=22,
                zorder=2,
            )
            chosen = part[part["chosen"]]
            for _, row in chosen.iterrows():
                ax.scatter(
                    [row["coverage"]],
                    [row["density"]],
                    s=190,
                    facecolors="none",
                    edgecolors="#D55E00",
                    linewidths=2.0,
                    zorder=3,
                )
                high, right = row["density"] > 0.5, row["coverage"] > 0.5
                ax.annotate(
                    f"box {number} chosen (step {int(row['step'])}):\n"
                    f"coverage {row['coverage']:.2f}, density {row['density']:.2f}",
                    (row["coverage"], row["density"]),
                    xytext=(-14 if right else 14, (-1 if high else 1) * (48 + 40 * i)),
                    textcoords="offset points",
                    ha="right" if right else "left",
                    fontsize=8,
                    color="#D55E00",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
                    arrowprops={"arrowstyle": "-", "color": "#D55E00", "lw": 0.8},
                )
        ax.axhline(threshold, color="0.4", linestyle="--", linewidth=1.0, zorder=1)
        ax.text(
            1.02,
            threshold + 0.015,
            f"minimum density {threshold:.2f}",
            fontsize=8,
            color="0.3",
            ha="right",
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
        )
        ax.set_xlim(0.0, 1.03)
        ax.set_ylim(0.0, 1.05)
        ax.set_xlabel("coverage (share of the runs of interest inside the box)")
        ax.set_ylabel("density (share of the box's runs that are of interest)")
        shown = condition if len(condition) <= TITLE_WIDTH else condition[: TITLE_WIDTH - 1] + "…"
        ax.set_title(f"Coverage against density: runs where {shown}", fontsize=10)
        numbers = sorted(trajectory["box"].unique())
        if len(numbers) > 1:
            handles = [
                Line2D([], [], color="0.45", marker=MARKERS[i % len(MARKERS)], linestyle="")
                for i in range(len(numbers))
            ]
            names = [f"box {n}: peeling trajectory" for n in numbers]
            ax.legend(handles, names, loc="lower left", fontsize=8)
        if points is not None:
            bar = fig.colorbar(points, ax=ax, ticks=range(top + 1))
            bar.set_label("inputs restricted")
    return fig
