"""The cooperation network of a year: states as nodes, one line per cooperating pair."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from imssim.config import Config
from imssim.model.tables import Tables
from imssim.present.choices import RunChoices, check_year, choose_focal, run_states, run_years
from imssim.present.names import world_names, world_of
from imssim.present.plots.common import display, frame, run_label
from imssim.present.plots.style import FORM_COLOURS, FORM_NAMES, style
from imssim.present.scenario_text import states_words

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
    """Deterministic node positions: deeper ties ask for shorter distances.

    `edges` are (state, state, deepest form). Each pair of states is asked to sit at
    the length of the shortest path between them (edge lengths by form,
    EDGE_DISTANCE); pairs without a path are asked to sit one step further apart than
    the farthest connected pair, so that separate groups and lone states stay in view.
    The positions minimise the Kamada-Kawai energy (the squared misfit of each
    distance relative to its target) by stress majorization, starting from a circle:
    no random numbers, the same picture every time. Positions are centred and scaled
    to fit [-1, 1].
    """
    n = len(nodes)
    if n == 0:
        return {}
    where = {code: i for i, code in enumerate(nodes)}
    dist = np.full((n, n), np.inf)
    np.fill_diagonal(dist, 0.0)
    for a, b, form in edges:
        i, j = where[a], where[b]
        dist[i, j] = dist[j, i] = min(dist[i, j], EDGE_DISTANCE[form])
    for k in range(n):  # shortest paths (Floyd-Warshall)
        np.minimum(dist, dist[:, k : k + 1] + dist[k : k + 1, :], out=dist)
    finite = dist[np.isfinite(dist)]
    dist[~np.isfinite(dist)] = finite.max() + 1.0
    angles = 2.0 * np.pi * np.arange(n) / n
    start = np.column_stack([np.cos(angles), np.sin(angles)])
    xy = _majorize_stress(dist, start)
    xy -= xy.mean(axis=0)
    largest = np.abs(xy).max()
    if largest > 0:
        xy /= largest
    return {code: (float(xy[i, 0]), float(xy[i, 1])) for code, i in where.items()}


def _majorize_stress(
    dist: np.ndarray, xy: np.ndarray, iterations: int = 1000, tolerance: float = 1e-4
) -> np.ndarray:
    """Positions minimising sum over pairs of (|x_i - x_j| - d_ij)^2 / d_ij^2 (SMACOF,
    Gansner, Koren and North 2004: Graph drawing by stress majorization), until a step
    lowers it by less than `tolerance` of its value."""
    with np.errstate(divide="ignore"):
        weight = np.where(dist > 0, dist**-2.0, 0.0)
    laplacian = -weight
    np.fill_diagonal(laplacian, weight.sum(axis=1))
    inverse = np.linalg.pinv(laplacian)
    target = weight * dist
    before = None
    for _ in range(iterations):
        gap = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        stress = float((weight * (gap - dist) ** 2).sum()) / 2.0
        if before is not None and before - stress <= tolerance * before:
            break
        before = stress
        with np.errstate(divide="ignore", invalid="ignore"):
            pull = np.where(gap > 0, -target / gap, 0.0)
        np.fill_diagonal(pull, 0.0)
        np.fill_diagonal(pull, -pull.sum(axis=1))
        xy = inverse @ (pull @ xy)
    return xy


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
        fig = Figure(figsize=(11.0, 9.5), layout="none")
        ax = fig.add_axes(frame(fig, left=0.1, right=0.1, top=0.65, bottom=0.85))
        ax.set_aspect("equal")
        ax.axis("off")
        _draw_edges(ax, data)
        degree = dict.fromkeys(nodes, 0)
        for a, b in zip(edges["country"], edges["partner"], strict=True):
            degree[a] += 1
            degree[b] += 1
        _draw_nodes(ax, xy, degree, focal)
        ax.autoscale_view()
        ax.margins(0.04)
        isolated = [n for n in nodes if degree[n] == 0]
        ax.set_title(
            f"Cooperation network in {year}, {run_label(config)}\n"
            f"{len(data)} cooperating pairs among {_states(config, nodes)}\n"
            + _capital(
                (f"{len(isolated)} without any tie (grey outline); " if isolated else "")
                + f"{display(focal, names, sentence=True)} in black"
            ),
            fontsize=12,
        )
        _legend(fig)
    return fig, data


def _capital(text: str) -> str:
    """`text` with its first letter a capital."""
    return text[:1].upper() + text[1:]


def _states(config: Config, nodes: tuple[str, ...]) -> str:
    """The states drawn, counted by what they are in the run's world (the number
    alone when its data are gone)."""
    world = world_of(config)
    if world is None:
        return f"{len(nodes)} states"
    return states_words(world, nodes)


def _draw_edges(ax: Axes, data: pd.DataFrame) -> None:
    """One line per cooperating pair, one collection per form (deeper forms on top)."""
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


# a state's code on its node
_NODE_LABEL = {"ha": "center", "va": "center", "fontsize": 6.5, "zorder": 11}


def _draw_nodes(
    ax: Axes, xy: dict[str, tuple[float, float]], degree: dict[str, int], focal: str
) -> None:
    """The states as labelled nodes: the focal state in black, a state without any tie
    with a grey outline."""
    nodes = list(degree)
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
            color="white" if n == focal else "black",
            fontweight="bold" if n == focal else "normal",
            **_NODE_LABEL,
        )


def _legend(fig: Figure) -> None:
    """The legend of the lines: colour and width by the deepest form."""
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
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        title="Line colour and width: deepest form of cooperation between the two states",
        frameon=False,
    )
