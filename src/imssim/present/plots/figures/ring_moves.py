"""Ring moves: which partners of the focal state changed ring, and when."""

from __future__ import annotations

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from imssim.config import Config
from imssim.model.tables import Tables
from imssim.present.choices import RunChoices, choose_focal, run_years
from imssim.present.names import world_names
from imssim.present.plots.common import display, frame, run_label, year_ticks
from imssim.present.plots.style import RING_COLOURS, RING_MARKERS, RING_ORDER, style
from imssim.present.summary import ring_transitions

RING_HATCHES = {"strategic": "", "affiliated": "////", "opportunity": "xx"}  # dots draw slowly


def draw(tables: Tables, config: Config, choices: RunChoices) -> tuple[Figure, pd.DataFrame]:
    return ring_timeline(tables, config, focal=choices.focal)


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
    focal = choose_focal(tables, config, focal)
    names = world_names(config)
    years = run_years(tables)
    data = _ring_years(tables, focal, names, years)
    with style():
        partners = list(dict.fromkeys(data["partner"]))
        height = max(4.0, 0.34 * len(partners) + 2.4)
        fig = Figure(figsize=(10.6, height), layout="none")
        # left: room for the longest names ("Bosnia and Herzegovina (BIH)") and the label
        box = frame(fig, left=3.0, right=0.3, top=0.75, bottom=1.05)
        ax = fig.add_axes(box)
        ax.grid(False)
        ax.set_title(
            f"Partners of {display(focal, names, sentence=True)} that changed ring\n"
            f"{run_label(config)}"
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
            return fig, data
        _draw_rows(ax, data, partners, years)
        ax.set_yticks(range(len(partners)), [display(p, names) for p in partners])
        ax.set_ylim(len(partners) - 0.5, -0.5)
        ax.set_ylabel("partner (by year of first move)")
        ax.grid(True, axis="x", which="major")
        year_ticks(ax, years)
        fig.legend(
            handles=_legend_handles(),
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),  # under the names and the bars: it is wider than the bars
            ncol=4,
            frameon=False,
        )
    return fig, data


def _ring_years(
    tables: Tables, focal: str, names: dict[str, str], years: list[int]
) -> pd.DataFrame:
    """The drawn values: the ring of each partner that ever changed ring, by year (the
    partners in the order of their first move), and whether it moved that year."""
    moves = ring_transitions(tables.pairs, focal)
    columns = ["year", "partner", "name", "ring", "moved"]
    if moves.empty:
        return pd.DataFrame(columns=columns)
    order = moves.groupby("partner")["year"].min().reset_index().sort_values(["year", "partner"])
    partners = [str(p) for p in order["partner"]]
    view = tables.pairs[(tables.pairs["country"] == focal) & tables.pairs["partner"].isin(partners)]
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
    return long[columns]


def _draw_rows(ax: Axes, data: pd.DataFrame, partners: list[str], years: list[int]) -> None:
    """One row per partner: a line for no ring, the bands of its rings and its moves."""
    # one collection per ring and one per marker shape, not one per spell and move:
    # each collection costs about as much to lay out and draw as all its bars
    ax.hlines(
        range(len(partners)),
        years[0] - 0.5,
        years[-1] + 0.5,
        color="#bbbbbb",
        linewidth=0.8,
        zorder=0,
    )
    bars: dict[str, list] = {ring: [] for ring in RING_ORDER}
    moves: dict[str, list[tuple[int, int]]] = {}
    for i, partner in enumerate(partners):
        rows = data[data["partner"] == partner]
        for ring, first, last in _spells(rows["year"].tolist(), rows["ring"].tolist()):
            if ring != "none":
                x0, x1, y0, y1 = first - 0.5, last + 0.5, i - 0.36, i + 0.36
                bars[ring].append([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        for row in rows[rows["moved"]].itertuples(index=False):
            moves.setdefault(row.ring, []).append((row.year, i))
    for ring, rects in bars.items():
        if rects:
            ax.add_collection(
                PolyCollection(
                    rects,
                    facecolors=RING_COLOURS[ring],
                    edgecolors="white",
                    linewidths=0.0,
                    hatch=RING_HATCHES[ring],
                    zorder=1,
                ),
                autolim=False,
            )
    for ring, points in moves.items():
        ax.scatter(
            [x for x, _ in points],
            [y for _, y in points],
            marker=RING_MARKERS.get(ring, "X"),
            s=60,
            facecolors="white" if ring != "none" else "black",
            edgecolors="black",
            linewidths=1.0,
            zorder=3,
        )


def _legend_handles() -> list[Artist]:
    """The legend: each ring's band, the line of no ring, each ring's marker of a move
    into it and the marker of leaving the rings."""
    handles: list[Artist] = [
        Patch(
            facecolor=RING_COLOURS[ring],
            edgecolor="white",
            hatch=RING_HATCHES[ring],
            label=f"in the {ring} ring",
        )
        for ring in RING_ORDER
    ]
    handles.append(Line2D([], [], color="#bbbbbb", linewidth=0.8, label="in no ring"))
    markers = [(RING_MARKERS[ring], "white", f"moved into the {ring} ring") for ring in RING_ORDER]
    for marker, face, label in [*markers, ("X", "black", "left the rings")]:
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=marker,
                markersize=8,
                markerfacecolor=face,
                markeredgecolor="black",
                label=label,
            )
        )
    return handles


def _spells(years: list[int], rings: list[str]) -> list[tuple[str, int, int]]:
    """Runs of consecutive years in the same ring: (ring, first year, last year)."""
    spells: list[tuple[str, int, int]] = []
    for year, ring in zip(years, rings, strict=True):
        if spells and spells[-1][0] == ring:
            spells[-1] = (ring, spells[-1][1], year)
        else:
            spells.append((ring, year, year))
    return spells
