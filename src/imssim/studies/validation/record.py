"""The observed record of 2013-2017: reading it, its rules, and the pairs its facts name.

The record (``experiments/record/record_2012_2017.csv``, one row per fact, with its
source) is the validation's yardstick and nothing else: the model never reads it.
``experiments/record/README.md`` states the rules that :func:`record_problems` checks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from imssim.world import Framework, World

# the source checkout's record (src/imssim/studies/validation/ -> the repository)
RECORD = Path(__file__).resolve().parents[4] / "experiments" / "record" / "record_2012_2017.csv"
BASE_YEAR = 2012
FIRST_YEAR = 2013
LAST_YEAR = 2017  # calibrate on nothing after 2017: later years are held out

# kinds of change in the record
DEEPENING = ("began", "deepened", "joined")
EXTENDING = ("extended",)
WEAKENING = ("weakened", "left", "ended")
CHANGES = DEEPENING + EXTENDING + WEAKENING
CERTAINTY = ("certain", "form judged", "uncertain")
RECORD_COLUMNS = (
    "fact",
    "year",
    "change",
    "a",
    "b",
    "framework",
    "members",
    "movers",
    "area",
    "form_before",
    "form_after",
    "lead",
    "led_by",
    "certainty",
    "source",
    "url",
    "note",
)


class RecordError(ValueError):
    """The record file breaks one of its rules."""


def read_record(path: str | Path = RECORD) -> pd.DataFrame:
    """The record as a table: text columns as strings (empty, never NaN), years and
    forms as integers."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in RECORD_COLUMNS if c not in frame.columns]
    if missing:
        raise RecordError(f"{path}: missing columns {missing}")
    for column in ("year", "form_before", "form_after"):
        try:
            frame[column] = frame[column].astype(int)
        except ValueError as exc:
            raise RecordError(f"{path}: column {column} must hold integers ({exc})") from None
    return frame


def codes(cell: str) -> list[str]:
    """A ';'-list cell as a list (empty cell: empty list)."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def record_problems(record: pd.DataFrame, world: World) -> list[str]:
    """Every way the record breaks its rules (an empty list when it is well formed)."""
    problems: list[str] = []
    frameworks = {fw.id: fw for fw in world.frameworks}
    if record["fact"].duplicated().any():
        problems.append(
            f"duplicate fact ids: {sorted(record.loc[record.fact.duplicated(), 'fact'])}"
        )
    for row in record.itertuples(index=False):
        where = f"fact {row.fact or '(no id)'}"
        problems += _field_problems(row, where, world)
        if row.framework:
            problems += _framework_problems(row, where, frameworks.get(row.framework), world)
        else:
            problems += _bilateral_problems(row, where)
    return problems


def _field_problems(row: tuple, where: str, world: World) -> list[str]:
    """A fact's own fields: id, year, kind of change, area, forms, certainty, sources,
    the states it names and its lead."""
    problems: list[str] = []
    if not row.fact:
        problems.append(f"{where}: no id")
    if not FIRST_YEAR <= row.year <= LAST_YEAR:
        problems.append(f"{where}: year {row.year} outside {FIRST_YEAR}-{LAST_YEAR}")
    if row.change not in CHANGES:
        problems.append(f"{where}: change {row.change!r} not one of {CHANGES}")
    if row.area not in set(world.areas):
        problems.append(f"{where}: unknown area {row.area!r}")
    for name in ("form_before", "form_after"):
        if not 0 <= getattr(row, name) <= 6:
            problems.append(f"{where}: {name} {getattr(row, name)} outside 0-6")
    before, after = row.form_before, row.form_after
    if row.change in DEEPENING and not after > before:
        problems.append(f"{where}: a {row.change} fact must raise the form ({before}->{after})")
    if row.change in WEAKENING and not after < before:
        problems.append(f"{where}: a {row.change} fact must lower the form ({before}->{after})")
    if row.change in EXTENDING and after != before:
        problems.append(f"{where}: an extended fact keeps its form ({before}->{after})")
    if row.certainty not in CERTAINTY:
        problems.append(f"{where}: certainty {row.certainty!r} not one of {CERTAINTY}")
    if not row.source.strip():
        problems.append(f"{where}: no source")
    if not row.led_by.strip():
        problems.append(f"{where}: no line on who led it")
    for url in codes(row.url):
        if not url.startswith(("http://", "https://")):
            problems.append(f"{where}: not a web address: {url!r}")
    named = [*codes(row.lead), *codes(row.members), *codes(row.movers)]
    named += [c for c in (row.a, row.b) if c]
    known = set(world.iso3)
    unknown = sorted({c for c in named if c not in known})
    if unknown:
        problems.append(f"{where}: unknown state codes {unknown}")
    if not codes(row.lead):
        problems.append(f"{where}: no lead state")
    return problems


def _framework_problems(
    row: tuple, where: str, model_fw: Framework | None, world: World
) -> list[str]:
    """A framework fact: members, no pair, and agreement with the model's framework of
    that id (its area and form) when the world has one."""
    problems: list[str] = []
    members = codes(row.members)
    if row.a or row.b:
        problems.append(f"{where}: a framework fact names no pair (a, b)")
    if len(set(members)) < 2:
        problems.append(f"{where}: a framework needs two or more members")
    if not set(codes(row.movers)) <= set(members):
        problems.append(f"{where}: movers must be members")
    if model_fw is not None:
        if world.areas[model_fw.area] != row.area:
            problems.append(f"{where}: {row.framework} works in {world.areas[model_fw.area]}")
        if max(row.form_before, row.form_after) != model_fw.form:
            problems.append(f"{where}: {row.framework} has form {model_fw.form}")
    return problems


def _bilateral_problems(row: tuple, where: str) -> list[str]:
    """A bilateral fact: two different states, no members or movers."""
    problems: list[str] = []
    if not (row.a and row.b) or row.a == row.b:
        problems.append(f"{where}: a bilateral fact needs two different states a, b")
    if row.members or row.movers:
        problems.append(f"{where}: a bilateral fact has no members or movers")
    return problems


def fact_pairs(row: pd.Series | tuple, world: World) -> list[tuple[int, int]]:
    """The unordered pairs (i < j, world indices) a fact concerns: its two states, or each
    mover with every other member of the framework (every pair of members when no
    movers are given)."""
    if row.a:
        i, j = world.index(row.a), world.index(row.b)
        return [(min(i, j), max(i, j))]
    members = [world.index(c) for c in codes(row.members)]
    movers = [world.index(c) for c in codes(row.movers)] or members
    pairs = {(min(m, x), max(m, x)) for m in movers for x in members if m != x}
    return sorted(pairs)


def record_pair_labels(record: pd.DataFrame, world: World, *, bilateral_only: bool) -> np.ndarray:
    """bool[N, N] (symmetric): pairs named by a deepening fact of the record."""
    n = world.n_states
    label = np.zeros((n, n), dtype=bool)
    for row in record[record["change"].isin(DEEPENING)].itertuples(index=False):
        if bilateral_only and row.framework:
            continue
        for i, j in fact_pairs(row, world):
            label[i, j] = label[j, i] = True
    return label


def record_pair_area_labels(record: pd.DataFrame, world: World) -> np.ndarray:
    """bool[N, N, A] (symmetric): pairs named by a deepening fact of the record, in the
    fact's capability area."""
    n = world.n_states
    label = np.zeros((n, n, world.n_areas), dtype=bool)
    areas = {x: k for k, x in enumerate(world.areas)}
    for row in record[record["change"].isin(DEEPENING)].itertuples(index=False):
        x = areas[row.area]
        for i, j in fact_pairs(row, world):
            label[i, j, x] = label[j, i, x] = True
    return label
