"""What a study's indices say, written into its folder: ``indices.parquet`` and
``indices.csv`` (tidy), ``indices.md`` (Markdown tables, one per year), ``summary.txt``
(the parameters that matter most for each outcome) and ``figures/indices.png``.

The outcomes are named and given their units as everywhere else (:mod:`imssim.outcomes`);
an evaluator's own `labels` come first.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from imssim.config import Config
from imssim.outcomes import label, unit
from imssim.studies.sensitivity.study import Study

INDICES_FILE = "indices.parquet"
INDICES_CSV = "indices.csv"
INDICES_MARKDOWN = "indices.md"
SUMMARY_FILE = "summary.txt"
FIGURE_NAME = "indices"

MAIN_SHARE = 0.1  # Sobol: ST at least this counts as mattering
SMALL_SHARE = 0.05  # Sobol: ST whose upper confidence end lies below this hardly matters
MORRIS_SHARE = 0.1  # Morris: mu* below this share of the largest mu* hardly matters


def outcome_label(outcome: str, labels: Mapping[str, str] | None = None) -> str:
    """An outcome as the tables, summaries and charts name it: `labels` first, then the
    model's name for it (:func:`imssim.outcomes.label`, which names a ``_diff`` too)."""
    if labels and outcome in labels:
        return labels[outcome]
    return label(outcome)


def short_name(key: str) -> str:
    """A parameter as the charts and summaries name it: ``params.`` left off."""
    return key.removeprefix("params.")


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write a Parquet file under a temporary name and rename it into place."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_indices(
    folder: Path, study: Study, indices: pd.DataFrame, labels: Mapping[str, str] | None = None
) -> None:
    """The indices as Parquet, CSV and Markdown."""
    from imssim.runs.folders import write_text_atomic

    write_frame(indices, folder / INDICES_FILE)
    write_text_atomic(folder / INDICES_CSV, indices.to_csv(index=False))
    write_text_atomic(folder / INDICES_MARKDOWN, markdown(study, indices, labels))


# ---------------------------------------------------------------------- Markdown


def _legend(study: Study) -> str:
    pct = round(100 * study.conf_level)
    if study.method == "sobol":
        legend = (
            f"Each cell: the total index ST ± the half-width of its {pct} % confidence "
            f"interval, and the first-order index S1 in brackets; in bold where ST >= "
            f"{MAIN_SHARE}."
        )
    else:
        legend = (
            f"Each cell: mu* (in the outcome's units, for a move across the parameter's "
            f"whole range) ± the half-width of its {pct} % confidence interval, and sigma "
            f"in brackets; in bold where mu* >= {MORRIS_SHARE:g} x the largest of the column."
        )
    return legend + (
        " + or − before a value: the outcome rises or falls with the parameter "
        "(Spearman's rank correlation across the samples, where it is at least 0.1 in size)."
    )


def _part(indices: pd.DataFrame, outcome: str, year: int | None) -> pd.DataFrame:
    """The rows of one outcome in one year (year None: the last year)."""
    part = indices[indices["outcome"] == outcome]
    return part[part["year"].isna()] if year is None else part[part["year"] == year]


def _cells(study: Study, part: pd.DataFrame) -> dict[str, str]:
    """Each parameter's cell of one outcome's column (see :func:`_legend`)."""
    sobol = study.method == "sobol"
    main, other = ("ST", "S1") if sobol else ("mu_star", "sigma")
    first = part[part["index"] == main].set_index("parameter")
    second = part[part["index"] == other].set_index("parameter")
    top = float(first["value"].max()) if first["value"].notna().any() else math.nan
    cells = {}
    for key in study.keys:
        value, conf = first.at[key, "value"], first.at[key, "conf"]
        if math.isnan(value):
            cells[key] = "–"
            continue
        strong = value >= MAIN_SHARE if sobol else value >= MORRIS_SHARE * top
        text = f"{value:.2f}" if sobol else f"{value:.3g}"
        text = f"**{text}**" if strong else text
        rho = first.at[key, "rank_correlation"]
        text = ("+" if rho > 0 else "−") + text if abs(rho) >= 0.1 else text
        width = f"{conf:.2f}" if sobol else f"{conf:.2g}"
        extra = second.at[key, "value"]
        extra = f"{extra:.2f}" if sobol else f"{extra:.3g}"
        cells[key] = f"{text} ± {width} ({extra})"
    return cells


def markdown(study: Study, indices: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str:
    """The indices as Markdown tables, one per year: parameters (rows) by outcomes."""
    out = [_legend(study), ""]
    for year in study.years or (None,):
        if year is not None:
            out += [f"**{year}**", ""]
        names = [outcome_label(o, labels) for o in study.outcomes]
        out.append("| parameter | range | " + " | ".join(names) + " |")
        out.append("|---|---|" + "---|" * len(names))
        cells: dict[str, list[str]] = {key: [] for key in study.keys}
        spread = []
        for outcome in study.outcomes:
            part = _part(indices, outcome, year)
            for key, cell in _cells(study, part).items():
                cells[key].append(cell)
            sd = float(part["outcome_sd"].iloc[0])
            units = unit(outcome)
            spread.append(f"{sd:.3g}" + (f" ({units})" if units else ""))
        for key, lo, hi in study.ranges:
            out.append(f"| `{key}` | {lo:g}-{hi:g} | " + " | ".join(cells[key]) + " |")
        out.append("| *sd across the samples* | | " + " | ".join(spread) + " |")
        out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------------- summary


def summarise(
    study: Study,
    indices: pd.DataFrame,
    y: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    runs: int | None = None,
) -> str:
    """Per outcome and year: the parameters that matter most, with their indices and
    confidence intervals, and those that hardly matter."""
    pct = round(100 * study.conf_level)
    counted = f"{len(y)} samples" + (f", {runs} runs" if runs is not None else "")
    if study.method == "sobol":
        how = (
            f"Sobol' indices, Saltelli sampling, N = {study.n} ({counted}); ST (S1) with "
            f"{pct} % confidence intervals; ST >= {MAIN_SHARE} listed, "
            f"'hardly' when ST's upper end < {SMALL_SHARE}"
        )
    else:
        how = (
            f"Morris, {study.trajectories} trajectories, {study.levels} levels "
            f"({counted}); mu* (outcome units for a move across the whole range) with {pct} % "
            f"confidence intervals; 'hardly' when mu* < {MORRIS_SHARE:g} x the largest"
        )
    how += "; (+) or (-): the outcome rises or falls with the parameter (rank correlation)"
    lines = [f"{study.name}: {how}"]
    for outcome, year in study.targets():
        part = _part(indices, outcome, year)
        when = "" if year is None else f" {year}"
        sd = float(part["outcome_sd"].iloc[0])
        mean = float(part["outcome_mean"].iloc[0])
        head = f"{outcome_label(outcome, labels)}{when} (mean {mean:.3g}, sd {sd:.3g})"
        verdict = _sobol_verdict(part) if study.method == "sobol" else _morris_verdict(part)
        lines.append(f"{head}: {verdict}")
    return "\n".join(lines)


def _interval(row: pd.Series) -> str:
    return f"[{row['conf_low']:.3g}, {row['conf_high']:.3g}]"


def _sign(row: pd.Series) -> str:
    """(+) or (-): the direction of a clear rank correlation (|rho| >= 0.1)."""
    rho = row["rank_correlation"]
    return "" if not abs(rho) >= 0.1 else " (+)" if rho > 0 else " (-)"


def _sobol_verdict(part: pd.DataFrame) -> str:
    """The parameters with ST >= MAIN_SHARE, and those whose ST hardly matters."""
    st = part[part["index"] == "ST"].set_index("parameter")
    s1 = part[part["index"] == "S1"].set_index("parameter")
    if st["value"].isna().all():
        return "does not vary across the samples"
    ranked = st.sort_values("value", ascending=False)
    main = [k for k in ranked.index if ranked.at[k, "value"] >= MAIN_SHARE]
    small = [k for k in ranked.index if ranked.at[k, "conf_high"] < SMALL_SHARE]
    said = ", ".join(
        f"{short_name(k)}{_sign(st.loc[k])} ST {st.at[k, 'value']:.2f} "
        f"{_interval(st.loc[k])} (S1 {s1.at[k, 'value']:.2f})"
        for k in main
    )
    text = f"most {said}" if main else f"no parameter reaches ST {MAIN_SHARE}"
    if small:
        text += "; hardly " + ", ".join(short_name(k) for k in small)
    return text


def _morris_verdict(part: pd.DataFrame) -> str:
    """The parameters with mu* >= MORRIS_SHARE x the largest, and the others."""
    mu = part[part["index"] == "mu_star"].set_index("parameter")
    if not (mu["value"] > 0).any():
        return "does not vary across the samples"
    ranked = mu.sort_values("value", ascending=False)
    top = float(ranked["value"].iloc[0])
    main = [k for k in ranked.index if ranked.at[k, "value"] >= MORRIS_SHARE * top]
    small = [k for k in ranked.index if ranked.at[k, "value"] < MORRIS_SHARE * top]
    said = ", ".join(
        f"{short_name(k)}{_sign(ranked.loc[k])} mu* {ranked.at[k, 'value']:.3g} "
        f"{_interval(ranked.loc[k])}"
        for k in main
    )
    return f"most {said}" + ("; hardly " + ", ".join(map(short_name, small)) if small else "")


# ------------------------------------------------------------------------ figure


def chart_title(study: Study, runs: int, base: Config | None = None) -> str:
    """The figure's title: the study, its method and runs (and the base run's setting)."""
    if study.method == "sobol":
        method = f"Sobol' indices (Saltelli sampling, N = {study.n})"
    else:
        method = f"Morris screening ({study.trajectories} trajectories, {study.levels} levels)"
    what = f"{study.name}: {method}, {runs} runs"
    if isinstance(base, Config):
        seeds = "seed" if study.replicates == 1 else f"{study.replicates} replicates from seed"
        what += (
            f"\n{base.scenario.name} / {base.policy.name}, focal state {base.focal}, "
            f"{seeds} {study.seed} in every run"
        )
    return what


def write_figure(
    folder: Path,
    study: Study,
    indices: pd.DataFrame,
    title: str,
    labels: Mapping[str, str] | None = None,
) -> Path:
    """``figures/indices.png``: a panel per outcome and year
    (:func:`imssim.present.plots.sensitivity.indices_figure`)."""
    from imssim.present.plots.sensitivity import IndicesChart, indices_figure
    from imssim.present.plots.style import save_figure

    chart = IndicesChart(
        method=study.method,
        conf_level=study.conf_level,
        parameters=[(key, short_name(key)) for key in study.keys],
        outcomes=[(o, outcome_label(o, labels), unit(o)) for o in study.outcomes],
        years=list(study.years) or [None],
        title=title,
    )
    fig = indices_figure(indices, chart)
    return save_figure(fig, folder / "figures", FIGURE_NAME, ("png",))
