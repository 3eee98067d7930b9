"""The note's own picture: the focal state amid its strategic, affiliated and opportunity
rings of partners, side by side for chosen years."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from imssim.config import Config
from imssim.model.tables import Tables
from imssim.present.choices import RunChoices, choose_focal, choose_years, region_order
from imssim.present.names import world_names
from imssim.present.plots.common import REGION_LABELS, display, run_label
from imssim.present.plots.style import (
    FORM_COLOURS,
    FORM_NAMES,
    RING_COLOURS,
    RING_LABELS,
    RING_MARKERS,
    RING_ORDER,
    style,
)

# ring diagram geometry, in data units: the focal state sits at (0, 0)
RING_RADII = {"strategic": 2.0, "affiliated": 3.0, "opportunity": 4.0}
RING_GAP_DEG = 40.0  # empty sector at the bottom of each panel where the rings are named
# a panel's limits (see _draw_rings): x within outer + 1.6, y from -(outer + 0.9) to
# outer + 1.9; height over width of a panel drawn at equal aspect
_OUTER = max(RING_RADII.values())
_PANEL_ASPECT = (2 * _OUTER + 2.8) / (2 * _OUTER + 3.2)


def draw(tables: Tables, config: Config, choices: RunChoices) -> tuple[Figure, pd.DataFrame]:
    return ring_diagram(tables, config, years=choices.years, focal=choices.focal)


def ring_angles(
    tables: Tables, focal: str
) -> tuple[dict[str, float], list[tuple[str, float, float]]]:
    """A fixed angle (degrees) for every state but `focal`, and the region sectors.

    States are spread clockwise by region and then code over the circle less a gap at
    the bottom, so a partner sits at the same angle on whichever ring and in whichever
    year it appears. Sectors are (region, first angle, last angle).
    """
    states = region_order(tables)
    states = states[states["country"] != focal].reset_index(drop=True)
    n = len(states)
    step = (360.0 - RING_GAP_DEG) / max(n, 1)
    start = 270.0 - RING_GAP_DEG / 2.0
    angles = {str(code): start - (i + 0.5) * step for i, code in enumerate(states["country"])}
    sectors = []
    for region, group in states.groupby("region", sort=False):
        first, last = group.index.min(), group.index.max()
        sectors.append((str(region), start - first * step, start - (last + 1) * step))
    return angles, sectors


def ring_diagram(
    tables: Tables,
    config: Config,
    years: Sequence[int] | None = None,
    focal: str | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """The note's picture: the focal state amid its three rings of partners, per year.

    Each partner is a marker on its ring (shape by ring), coloured by the deepest form
    of cooperation with the focal state and labelled with its code, with a * where the
    partner places the focal state in another ring (the rings are each state's own
    view). The frame has one row per partner and year: year, partner, name, region,
    ring, max_form, returned, angle, radius, x, y.
    """
    focal = choose_focal(tables, config, focal)
    years = choose_years(tables, years)
    names = world_names(config)
    angles, sectors = ring_angles(tables, focal)
    data = _ring_positions(tables, focal, years, names, angles)
    with style():
        fig, axes, legend_ax = _panels(len(years))
        for ax, year in zip(axes, years, strict=True):
            _draw_rings(ax, data[data["year"] == year], focal, sectors)
            counts = ", ".join(
                f"{ring} {int((data[data['year'] == year]['ring'] == ring).sum())}"
                for ring in RING_ORDER
            )
            ax.set_title(str(year), fontsize=13, fontweight="bold")
            ax.text(
                0.0,
                max(RING_RADII.values()) + 1.85,
                f"partners: {counts}",
                ha="center",
                va="top",
                fontsize=9,
            )
        fig.suptitle(
            f"Partner rings of {display(focal, names, sentence=True)}, as it sees them\n"
            f"{run_label(config)}; * the partner places {focal} in another ring",
            fontsize=14,
        )
        _legends(legend_ax, side=len(years) > 1)
    return fig, data


def _ring_positions(
    tables: Tables,
    focal: str,
    years: Sequence[int],
    names: dict[str, str],
    angles: dict[str, float],
) -> pd.DataFrame:
    """The drawn values: each partner in the focal state's rings per year, and where."""
    regions = dict(region_order(tables)[["country", "region"]].itertuples(index=False))
    pairs = tables.pairs
    view = pairs[(pairs["country"] == focal) & pairs["year"].isin(years)]
    view = view[view["ring"].astype(str).isin(RING_ORDER)]
    rows = []
    for year in years:
        one = view[view["year"] == year]
        for ring in RING_ORDER:
            part = one[one["ring"].astype(str) == ring].sort_values("partner")
            returned = (
                part["partner_ring"].astype(str) == ring
                if "partner_ring" in part
                else pd.Series(True, index=part.index)
            )
            for code, form, back in zip(part["partner"], part["max_form"], returned, strict=True):
                angle = angles[str(code)]
                radius = RING_RADII[ring]
                rows.append(
                    {
                        "year": year,
                        "partner": str(code),
                        "name": names.get(str(code), str(code)),
                        "region": regions.get(str(code), ""),
                        "ring": ring,
                        "max_form": int(form),
                        # the partner places the focal state in the same ring (the rings
                        # are each state's own view: a partner may see it otherwise)
                        "returned": bool(back),
                        "angle": angle,
                        "radius": radius,
                        "x": radius * math.cos(math.radians(angle)),
                        "y": radius * math.sin(math.radians(angle)),
                    }
                )
    columns = ["year", "partner", "name", "region", "ring", "max_form", "returned"]
    return pd.DataFrame(rows, columns=[*columns, "angle", "radius", "x", "y"])


def _panels(n: int) -> tuple[Figure, list[Axes], Axes]:
    """The figure with `n` panels of a fixed size side by side (the gaps hold the region
    names that reach past a panel), the suptitle and the years above, and the axes of
    the legends below."""
    panel, gap, top = 4.7, 0.6, 1.05
    legends = 1.4 if n > 1 else 2.5  # side by side, or one above the other
    width = max(n * panel + (n - 1) * gap + 0.6, 6.5)
    height = legends + panel * _PANEL_ASPECT + top
    fig = Figure(figsize=(width, height), layout="none")
    x0 = (width - n * panel - (n - 1) * gap) / 2
    axes = [
        fig.add_axes(
            (
                (x0 + i * (panel + gap)) / width,
                legends / height,
                panel / width,
                panel * _PANEL_ASPECT / height,
            )
        )
        for i in range(n)
    ]
    legend_ax = fig.add_axes((0.0, 0.0, 1.0, (legends - 0.1) / height))
    legend_ax.axis("off")
    return fig, axes, legend_ax


# the legends' markers: their colour (forms) or shape (rings) as in the panels
_LEGEND_MARKER = {"markersize": 8, "markeredgecolor": "black"}


def _legends(legend_ax: Axes, side: bool) -> None:
    """The legends of the marker colours (forms) and of the rings and marker shapes:
    side by side below the panels (`side`), else one above the other."""
    form_handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markerfacecolor=FORM_COLOURS[f],
            markeredgewidth=0.6,
            label=FORM_NAMES[f],
            **_LEGEND_MARKER,
        )
        for f in range(len(FORM_COLOURS))
    ]
    ring_handles = [
        Line2D(
            [],
            [],
            color=RING_COLOURS[ring],
            linewidth=1.6,
            marker=RING_MARKERS[ring],
            markerfacecolor="white",
            label=f"{RING_LABELS[ring]} ({label} ring)",
            **_LEGEND_MARKER,
        )
        for ring, label in zip(RING_ORDER, ("inner", "middle", "outer"), strict=True)
    ]
    forms_legend = legend_ax.legend(
        handles=form_handles,
        loc="upper right" if side else "upper center",
        bbox_to_anchor=(0.53, 1.0) if side else (0.5, 1.0),
        ncol=2,
        title="Marker colour: deepest form of cooperation with the partner",
        frameon=False,
    )
    legend_ax.add_artist(forms_legend)
    legend_ax.legend(
        handles=ring_handles,
        loc="upper left" if side else "lower center",
        bbox_to_anchor=(0.57, 1.0) if side else (0.5, 0.0),
        ncol=1,
        title="Ring and marker shape",
        frameon=False,
    )


def _draw_rings(
    ax: Axes, data: pd.DataFrame, focal: str, sectors: list[tuple[str, float, float]]
) -> None:
    """One panel: the rings, the region sectors, the focal state and its partners."""
    ax.set_aspect("equal")
    ax.axis("off")
    outer = max(RING_RADII.values())
    ax.set_xlim(-outer - 1.6, outer + 1.6)
    ax.set_ylim(-outer - 0.9, outer + 1.9)
    _draw_circles(ax)
    _draw_sectors(ax, sectors)
    ax.scatter([0], [0], marker="*", s=260, color="black", zorder=4)
    ax.text(0, -0.35, focal, ha="center", va="top", fontsize=10, fontweight="bold")
    _draw_partners(ax, data)


# a ring's name, where it crosses the gap at the bottom of the panel
_RING_NAME = {
    "ha": "center",
    "va": "center",
    "fontsize": 8.5,
    "fontstyle": "italic",
    "bbox": {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
    "zorder": 2,
}


def _draw_circles(ax: Axes) -> None:
    """The three rings around the focal state, each named at the bottom."""
    for ring in RING_ORDER:
        ax.add_patch(
            Circle(
                (0, 0),
                RING_RADII[ring],
                fill=False,
                edgecolor=RING_COLOURS[ring],
                linewidth=1.4,
                zorder=1,
            )
        )
        ax.text(0, -RING_RADII[ring], ring, **_RING_NAME)


def _draw_sectors(ax: Axes, sectors: list[tuple[str, float, float]]) -> None:
    """The region sectors: dashed edges between them and each region's name outside."""
    outer = max(RING_RADII.values())
    inner = min(RING_RADII.values()) - 0.45
    for i, (region, a0, a1) in enumerate(sectors):
        for edge in (a0, a1) if i == 0 else (a1,):
            t = math.radians(edge)
            ax.plot(
                [inner * math.cos(t), (outer + 0.6) * math.cos(t)],
                [inner * math.sin(t), (outer + 0.6) * math.sin(t)],
                color="#999999",
                linewidth=0.6,
                linestyle=(0, (2, 2)),
                zorder=0,
            )
        mid = math.radians((a0 + a1) / 2.0)
        c, s = math.cos(mid), math.sin(mid)
        r = outer + 0.85
        ax.text(
            r * c,
            r * s,
            REGION_LABELS.get(region, region),
            ha="left" if c > 0.35 else "right" if c < -0.35 else "center",
            va="bottom" if s > 0.35 else "top" if s < -0.35 else "center",
            fontsize=9,
            color="#444444",
        )


# a partner's code beside its marker, along the line from the focal state
_PARTNER_LABEL = {
    "textcoords": "offset points",
    "rotation_mode": "anchor",
    "va": "center",
    "fontsize": 7.5,
    "zorder": 3,
    "in_layout": False,  # inside the panel by its limits; spares the layout ~180 texts
}


def _draw_partners(ax: Axes, data: pd.DataFrame) -> None:
    """Each partner's marker on its ring, coloured by form, and its code (* where the
    partner places the focal state in another ring)."""
    for ring in RING_ORDER:
        part = data[data["ring"] == ring]
        if part.empty:
            continue
        ax.scatter(
            part["x"],
            part["y"],
            s=48,
            marker=RING_MARKERS[ring],
            c=[FORM_COLOURS[int(f)] for f in part["max_form"]],
            edgecolors="black",
            linewidths=0.6,
            zorder=3,
        )
        for row in part.itertuples(index=False):
            a = row.angle % 360.0
            flip = 90.0 < a < 270.0
            t = math.radians(row.angle)
            ax.annotate(
                row.partner if row.returned else f"{row.partner}*",
                xy=(row.x, row.y),
                xytext=(6.0 * math.cos(t), 6.0 * math.sin(t)),
                rotation=a - 180.0 if flip else a,
                ha="right" if flip else "left",
                **_PARTNER_LABEL,
            )
