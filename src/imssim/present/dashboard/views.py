"""What each view of the dashboard shows, for the year a :class:`DashboardModel` has
reached: the focal state's ring diagram, its budget, capacity to act and autonomy beside
the counterfactual, the year's events with their reasons, and the depth of cooperation
between all states (as a matrix or a network).

The pictures are the static charts' own (:mod:`imssim.present.plots.figures`), drawn for one
year and returned as PNG bytes; the texts reuse the summary's and the report's helpers.
Nothing here imports Solara.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pandas as pd
from matplotlib.figure import Figure

from imssim.model.forms import FORM_LABELS, Form
from imssim.present.choices import resolve_choices
from imssim.present.dashboard.runs import DashboardModel
from imssim.present.effects import focal_differences
from imssim.present.names import world_area_labels, world_names, world_of
from imssim.present.plots.common import display
from imssim.present.plots.registry import caption
from imssim.present.plots.style import png_bytes
from imssim.present.scenario_text import scenario_lines
from imssim.present.summary import one_sided, ring_members, ring_transitions, without_text

# Drawing uses matplotlib's process-wide settings (the house style is an rc_context):
# two sessions drawing at once would mix them, so one figure is drawn at a time.
DRAWING = threading.Lock()

# widths of the pictures on the page, in pixels (the page scales them to its columns)
RINGS_WIDTH = 720
TRENDS_WIDTH = 980
MATRIX_WIDTH = 1100
COOPERATION_VIEWS = ("depth matrix", "network")

# the events table's reasons in plain words (docs/ODD.md, Appendix B and sections 7.8, 7.9)
REASONS = {
    "mutual_gain": "both sides gain from it",
    "specialisation": "both gain from one side handing the area to the other",
    "task_swap": "a division of tasks: each relies on the other in one area",
    "thematic": "a thematic tie, begun by one side",
    "policy": "a cooperation policy no longer allows the form",
    "partner_cut": "a side cut or gave up its capability in the area",
    "trust_fell": "trust fell below what the form needs",
    "fit_lost": "the partners no longer fit well enough",
    "expired": "the joint hire ran out",
    "no_capability": "it no longer holds the area",
    "below_viable": "cuts thinned it below its minimum viable scale",
    "budget_fall": "its budget fell far below its peak",
    "national": "rebuilt nationally after the budget recovered",
    "through_partner": "regained through a deep partner",
    "regained": "an area regained through the partner",
    "pooled_instead": "a scarce enabler pooled rather than given up",
    "accession": "it joined NATO or the EU",
    "departure": "it left NATO or the EU",
    "not_eligible": "no longer eligible (NATO or EU membership)",
    "ended": "the framework ended",
    "founding_member": "a founding member",
    "pooled_fleet": "founded as a pooled fleet",
    "expeditionary_force": "founded as an expeditionary force",
    "framework_cluster": "founded as a framework-nation cluster",
    "lifetime": "its term ran out",
    "too_few_members": "too few members left",
    "lead_left": "its lead nation left",
}
EVENT_COLUMNS = ("event", "state", "with", "area", "form", "why")


def state_labels() -> dict[str, str]:
    """'Netherlands (NLD)' -> 'NLD' for every state of the world, sorted by name."""
    from imssim.world import load_world

    names = load_world().name_of
    return {display(code, names): code for code in sorted(names, key=names.__getitem__)}


def _png(draw: Callable[[], tuple[Figure, pd.DataFrame]], width: int) -> bytes:
    with DRAWING:
        fig, _ = draw()
        return png_bytes(fig, dpi=width / fig.get_figwidth())


def rings_png(model: DashboardModel) -> bytes:
    """The focal state's rings this year, as the static ring chart draws them."""
    from imssim.present.plots.figures.rings import ring_diagram

    year, tables, _ = model.snapshot()
    return _png(
        lambda: ring_diagram(tables, model.config, years=[year], focal=model.config.focal),
        RINGS_WIDTH,
    )


def rings_text(model: DashboardModel) -> list[str]:
    """The ring chart's caption, who sits on each ring and who moved ring this year."""
    year, tables, _ = model.snapshot()
    config, focal = model.config, model.config.focal
    choices = resolve_choices(tables, config, years=[year], focal=focal, network_year=year)
    rings = ring_members(tables.pairs, focal, year)
    lone = one_sided(tables.pairs, focal, year)
    strategic = " ".join(p + ("*" if p in lone else "") for p in rings["strategic"]) or "none"
    lines = [
        caption("rings", tables, config, choices),
        f"{focal} {year}: strategic {strategic} | affiliated {len(rings['affiliated'])}"
        f" | opportunity {len(rings['opportunity'])}",
    ]
    moves = ring_transitions(tables.pairs, focal)
    moves = moves[moves["year"] == year].sort_values(["to_ring", "partner"])
    if year == model.years[0]:
        lines.append("Ring moves: the first year (the 2012 record).")
    elif moves.empty:
        lines.append(f"Ring moves in {year}: none.")
    else:
        moved = ", ".join(f"{m.partner} {m.from_ring} -> {m.to_ring}" for m in moves.itertuples())
        lines.append(f"Ring moves in {year}: {moved}.")
    return lines


def trends_png(model: DashboardModel) -> bytes:
    """Capacity to act, real budget, autonomy and the alliance's shortfall so far, with
    the scenario and without its budget changes, on the axis of the whole run."""
    from imssim.present.plots.figures.effects import effects_chart

    _, tables, counterfactual = model.snapshot()
    return _png(
        lambda: effects_chart(
            tables, counterfactual, model.config, focal=model.config.focal, span=model.years
        ),
        TRENDS_WIDTH,
    )


def headline(model: DashboardModel) -> list[str]:
    """The focal state's measures this year against the counterfactual, one line each."""
    year, tables, counterfactual = model.snapshot()
    without = without_text(model.config)
    return [
        d.text(without) for d in focal_differences(tables, counterfactual, model.config.focal, year)
    ]


def scenario_text(model: DashboardModel) -> list[str]:
    """The scenario in words, one line per entry (as the run's summary gives it)."""
    config = model.config
    return scenario_lines(config.scenario, world=world_of(config))


def cooperation_png(model: DashboardModel, view: str = COOPERATION_VIEWS[0]) -> bytes:
    """The deepest form between every two states this year: a matrix or a network."""
    from imssim.present.plots.figures.depth import depth_matrix
    from imssim.present.plots.figures.network import cooperation_network

    if view not in COOPERATION_VIEWS:
        raise ValueError(f"unknown view {view!r}: one of {', '.join(COOPERATION_VIEWS)}")
    year, tables, _ = model.snapshot()
    draw = depth_matrix if view == COOPERATION_VIEWS[0] else cooperation_network
    return _png(
        lambda: draw(tables, model.config, year=year, focal=model.config.focal),
        MATRIX_WIDTH,
    )


def _form(value: int) -> str:
    return f"{int(value)} {FORM_LABELS[Form(int(value))]}"


def year_events(model: DashboardModel, everyone: bool = False) -> pd.DataFrame:
    """This year's events of the focal state (or of all states), in plain words: event,
    state, with (partner or framework), area, form (from -> to) and why."""
    year, tables, _ = model.snapshot()
    config, focal = model.config, model.config.focal
    names, areas = world_names(config), world_area_labels(config)
    events = tables.events[tables.events["year"] == year]
    if not everyone:
        events = events[(events["country"] == focal) | (events["partner"] == focal)]
    frameworks = dict(
        tables.frameworks[["framework", "name"]].drop_duplicates("framework").itertuples(False)
    )
    rows = []
    for e in events.itertuples(index=False):
        kind = str(e.kind)
        other = str(e.partner)
        if kind in ("joined", "left", "founded", "ended"):
            other = f"{frameworks.get(other, other)} ({other})" if other else ""
        elif other:
            other = display(other, names)
        if kind in ("gave_up", "rebuilt"):
            form = ""
        elif kind in ("founded", "ended"):
            form = _form(max(e.from_form, e.to_form))
        else:
            form = f"{_form(e.from_form)} -> {_form(e.to_form)}"
        rows.append(
            {
                "event": kind.replace("_", " "),
                "state": display(str(e.country), names) if e.country else "",
                "with": other,
                "area": areas.get(str(e.area), str(e.area)),
                "form": form,
                "why": REASONS.get(str(e.reason), str(e.reason).replace("_", " ")),
            }
        )
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


def event_counts(model: DashboardModel) -> str:
    """This year's events of all states by kind, and of the focal state."""
    year, tables, _ = model.snapshot()
    events = tables.events[tables.events["year"] == year]
    focal = model.config.focal
    mine = events[(events["country"] == focal) | (events["partner"] == focal)]

    def counts(frame: pd.DataFrame) -> str:
        found = frame["kind"].astype(str).value_counts()
        return ", ".join(f"{kind.replace('_', ' ')} {n}" for kind, n in found.items()) or "none"

    return f"{year}, all states: {counts(events)}; {focal}: {counts(mine)}."
