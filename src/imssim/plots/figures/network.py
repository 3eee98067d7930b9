"""The cooperation network of a year: states as nodes, one line per cooperating pair."""

from __future__ import annotations

from functools import lru_cache

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from imssim.analysis import (
    RunChoices,
    check_year,
    choose_focal,
    run_states,
    run_years,
    world_names,
)
from imssim.config import Config
from imssim.plots.common import display, run_label
from imssim.plots.style import FORM_COLOURS, FORM_NAMES, style
from imssim.recorder import Tables

EDGE_WIDTHS = {1: 0.4, 2: 0.7, 3: 1.1, 4: 2.0, 5: 3.0, 6: 4.2}
# target distance between two states in the network layout, by their deepest form
EDGE_DISTANCE = {1: 3.0, 2: 2.6, 3: 2.2, 4: 1.6, 5: 1.3, 6: 1.0}


def draw(tables: Tables, config: Config, choices: RunChoices) -> tuple[Figure, pd.DataFrame]:
    return cooperation_network(tables, config, year=choices.network_year, focal=choices.focal)


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
    focal = choose_focal(tables, config, focal)
    year = run_years(tables)[-1] if year is None else check_year(tables, year)
    names = world_names(config)
    edges = network_edges(tables, year)
    nodes = tuple(run_states(tables))
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
            f"Cooperation network in {year}, {run_label(config)}\n"
            f"{len(data)} cooperating pairs among {len(nodes)} states"
            + (f"; {len(isolated)} without any tie (grey outline)" if isolated else "")
            + f"; {display(focal, names, sentence=True)} in black",
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
    return fig, data
