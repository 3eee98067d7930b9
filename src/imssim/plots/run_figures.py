"""The figures of one run: rings, ring moves, indices, depth matrix, network, shortfalls.

Each figure has a function that takes the run's tables and config and returns the
matplotlib figure together with a data frame of exactly the values drawn, so that a
test or a report can check what the chart shows against the tables.
:func:`make_run_figures` draws the chosen figures of a run folder and writes each as
PNG and SVG.

Build and save figures inside :func:`imssim.plots.style.style`: the block sets the
house style and the SVG settings that make repeated runs give identical files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import BoundaryNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch, Rectangle
from matplotlib.ticker import MultipleLocator

from imssim.config import Config
from imssim.errors import ImssimError
from imssim.plots.style import (
    FORM_CMAP,
    FORM_COLOURS,
    FORM_NAMES,
    RING_COLOURS,
    RING_LABELS,
    RING_MARKERS,
    RING_ORDER,
    line_style,
    save_figure,
    style,
)
from imssim.recorder import Tables
from imssim.results import RunFolder
from imssim.summary import ring_transitions, state_name
from imssim.world import load_world
from imssim.world.loader import REGIONS

RUN_FIGURES: tuple[str, ...] = (
    "rings",
    "ring_transitions",
    "indices",
    "depth_matrix",
    "network",
    "shortfalls",
)
DEFAULT_YEARS = (2012, 2020, 2035)
DEFAULT_OTHERS = ("DEU", "FRA", "GBR", "BEL")

# ring diagram geometry, in data units: the focal state sits at (0, 0)
RING_RADII = {"strategic": 2.0, "affiliated": 3.0, "opportunity": 4.0}
RING_GAP_DEG = 40.0  # empty sector at the bottom of each panel where the rings are named

REGION_LABELS = {
    "north": "North",
    "west": "West",
    "south": "South",
    "east": "East",
    "north_america": "North America",
    "other": "Other",
}
INDEX_MEASURES = (
    ("budget", "Defence budget"),
    ("capability", "Own capability"),
    ("capacity_to_act", "Capacity to act"),
)
EDGE_WIDTHS = {1: 0.4, 2: 0.7, 3: 1.1, 4: 2.0, 5: 3.0, 6: 4.2}
RING_HATCHES = {"strategic": "", "affiliated": "////", "opportunity": "...."}
# target distance between two states in the network layout, by their deepest form
EDGE_DISTANCE = {1: 3.0, 2: 2.6, 3: 2.2, 4: 1.6, 5: 1.3, 6: 1.0}


# --------------------------------------------------------------------------- helpers


def _run_years(tables: Tables) -> list[int]:
    return sorted(int(y) for y in tables.countries["year"].unique())


def _check_year(tables: Tables, year: int, what: str = "year") -> int:
    years = _run_years(tables)
    whole = isinstance(year, int | np.integer) or (
        isinstance(year, float | np.floating) and float(year).is_integer()
    )
    if isinstance(year, bool) or not whole:
        raise ImssimError(f"{what} must be a whole year (got {year!r})")
    if int(year) not in years:
        raise ImssimError(f"{what} {int(year)} is outside the run ({years[0]}-{years[-1]})")
    return int(year)


def _states(tables: Tables) -> list[str]:
    return sorted(str(c) for c in tables.countries["country"].unique())


def _check_country(tables: Tables, code: str, what: str) -> str:
    if code not in set(_states(tables)):
        raise ImssimError(f"unknown {what} state {code!r}: not in this run")
    return code


def _focal(tables: Tables, config: Config, focal: str | None) -> str:
    return _check_country(tables, config.focal if focal is None else focal, "focal")


def _years(tables: Tables, years: Sequence[int] | None) -> list[int]:
    run_years = _run_years(tables)
    if years is None:
        chosen = {y for y in DEFAULT_YEARS if run_years[0] <= y <= run_years[-1]}
        chosen |= {run_years[0], run_years[-1]}
        return sorted(y for y in chosen if y in run_years)
    if isinstance(years, str | int):
        years = [years]
    chosen = [_check_year(tables, y) for y in years]
    if not chosen:
        raise ImssimError("years: give at least one year")
    return sorted(set(chosen))


def _others(tables: Tables, focal: str, others: Sequence[str] | None) -> list[str]:
    present = set(_states(tables))
    if others is None:
        return [c for c in DEFAULT_OTHERS if c in present and c != focal]
    if isinstance(others, str):
        others = [others]
    chosen: list[str] = []
    for code in others:
        _check_country(tables, code, "other")
        if code != focal and code not in chosen:
            chosen.append(code)
    return chosen


def _names(config: Config) -> dict[str, str]:
    """State names by ISO3 code, from the run's world data."""
    return load_world(config.world.data_dir).name_of


def _area_labels(config: Config) -> dict[str, str]:
    return load_world(config.world.data_dir).area_label_of


def _display(code: str, names: dict[str, str], *, sentence: bool = False) -> str:
    """'Spain (ESP)'; in a sentence 'the Netherlands (NLD)'."""
    if code not in names or names[code] == code:
        return code
    name = state_name(code, names) if sentence else names[code]
    return f"{name} ({code})"


def _region_order(tables: Tables) -> pd.DataFrame:
    """States with their region, sorted by region (the world's order) and then code."""
    first = tables.countries[tables.countries["year"] == tables.countries["year"].min()]
    states = first[["country", "region"]].astype(str).drop_duplicates("country")
    rank = {r: i for i, r in enumerate(REGIONS)}
    states = states.assign(rank=states["region"].map(lambda r: rank.get(r, len(rank))))
    return states.sort_values(["rank", "region", "country"]).reset_index(drop=True)


def _run_label(config: Config) -> str:
    return f"scenario {config.scenario.name}, policy {config.policy.name}"


def _settle(fig: Figure) -> Figure:
    """Lay the figure out once and keep that layout.

    Constrained layout is recomputed at every draw and need not settle on the same
    positions twice, so without this an SVG written after a PNG could differ from one
    written alone.
    """
    with style():
        fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig


# --------------------------------------------------------------------------- rings


def ring_angles(
    tables: Tables, focal: str
) -> tuple[dict[str, float], list[tuple[str, float, float]]]:
    """A fixed angle (degrees) for every state but `focal`, and the region sectors.

    States are spread clockwise by region and then code over the circle less a gap at
    the bottom, so a partner sits at the same angle on whichever ring and in whichever
    year it appears. Sectors are (region, first angle, last angle).
    """
    states = _region_order(tables)
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
    of cooperation with the focal state and labelled with its code. The frame has one
    row per partner and year: year, partner, name, region, ring, max_form, angle,
    radius, x, y.
    """
    focal = _focal(tables, config, focal)
    years = _years(tables, years)
    names = _names(config)
    angles, sectors = ring_angles(tables, focal)
    regions = dict(_region_order(tables)[["country", "region"]].itertuples(index=False))

    pairs = tables.pairs
    view = pairs[(pairs["country"] == focal) & pairs["year"].isin(years)]
    view = view[view["ring"].astype(str).isin(RING_ORDER)]
    rows = []
    for year in years:
        one = view[view["year"] == year]
        for ring in RING_ORDER:
            part = one[one["ring"].astype(str) == ring].sort_values("partner")
            for code, form in zip(part["partner"], part["max_form"], strict=True):
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
                        "angle": angle,
                        "radius": radius,
                        "x": radius * math.cos(math.radians(angle)),
                        "y": radius * math.sin(math.radians(angle)),
                    }
                )
    columns = ["year", "partner", "name", "region", "ring", "max_form"]
    data = pd.DataFrame(rows, columns=[*columns, "angle", "radius", "x", "y"])

    with style():
        n = len(years)
        fig = Figure(figsize=(max(5.0 * n, 6.5), 6.6 if n > 1 else 8.0), layout="compressed")
        fig.get_layout_engine().set(h_pad=0.08)
        grid = fig.add_gridspec(2, n, height_ratios=[5.2, 1.4 if n > 1 else 2.2])
        axes = [fig.add_subplot(grid[0, i]) for i in range(n)]
        legend_ax = fig.add_subplot(grid[1, :])
        legend_ax.axis("off")
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
            f"Partner rings of {_display(focal, names, sentence=True)}\n{_run_label(config)}",
            fontsize=14,
        )
        form_handles = [
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=8,
                markerfacecolor=FORM_COLOURS[f],
                markeredgecolor="black",
                markeredgewidth=0.6,
                label=FORM_NAMES[f],
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
                markersize=8,
                markerfacecolor="white",
                markeredgecolor="black",
                label=f"{RING_LABELS[ring]} ({label} ring)",
            )
            for ring, label in zip(RING_ORDER, ("inner", "middle", "outer"), strict=True)
        ]
        side = n > 1  # legends side by side below the panels, else one above the other
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
    return _settle(fig), data


def _draw_rings(
    ax, data: pd.DataFrame, focal: str, sectors: list[tuple[str, float, float]]
) -> None:
    ax.set_aspect("equal")
    ax.axis("off")
    outer = max(RING_RADII.values())
    ax.set_xlim(-outer - 1.6, outer + 1.6)
    ax.set_ylim(-outer - 0.9, outer + 1.9)
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
        ax.text(
            0,
            -RING_RADII[ring],
            ring,
            ha="center",
            va="center",
            fontsize=8.5,
            fontstyle="italic",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            zorder=2,
        )
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
    ax.scatter([0], [0], marker="*", s=260, color="black", zorder=4)
    ax.text(0, -0.35, focal, ha="center", va="top", fontsize=10, fontweight="bold")
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
                row.partner,
                xy=(row.x, row.y),
                xytext=(6.0 * math.cos(t), 6.0 * math.sin(t)),
                textcoords="offset points",
                rotation=a - 180.0 if flip else a,
                rotation_mode="anchor",
                ha="right" if flip else "left",
                va="center",
                fontsize=7.5,
                zorder=3,
            )


# --------------------------------------------------------------------------- ring moves


def ring_timeline(
    tables: Tables, config: Config, focal: str | None = None
) -> tuple[Figure, pd.DataFrame]:
    """Which partners of the focal state changed ring, and when.

    One row per partner that ever changed ring; a band per year coloured (and hatched)
    by the ring it sat in, nothing where it sat in no ring, and a marker in the first
    year of each new ring. The frame has one row per drawn partner and year: year,
    partner, name, ring ("none" outside the rings) and moved (the ring differs from
    the year before).
    """
    focal = _focal(tables, config, focal)
    names = _names(config)
    years = _run_years(tables)
    moves = ring_transitions(tables.pairs, focal)
    columns = ["year", "partner", "name", "ring", "moved"]
    if moves.empty:
        data = pd.DataFrame(columns=columns)
    else:
        order = (
            moves.groupby("partner")["year"].min().reset_index().sort_values(["year", "partner"])
        )
        partners = [str(p) for p in order["partner"]]
        view = tables.pairs[
            (tables.pairs["country"] == focal) & tables.pairs["partner"].isin(partners)
        ]
        wide = (
            view.assign(ring=view["ring"].astype(str))
            .pivot(index="partner", columns="year", values="ring")
            .reindex(index=partners, columns=years)
            .fillna("none")
        )
        long = wide.reset_index().melt(id_vars="partner", var_name="year", value_name="ring")
        long["year"] = long["year"].astype(int)
        long["name"] = long["partner"].map(lambda c: names.get(c, c))
        long["rank"] = long["partner"].map({p: i for i, p in enumerate(partners)})
        long = long.sort_values(["rank", "year"]).reset_index(drop=True)
        previous = long.groupby("partner", sort=False)["ring"].shift()
        long["moved"] = previous.notna() & (previous != long["ring"])
        data = long[columns]

    with style():
        partners = list(dict.fromkeys(data["partner"]))
        height = max(4.0, 0.34 * len(partners) + 2.4)
        fig = Figure(figsize=(10.0, height))
        ax = fig.add_subplot()
        ax.grid(False)
        ax.set_title(
            f"Partners of {_display(focal, names, sentence=True)} that changed ring\n"
            f"{_run_label(config)}"
        )
        ax.set_xlabel("year")
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        if not partners:
            ax.text(
                0.5,
                0.5,
                f"No partner changed ring in {years[0]}-{years[-1]}",
                transform=ax.transAxes,
                ha="center",
                va="center",
            )
            ax.set_yticks([])
            return _settle(fig), data
        for i, partner in enumerate(partners):
            rows = data[data["partner"] == partner]
            ax.axhline(i, color="#bbbbbb", linewidth=0.8, zorder=0)
            for ring, first, last in _spells(rows["year"].tolist(), rows["ring"].tolist()):
                if ring == "none":
                    continue
                ax.broken_barh(
                    [(first - 0.5, last - first + 1)],
                    (i - 0.36, 0.72),
                    facecolors=RING_COLOURS[ring],
                    edgecolor="white",
                    linewidth=0.0,
                    hatch=RING_HATCHES[ring],
                    zorder=1,
                )
            for row in rows[rows["moved"]].itertuples(index=False):
                ax.scatter(
                    [row.year],
                    [i],
                    marker=RING_MARKERS.get(row.ring, "X"),
                    s=60,
                    facecolors="white" if row.ring != "none" else "black",
                    edgecolors="black",
                    linewidths=1.0,
                    zorder=3,
                )
        ax.set_yticks(range(len(partners)), [_display(p, names) for p in partners])
        ax.set_ylim(len(partners) - 0.5, -0.5)
        ax.set_ylabel("partner (by year of first move)")
        ax.grid(True, axis="x", which="major")
        _year_ticks(ax.xaxis, years)
        handles = [
            Patch(
                facecolor=RING_COLOURS[ring],
                edgecolor="white",
                hatch=RING_HATCHES[ring],
                label=f"in the {ring} ring",
            )
            for ring in RING_ORDER
        ]
        handles.append(Line2D([], [], color="#bbbbbb", linewidth=0.8, label="in no ring"))
        handles += [
            Line2D(
                [],
                [],
                linestyle="none",
                marker=RING_MARKERS[ring],
                markersize=8,
                markerfacecolor="white",
                markeredgecolor="black",
                label=f"moved into the {ring} ring",
            )
            for ring in RING_ORDER
        ]
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="X",
                markersize=8,
                markerfacecolor="black",
                markeredgecolor="black",
                label="left the rings",
            )
        )
        fig.legend(handles=handles, loc="outside lower center", ncol=4, frameon=False)
    return _settle(fig), data


def _spells(years: list[int], rings: list[str]) -> list[tuple[str, int, int]]:
    """Runs of consecutive years in the same ring: (ring, first year, last year)."""
    spells: list[tuple[str, int, int]] = []
    for year, ring in zip(years, rings, strict=True):
        if spells and spells[-1][0] == ring:
            spells[-1] = (ring, spells[-1][1], year)
        else:
            spells.append((ring, year, year))
    return spells


def _year_ticks(axis, years: Sequence[int]) -> None:
    """Round years as labelled ticks (every 1, 2, 5 or 10 years), every year as a minor tick."""
    span = max(years) - min(years)
    step = 1 if span <= 8 else 2 if span <= 16 else 5 if span <= 50 else 10
    axis.set_major_locator(MultipleLocator(step))
    axis.set_minor_locator(MultipleLocator(1))


# --------------------------------------------------------------------------- indices


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
    focal = _focal(tables, config, focal)
    states = [focal, *_others(tables, focal, others)]
    names = _names(config)
    c = tables.countries
    first_year = int(c["year"].min())
    frames = []
    for code in states:
        own = c[c["country"] == code].sort_values("year")
        base = own[own["year"] == first_year].iloc[0]
        part = pd.DataFrame({"year": own["year"].astype(int).to_numpy(), "country": code})
        for column, _ in INDEX_MEASURES:
            values = own[column].to_numpy(dtype=float)
            part[f"{column}_index"] = 100.0 * values / base[column] if base[column] != 0 else np.nan
        part["autonomy"] = own["autonomy"].to_numpy(dtype=float)
        frames.append(part)
    data = pd.concat(frames, ignore_index=True)

    with style():
        fig = Figure(figsize=(11.0, 8.0))
        axes = fig.subplots(2, 2, sharex=True).ravel()
        panels = [
            (f"{column}_index", title, f"index, {first_year} = 100")
            for column, title in INDEX_MEASURES
        ]
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
                    label=_display(code, names),
                    linewidth=2.6 if code == focal else 1.5,
                    markersize=6 if code == focal else 5,
                    markevery=(i % 4, 4),
                    zorder=3 if code == focal else 2,
                    **spec,
                )
            ax.set_title(title)
            ax.set_ylabel(ylabel)
            _year_ticks(ax.xaxis, _run_years(tables))
        for ax in axes[2:]:
            ax.set_xlabel("year")
        fig.suptitle(
            "Budget, capability, capacity to act and autonomy of "
            f"{_display(focal, names, sentence=True)} and other states\n{_run_label(config)}",
            fontsize=14,
        )
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncol=min(len(states), 5),
            frameon=False,
        )
    return _settle(fig), data


# --------------------------------------------------------------------------- depth matrix


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
    focal = _focal(tables, config, focal)
    year = _run_years(tables)[-1] if year is None else _check_year(tables, year)
    states = _region_order(tables)
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
        ax.set_title(f"Deepest form of cooperation between states in {year}\n{_run_label(config)}")
    return _settle(fig), data


# --------------------------------------------------------------------------- network


def network_edges(tables: Tables, year: int) -> pd.DataFrame:
    """Unordered pairs with any cooperation in `year`: country < partner, max_form > 0."""
    view = tables.pairs[(tables.pairs["year"] == year) & (tables.pairs["max_form"] > 0)]
    country = view["country"].astype(str).to_numpy()
    partner = view["partner"].astype(str).to_numpy()
    first = country < partner
    a = np.where(first, country, partner)
    b = np.where(first, partner, country)
    edges = (
        pd.DataFrame({"country": a, "partner": b, "max_form": view["max_form"].to_numpy()})
        .groupby(["country", "partner"], as_index=False)["max_form"]
        .max()
    )
    edges["max_form"] = edges["max_form"].astype(int)
    return edges.sort_values(["max_form", "country", "partner"]).reset_index(drop=True)


@lru_cache(maxsize=8)
def network_layout(
    nodes: tuple[str, ...], edges: tuple[tuple[str, str, int], ...]
) -> dict[str, tuple[float, float]]:
    """Deterministic node positions: deeper ties ask for shorter distances (Kamada-Kawai).

    `edges` are (state, state, deepest form). Pairs without a path between them are
    asked to sit one step further apart than the farthest connected pair, so that
    separate groups and lone states stay in view. Starts from a circle, uses no
    random numbers.
    """
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((a, b, {"distance": EDGE_DISTANCE[form]}) for a, b, form in edges)
    lengths = dict(nx.all_pairs_dijkstra_path_length(graph, weight="distance"))
    finite = [d for row in lengths.values() for d in row.values()]
    far = (max(finite) if finite else 1.0) + 1.0
    dist = {a: {b: lengths[a].get(b, far) for b in nodes} for a in nodes}
    pos = nx.kamada_kawai_layout(graph, dist=dist, pos=nx.circular_layout(list(nodes)))
    return {str(n): (float(p[0]), float(p[1])) for n, p in pos.items()}


def cooperation_network(
    tables: Tables,
    config: Config,
    year: int | None = None,
    focal: str | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """The cooperation network in one year: states as nodes, one edge per cooperating pair.

    Edge width and colour give the deepest form; nodes are placed by a force-directed
    layout with a fixed seed (deeper ties pull harder), so the picture is the same
    every time. The frame has one row per edge drawn: country, partner, max_form and
    the end points x0, y0, x1, y1.
    """
    focal = _focal(tables, config, focal)
    year = _run_years(tables)[-1] if year is None else _check_year(tables, year)
    names = _names(config)
    edges = network_edges(tables, year)
    nodes = tuple(_states(tables))
    xy = network_layout(
        nodes,
        tuple(
            (str(r.country), str(r.partner), int(r.max_form)) for r in edges.itertuples(index=False)
        ),
    )
    data = edges.assign(
        x0=[xy[c][0] for c in edges["country"]],
        y0=[xy[c][1] for c in edges["country"]],
        x1=[xy[p][0] for p in edges["partner"]],
        y1=[xy[p][1] for p in edges["partner"]],
    )

    with style():
        fig = Figure(figsize=(11.0, 9.5))
        ax = fig.add_subplot()
        ax.set_aspect("equal")
        ax.axis("off")
        for form in range(1, len(FORM_COLOURS)):
            part = data[data["max_form"] == form]
            if part.empty:
                continue
            segments = [[(r.x0, r.y0), (r.x1, r.y1)] for r in part.itertuples(index=False)]
            ax.add_collection(
                LineCollection(
                    segments,
                    colors=FORM_COLOURS[form],
                    linewidths=EDGE_WIDTHS[form],
                    alpha=0.9 if form >= 3 else 0.75,
                    zorder=form,
                    capstyle="round",
                )
            )
        degree = dict.fromkeys(nodes, 0)
        for a, b in zip(edges["country"], edges["partner"], strict=True):
            degree[a] += 1
            degree[b] += 1
        ax.scatter(
            [xy[n][0] for n in nodes],
            [xy[n][1] for n in nodes],
            s=330,
            c=["black" if n == focal else "white" for n in nodes],
            edgecolors=["black" if degree[n] else "#999999" for n in nodes],
            linewidths=1.0,
            zorder=10,
        )
        for n in nodes:
            ax.text(
                xy[n][0],
                xy[n][1],
                n,
                ha="center",
                va="center",
                fontsize=6.5,
                color="white" if n == focal else "black",
                fontweight="bold" if n == focal else "normal",
                zorder=11,
            )
        ax.autoscale_view()
        ax.margins(0.04)
        isolated = [n for n in nodes if degree[n] == 0]
        ax.set_title(
            f"Cooperation network in {year}, {_run_label(config)}\n"
            f"{len(data)} cooperating pairs among {len(nodes)} states"
            + (f"; {len(isolated)} without any tie (grey outline)" if isolated else "")
            + f"; {_display(focal, names, sentence=True)} in black",
            fontsize=12,
        )
        handles = [
            Line2D(
                [],
                [],
                color=FORM_COLOURS[f],
                linewidth=max(EDGE_WIDTHS[f], 1.0),
                label=FORM_NAMES[f],
            )
            for f in range(1, len(FORM_COLOURS))
        ]
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncol=3,
            title="Line colour and width: deepest form of cooperation between the two states",
            frameon=False,
        )
    return _settle(fig), data


# --------------------------------------------------------------------------- shortfalls


def shortfall_heatmap(tables: Tables, config: Config) -> tuple[Figure, pd.DataFrame]:
    """Alliance-wide shortfall and surplus per capability area and year.

    Both are fractions of the alliance's requirement in the area (the members' summed
    own capability against the need); the colour shows surplus minus shortfall, and
    shortfall cells are hatched as well so the sign survives grayscale. The frame has
    one row per area and year: year, area, label, shortfall, surplus, balance.
    """
    labels = _area_labels(config)
    alliance = tables.alliance.sort_values("year")
    areas = [a for a in labels if f"shortfall_{a}" in alliance.columns]
    extra = sorted(
        c.removeprefix("shortfall_")
        for c in alliance.columns
        if c.startswith("shortfall_") and c not in ("shortfall_total",)
    )
    areas += [a for a in extra if a not in areas and f"surplus_{a}" in alliance.columns]
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
    data = pd.concat(rows, ignore_index=True)
    grid = data.pivot(index="area", columns="year", values="balance").reindex(index=areas)
    values = grid.to_numpy()

    with style():
        fig = Figure(figsize=(11.0, 0.36 * len(areas) + 2.6))
        ax = fig.add_subplot()
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
            flags = short.loc[area].to_numpy() > 0
            j = 0
            while j < len(years):
                if flags[j]:
                    k = j
                    while k + 1 < len(years) and flags[k + 1]:
                        k += 1
                    ax.add_patch(
                        Rectangle(
                            (years[j] - 0.5, i - 0.5),
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
        ax.set_ylim(len(areas) - 0.5, -0.5)
        ax.set_yticks(range(len(areas)), [labels.get(a, a) for a in areas])
        ax.set_xlabel("year")
        ax.set_ylabel("capability area")
        _year_ticks(ax.xaxis, [int(y) for y in years])
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = fig.colorbar(mesh, ax=ax, pad=0.02, shrink=0.9)
        bar.set_label(
            "shortfall (-, hatched) or surplus (+)\nas a fraction of the alliance requirement"
        )
        bar.ax.grid(False)
        ax.set_title(
            f"Alliance-wide shortfalls and surpluses per capability area\n{_run_label(config)}"
        )
    return _settle(fig), data


# --------------------------------------------------------------------------- captions


def caption(
    name: str,
    tables: Tables,
    config: Config,
    *,
    years: Sequence[int] | None = None,
    focal: str | None = None,
    others: Sequence[str] | None = None,
    network_year: int | None = None,
) -> str:
    """A one-paragraph caption for figure `name` of a run, naming what is drawn."""
    _check_which([name])
    focal = _focal(tables, config, focal)
    names = _names(config)
    who = _display(focal, names, sentence=True)
    run_years = _run_years(tables)
    span = f"{run_years[0]}-{run_years[-1]}"
    year = run_years[-1] if network_year is None else _check_year(tables, network_year, "year")
    if name == "rings":
        chosen = ", ".join(str(y) for y in _years(tables, years))
        return (
            f"Partner rings of {who} in {chosen}: strategic partners on the inner ring, "
            "affiliated partners in the middle, partners of opportunity outside. Each "
            "marker is coloured by the deepest form of cooperation with the partner; "
            "partners keep their angle (by region, then code) in every panel."
        )
    if name == "ring_transitions":
        return (
            f"Partners of {who} that changed ring in {span}: bands show the ring held "
            "each year, markers the first year in a new ring, a cross leaving the rings."
        )
    if name == "indices":
        other = ", ".join(_others(tables, focal, others)) or "no other states"
        return (
            f"Budget, own capability and capacity to act of {who} and {other}, indexed "
            f"to {run_years[0]} = 100, and autonomy (share of capability at own disposal, "
            "0-1)."
        )
    if name == "depth_matrix":
        return (
            f"Deepest form of cooperation between every two states in {year}, states "
            "grouped by region; blank on the diagonal."
        )
    if name == "network":
        return (
            f"Cooperation network in {year}: one line per pair of states cooperating in "
            "any capability area, width and colour by the deepest form; layout "
            "force-directed with a fixed seed."
        )
    return (
        f"Alliance-wide shortfall and surplus per capability area in {span}, as fractions "
        "of the alliance requirement (the members' own capability summed against need)."
    )


# --------------------------------------------------------------------------- all figures


def _check_which(which: Sequence[str]) -> list[str]:
    if isinstance(which, str):
        which = [which]
    for name in which:
        if name not in RUN_FIGURES:
            raise ImssimError(f"unknown figure {name!r}: choose from {', '.join(RUN_FIGURES)}")
    return [name for name in RUN_FIGURES if name in set(which)]


def make_run_figures(
    run: RunFolder,
    out_dir: str | Path | None = None,
    *,
    years: Sequence[int] | None = None,
    focal: str | None = None,
    others: Sequence[str] | None = None,
    network_year: int | None = None,
    which: Sequence[str] = RUN_FIGURES,
    formats: tuple[str, ...] = ("png", "svg"),
) -> dict[str, Path]:
    """Write the figures into out_dir (default: <run folder>/figures) and return
    {figure name: PNG path}, in RUN_FIGURES order.

    `years` are the panels of the ring diagram, `others` the states drawn beside the
    focal state in the indices, `network_year` the year of the depth matrix and the
    network (default: the last year). Every choice is checked before anything is drawn.
    """
    names = _check_which(which)
    if not formats:
        raise ImssimError("formats: give at least one file format")
    tables, config = run.tables, run.config
    focal = _focal(tables, config, focal)
    chosen_years = _years(tables, years)
    chosen_others = _others(tables, focal, others)
    year = (
        _run_years(tables)[-1]
        if network_year is None
        else _check_year(tables, network_year, "network year")
    )
    out = Path(run.path) / "figures" if out_dir is None else Path(out_dir)
    builders = {
        "rings": lambda: ring_diagram(tables, config, years=chosen_years, focal=focal),
        "ring_transitions": lambda: ring_timeline(tables, config, focal=focal),
        "indices": lambda: index_chart(tables, config, focal=focal, others=chosen_others),
        "depth_matrix": lambda: depth_matrix(tables, config, year=year, focal=focal),
        "network": lambda: cooperation_network(tables, config, year=year, focal=focal),
        "shortfalls": lambda: shortfall_heatmap(tables, config),
    }
    written: dict[str, Path] = {}
    for name in names:
        with style():
            fig, _ = builders[name]()
            path = save_figure(fig, out, name, formats)
        written[name] = out / f"{name}.png" if "png" in formats else path
    return written
