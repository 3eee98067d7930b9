"""The dashboard's comparison page (``/compare``): 1-4 scenarios, each against its
counterfactual, as the median and 10-90 % band over N seeds, with their exports.

The page's address holds the whole setting (:func:`imssim.present.dashboard.compare.to_query`):
every control writes the new setting into it (Solara's router) and the page draws what
the address holds, so the address can be shared and reopened. The runs are made in a
thread of the session (``solara.use_thread``) while the page shows how many are done;
a change of setting gives up the runs still to do for the new ones, and the runs
already made are kept (:func:`imssim.present.dashboard.compare.pair_outcomes`).
"""

from __future__ import annotations

import dataclasses
import functools
import html
import threading
from collections.abc import Callable

import pandas as pd
import solara

from imssim.errors import ImssimError
from imssim.outcomes import MEASURES
from imssim.present.dashboard import compare
from imssim.present.dashboard.catalogue import scenario_choices
from imssim.present.dashboard.compare import BASELINE, MAX_SCENARIOS, SEEDS_RANGE, SHOWS
from imssim.present.dashboard.compare_chart import CHART_FORMATS, captions, chart_bytes
from imssim.present.dashboard.controls import policy_and_focal
from imssim.present.dashboard.views import state_labels

PATH = "/compare"
PLAY_PATH = "/"
CSS = """
.imssim-note { font-size: 13px; color: #444; line-height: 1.4; overflow-wrap: anywhere; }
.imssim-captions { font-size: 13px; line-height: 1.45; margin: 6px 0 0 0; padding-left: 18px; }
.imssim-progress { font-size: 14px; }
.imssim-links a { font-size: 14px; }
/* the measures' checkboxes, one short line each */
.imssim-measures .v-input { margin-top: 0 !important; padding-top: 0 !important; }
.imssim-measures .v-input__slot { margin-bottom: 0 !important; }
.imssim-measures .v-messages { display: none; }
"""
SHOW_WORDS = {"levels": "each run and its counterfactual", "difference": "run minus counterfactual"}


def _note(text: str, classes: str = "imssim-note") -> solara.Element:
    return solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=[classes])


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


@solara.component
def Links(here: str) -> None:
    """The links between the dashboard's two pages."""
    with solara.Row(classes=["imssim-links"]):
        if here != PLAY_PATH:
            with solara.Link(PLAY_PATH):
                solara.Button("Play one scenario year by year", text=True, icon_name="mdi-play")
        if here != PATH:
            with solara.Link(PATH):
                solara.Button("Compare scenarios over seeds", text=True, icon_name="mdi-chart-line")


# --------------------------------------------------------------------------- controls


def _scenario_controls(
    setting: compare.CompareSetting, choices: dict[str, str], push: Callable[..., None]
) -> None:
    error, set_error = solara.use_state("")

    def pick(names: list[str]) -> None:
        if len(names) > MAX_SCENARIOS:
            set_error(f"At most {MAX_SCENARIOS} scenarios: take one out first.")
            return
        set_error("")
        ordered = [n for n in choices if n in names]
        push(scenarios=tuple(sorted(ordered, key=_kept_order(setting.scenarios))))

    solara.SelectMultiple(
        f"Scenarios (2-{MAX_SCENARIOS})",
        values=list(setting.scenarios),
        all_values=list(choices),
        on_value=pick,
    )
    own = [name for name, value in choices.items() if value != name]
    if own:
        _note("Your own: " + ", ".join(f"{n} ({choices[n]})" for n in own))
    if error:
        solara.Warning(error)
    elif len(setting.scenarios) < 2:
        _note("Pick a second scenario to compare.")


def _kept_order(current: tuple[str, ...]) -> Callable[[str], int]:
    """Scenarios already shown keep their place (and colour); new ones come after."""
    return lambda name: current.index(name) if name in current else len(current)


def _seed_controls(setting: compare.CompareSetting, push: Callable[..., None]) -> None:
    low, high = SEEDS_RANGE
    solara.SliderInt(
        f"Seeds per scenario: {setting.seeds}",
        value=setting.seeds,
        min=low,
        max=high,
        on_value=lambda v: push(seeds=int(v)),
        thumb_label=True,
    )
    last = setting.seed + setting.seeds - 1
    solara.InputInt(
        f"First seed (seeds {setting.seed}-{last})",
        value=setting.seed,
        on_value=lambda v: push(seed=max(0, int(v))),
    )


def _measure_controls(setting: compare.CompareSetting, push: Callable[..., None]) -> None:
    _note("Measures (one panel each):")
    chosen = set(setting.measures)

    def toggle(key: str, on: bool) -> None:
        picked = [k for k in MEASURES if (k in chosen and k != key) or (k == key and on)]
        if picked:
            push(measures=tuple(picked))

    with solara.Column(gap="0px", classes=["imssim-measures"]):
        for key, outcome in MEASURES.items():
            solara.Checkbox(
                label=outcome.label, value=key in chosen, on_value=functools.partial(toggle, key)
            )


def _run_controls(
    setting: compare.CompareSetting, choices: dict[str, str], push: Callable[..., None]
) -> None:
    states = solara.use_memo(state_labels, [])
    policy_and_focal(setting.policy, setting.focal, states, push)
    solara.Select(
        "Counterfactual",
        values=[BASELINE, *choices],
        value=setting.counterfactual,
        on_value=lambda v: push(counterfactual=v),
    )
    _note(
        "baseline: each scenario without its budget changes and budget rules; "
        "a scenario's name: that scenario instead, same seeds."
    )


@solara.component
def Controls(setting: compare.CompareSetting, choices: dict[str, str], push: Callable[..., None]):
    """Every control of the setting; each writes the new setting into the address."""
    with solara.Card("Compare scenarios", margin=0):
        _scenario_controls(setting, choices, push)
        _seed_controls(setting, push)
        _run_controls(setting, choices, push)
        _measure_controls(setting, push)


# --------------------------------------------------------------------------- results


@solara.component
def Exports(
    table: pd.DataFrame,
    stats: pd.DataFrame,
    setting: compare.CompareSetting,
    against: str,
    image: bytes,
):
    """Buttons that download the chart (PNG: the picture shown; SVG) and the per-seed
    data (CSV, Parquet)."""
    stem = compare.file_stem(setting)
    with solara.Row(gap="8px", classes=["imssim-exports"]):
        for fmt in CHART_FORMATS:
            solara.FileDownload(
                lambda fmt=fmt: (
                    image if fmt == "png" else chart_bytes(stats, setting, against, fmt)
                ),
                filename=f"{stem}.{fmt}",
                label=f"Chart ({fmt.upper()})",
            )
        for fmt in compare.DATA_FORMATS:
            solara.FileDownload(
                lambda fmt=fmt: compare.data_bytes(compare.export_table(table, setting), fmt),
                filename=f"{stem}.{fmt}",
                label=f"Data ({fmt.upper() if fmt == 'csv' else 'Parquet'})",
            )


@solara.component
def Chart(table: pd.DataFrame, setting: compare.CompareSetting, push: Callable[..., None]):
    """The chart of a finished comparison, its captions and its exports."""
    against = solara.use_memo(lambda: compare.counterfactual_text(setting), [setting])
    stats = solara.use_memo(
        lambda: compare.bands(table, setting.measures, setting.show), [table, setting]
    )
    image = solara.use_memo(lambda: chart_bytes(stats, setting, against, "png"), [stats, setting])
    with solara.Card(margin=0):
        solara.ToggleButtonsSingle(
            value=setting.show,
            values=list(SHOWS),
            on_value=lambda v: push(show=v),
        )
        solara.Image(image, width="100%", classes=["imssim-compare-chart"])
        items = "".join(f"<li>{html.escape(line)}</li>" for line in captions(setting))
        solara.HTML(tag="ul", unsafe_innerHTML=items, classes=["imssim-captions"])
        Exports(table, stats, setting, against, image)


def _runs_key(setting: compare.CompareSetting) -> tuple:
    """What the runs depend on (not the measures shown, nor how)."""
    return (
        setting.scenarios,
        setting.seeds,
        setting.seed,
        setting.policy,
        setting.focal,
        setting.counterfactual,
    )


@solara.component
def Results(setting: compare.CompareSetting, push: Callable[..., None]):
    """The runs of the setting, made in the background, then their chart."""
    done, set_done = solara.use_state(0)
    key = _runs_key(setting)

    def work(cancel: threading.Event):
        set_done(compare.done_already(setting))
        table = compare.comparison_table(
            setting, progress=lambda d, _t: set_done(d), cancelled=cancel.is_set
        )
        return key, table

    result = solara.use_thread(work, dependencies=[key], intrusive_cancel=False)
    value = result.value if result.state == solara.ResultState.FINISHED else None
    if result.state == solara.ResultState.ERROR and result.error is not None:
        error = result.error
        text = str(error) if isinstance(error, ImssimError) else f"{type(error).__name__}: {error}"
        solara.Error(f"The runs could not be made: {text}")
    elif value is not None and value[0] == key:
        _note(
            f"{setting.total} runs ready: {_count(len(setting.scenarios), 'scenario')} x "
            f"{_count(setting.seeds, 'seed')}, each with its counterfactual; showing "
            f"{SHOW_WORDS[setting.show]}.",
            "imssim-progress imssim-ready",
        )
        Chart(value[1], setting, push)
    else:
        total = setting.total
        _note(f"Runs done: {min(done, total)} / {total}", "imssim-progress imssim-running")
        solara.ProgressLinear(value=100 * min(done, total) / max(total, 1))


@solara.component
def ComparePage():
    """The comparison page: the setting read from the address, its controls, its chart."""
    router = solara.use_router()
    choices = solara.use_memo(scenario_choices, [])
    setting, problems = solara.use_memo(
        lambda: compare.from_query(router.search, choices), [router.search]
    )

    def push(**changes) -> None:
        new = dataclasses.replace(setting, **changes)
        if new != setting:
            router.push(f"{PATH}?{compare.to_query(new)}")

    solara.Style(CSS)
    solara.Title("imssim: compare scenarios")
    with solara.Sidebar():
        Controls(setting, choices, push)
    with solara.Column(gap="10px", style={"padding": "12px"}):
        Links(PATH)
        for problem in problems:
            solara.Warning(f"This address: {problem}.")
        if setting.scenarios:
            Results(setting, push)
        else:
            _note("Pick 2-4 scenarios in the sidebar.")
