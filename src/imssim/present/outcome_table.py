"""Outcomes compared across runs: one tidy table of the comparison measures
(:data:`imssim.outcomes.MEASURES`) of every run and common year (:func:`outcomes`), the
grouping of runs by scenario and policy (:func:`group_labels`) and each group's
spread across runs (:func:`summarise_groups`).

Both the comparison charts and the report read their numbers here. Nothing here draws;
matplotlib is not imported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from imssim.errors import ImssimError
from imssim.model.tables import Tables
from imssim.outcomes import DEFAULT_MEASURES, MEASURES, OUTCOMES, Outcome, indexed, yearly
from imssim.present.choices import run_years
from imssim.present.names import country_names
from imssim.runs.find import as_runs
from imssim.runs.folders import RunFolder

LOW_Q, HIGH_Q = 10, 90  # percentiles of the band and the whiskers across runs

# settings that never define a group: the seed varies within one, the years are aligned
_NOT_GROUPING = ("seed", "start_year", "end_year", "output.", "scenario.name", "policy.name")


def check_measures(
    measures: str | Sequence[str] | None, known: Mapping[str, Outcome] = MEASURES
) -> tuple[str, ...]:
    """The measures asked for (names of `known`, by default
    :data:`imssim.outcomes.MEASURES`), or the default ones; an unknown name is a
    one-line ImssimError."""
    if measures is None:
        return DEFAULT_MEASURES
    if isinstance(measures, str):
        measures = (measures,)
    measures = tuple(measures)
    if not measures:
        raise ImssimError("no measure to compare")
    for m in measures:
        if m not in known:
            raise ImssimError(f"unknown measure {m!r} (choose from {', '.join(known)})")
    return measures


def format_value(key: str, value: float) -> str:
    """A value of the measure `key` as written in a sentence ('6.7 %', '129', '0.79')."""
    return MEASURES[key].format(value)


def span(years: Sequence[int]) -> str:
    """'2012-2035' for a run's years."""
    return f"{years[0]}-{years[-1]}" if years else "no years"


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
    it (a sweep over ``catalyst`` or ``policy.autonomy_weight``, say); the seed, the
    span of years and the output settings never do.
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


def common_years(runs: Sequence[RunFolder]) -> tuple[list[int], list[str]]:
    """The years all runs have, and a note when the runs cover different years."""
    spans = {span(run_years(r.tables)) for r in runs}
    common = sorted(set.intersection(*(set(run_years(r.tables)) for r in runs)))
    if not common:
        shown = ", ".join(f"{r.path.name} {span(run_years(r.tables))}" for r in runs)
        raise ImssimError(f"the runs share no year, nothing to compare: {shown}")
    notes = []
    if len(spans) > 1:
        notes.append(
            f"The runs cover different years ({', '.join(sorted(spans))}); "
            f"they are compared over the common years {span(common)}."
        )
    return common, notes


def measure_values(
    tables: Tables, state: str, measures: Sequence[str], common: list[int]
) -> dict[str, np.ndarray]:
    """{measure: its values in the `common` years} of one run's tables (any key of
    :data:`imssim.outcomes.OUTCOMES`), the focal-state outcomes those of `state`; an
    index taken to the first common year (:func:`imssim.outcomes.yearly`'s is the
    run's first)."""
    values = yearly(tables, state, measures)
    out = {}
    for key in measures:
        series = values[key].reindex(common)
        if OUTCOMES[key].kind == "index":
            series = indexed(series, common[0])
        out[key] = series.to_numpy(dtype=float)
    return out


def check_state(run: RunFolder, state: str, measures: Sequence[str]) -> None:
    """A one-line ImssimError when a focal-state measure is asked of a state not in `run`."""
    if (
        any(OUTCOMES[m].focal for m in measures)
        and not (run.tables.countries["country"] == state).any()
    ):
        raise ImssimError(f"unknown state code {state!r} in run {run.path.name}")


def run_columns(run: RunFolder, group: str, state: str) -> dict[str, object]:
    """The columns that say which run a row is of: run, group, scenario, policy, seed, focal."""
    return {
        "run": run.path.name,
        "group": group,
        "scenario": run.config.scenario.name,
        "policy": run.config.policy.name,
        "seed": int(run.config.seed),
        "focal": state,
    }


def _run_rows(
    run: RunFolder, group: str, state: str, measures: Sequence[str], common: list[int]
) -> list[pd.DataFrame]:
    """One frame per measure of one run: its values in the common years, an index
    taken to the first of them."""
    check_state(run, state, measures)
    values = measure_values(run.tables, state, measures, common)
    who = run_columns(run, group, state)
    return [
        pd.DataFrame({**who, "measure": key, "year": common, "value": values[key]})
        for key in measures
    ]


def measure_notes(focals: Sequence[str], measures: Sequence[Outcome]) -> list[str]:
    """The sentences a comparison of runs carries on its measures: that the focal state
    differs between the runs (when a measure is the focal state's), and each measure's
    note on what moves it for a reason unrelated to the scenario."""
    notes = []
    if len(set(focals)) > 1 and any(m.focal for m in measures):
        notes.append(
            "The focal state differs between runs ("
            + ", ".join(sorted(set(focals)))
            + "); each run's measures are those of its own focal state."
        )
    return notes + [m.note for m in measures if m.note]


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
    done to make the runs comparable, and each measure's note on what moves it for a
    reason unrelated to the scenario).
    """
    runs = as_runs(runs)
    measures = check_measures(measures)
    common, notes = common_years(runs)
    focals = [focal or r.config.focal for r in runs]
    notes += measure_notes(focals, [MEASURES[m] for m in measures])
    labels = group_labels(runs)
    parts = []
    for run, label, state in zip(runs, labels, focals, strict=True):
        parts += _run_rows(run, label, state, measures, common)
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
    """Per group, measure and year (and per ``variant`` where `frame` has that column,
    :func:`imssim.present.paired.paired_outcomes`): n_runs, median, p10, p90, min, max
    across runs. Each statistic is taken of the rows' own values: a difference's median
    is the median of the runs' differences."""
    varied = ["variant"] if "variant" in frame.columns else []
    keys = ["group", *varied, "measure", "year"]
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
    cols = ["group", "scenario", "policy", *varied, "measure", "year", "n_runs", "median"]
    return stats[[*cols, "p10", "p90", "min", "max", "band"]]
