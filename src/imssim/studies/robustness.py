"""Do the note's claims (a-g) hold across plausible ranges of the parameters they depend on?

Two stages, both one parameter at a time with all others at the command line's defaults:

1. Screening. Every candidate of :data:`CANDIDATES` is set to the low and to the high
   end of its judged range (read from the schema: :func:`imssim.config.judged_range`)
   over the screening seeds, and claims a-g are judged at each value
   (:mod:`imssim.studies.claims`). A candidate's influence is the sum over the claims of
   the largest change of the claim's margin (the relative slack of its closest
   comparison) from its margin at the defaults, as a share of that margin (at least
   :data:`MARGIN_FLOOR`): moving a claim by its whole headroom counts 1, however large
   the headroom. The most influential candidates (:data:`TOP`) go on.
2. Study. Low, default and high of each chosen parameter over the study's seeds (those
   of ``tests/studies/test_claims.py``), claims a-g judged at every point.

A claim that fails at a range end is reported, never hidden: the ranges are fixed in the
schema before anything runs. :func:`run_study` does both stages, :func:`write_outputs`
writes the tables, the Markdown page and the chart; ``experiments/robustness.py`` is the
command line.
"""

from __future__ import annotations

import contextlib
import math
import os
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from imssim.config import judged_range
from imssim.config.compose import compose_config
from imssim.errors import ConfigError
from imssim.present.plots.robustness import cell_text, claims_heatmap
from imssim.present.plots.style import save_figure
from imssim.runs.folders import write_text_atomic
from imssim.studies.claims import CLAIMS, SEEDS, TITLES, Verdict, run_claims


@dataclass(frozen=True)
class Candidate:
    """A parameter that may matter, as its command-line key, with its plausible range."""

    key: str
    low: float
    high: float
    why: str  # why the range is plausible


def candidate(key: str) -> Candidate:
    """The candidate `key` with the range judged plausible for it in the schema."""
    judged = judged_range(key)
    return Candidate(key, judged.low, judged.high, judged.why)


# The parameters screened, as on the command line; their ranges stand in the schema.
CANDIDATE_KEYS = (
    "params.economic_pressure",
    "params.political_threat",
    "params.goal_weight_military",
    "params.goal_weight_economic",
    "params.political_base",
    "params.benefit_scale",
    "params.transaction_cost",
    "policy.autonomy_weight",
    "params.trust_gain",
    "params.trust_decay",
    "params.cut_tolerance",
    "params.drop_step",
    "params.need_weight",
    "params.specialisation_share",
    "params.pool_scarce_gap",
    "params.cost_growth_excess",
    "params.coordination_strength",
    "params.choice_temperature",
    "params.ring_hysteresis",
    "catalyst",
)
CANDIDATES = tuple(candidate(key) for key in CANDIDATE_KEYS)

SCREEN_SEEDS = (1, 2)
MARGIN_FLOOR = 0.02  # a margin at the defaults closer to 0 counts as this in the screening
TOP = 5
LEVELS = ("low", "default", "high")
CLAIM_COLUMNS = [
    "parameter",
    "level",
    "value",
    "claim",
    "title",
    "holds",
    "margin",
    "n_checks",
    "n_failed",
    "closest_check",
    "left",
    "op",
    "right",
    "seeds",
]


@dataclass(frozen=True)
class Point:
    """One setting of the study: a parameter at one of its levels, the rest at defaults."""

    parameter: str  # the key, or "" for the defaults
    level: str
    value: float

    @property
    def overrides(self) -> dict[str, float]:
        """The point's override of its parameter (none at the defaults)."""
        return {self.parameter: self.value} if self.parameter and self.level != "default" else {}


@dataclass(frozen=True)
class Settings:
    """What a study runs: its seeds, how many parameters go on from the screening, the
    claims judged, the candidates screened (keys; empty: all) and the processes."""

    seeds: tuple[int, ...] = SEEDS
    screen_seeds: tuple[int, ...] = SCREEN_SEEDS
    top: int = TOP
    claims: tuple[str, ...] = CLAIMS
    candidates: tuple[str, ...] = ()
    workers: int = 1


@dataclass(frozen=True)
class Findings:
    """Everything a study writes, and how long its stages took."""

    table: pd.DataFrame  # the study: one row per parameter x level x claim (CLAIM_COLUMNS)
    checks: pd.DataFrame  # every comparison behind the study's verdicts
    screening: pd.DataFrame  # one row per candidate, most influential first
    screening_points: pd.DataFrame  # the screening's verdicts (CLAIM_COLUMNS)
    seeds: tuple[int, ...]
    screen_seeds: tuple[int, ...]
    command: str
    seconds: dict[str, float] = field(default_factory=dict)  # screening, study


# --- the candidates ---------------------------------------------------------------------


def default_value(key: str) -> float:
    """The command line's default of `key` (read from conf/, so it follows the code)."""
    value = OmegaConf.select(compose_config([]), key)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ConfigError(f"{key}: not a numeric setting ({value!r})")
    return float(value)


def checked_candidates(keys: Sequence[str] | None = None) -> list[tuple[Candidate, float]]:
    """The candidates (all, or those named) with their defaults; low < default < high."""
    by_key = {c.key: c for c in CANDIDATES}
    unknown = sorted(set(keys or ()) - set(by_key))
    if unknown:
        raise ConfigError(f"not among the robustness candidates: {', '.join(unknown)}")
    chosen = [by_key[k] for k in keys] if keys else list(CANDIDATES)
    out = []
    for c in chosen:
        default = default_value(c.key)
        if not c.low < default < c.high:
            raise ConfigError(
                f"{c.key}: the default {default:g} must lie between low {c.low:g} and high "
                f"{c.high:g}, the ends of its judged range"
            )
        out.append((c, default))
    return out


# --- running the points -----------------------------------------------------------------


def judge(
    points: Sequence[Point],
    seeds: Sequence[int],
    claims: Sequence[str],
    pool: Executor | None,
    report: Callable[[Point, dict[str, Verdict]], None] | None = None,
) -> list[dict[str, Verdict]]:
    """The verdicts at every point, in the order of `points` (in this process without a
    pool); each point is a pure function of its overrides and seeds."""
    args = ([p.overrides for p in points], repeat(tuple(seeds)), repeat(tuple(claims)))
    results = map(run_claims, *args) if pool is None else pool.map(run_claims, *args)
    out = []
    for point, verdicts in zip(points, results, strict=True):
        out.append(verdicts)
        if report:
            report(point, verdicts)
    return out


def processes(workers: int) -> contextlib.AbstractContextManager[Executor | None]:
    """A pool of `workers` fresh processes for the whole study, or none for one."""
    if workers <= 1:
        return contextlib.nullcontext()
    return ProcessPoolExecutor(workers, mp_context=get_context("spawn"))


def print_point(point: Point, verdicts: dict[str, Verdict]) -> None:
    """One line of progress: the point and each claim's mark and margin there."""
    name = f"{point.parameter} = {point.value:g} ({point.level})" if point.parameter else "defaults"
    marks = "  ".join(f"{c} {cell_text(v.holds, v.margin)}" for c, v in verdicts.items())
    print(f"  {name:<46} {marks}", flush=True)


def claim_rows(
    parameter: str, level: str, value: float, verdicts: dict[str, Verdict], seeds: Sequence[int]
) -> list[dict]:
    """Rows of the claims table (CLAIM_COLUMNS) for one point."""
    rows = []
    for claim, verdict in verdicts.items():
        closest = verdict.closest
        rows.append(
            {
                "parameter": parameter,
                "level": level,
                "value": value,
                "claim": claim,
                "title": TITLES[claim],
                "holds": verdict.holds,
                "margin": verdict.margin,
                "n_checks": len(verdict.checks),
                "n_failed": len(verdict.failed),
                "closest_check": closest.what if closest else "",
                "left": float(closest.left) if closest else math.nan,
                "op": closest.op if closest else "",
                "right": float(closest.right) if closest else math.nan,
                "seeds": " ".join(map(str, seeds)),
            }
        )
    return rows


def check_rows(
    parameter: str, level: str, value: float, verdicts: dict[str, Verdict]
) -> list[dict]:
    """One row per comparison behind the verdicts of one point."""
    return [
        {
            "parameter": parameter,
            "level": level,
            "value": value,
            "claim": claim,
            "check": c.what,
            "left": float(c.left),
            "op": c.op,
            "right": float(c.right),
            "holds": c.holds,
            "margin": c.margin,
        }
        for claim, verdict in verdicts.items()
        for c in verdict.checks
    ]


def screen(
    candidates: Sequence[tuple[Candidate, float]],
    seeds: Sequence[int],
    claims: Sequence[str],
    pool: Executor | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranking, verdicts): one row per candidate with its influence on the claims'
    margins, most influential first; and the claims table of every screening point."""
    points = [Point("", "default", math.nan)]
    for c, _ in candidates:
        points += [Point(c.key, "low", c.low), Point(c.key, "high", c.high)]
    verdicts = judge(points, seeds, claims, pool, print_point)
    base = verdicts[0]
    ranking, table = [], []
    for k, (c, default) in enumerate(candidates):
        low, high = verdicts[1 + 2 * k], verdicts[2 + 2 * k]
        for level, value, found in (
            ("low", c.low, low),
            ("default", default, base),
            ("high", c.high, high),
        ):
            table += claim_rows(c.key, level, value, found, seeds)
        effects = {
            claim: max(_change(low[claim], base[claim]), _change(high[claim], base[claim]))
            for claim in claims
        }
        changed = [
            claim
            for claim in claims
            if low[claim].holds != base[claim].holds or high[claim].holds != base[claim].holds
        ]
        ranking.append(
            {
                "parameter": c.key,
                "low": c.low,
                "default": default,
                "high": c.high,
                "influence": sum(effects.values()),
                "claims_changed": "".join(changed),
                **{f"effect_{claim}": e for claim, e in effects.items()},
                "why": c.why,
            }
        )
    frame = pd.DataFrame(ranking).sort_values(["influence", "parameter"], ascending=[False, True])
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame.reset_index(drop=True), pd.DataFrame(table, columns=CLAIM_COLUMNS)


def _change(verdict: Verdict, base: Verdict) -> float:
    """How far a claim's margin moved, as a share of its margin at the defaults (at least
    MARGIN_FLOOR): a move by a claim's whole headroom counts 1 whatever the headroom."""
    a, b = verdict.margin, base.margin
    if math.isnan(a) or math.isnan(b):
        return 0.0 if verdict.holds == base.holds else 1.0
    return abs(a - b) / max(abs(b), MARGIN_FLOOR)


def study(
    chosen: pd.DataFrame, seeds: Sequence[int], claims: Sequence[str], pool: Executor | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Low, default and high of each chosen parameter: (claims table, checks table)."""
    points = [Point("", "default", math.nan)]
    for row in chosen.itertuples():
        points += [Point(row.parameter, "low", row.low), Point(row.parameter, "high", row.high)]
    verdicts = judge(points, seeds, claims, pool, print_point)
    at = {(p.parameter, p.level): v for p, v in zip(points, verdicts, strict=True)}
    claims_table, checks_table = [], []
    for row in chosen.itertuples():
        for level, value in zip(LEVELS, (row.low, row.default, row.high), strict=True):
            found = at[("", "default")] if level == "default" else at[(row.parameter, level)]
            claims_table += claim_rows(row.parameter, level, value, found, seeds)
            checks_table += check_rows(row.parameter, level, value, found)
    return pd.DataFrame(claims_table, columns=CLAIM_COLUMNS), pd.DataFrame(checks_table)


def run_study(settings: Settings, command: str) -> Findings:
    """Screen the candidates, then study the most influential ones (progress printed as it
    goes); `command` is the command line written into the Markdown page."""
    started = time.perf_counter()
    candidates = checked_candidates(settings.candidates or None)
    print(
        f"screening {len(candidates)} candidates, low and high, "
        f"seeds {_seeds(settings.screen_seeds)}, claims {''.join(settings.claims)}, "
        f"{settings.workers} process(es)"
    )
    with processes(settings.workers) as pool:
        screening, screening_points = screen(
            candidates, settings.screen_seeds, settings.claims, pool
        )
        chosen = screening.head(settings.top)
        screening["chosen"] = screening["rank"] <= settings.top
        screened = time.perf_counter()
        print(
            screening[["rank", "parameter", "influence", "claims_changed"]].to_string(index=False)
        )
        print(
            f"\nstudy: {', '.join(chosen['parameter'])}: low, default, high, "
            f"seeds {_seeds(settings.seeds)}"
        )
        table, checks = study(chosen, settings.seeds, settings.claims, pool)
    seconds = {"screening": screened - started, "study": time.perf_counter() - screened}
    return Findings(
        table,
        checks,
        screening,
        screening_points,
        settings.seeds,
        settings.screen_seeds,
        command,
        seconds,
    )


# --- writing ----------------------------------------------------------------------------


def markdown(found: Findings, figure: str) -> str:
    """docs/robustness.md: the method, the ranges, the table and where claims fail."""
    table, screening, seeds, screen_seeds = (
        found.table,
        found.screening,
        found.seeds,
        found.screen_seeds,
    )
    claims = list(dict.fromkeys(table["claim"]))
    chosen = list(dict.fromkeys(table["parameter"]))
    lines = [
        "# Robustness of the note's claims",
        "",
        *_paragraph(
            f"Written by `{found.command}`; do not edit by hand. The claims (a-g) are those of "
            "docs/ODD.md, section 1.2, judged by `imssim.studies.claims` exactly as "
            "`tests/studies/test_claims.py` judges them at the defaults."
        ),
        "",
        "## Method",
        "",
        *_paragraph(
            "One parameter at a time, all others at the command line's defaults (scenario "
            "`austerity_2012`, policy `default`; each claim also runs the scenarios and "
            "policies it compares, with the parameter at the same value). Screening: each "
            f"candidate at its low and its high value over seeds {_seeds(screen_seeds)}; its "
            "influence is the sum over the claims of the largest change of the claim's margin "
            "from its margin at the defaults, as a share of that margin (at least "
            f"{MARGIN_FLOOR:g}), so that moving a claim by its whole headroom counts 1. The "
            "margin of a claim is the relative slack of "
            "its closest comparison (the side that must be larger minus the other, over the "
            "larger of the two; below 0 the claim fails). The "
            f"{len(chosen)} most influential candidates were then run at low, default and "
            f"high over seeds {_seeds(seeds)}. The ranges were fixed before anything ran."
        ),
        "",
        "## Candidates, ranges and screening",
        "",
        "| rank | candidate | low | default | high | influence | claims changed | why this range |",
        "|---:|---|---:|---:|---:|---:|---|---|",
    ]
    for r in screening.itertuples():
        name = f"**`{r.parameter}`**" if r.parameter in chosen else f"`{r.parameter}`"
        changed = ", ".join(r.claims_changed) or "none"
        lines.append(
            f"| {r.rank} | {name} | {r.low:g} | {r.default:g} | {r.high:g} | "
            f"{r.influence:.2f} | {changed} | {r.why} |"
        )
    lines += [
        "",
        *_paragraph(
            "In bold: the parameters of the study. Claims changed: claims whose verdict at the "
            "low or the high value differs from their verdict at the defaults in the screening."
        ),
        "",
        "## Which claim holds where",
        "",
        f"✓ holds, ✗ fails; the number is the claim's margin. Seeds {_seeds(seeds)}.",
        "",
        "| parameter | value | " + " | ".join(f"({c}) {TITLES[c]}" for c in claims) + " |",
        "|---|---|" + "---|" * len(claims),
    ]
    cells = table.set_index(["parameter", "level", "claim"])
    for parameter in chosen:
        for level in LEVELS:
            first = cells.loc[(parameter, level, claims[0])]
            row = [f"`{parameter}`", f"{first['value']:g} ({level})"]
            for c in claims:
                cell = cells.loc[(parameter, level, c)]
                row.append(cell_text(bool(cell["holds"]), float(cell["margin"])))
            lines.append("| " + " | ".join(row) + " |")
    lines += ["", f"![The same table as a chart]({figure})", "", "## Where a claim fails", ""]
    lines += failures(table, found.checks) or ["Every claim holds at every value of the study."]
    return "\n".join(lines) + "\n"


def failures(table: pd.DataFrame, checks: pd.DataFrame, most: int = 3) -> list[str]:
    """One bullet per claim and parameter value where the claim fails, with its failed
    comparisons (at most `most` of them)."""
    out = []
    for claim in dict.fromkeys(table["claim"]):
        rows = table[(table["claim"] == claim) & ~table["holds"]]
        if rows.empty:
            continue
        out.append(f"- **({claim}) {TITLES[claim]}** fails at:")
        for r in rows.itertuples():
            failed = checks[
                (checks["parameter"] == r.parameter)
                & (checks["level"] == r.level)
                & (checks["claim"] == claim)
                & ~checks["holds"]
            ]
            shown = "; ".join(
                f"{f.check}: {f.left:.4g} {f.op} {f.right:.4g}"
                for f in failed.head(most).itertuples()
            )
            more = f" (and {len(failed) - most} more)" if len(failed) > most else ""
            out.append(
                f"  - `{r.parameter}` = {r.value:g} ({r.level}): {r.n_failed} of "
                f"{r.n_checks} comparisons fail: {shown}{more}."
            )
    return out


def _paragraph(text: str) -> list[str]:
    return textwrap.wrap(text, 88, break_long_words=False, break_on_hyphens=False)


def _seeds(seeds: Sequence[int]) -> str:
    return ", ".join(map(str, seeds))


def write_outputs(found: Findings, paths: Mapping[str, Path]) -> None:
    """Every output, each written whole or not at all."""
    write_text_atomic(paths["table"], found.table.to_csv(index=False))
    write_text_atomic(paths["checks"], found.checks.to_csv(index=False))
    write_text_atomic(paths["screening"], found.screening.to_csv(index=False))
    write_text_atomic(paths["screening_points"], found.screening_points.to_csv(index=False))
    save_figure(
        claims_heatmap(found.table, TITLES), paths["figure"].parent, paths["figure"].stem, ("png",)
    )
    figure = os.path.relpath(paths["figure"], paths["markdown"].parent)
    write_text_atomic(paths["markdown"], markdown(found, figure))
