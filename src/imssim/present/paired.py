"""Runs beside their counterfactuals, seed by seed: the ensembles of ``replicates=N``.

Every run written with its counterfactual (``counterfactual/`` in its folder, the same
world, seed and policy with the scenario's budget changes removed, or another scenario;
docs/ODD.md, common random numbers) gives three values per outcome and year: the
scenario's, its own counterfactual's and their difference, run minus counterfactual.
:func:`paired_outcomes` is that table for many runs; the summary of a group across its
seeds (:func:`imssim.present.outcome_table.summarise_groups`) then takes the median and
the 10-90 % band of each of the three, the difference's from the runs' own differences
(paired), not as the difference of two medians. :func:`ensemble_lines` is the block the
command line prints after ``imssim replicates=N``.

Nothing here draws; matplotlib is not imported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from imssim.errors import ImssimError
from imssim.outcomes import EFFECTS, MEASURES, OUTCOMES, Outcome
from imssim.present.effects import effect_name
from imssim.present.names import country_names
from imssim.present.outcome_table import (
    HIGH_Q,
    LOW_Q,
    check_measures,
    check_state,
    common_years,
    group_labels,
    measure_notes,
    measure_values,
    run_columns,
    summarise_groups,
)
from imssim.present.summary import without_text
from imssim.runs.find import as_runs
from imssim.runs.folders import RunFolder

SCENARIO, COUNTERFACTUAL, DIFFERENCE = "scenario", "counterfactual", "difference"
VARIANTS = (SCENARIO, COUNTERFACTUAL, DIFFERENCE)


class NoCounterfactual(ImssimError):
    """None of the runs was written with its counterfactual."""


def _with_counterfactual(runs: Sequence[RunFolder]) -> tuple[list[int], list[str]]:
    """The positions of the runs that have a counterfactual, and a note on those left
    out; NoCounterfactual (one line) when none has."""
    kept = [i for i, r in enumerate(runs) if r.counterfactual is not None]
    if not kept:
        raise NoCounterfactual(
            "none of the runs has a counterfactual (they were run with counterfactual=none "
            "or written without it), so there is no effect to draw"
        )
    notes = []
    if len(kept) < len(runs):
        notes.append(
            f"{len(runs) - len(kept)} of the {len(runs)} runs have no counterfactual and "
            "are left out of the paired effects."
        )
    return kept, notes


def paired_outcomes(
    runs: Sequence[RunFolder | str | Path] | str | Path,
    measures: str | Sequence[str] | None = None,
    *,
    focal: str | None = None,
    known: Mapping[str, Outcome] = MEASURES,
) -> pd.DataFrame:
    """One row per run with a counterfactual, variant, measure and common year.

    Columns: those of :func:`imssim.present.outcome_table.outcomes` (``run``, ``group``,
    ``scenario``, ``policy``, ``seed``, ``focal``, ``measure``, ``year``, ``value``) and
    ``variant``: ``scenario`` (the run), ``counterfactual`` (its own counterfactual,
    the same seed) or ``difference`` (the first minus the second, the same run). An
    index takes the first common year as 100, in the run and in its counterfactual
    each. `measures` are keys of `known` (default: the comparison measures; the
    summary passes :data:`imssim.outcomes.OUTCOMES`). ``attrs`` holds ``years``,
    ``focal``, ``notes`` and ``names`` as in ``outcomes``, and ``without``: for each
    group, the words naming its counterfactual ('without the budget changes').
    NoCounterfactual when no run has one; runs without one are left out, with a note.
    """
    runs = as_runs(runs)
    measures = check_measures(measures, known)
    kept, notes = _with_counterfactual(runs)
    labels = group_labels(runs)
    pairs = [(runs[i], labels[i]) for i in kept]
    counterfactuals = [r.counterfactual for r, _ in pairs if r.counterfactual is not None]
    common, more = common_years([r for r, _ in pairs] + counterfactuals)
    notes += more
    focals = [focal or r.config.focal for r, _ in pairs]
    notes += measure_notes(focals, [OUTCOMES[m] for m in measures])
    parts = []
    for (run, label), state in zip(pairs, focals, strict=True):
        cf = run.counterfactual
        assert cf is not None
        check_state(run, state, measures)
        mine = measure_values(run.tables, state, measures, common)
        other = measure_values(cf.tables, state, measures, common)
        who = run_columns(run, label, state)
        for key in measures:
            for variant, values in zip(
                VARIANTS, (mine[key], other[key], mine[key] - other[key]), strict=True
            ):
                parts.append(
                    pd.DataFrame(
                        {**who, "variant": variant, "measure": key, "year": common, "value": values}
                    )
                )
    frame = pd.concat(parts, ignore_index=True)
    order = list(dict.fromkeys(label for _, label in pairs))
    frame["group"] = pd.Categorical(frame["group"], categories=order, ordered=True)
    frame["variant"] = pd.Categorical(frame["variant"], categories=VARIANTS, ordered=True)
    frame["measure"] = pd.Categorical(frame["measure"], categories=measures, ordered=True)
    without: dict[str, str] = {}
    for run, label in pairs:
        without.setdefault(label, without_text(run.config))
    frame.attrs = {
        "years": common,
        "focal": focals[0] if len(set(focals)) == 1 else None,
        "notes": notes,
        "names": country_names(pairs[0][0]),
        "without": without,
    }
    return frame


# --------------------------------------------------------------------------- the summary


def _spread(outcome: Outcome, row: pd.Series, signed: bool = False) -> str:
    """'120 (116-123)', or '+2 (-1 to +4)' for a difference (`signed`)."""
    sign = "+" if signed else ""
    digits = outcome.decimals

    def num(value: float) -> str:
        return f"{round(value, digits) + 0.0:{sign}.{digits}f}"  # (+ 0.0: no '-0')

    if signed:
        unit = " points" if outcome.percent else ""
        return f"{num(row['median'])}{unit} ({num(row['p10'])} to {num(row['p90'])})"
    return f"{num(row['median'])}{outcome.suffix} ({num(row['p10'])}-{num(row['p90'])})"


def ensemble_lines(
    runs: Sequence[RunFolder | str | Path] | str | Path, keys: Sequence[str] = EFFECTS
) -> list[str]:
    """The block printed after ``imssim replicates=N``: for each outcome of `keys` (the
    focal state's and the alliance's; default :data:`imssim.outcomes.EFFECTS`) in the
    last common year, the median and the 10-90 % range across the seeds of the scenario,
    of its counterfactual and of their difference (taken seed by seed). Empty when no
    run has a counterfactual."""
    try:
        frame = paired_outcomes(runs, keys, known=OUTCOMES)
    except NoCounterfactual:
        return []
    years = frame.attrs["years"]
    first, last = years[0], years[-1]
    stats = summarise_groups(frame[frame["year"] == last])
    lines = []
    for group in frame["group"].cat.categories:
        part = stats[stats["group"] == group]
        n = int(part["n_runs"].max())
        without = frame.attrs["without"][group]
        focal = frame.attrs["focal"] or "each run's focal state"
        lines.append(
            f"{group} over {n} seeds, each run against the same run {without} (the same "
            f"seed): {focal} and the alliance in {last}, median ({LOW_Q}-{HIGH_Q} % across seeds)"
        )
        for key in keys:
            row = part[part["measure"] == key].set_index("variant")
            outcome = OUTCOMES[key]
            lines.append(
                f"  {effect_name(key, first)}: {_spread(outcome, row.loc[SCENARIO])} against "
                f"{_spread(outcome, row.loc[COUNTERFACTUAL])}; difference "
                f"{_spread(outcome, row.loc[DIFFERENCE], signed=True)}"
            )
    return lines
