"""The robustness of the note's claims as one chart: parameter values by claims.

Reads the tidy table that the robustness study (:mod:`imssim.studies.robustness`) writes
(one row per parameter, value and claim, with ``holds`` and ``margin``) and draws every
claim at every value as a cell: a tick or a cross with the margin, on a diverging
blue-vermilion scale (Okabe-Ito blue for room to spare, vermilion for a failure), so a
cell reads without colour too.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure

from imssim.present.plots.style import style

HOLDS, FAILS = "\u2713", "\u2717"  # check mark, ballot x
MARGIN_CLIP = 0.2  # margins beyond +-0.2 get the end colours
# Two ramps meeting at 0 with a jump, so that the faintest failure and the faintest
# success differ in hue (Okabe-Ito vermilion against blue), not only in shade.
MARGIN_CMAP = LinearSegmentedColormap.from_list(
    "imssim_margin",
    [(0.0, "#D55E00"), (0.5, "#F7D3BA"), (0.5, "#D4E6F3"), (1.0, "#0072B2")],
)
LEVELS = ("low", "default", "high")


def cell_text(holds: bool, margin: float) -> str:
    """A tick or a cross and the margin, e.g. '✓ +0.12' ('–' if there is no margin)."""
    mark = HOLDS if holds else FAILS
    if math.isnan(margin):
        return f"{mark} \u2013"
    value = f"{margin:+.2f}"
    if value in ("+0.00", "-0.00"):
        value = "0.00"  # a tie or a hair's breadth: the mark says which side
    return f"{mark} {value.replace('-', '\u2212')}"


def row_label(parameter: str, level: str, value: float) -> str:
    return f"{parameter.split('.')[-1]} = {value:g} ({level})"


def claims_heatmap(frame: pd.DataFrame, titles: dict[str, str] | None = None) -> Figure:
    """Cells of claim (columns) by parameter value (rows, grouped by parameter in the
    order of the frame, low-default-high within each)."""
    claims = list(dict.fromkeys(frame["claim"]))
    rows = list(dict.fromkeys(zip(frame["parameter"], frame["level"], frame["value"], strict=True)))
    rows.sort(
        key=lambda r: (list(dict.fromkeys(frame["parameter"])).index(r[0]), LEVELS.index(r[1]))
    )
    cells = frame.set_index(["parameter", "level", "claim"])
    margin = np.full((len(rows), len(claims)), np.nan)
    text = np.full((len(rows), len(claims)), "", dtype=object)
    for i, (parameter, level, _) in enumerate(rows):
        for j, claim in enumerate(claims):
            cell = cells.loc[(parameter, level, claim)]
            margin[i, j] = cell["margin"] if not math.isnan(cell["margin"]) else -MARGIN_CLIP
            text[i, j] = cell_text(bool(cell["holds"]), float(cell["margin"]))
    norm = Normalize(-MARGIN_CLIP, MARGIN_CLIP)
    with style():
        fig = Figure(figsize=(max(1.3 * len(claims) + 4.5, 8.0), 0.42 * len(rows) + 2.4))
        ax = fig.add_subplot()
        image = ax.imshow(
            np.clip(margin, -MARGIN_CLIP, MARGIN_CLIP), cmap=MARGIN_CMAP, norm=norm, aspect="auto"
        )
        for i in range(len(rows)):
            for j in range(len(claims)):
                dark = abs(norm(margin[i, j]) - 0.5) > 0.35
                ax.text(
                    j,
                    i,
                    text[i, j],
                    ha="center",
                    va="center",
                    fontsize=10,
                    color="white" if dark else "black",
                    fontweight="bold" if text[i, j].startswith(FAILS) else "normal",
                )
        ax.set_xticks(range(len(claims)))
        ax.set_xticklabels(
            [
                f"({c})\n" + "\n".join(textwrap.wrap(titles[c], 16)) if titles else f"({c})"
                for c in claims
            ],
            fontsize=9,
        )
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([row_label(*r) for r in rows])
        for i, row in enumerate(rows):
            if row[1] == "default":
                ax.get_yticklabels()[i].set_color("#555555")
        starts = [i for i in range(1, len(rows)) if rows[i][0] != rows[i - 1][0]]
        for i in starts:
            ax.axhline(i - 0.5, color="black", linewidth=1.2)
        ax.set_xticks(np.arange(len(claims) + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(len(rows) + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.grid(which="major", visible=False)
        ax.tick_params(which="both", length=0)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        bar = fig.colorbar(image, ax=ax, shrink=0.6, pad=0.02, extend="both")
        bar.set_label("margin (below 0: the claim fails)")
        seeds = ", ".join(str(frame["seeds"].iloc[0]).split())
        fig.suptitle(
            "The note's claims across the parameter ranges\n"
            f"one parameter at a time, the others at their defaults; seeds {seeds}",
            fontsize=12,
        )
    return fig
