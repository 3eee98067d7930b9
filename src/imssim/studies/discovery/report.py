"""What scenario discovery writes: the box table, the trajectories, the trade-off chart,
a short summary in Markdown and the manifest, all into one folder that appears whole
(written under a hidden name, then renamed into place), and the short table printed.

The folder holds:

- ``boxes.csv``: a row per box chosen and input: the box's number, step on its
  trajectory, coverage, density, mass, runs, runs of interest; the input, its kind,
  its limits (``lower``/``upper``, or the ``categories`` kept, separated by ``; ``),
  which side is restricted, and the quasi-p-value of each restricted side;
- ``trajectory.csv``: every step of each box's peeling trajectory (coverage, density,
  mass, runs, runs of interest, inputs restricted, whether chosen);
- ``tradeoff.png``: the coverage-density trade-off, the chosen box marked;
- ``summary.md``: the question, the runs, and each box in words;
- ``discovery.json``: the manifest (:func:`imssim.runs.folders.manifest_record`): the
  condition, the sweep, PRIM's settings, the inputs, the boxes, the time taken,
  versions and code revision.
"""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from imssim.errors import ImssimError
from imssim.outcomes import base_key, label, unit
from imssim.runs.folders import (
    manifest_record,
    new_folder,
    publish,
    write_manifest,
    write_text_atomic,
)
from imssim.studies.discovery.boxes import Box, Discovery, Limit, Settings

BOXES_FILE = "boxes.csv"
TRAJECTORY_FILE = "trajectory.csv"
CHART = "tradeoff"
SUMMARY_FILE = "summary.md"
MANIFEST_FILE = "discovery.json"  # not manifest.json, which marks a run folder
DISCOVERY_DIR = "discovery"
SIGNIFICANT = 0.05  # a restriction's quasi-p-value at or below which it is called firm


@dataclass(frozen=True)
class Question:
    """What was asked: the condition, the sweep it was asked of, the runs it judged
    (those with every value it needs) and those left out, PRIM's settings."""

    condition: str
    columns: tuple[str, ...]
    sweep: Path
    runs: int
    left_out: int
    failed: int
    settings: Settings


def slug(condition: str) -> str:
    """A folder name for a condition: 'worst_shortfall_pct > 30' -> 'worst_shortfall_pct-gt-30'."""
    words = {">=": "-ge-", "<=": "-le-", "==": "-eq-", "!=": "-ne-", ">": "-gt-", "<": "-lt-"}
    text = re.sub(r">=|<=|==|!=|>|<", lambda m: words[m.group(0)], condition)
    text = text.replace("&", "-and-").replace("|", "-or-").replace("~", "not-")
    text = re.sub(r"[^A-Za-z0-9_.@-]+", "-", text)
    return re.sub(r"-{2,}", "-", text).strip("-.")[:80] or "condition"


def default_folder(source: Path, condition: str) -> Path:
    """Where a discovery goes by default: ``<sweep>/discovery/<slug of condition>``."""
    return source / DISCOVERY_DIR / slug(condition)


def box_table(discovery: Discovery) -> pd.DataFrame:
    """The box table (see the module's description): a row per box and input."""
    rows = []
    for box in discovery.boxes:
        head = {
            "box": box.number,
            "step": box.step,
            "coverage": box.coverage,
            "density": box.density,
            "mass": box.mass,
            "runs": box.runs,
            "cases": box.cases,
            "inputs_restricted": box.restricted,
            "met_threshold": box.met_threshold,
        }
        for limit in box.limits:
            rows.append(
                {
                    **head,
                    "input": limit.input,
                    "kind": limit.kind,
                    "lower": limit.lower,
                    "upper": limit.upper,
                    "categories": "; ".join(limit.categories),
                    "restricted": limit.restricted,
                    "qp_lower": limit.qp_lower,
                    "qp_upper": limit.qp_upper,
                }
            )
    return pd.DataFrame(rows)


def limit_text(limit: Limit) -> str:
    """A restriction in words: 'scenario in {deep_cuts, prolonged}', 'x1 >= 0.61'."""
    if limit.kind == "categorical":
        return f"{limit.input} in {{{', '.join(limit.categories)}}}"
    if limit.restricted == "both":
        return f"{_num(limit.lower)} <= {limit.input} <= {_num(limit.upper)}"
    if limit.restricted == "lower":
        return f"{limit.input} >= {_num(limit.lower)}"
    return f"{limit.input} <= {_num(limit.upper)}"


def _num(value: float) -> str:
    return f"{value:.4g}"


def _qp_text(limit: Limit) -> str:
    values = [v for v in (limit.qp_lower, limit.qp_upper) if not math.isnan(v)]
    if not values:
        return "qp n/a"
    worst = max(values)
    flag = "" if worst <= SIGNIFICANT else ", not firm"
    return f"qp {worst:.2g}{flag}"


def _condition_line(question: Question) -> str:
    """The condition with the units of the columns it names."""
    units = []
    for column in question.columns:
        what = unit(base_key(column.split("@")[0]))
        if what is not None:
            units.append(f"`{column}`: {label(column.split('@')[0])}, in {what}")
    return "; ".join(units)


def box_lines(box: Box) -> list[str]:
    """A box in words: its statistics, then each restriction with its quasi-p-value."""
    met = "" if box.met_threshold else " (no step reached the minimum density: the densest)"
    lines = [
        f"Box {box.number} (step {box.step}{met}): coverage {box.coverage:.2f}, density "
        f"{box.density:.2f}, mass {box.mass:.2f} ({box.cases} of its {box.runs} runs are "
        "of interest)"
    ]
    lines += [f"  - {limit_text(limit)} ({_qp_text(limit)})" for limit in box.restrictions]
    if not box.restrictions:
        lines.append("  - no input restricted")
    return lines


def summary_markdown(question: Question, discovery: Discovery, seconds: float) -> str:
    """The summary (summary.md)."""
    s = question.settings
    share = discovery.cases / discovery.runs
    out = [
        f"# Scenario discovery: `{question.condition}`",
        "",
        f"Sweep: `{question.sweep}`. Runs judged: {question.runs}"
        + (
            f" ({question.left_out} lacking a value the condition needs: left out)"
            if question.left_out
            else ""
        )
        + (f"; {question.failed} failed runs not used" if question.failed else "")
        + f". Runs where the condition holds: {discovery.cases} ({share:.1%}).",
        "",
        f"Columns: {_condition_line(question)}." if _condition_line(question) else "",
        "",
        f"Inputs searched ({len(discovery.inputs)}): "
        + ", ".join(f"`{name}`" for name in discovery.inputs)
        + ".",
        "",
        f"PRIM (ema_workbench): minimum density {s.threshold}, peel alpha {s.peel_alpha}, "
        f"paste alpha {s.paste_alpha}, minimum mass {s.mass_min}, up to {s.boxes} "
        f"box{'es' if s.boxes > 1 else ''}; {seconds:.1f} s.",
        "",
        "Coverage: the share of the runs of interest inside the box; density: the share "
        "of the box's runs that are of interest; mass: the share of all runs inside it. A "
        f"restriction with a quasi-p-value (qp) above {SIGNIFICANT} is not firm: the "
        "density would be about as high without it.",
        "",
    ]
    for box in discovery.boxes:
        out += [*box_lines(box), ""]
    out += [
        f"Files: `{BOXES_FILE}` (every input's limits per box), `{TRAJECTORY_FILE}` (the "
        f"peeling trajectories), `{CHART}.png` (the trade-off), `{MANIFEST_FILE}`.",
        "",
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def terminal_text(question: Question, discovery: Discovery) -> str:
    """The short table printed when the discovery is done."""
    head = (
        f"{discovery.cases} of {discovery.runs} runs where {question.condition} "
        f"({discovery.cases / discovery.runs:.1%}); inputs: {', '.join(discovery.inputs)}"
    )
    table = [f"{'box':>3}  {'coverage':>8}  {'density':>7}  {'mass':>5}  restrictions (qp)"]
    for box in discovery.boxes:
        parts = [f"{limit_text(lim)} ({_qp_text(lim)})" for lim in box.restrictions] or ["none"]
        mark = "" if box.met_threshold else "*"
        table.append(
            f"{box.number:>3}{mark:1} {box.coverage:8.2f}  {box.density:7.2f}  "
            f"{box.mass:5.2f}  {parts[0]}"
        )
        table += [f"{'':31}{part}" for part in parts[1:]]
    if any(not box.met_threshold for box in discovery.boxes):
        table.append(f"* no step reached density {question.settings.threshold}: the densest")
    return "\n".join([head, *table])


def write_discovery(
    folder: Path,
    question: Question,
    discovery: Discovery,
    seconds: float,
    arguments: Mapping[str, Any],
) -> Path:
    """Write the discovery's folder (see the module's description) as `folder`, or as
    `folder`-2, -3 ... when `folder` exists; return its path."""
    from imssim.present.plots.discovery import tradeoff_figure
    from imssim.present.plots.style import save_figure

    if folder.exists() and not folder.is_dir():
        raise ImssimError(f"{folder} is a file; give the path of a new folder")
    tmp, final = new_folder(folder.parent, folder.name)
    try:
        box_table(discovery).to_csv(tmp / BOXES_FILE, index=False)
        discovery.trajectory.to_csv(tmp / TRAJECTORY_FILE, index=False)
        fig = tradeoff_figure(discovery.trajectory, question.condition, question.settings.threshold)
        save_figure(fig, tmp, CHART, ("png",))
        write_text_atomic(tmp / SUMMARY_FILE, summary_markdown(question, discovery, seconds))
        write_manifest(tmp / MANIFEST_FILE, _manifest(question, discovery, seconds, arguments))
        return publish(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _manifest(
    question: Question, discovery: Discovery, seconds: float, arguments: Mapping[str, Any]
) -> dict[str, Any]:
    s = question.settings
    fields = {
        "condition": question.condition,
        "columns": list(question.columns),
        "sweep": str(question.sweep),
        "runs": question.runs,
        "runs_left_out": question.left_out,
        "runs_failed": question.failed,
        "cases": discovery.cases,
        "inputs": discovery.inputs,
        "method": "PRIM, ema_workbench.analysis.prim.Prim (objective lenient1)",
        "settings": {
            "threshold": s.threshold,
            "peel_alpha": s.peel_alpha,
            "paste_alpha": s.paste_alpha,
            "mass_min": s.mass_min,
            "boxes": s.boxes,
        },
        "boxes": [
            {
                "box": b.number,
                "step": b.step,
                "coverage": b.coverage,
                "density": b.density,
                "mass": b.mass,
                "met_threshold": b.met_threshold,
                "restrictions": [limit_text(lim) for lim in b.restrictions],
            }
            for b in discovery.boxes
        ],
        "seconds": round(seconds, 3),
    }
    return manifest_record(
        fields, script="imssim-discover", arguments=arguments, packages=("ema_workbench",)
    )
