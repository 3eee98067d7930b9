"""Every figure, defined once: its name, file stem, title, caption and the function
that draws it.

The command line (the figures of a run), ``imssim-plot``, ``imssim-report``,
``imssim-bench`` and the documentation all read this registry: :data:`RUN_FIGURES` are
the figures of one run (in the order they are drawn and shown), :data:`COMPARE_FIGURES`
those comparing several runs. A figure's `draw` is named as ``module:function`` and
imported only when the figure is drawn, so reading the registry (to list, check or
reuse figures) does not load matplotlib.

Run figures are drawn by ``draw(tables, config, choices)`` with the run's
:class:`imssim.present.choices.RunChoices`; comparison figures by
``draw(runs, measures, focal=...)``. Both return the figure and a frame of exactly the
values drawn.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Sequence

from imssim.config import Config
from imssim.errors import ImssimError
from imssim.model.tables import Tables
from imssim.present.choices import RunChoices, run_years
from imssim.present.names import world_names
from imssim.present.outcome_table import HIGH_Q, LOW_Q
from imssim.present.plots.common import display

RUN = "run"
COMPARE = "compare"


@dataclasses.dataclass(frozen=True)
class FigureSpec:
    """One figure: `name` (as given to ``imssim-plot --figures``), the file `stem`
    (``<stem>.png``), the report's `title`, the `caption` saying what is drawn, `draw`,
    the drawing function as ``module:function``, and `uses`, the choices of a run's
    figures (:class:`imssim.present.choices.RunChoices` fields) the picture depends on."""

    name: str
    kind: str  # RUN or COMPARE
    stem: str
    title: str
    draw: str
    caption: Callable[..., str]
    uses: tuple[str, ...] = ()
    # drawn with the run's counterfactual (the runs' counterfactuals for a comparison);
    # skipped without one
    counterfactual: bool = False

    @property
    def module(self) -> str:
        return self.draw.split(":", 1)[0]

    def function(self) -> Callable:
        """The drawing function (imports its module, and so matplotlib)."""
        module, name = self.draw.split(":", 1)
        return getattr(importlib.import_module(module), name)


# --------------------------------------------------------------------------- captions


def _who(config: Config, choices: RunChoices) -> str:
    return display(choices.focal, world_names(config), sentence=True)


def _span(tables: Tables) -> str:
    years = run_years(tables)
    return f"{years[0]}-{years[-1]}"


def _effects_caption(tables: Tables, config: Config, choices: RunChoices) -> str:
    other = (
        "the same run without the scenario's budget changes"
        if config.counterfactual == "baseline"
        else f"the same run under {config.counterfactual}"
    )
    return (
        f"What {config.scenario.name} changes, {_span(tables)}: each panel gives the run "
        f"(solid) and {other} (dashed), with the same seed and random draws, the gap "
        f"between them shaded: capacity to act and real budget of {_who(config, choices)} "
        "(first year = 100), its autonomy (0-1), and the alliance's total shortfall "
        "(% of its requirement, all areas)."
    )


def _rings_caption(tables: Tables, config: Config, choices: RunChoices) -> str:
    chosen = ", ".join(str(y) for y in choices.years)
    return (
        f"Partner rings of {_who(config, choices)} in {chosen}, as it sees them (the rings "
        "are each state's own view): strategic partners on the inner ring, affiliated "
        "partners in the middle, partners of opportunity outside; a * marks a partner that "
        "places it in another ring. "
        "Each marker is coloured by the deepest form of cooperation with the partner; "
        "partners keep their angle (by region, then code) in every panel."
    )


def _moves_caption(tables: Tables, config: Config, choices: RunChoices) -> str:
    return (
        f"Partners of {_who(config, choices)} that changed ring in {_span(tables)}: bands "
        "show the ring held each year, markers the first year in a new ring, a cross "
        "leaving the rings."
    )


def _indices_caption(tables: Tables, config: Config, choices: RunChoices) -> str:
    other = ", ".join(choices.others) or "no other states"
    return (
        f"Budget, own capability and capacity to act of {_who(config, choices)} and {other}, "
        f"indexed to {run_years(tables)[0]} = 100, and autonomy (share of capability at own "
        "disposal, 0-1)."
    )


def _depth_caption(tables: Tables, config: Config, choices: RunChoices) -> str:
    return (
        f"Deepest form of cooperation between every two states in {choices.network_year}, "
        "states grouped by region; blank on the diagonal."
    )


def _network_caption(tables: Tables, config: Config, choices: RunChoices) -> str:
    return (
        f"Cooperation network in {choices.network_year}: one line per pair of states "
        "cooperating in any capability area, width and colour by the deepest form; layout "
        "force-directed from a fixed start, so the same run gives the same picture."
    )


def _shortfalls_caption(tables: Tables, config: Config, choices: RunChoices) -> str:
    return (
        f"Alliance-wide shortfall and surplus per capability area in {_span(tables)}, as "
        "fractions of the alliance requirement (the members' own capability summed against "
        "need)."
    )


def _over_time_caption() -> str:
    return (
        "One panel per outcome, by year: one line per scenario and policy (its median "
        f"across runs), with a band from the {LOW_Q}th to the {HIGH_Q}th percentile where "
        "there are several runs."
    )


def _effects_over_time_caption() -> str:
    return (
        "One row per outcome, by year. Left: each scenario and policy (solid) and its "
        "counterfactual (dashed), the same runs, seeds and random draws without what the "
        f"scenario changes, each its median across seeds with a band from the {LOW_Q}th to "
        f"the {HIGH_Q}th percentile. Right: each run minus its own counterfactual (paired "
        "seed by seed), the median of these differences and their band, against zero."
    )


def _headline_caption() -> str:
    return (
        "One panel per outcome in the last common year: one row per scenario and policy, "
        f"its median across runs, the {LOW_Q}th-{HIGH_Q}th percentile and every run."
    )


# --------------------------------------------------------------------------- the registry

_SPECS = (
    FigureSpec(
        name="effects",
        kind=RUN,
        stem="effects",
        title="What the scenario changes",
        draw="imssim.present.plots.figures.effects:draw",
        caption=_effects_caption,
        uses=("focal",),
        counterfactual=True,
    ),
    FigureSpec(
        name="rings",
        kind=RUN,
        stem="rings",
        title="Partner rings",
        draw="imssim.present.plots.figures.rings:draw",
        caption=_rings_caption,
        uses=("years", "focal"),
    ),
    FigureSpec(
        name="ring_transitions",
        kind=RUN,
        stem="ring_transitions",
        title="Ring moves",
        draw="imssim.present.plots.figures.ring_moves:draw",
        caption=_moves_caption,
        uses=("focal",),
    ),
    FigureSpec(
        name="indices",
        kind=RUN,
        stem="indices",
        title="Budget, capability, capacity to act and autonomy",
        draw="imssim.present.plots.figures.indices:draw",
        caption=_indices_caption,
        uses=("focal", "others"),
    ),
    FigureSpec(
        name="depth_matrix",
        kind=RUN,
        stem="depth_matrix",
        title="Depth of cooperation between states",
        draw="imssim.present.plots.figures.depth:draw",
        caption=_depth_caption,
        uses=("network_year", "focal"),
    ),
    FigureSpec(
        name="network",
        kind=RUN,
        stem="network",
        title="Cooperation network",
        draw="imssim.present.plots.figures.network:draw",
        caption=_network_caption,
        uses=("network_year", "focal"),
    ),
    FigureSpec(
        name="shortfalls",
        kind=RUN,
        stem="shortfalls",
        title="Alliance shortfalls and surpluses",
        draw="imssim.present.plots.figures.shortfalls:draw",
        caption=_shortfalls_caption,
    ),
    FigureSpec(
        name="outcomes_over_time",
        kind=COMPARE,
        stem="outcomes_over_time",
        title="Outcomes over time",
        draw="imssim.present.plots.compare:outcomes_over_time",
        caption=_over_time_caption,
    ),
    FigureSpec(
        name="effects_over_time",
        kind=COMPARE,
        stem="effects_over_time",
        title="What the scenario changes, across seeds",
        draw="imssim.present.plots.ensemble:effects_over_time",
        caption=_effects_over_time_caption,
        counterfactual=True,
    ),
    FigureSpec(
        name="headline_outcomes",
        kind=COMPARE,
        stem="headline_outcomes",
        title="Outcomes at the end",
        draw="imssim.present.plots.compare:headline_outcomes",
        caption=_headline_caption,
    ),
)
FIGURES: dict[str, FigureSpec] = {spec.name: spec for spec in _SPECS}
RUN_FIGURES: tuple[str, ...] = tuple(s.name for s in _SPECS if s.kind == RUN)
COMPARE_FIGURES: tuple[str, ...] = tuple(s.name for s in _SPECS if s.kind == COMPARE)


def check_figures(which: Sequence[str] | str, kind: str = RUN) -> list[str]:
    """The figures named in `which`, in the registry's order; a one-line ImssimError
    names an unknown one (and says so when it is a figure of the other kind)."""
    if isinstance(which, str):
        which = [which]
    known = RUN_FIGURES if kind == RUN else COMPARE_FIGURES
    for name in which:
        if name not in known:
            if name in FIGURES:
                hint = (
                    " (a figure comparing several runs)"
                    if kind == RUN
                    else " (a figure of one run)"
                )
            else:
                hint = ""
            what = "figure" if kind == RUN else "comparison figure"
            raise ImssimError(f"unknown {what} {name!r}{hint}: choose from {', '.join(known)}")
    return [name for name in known if name in set(which)]


def caption(name: str, tables: Tables, config: Config, choices: RunChoices) -> str:
    """The caption of run figure `name`: what is drawn."""
    check_figures([name])
    return FIGURES[name].caption(tables, config, choices)
