"""Several runs side by side: scenarios and policies over time and at the end.

Runs are grouped by scenario and policy (and by any other setting that differs
between them, the seed excepted); a group with several seeds is drawn as its median
with a 10-90 % band. Each figure has a public function returning the figure and the
data frame of exactly what it draws, so numbers in a text can be taken from the
same source as the chart.
"""

from __future__ import annotations

import dataclasses
import math
import os
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from imssim.errors import ImssimError
from imssim.plots.style import line_style, save_figure, style
from imssim.results import MANIFEST, RunFolder

COMPARE_FIGURES = ("outcomes_over_time", "headline_outcomes")
LOW_Q, HIGH_Q = 10, 90  # percentiles of the band and the whiskers


@dataclasses.dataclass(frozen=True)
class Measure:
    """An outcome that can be compared between runs."""

    key: str
    title: str  # panel title; "{focal}" is replaced by the focal state's name
    unit: str  # axis label; "{base}" is replaced by the base year of an index
    phrase: str  # the outcome in a sentence, with "{focal}" as in the title
    table: str  # "countries" (the focal state's row) or "alliance"
    column: str
    index: bool = False  # divide by the base year's value, x 100
    scale: float = 1.0
    decimals: int = 2
    suffix: str = ""  # after a number in a sentence


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "capacity_to_act",
            "{focal}: capacity to act",
            "index, {base} = 100",
            "the capacity to act of {focal} (index, {base} = 100)",
            "countries",
            "capacity_to_act",
            index=True,
            decimals=0,
        ),
        Measure(
            "budget",
            "{focal}: defence budget",
            "index, {base} = 100",
            "the defence budget of {focal} (index, {base} = 100)",
            "countries",
            "budget",
            index=True,
            decimals=0,
        ),
        Measure(
            "autonomy",
            "{focal}: autonomy",
            "share of capability at sole disposal (0-1)",
            "the autonomy of {focal} (0-1)",
            "countries",
            "autonomy",
        ),
        Measure(
            "mean_form",
            "Mean form of the bilateral ties",
            "form (1 joint hire ... 6 specialisation)",
            "the mean form of the bilateral ties",
            "alliance",
            "mean_form_bilateral",
        ),
        Measure(
            "cooperating_pairs",
            "Pairs of states with a bilateral tie",
            "pairs of states",
            "the number of pairs of states with a bilateral tie",
            "alliance",
            "n_pairs_bilateral",
            decimals=0,
        ),
        Measure(
            "shortfall",
            "Alliance shortfall",
            "% of the requirement unmet",
            "the alliance shortfall (share of the requirement unmet)",
            "alliance",
            "shortfall_total",
            scale=100.0,
            decimals=1,
            suffix=" %",
        ),
    )
}
DEFAULT_MEASURES = ("capacity_to_act", "autonomy", "cooperating_pairs", "shortfall")

# settings that never define a group: the seed varies within one, the years are aligned
_NOT_GROUPING = ("seed", "start_year", "end_year", "output.", "scenario.name", "policy.name")


# --------------------------------------------------------------------------- finding runs


def _load(path: Path) -> RunFolder:
    try:
        return RunFolder(path)
    except ImssimError:
        raise
    except Exception as exc:  # a damaged folder: missing table, unreadable config ...
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ImssimError(f"cannot read run folder {path}: {reason}") from None


def _run_dirs(root: Path) -> list[Path]:
    found = []
    for here, dirs, files in os.walk(root):
        if MANIFEST in files:
            found.append(Path(here))
            dirs.clear()  # a run folder holds no further runs
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # .tmp-* and the like
    return found


def find_runs(paths: str | Path | Iterable[str | Path]) -> list[RunFolder]:
    """The run folders in `paths`: each a run folder or a folder holding run folders.

    Folders are searched recursively for ``manifest.json``; hidden folders (the
    ``.tmp-*`` folders of runs still being written) are skipped. The result is sorted
    by path and holds each run once.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    dirs: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ImssimError(f"no such folder: {path}")
        if path.is_file():
            if path.name != MANIFEST:
                raise ImssimError(f"not a run folder or a folder of runs: {path}")
            path = path.parent
        found = _run_dirs(path)
        if not found:
            raise ImssimError(f"no run folder (with {MANIFEST}) in {path}")
        for d in found:
            dirs.setdefault(d.resolve(), None)
    return [_load(d) for d in sorted(dirs, key=str)]


def _as_runs(runs: Sequence[RunFolder | str | Path] | str | Path) -> list[RunFolder]:
    if isinstance(runs, str | Path):
        return find_runs([runs])
    runs = list(runs)
    if not runs:
        raise ImssimError("no runs to compare")
    if all(isinstance(r, RunFolder) for r in runs):
        return runs  # type: ignore[return-value]
    return find_runs([r.path if isinstance(r, RunFolder) else r for r in runs])


# --------------------------------------------------------------------------- the data


def _flat(run: RunFolder) -> dict[str, str]:
    container = dataclasses.asdict(run.config)
    out: dict[str, str] = {}

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}{k}.", v)
        else:
            out[prefix.rstrip(".")] = str(value)

    walk("", container)
    return out


def group_labels(runs: Sequence[RunFolder]) -> list[str]:
    """For each run, its group: ``scenario / policy``, plus any other setting that differs.

    A setting joins the label when two runs of the same scenario and policy differ in
    it (a sweep over ``catalyst`` or ``policy.autonomy_weight``, say); the seed and
    the span of years never do.
    """
    flats = [_flat(r) for r in runs]
    names = [(r.config.scenario.name, r.config.policy.name) for r in runs]
    keys = sorted(set().union(*flats))
    varying = []
    for k in keys:
        if k.startswith(_NOT_GROUPING):
            continue
        values: dict[tuple[str, str], set[str | None]] = {}
        for name, flat in zip(names, flats, strict=True):
            values.setdefault(name, set()).add(flat.get(k))
        if any(len(v) > 1 for v in values.values()):
            varying.append(k)
    labels = []
    for (scenario, policy), flat in zip(names, flats, strict=True):
        extra = ", ".join(f"{k}={flat.get(k)}" for k in varying)
        labels.append(f"{scenario} / {policy}" + (f" ({extra})" if extra else ""))
    return labels


def _check_measures(measures: str | Sequence[str] | None) -> tuple[str, ...]:
    if measures is None:
        return DEFAULT_MEASURES
    if isinstance(measures, str):
        measures = (measures,)
    measures = tuple(measures)
    if not measures:
        raise ImssimError("no measure to compare")
    for m in measures:
        if m not in MEASURES:
            raise ImssimError(f"unknown measure {m!r} (choose from {', '.join(MEASURES)})")
    return measures


def _years(run: RunFolder) -> list[int]:
    return sorted(int(y) for y in run.tables.countries["year"].unique())


def _span(years: Sequence[int]) -> str:
    return f"{years[0]}-{years[-1]}" if years else "no years"


def outcomes(
    runs: Sequence[RunFolder | str | Path] | str | Path,
    measures: str | Sequence[str] | None = None,
    *,
    focal: str | None = None,
) -> pd.DataFrame:
    """One row per run, measure and common year: the value of the outcome.

    Columns: ``run`` (folder name), ``group``, ``scenario``, ``policy``, ``seed``,
    ``focal``, ``measure``, ``year``, ``value``. Focal-state measures use each run's
    own focal state unless `focal` names one for all runs; indices take the first
    common year as 100. ``attrs`` holds ``years`` (the common years), ``focal`` (the
    state, or None if it differs between runs) and ``notes`` (sentences on what was
    done to make the runs comparable).
    """
    runs = _as_runs(runs)
    measures = _check_measures(measures)
    spans = {_span(_years(r)) for r in runs}
    common = sorted(set.intersection(*(set(_years(r)) for r in runs)))
    if not common:
        shown = ", ".join(f"{r.path.name} {_span(_years(r))}" for r in runs)
        raise ImssimError(f"the runs share no year, nothing to compare: {shown}")
    notes = []
    if len(spans) > 1:
        notes.append(
            f"The runs cover different years ({', '.join(sorted(spans))}); "
            f"they are compared over the common years {_span(common)}."
        )
    focals = [focal or r.config.focal for r in runs]
    if len(set(focals)) > 1 and any(MEASURES[m].table == "countries" for m in measures):
        notes.append(
            "The focal state differs between runs ("
            + ", ".join(sorted(set(focals)))
            + "); each run's measures are those of its own focal state."
        )
    base = common[0]
    labels = group_labels(runs)
    parts = []
    for run, label, state in zip(runs, labels, focals, strict=True):
        c = run.tables.countries
        mine = c[c["country"] == state].set_index("year")
        if mine.empty and any(MEASURES[m].table == "countries" for m in measures):
            raise ImssimError(f"unknown state code {state!r} in run {run.path.name}")
        alliance = run.tables.alliance.set_index("year")
        for key in measures:
            m = MEASURES[key]
            source = mine if m.table == "countries" else alliance
            series = source[m.column].reindex(common).astype(float)
            if m.index:
                series = 100.0 * series / series.loc[base]
            series = series * m.scale
            parts.append(
                pd.DataFrame(
                    {
                        "run": run.path.name,
                        "group": label,
                        "scenario": run.config.scenario.name,
                        "policy": run.config.policy.name,
                        "seed": int(run.config.seed),
                        "focal": state,
                        "measure": key,
                        "year": common,
                        "value": series.to_numpy(),
                    }
                )
            )
    frame = pd.concat(parts, ignore_index=True)
    order = list(dict.fromkeys(labels))
    frame["group"] = pd.Categorical(frame["group"], categories=order, ordered=True)
    frame["measure"] = pd.Categorical(frame["measure"], categories=measures, ordered=True)
    frame.attrs = {
        "years": common,
        "focal": focals[0] if len(set(focals)) == 1 else None,
        "notes": notes,
        "names": country_names(runs[0]),
    }
    return frame


def _summary(values: pd.Series) -> pd.Series:
    v = values.to_numpy(dtype=float)
    return pd.Series(
        {
            "n_runs": len(v),
            "median": float(np.median(v)),
            "p10": float(np.percentile(v, LOW_Q)),
            "p90": float(np.percentile(v, HIGH_Q)),
            "min": float(v.min()),
            "max": float(v.max()),
        }
    )


def summarise_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """Per group, measure and year: n_runs, median, p10, p90, min, max across runs."""
    keys = ["group", "measure", "year"]
    stats = (
        frame.groupby(keys, observed=True, sort=True)["value"]
        .apply(_summary)
        .unstack()
        .reset_index()
    )
    first = frame.drop_duplicates("group").set_index("group")[["scenario", "policy"]]
    stats = stats.join(first, on="group")
    stats["n_runs"] = stats["n_runs"].astype(int)
    stats["band"] = stats["n_runs"] > 1
    stats.attrs = dict(frame.attrs)
    cols = ["group", "scenario", "policy", "measure", "year", "n_runs", "median"]
    return stats[[*cols, "p10", "p90", "min", "max", "band"]]


# --------------------------------------------------------------------------- figures


def _world_labels(data_dir: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Names and area labels of a run's world (loaded once: load_world caches), or none
    when the world data are gone, so old runs can still be compared by code."""
    from imssim.world import load_world

    try:
        world = load_world(data_dir)
    except (OSError, ImssimError):
        return {}, {}
    return world.name_of, world.area_label_of


def country_names(run: RunFolder | None = None) -> dict[str, str]:
    """ISO3 code -> name of the states of the run's world (the shipped world by default)."""
    return _world_labels(run.config.world.data_dir if run is not None else None)[0]


def area_labels(run: RunFolder | None = None) -> dict[str, str]:
    """Capability area id -> label in the run's world (the shipped world by default)."""
    return _world_labels(run.config.world.data_dir if run is not None else None)[1]


def measure_title(key: str, focal: str | None, names: dict[str, str] | None = None) -> str:
    if focal is None:
        state = "Focal state"
    else:
        state = (names if names is not None else country_names()).get(focal, focal)
    return MEASURES[key].title.format(focal=state)


def measure_unit(key: str, base: int) -> str:
    return MEASURES[key].unit.format(base=base)


def format_value(key: str, value: float) -> str:
    """A value of the measure as written in a sentence ('6.7 %', '129', '0.79')."""
    m = MEASURES[key]
    return f"{value:.{m.decimals}f}{m.suffix}"


def _grid(n: int) -> tuple[int, int]:
    if n <= 3:
        return 1, n
    return (n + 1) // 2, 2


def _title(fig: Figure, title: str, notes: Sequence[str], width: int) -> None:
    """The figure's title, with the notes on comparability as wrapped lines below it."""
    lines = [title]
    for note in notes:
        lines += textwrap.wrap(note, width=width)
    fig.suptitle("\n".join(lines), fontsize=12)


def _runs_per_group(n_runs: pd.Series) -> str:
    sizes = sorted(set(int(n) for n in n_runs))
    if sizes == [1]:
        return "one run per scenario and policy"
    counts = sizes[0] if len(sizes) == 1 else f"{sizes[0]}-{sizes[-1]}"
    return (
        f"median of {counts} runs (seeds) per scenario and policy, "
        f"band {LOW_Q}-{HIGH_Q} % across runs"
    )


def outcomes_over_time(
    runs: Sequence[RunFolder | str | Path] | str | Path,
    measure: str | Sequence[str] | None = None,
    *,
    focal: str | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """Small multiples of outcomes by year: a median line per group, a 10-90 % band.

    The band is drawn only for groups with more than one run. Returns the figure and
    the summary (:func:`summarise_groups`) it draws.
    """
    frame = outcomes(runs, measure, focal=focal)
    stats = summarise_groups(frame)
    measures = list(frame["measure"].cat.categories)
    groups = list(frame["group"].cat.categories)
    years = frame.attrs["years"]
    n_seeds = frame.groupby("group", observed=True)["run"].nunique()
    with style():
        rows, cols = _grid(len(measures))
        fig = Figure(figsize=(5.2 * cols if cols > 1 else 7.5, 3.6 * rows + 0.9))
        axes = fig.subplots(rows, cols, squeeze=False, sharex=True)
        every = max(1, len(years) // 6)
        for ax, key in zip(axes.flat, measures, strict=False):
            part = stats[stats["measure"] == key]
            if MEASURES[key].index:
                ax.axhline(100, color="0.5", linewidth=0.8, zorder=0, gid="reference")
            for i, group in enumerate(groups):
                g = part[part["group"] == group].sort_values("year")
                st = line_style(i)
                if bool(g["band"].any()):
                    ax.fill_between(
                        g["year"],
                        g["p10"],
                        g["p90"],
                        facecolor=to_rgba(st["color"], 0.15),
                        edgecolor=to_rgba(st["color"], 0.55),
                        linewidth=0.6,
                        gid=f"band:{group}",
                    )
                ax.plot(
                    g["year"],
                    g["median"],
                    label=group,
                    linewidth=1.8,
                    markersize=5,
                    markevery=every,
                    gid=f"median:{group}",
                    **st,
                )
            ax.set_title(measure_title(key, frame.attrs["focal"], frame.attrs["names"]), loc="left")
            ax.set_ylabel(measure_unit(key, years[0]))
        for ax in axes[-1]:
            ax.set_xlabel("year")
            step = max(1, math.ceil(len(years) / 8))
            ax.set_xticks(years[::step])
        for ax in list(axes.flat)[len(measures) :]:
            ax.set_visible(False)
        _title(
            fig,
            f"Outcomes {_span(years)}: {_runs_per_group(n_seeds)}",
            frame.attrs["notes"],
            width=int(14 * fig.get_figwidth()),
        )
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=min(2, len(labels)),
            title="scenario / policy",
            frameon=False,
        )
    return fig, stats


def headline_outcomes(
    runs: Sequence[RunFolder | str | Path] | str | Path,
    measure: str | Sequence[str] | None = None,
    *,
    focal: str | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """Groups compared at the last common year: median dot, 10-90 % whisker, each run.

    Returns the figure and a frame with one row per run (``value``, a faint point)
    carrying its group's ``n_runs``, ``median``, ``p10``, ``p90``, ``min`` and ``max``
    (the dot and the whisker).
    """
    frame = outcomes(runs, measure, focal=focal)
    years = frame.attrs["years"]
    last = years[-1]
    end = frame[frame["year"] == last]
    stats = summarise_groups(end)
    drawn = end.merge(
        stats.drop(columns=["scenario", "policy"]), on=["group", "measure", "year"], how="left"
    )
    drawn.attrs = dict(frame.attrs)
    measures = list(frame["measure"].cat.categories)
    groups = list(frame["group"].cat.categories)
    with style():
        rows, cols = _grid(len(measures))
        height = max(2.6, 0.55 * len(groups) + 1.4)
        fig = Figure(figsize=(5.2 * cols if cols > 1 else 7.5, height * rows + 1.0))
        axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
        ypos = {g: len(groups) - 1 - i for i, g in enumerate(groups)}
        for ax, key in zip(axes.flat, measures, strict=False):
            for i, group in enumerate(groups):
                st = line_style(i)
                s = stats[(stats["measure"] == key) & (stats["group"] == group)].iloc[0]
                pts = end[(end["measure"] == key) & (end["group"] == group)]["value"]
                y = ypos[group]
                offsets = np.linspace(-0.18, 0.18, len(pts)) if len(pts) > 1 else np.zeros(1)
                ax.scatter(
                    pts,
                    y + offsets,
                    s=18,
                    color=st["color"],
                    alpha=0.45,
                    linewidths=0,
                    zorder=2,
                    gid=f"runs:{group}",
                )
                ax.plot(
                    [s["p10"], s["p90"]],
                    [y, y],
                    color=st["color"],
                    linewidth=2.2,
                    solid_capstyle="butt",
                    zorder=3,
                    gid=f"whisker:{group}",
                )
                ax.plot(
                    [s["median"]],
                    [y],
                    marker=st["marker"],
                    color=st["color"],
                    markersize=8,
                    markeredgecolor="black",
                    markeredgewidth=0.6,
                    linestyle="none",
                    zorder=4,
                    gid=f"median:{group}",
                )
            if MEASURES[key].index:
                ax.axvline(100, color="0.5", linewidth=0.8, zorder=0, gid="reference")
            ax.set_title(measure_title(key, frame.attrs["focal"], frame.attrs["names"]), loc="left")
            ax.set_xlabel(measure_unit(key, years[0]))
            ax.grid(axis="y", visible=False)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
            ax.margins(x=0.08)
            ax.set_ylim(-0.6, len(groups) - 0.4)
        for ax in axes[:, 0]:
            ax.set_yticks([ypos[g] for g in groups], [g.replace(" / ", "\n", 1) for g in groups])
        for ax in list(axes.flat)[len(measures) :]:
            ax.set_visible(False)
        n = frame["run"].nunique()
        _title(
            fig,
            f"Scenarios and policies in {last} ({n} runs)",
            frame.attrs["notes"],
            width=int(14 * fig.get_figwidth()),
        )
        dot = Line2D([], [], marker="o", color="0.3", markeredgecolor="black", linestyle="none")
        if int(stats["n_runs"].max()) > 1:
            proxies = [
                dot,
                Line2D([], [], color="0.3", linewidth=2.2),
                Line2D([], [], marker="o", color="0.3", alpha=0.45, linestyle="none", ms=4.5),
            ]
            texts = ["median across runs", f"{LOW_Q}-{HIGH_Q} % of runs", "one run (seed)"]
        else:
            proxies, texts = [dot], ["value of the run (one run per scenario and policy)"]
        fig.legend(proxies, texts, loc="outside lower center", ncols=3, frameon=False)
    return fig, drawn


FIGURE_FUNCTIONS = {
    "outcomes_over_time": outcomes_over_time,
    "headline_outcomes": headline_outcomes,
}


def check_figures(which: Sequence[str] | str) -> tuple[str, ...]:
    which = (which,) if isinstance(which, str) else tuple(which)
    for name in which:
        if name not in COMPARE_FIGURES:
            raise ImssimError(
                f"unknown comparison figure {name!r} (choose from {', '.join(COMPARE_FIGURES)})"
            )
    return which


def make_compare_figures(
    runs: Sequence[RunFolder | str | Path] | str | Path,
    out_dir: str | Path,
    *,
    measure: str | Sequence[str] | None = None,
    focal: str | None = None,
    which: Sequence[str] | str = COMPARE_FIGURES,
    formats: tuple[str, ...] = ("png", "svg"),
) -> dict[str, Path]:
    """Write the comparison figures of `runs` into `out_dir`; return {name: PNG path}.

    `measure` chooses the outcomes (keys of :data:`MEASURES`; default
    :data:`DEFAULT_MEASURES`), `focal` the state whose outcomes are compared (default:
    each run's focal state).
    """
    which = check_figures(which)
    runs = _as_runs(runs)
    _check_measures(measure)
    written = {}
    for name in which:
        fig, _ = FIGURE_FUNCTIONS[name](runs, measure, focal=focal)
        with style():  # the house style also governs how the file is cut and written
            written[name] = save_figure(fig, out_dir, name, tuple(formats))
    return written
