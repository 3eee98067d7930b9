"""The dashboard's pages (:data:`routes`): at ``/``, Mesa's ``SolaraViz`` around a run and
its counterfactual played year by year; at ``/compare``, scenarios compared over seeds
(:mod:`imssim.present.dashboard.compare_page`). Each links to the other.

Every browser session renders its own :func:`PlayPage`, which builds its own settings and
:class:`SessionModel`: nothing is built at import, since a model made at module level
would be shared by everyone who opens the page.

``SolaraViz`` gives the page its frame and Mesa's controls: Step and Play advance both
runs a year at a time, Reset takes them back to the first year. A change of a
setting applies at once: the run and its counterfactual are built again with it and
replayed to the year on screen. The views below the controls are drawn by
:mod:`imssim.present.dashboard.views` and follow every step.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from imssim.config import ScenarioConfig
from imssim.errors import ImssimError
from imssim.present.dashboard import views
from imssim.present.dashboard.catalogue import scenario_choices
from imssim.present.dashboard.compare_page import PATH as COMPARE_PATH
from imssim.present.dashboard.compare_page import PLAY_PATH, ComparePage, Links
from imssim.present.dashboard.controls import policy_and_focal
from imssim.present.dashboard.runs import SCALE_RANGE, DashboardModel, DashboardSettings
from imssim.present.dashboard.views import state_labels
from imssim.present.plots.common import display
from imssim.world import load_world

TITLE = "imssim: international military cooperation under austerity"
PLAY_INTERVAL_MS = 300
CSS = """
.imssim-year { font-size: 30px; line-height: 1.2; }
.imssim-note { font-size: 13px; color: #444; line-height: 1.4; }
.imssim-lines { font-size: 13px; margin: 4px 0 0 0; padding-left: 18px; columns: 2; }
.imssim-scenario { font-size: 13px; margin: 0 0 8px 0; padding-left: 16px; }
.imssim-events table { border-collapse: collapse; width: 100%; font-size: 13px; }
.imssim-events td { white-space: normal; vertical-align: top; }
.imssim-events td:last-child { min-width: 16em; }
.imssim-rings-text { font-size: 13px; }
.imssim-rings, .imssim-cooperation { display: block; margin: 0 auto; max-width: 1000px; }
/* every slider shows its value on its thumb (Mesa's play and render intervals too) */
.v-navigation-drawer .v-slider__thumb-label-container { display: block !important; }
.v-navigation-drawer .v-slider--horizontal { margin-top: 36px; }
.imssim-events th { text-align: left; position: sticky; top: 0; background: #eeeeee; }
.imssim-events td, .imssim-events th { padding: 2px 6px; border-bottom: 1px solid #e0e0e0; }
/* Mesa's card of model parameters stays empty (the settings have their own card) */
.v-navigation-drawer .v-card:has(> .v-card__text > .v-sheet:empty) { display: none; }
/* and its card of information, Mesa's "Time: 3.0" (its steps), beside the year shown */
.v-navigation-drawer .v-card:has(> .v-card__text > span:only-child:not([class])) { display: none; }
"""


class SessionModel(DashboardModel):
    """The dashboard's model as Mesa's Reset builds it again, ``type(model)(**model_params)``:
    from the session's settings as they are at that moment."""

    def __init__(self, settings: solara.Reactive[DashboardSettings]) -> None:
        super().__init__(settings.value)


def _lines(lines: list[str], classes: str) -> solara.Element:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return solara.HTML(tag="ul", unsafe_innerHTML=items, classes=[classes])


def _note(text: str) -> solara.Element:
    return solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=["imssim-note"])


# --------------------------------------------------------------------------- views


@solara.component
def YearView(model: DashboardModel, year: int):
    first, last = model.years
    config = model.config
    names = load_world().name_of
    with solara.Card(margin=0):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<b>{year}</b> <span style='font-size:16px'>of {first}-{last}: "
                f"{html.escape(config.scenario.name)}, policy {html.escape(config.policy.name)}"
                f", seed {config.seed}; the view of "
                f"{html.escape(display(config.focal, names))}</span>"
            ),
            classes=["imssim-year"],
        )
        _lines(views.headline(model), "imssim-lines")


@solara.component
def RingsView(model: DashboardModel, year: int):
    image = solara.use_memo(lambda: views.rings_png(model), [model, year])
    lines = views.rings_text(model)
    with solara.Card("Partner rings", margin=0):
        solara.Image(image, width="100%", classes=["imssim-rings"])
        solara.HTML(
            tag="div",
            unsafe_innerHTML="<br>".join(html.escape(line) for line in lines[1:]),
            classes=["imssim-rings-text"],
        )
        _note(lines[0])


@solara.component
def TrendsView(model: DashboardModel, year: int):
    image = solara.use_memo(lambda: views.trends_png(model), [model, year])
    with solara.Card("Over time, with and without the budget changes", margin=0):
        solara.Image(image, width="100%", classes=["imssim-trends"])
        _note(
            "Solid: the scenario; dashed: the same world, seed and random draws without "
            "its budget changes (and budget rules); shaded: the difference."
        )


@solara.component
def EventsView(model: DashboardModel, year: int):
    everyone, set_everyone = solara.use_state(False)
    frame = views.year_events(model, everyone=everyone)
    with solara.Card(f"Events of {year}", margin=0):
        solara.Text(views.event_counts(model))
        solara.Checkbox(
            label="all states, not only the focal state", value=everyone, on_value=set_everyone
        )
        if frame.empty:
            solara.Text(
                "No events this year."
                if year > model.years[0]
                else "The first year is the 2012 record: events begin with the first step."
            )
        else:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=frame.to_html(index=False, border=0, escape=True),
                classes=["imssim-events"],
                style={"max-height": "520px", "overflow-y": "auto"},
            )


@solara.component
def CooperationView(model: DashboardModel, year: int):
    view, set_view = solara.use_state(views.COOPERATION_VIEWS[0])
    image = solara.use_memo(lambda: views.cooperation_png(model, view), [model, year, view])
    with solara.Card("Cooperation between all states", margin=0):
        solara.ToggleButtonsSingle(
            value=view, values=list(views.COOPERATION_VIEWS), on_value=set_view
        )
        solara.Image(image, width="100%", classes=["imssim-cooperation"])


@solara.component
def Views(model: DashboardModel):
    """Every view, laid out in rows; drawn again after each step."""
    update_counter.get()  # Mesa's controls count steps here: a step renders this again
    year = model.year  # each view is given the year: a new year draws it again
    solara.Style(CSS)
    with solara.Column(gap="12px", style={"padding": "12px"}):
        Links(PLAY_PATH)
        YearView(model, year)
        TrendsView(model, year)  # the whole width: its chart's text is read at full size
        RingsView(model, year)  # each picture the whole width, so that its text is read
        CooperationView(model, year)
        EventsView(model, year)  # the whole width: every reason in full


# --------------------------------------------------------------------------- settings


@solara.component
def SettingsCard(
    settings: solara.Reactive[DashboardSettings],
    model: solara.Reactive[DashboardModel],
):
    """The settings; each change builds the runs again and replays them to the year shown."""
    error = solara.use_reactive(None)
    states = solara.use_memo(state_labels, [])
    current = settings.value
    scenario = model.value.config.scenario
    apply = _applier(settings, model, error)
    with solara.Card("Settings"):
        _note("A change applies at once: both runs are replayed to the year shown.")
        _run_choices(current, states, apply)
        _note(f"Scenario {current.scenario}:")
        _lines(views.scenario_text(model.value), "imssim-scenario")
        _scale_sliders(current, scenario, apply)
        _model_settings(current, apply)
        if error.value:
            solara.Error(error.value)


def _applier(
    settings: solara.Reactive[DashboardSettings],
    model: solara.Reactive[DashboardModel],
    error: solara.Reactive[str | None],
) -> Callable[..., None]:
    """The function a setting calls with its change: the runs built again with it and
    replayed to the year shown, or, when the settings are refused, the old ones kept and
    the error shown."""

    def apply(**changes) -> None:
        new = replace(settings.value, **changes)
        if new == settings.value:
            return
        old, year = settings.value, model.value.year
        settings.set(new)
        try:
            fresh = SessionModel(settings)
        except ImssimError as exc:
            settings.set(old)
            error.set(str(exc))
            return
        error.set(None)
        fresh.advance_to(year)
        model.set(fresh)

    return apply


def _run_choices(
    current: DashboardSettings, states: dict[str, str], apply: Callable[..., None]
) -> None:
    """The scenario, the policy and the focal state (`states`: label -> code)."""
    solara.Select(
        "Scenario",
        values=list(scenario_choices()),
        value=current.scenario,
        on_value=lambda v: apply(scenario=v),
    )
    policy_and_focal(current.policy, current.focal, states, apply)


def _scale_sliders(
    current: DashboardSettings, scenario: ScenarioConfig, apply: Callable[..., None]
) -> None:
    """The factors on the scenario's budget changes and on its threat events."""
    _note(
        "Size of the scenario's budget changes: its cuts and rises times this factor (1 = as "
        f"the scenario writes them; the scenario has {_count(scenario.budget_changes)})."
    )
    solara.SliderFloat(
        f"cuts x {current.budget_scale:g}",
        value=current.budget_scale,
        min=SCALE_RANGE[0],
        max=SCALE_RANGE[1],
        step=0.1,
        on_value=lambda v: apply(budget_scale=round(v, 2)),
    )
    has_threats = bool(scenario.threat_events)
    _note(
        "Threat: the model has no threat parameter; a scenario raises threat through "
        "its threat events, whose rises this factor multiplies"
        + ("." if has_threats else " (this scenario has none).")
    )
    solara.SliderFloat(
        f"threat x {current.threat_scale:g}",
        value=current.threat_scale,
        min=SCALE_RANGE[0],
        max=SCALE_RANGE[1],
        step=0.1,
        disabled=not has_threats,
        on_value=lambda v: apply(threat_scale=round(v, 2)),
    )


def _count(entries: list, what: str = "budget change") -> str:
    """'7 budget changes', '1 budget change', 'no budget change'."""
    n = len(entries)
    return f"no {what}" if n == 0 else f"{n} {what}" + ("" if n == 1 else "s")


def _model_settings(current: DashboardSettings, apply: Callable[..., None]) -> None:
    """The NATO/EU catalyst, coordinated cuts and the seed."""
    _note("Catalyst: the share of coordination overhead NATO and the EU remove between members.")
    solara.SliderFloat(
        f"catalyst {current.catalyst:g}",
        value=current.catalyst,
        min=0.0,
        max=1.0,
        step=0.05,
        on_value=lambda v: apply(catalyst=round(v, 2)),
    )
    solara.Checkbox(
        label="Coordinated cuts (spare the areas the alliance lacks)",
        value=current.coordinated_cuts,
        on_value=lambda v: apply(coordinated_cuts=v),
    )
    solara.InputInt("Seed", value=current.seed, on_value=lambda v: apply(seed=v))


@solara.component
def PlayPage():
    """One browser session: its own settings and its own run and counterfactual."""
    initial = solara.use_memo(DashboardSettings, [])
    settings = solara.use_reactive(initial)
    first = solara.use_memo(lambda: SessionModel(settings), [])
    model = solara.use_reactive(first)
    SolaraViz(
        model,
        components=[],
        model_params={"settings": settings},
        play_interval=PLAY_INTERVAL_MS,
        name=TITLE,
    )
    with solara.Sidebar():
        SettingsCard(settings, model)
    Views(model.value)


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara's signature of a layout)
    """Solara's page frame, without its tabs of the routes: each page links to the other
    in words (:func:`~imssim.present.dashboard.compare_page.Links`)."""
    solara.AppLayout(children=children, navigation=False)


# the dashboard's two pages: a scenario played year by year, and scenarios compared
routes = [
    solara.Route(path="/", component=PlayPage, label="Play a scenario", layout=Layout),
    solara.Route(path=COMPARE_PATH.strip("/"), component=ComparePage, label="Compare scenarios"),
]
