"""Validation against what happened after 2012: the model's 2013-2017 beside the record.

    .venv/bin/python experiments/validate_history.py [--scenario history_2012_2024]
        [--policy default] [--seeds 20] [--jobs 2] [--out results/validation]
        [--report docs/validation.md] [--figure docs/figures/validation_auc.png]

Runs the scenario for seeds 1..N from 2012 to 2017 only (nothing after 2017 is
simulated or compared) and sets the cooperation it produces beside the observed
record of 2013-2017 in ``experiments/record/record_2012_2017.csv``. The model never
reads the record: the record is used only to score finished runs.

Three comparisons:

1. **Pairs.** For every unordered pair of the world's 49 states, the share of seeds in
   which the model deepened the pair between 2012 and 2017, ranked against the pairs
   the record names (ROC AUC: the probability that a pair the record names ranks above
   one it does not, ties counting half). Two naive predictors give the yardstick:
   "nearer capitals deepen more" (minus the great-circle distance between capitals)
   and "the deep get deeper" (the pair's deepest form in 2012).
2. **Facts.** For every fact of the record: did the model deepen the same pair in the
   same area (or in another area) by 2017, and at what form.
3. **Years.** Deepenings per year in the model, 2013-2017, beside the record's facts.

A pair counts as deepened in the model when its deepest bilateral form in 2017 lies
above that of 2012, or when a tie of the pair was formed or deepened to form 2 or more
in 2013-2017; the variant "ties or frameworks" also counts a framework form the pair
shares in an area rising to 2 or more above its 2012 level.

Writes ``<out>/{pairs,auc,auc_by_seed,facts,fact_pairs,by_year}.csv`` and
``manifest.json``, the report (Markdown) and the figure (PNG). Every file is written
under a temporary name and renamed into place. An unknown scenario or policy or a bad
argument stops the script before anything runs, with one line and exit code 2.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import multiprocessing
import os
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from imssim import run
from imssim.cli.main import CONF_DIR
from imssim.config.compose import compose_config
from imssim.model.frameworks import framework_forms
from imssim.model.partners import great_circle_km
from imssim.model.tables import Tables
from imssim.runs.folders import MANIFEST, manifest_record, write_manifest, write_text_atomic
from imssim.world import Framework, World, load_world

PROG = "validate_history"
EXIT_USAGE = 2
ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "experiments" / "record" / "record_2012_2017.csv"
DEFAULT_SCENARIO = "history_2012_2024"
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
MIN_DEEP_FORM = 2  # a tie formed at form 1 (joint hire) is temporary: not a deepening
HIT_SHARE = 0.5  # a fact is reproduced when at least half of the seeds (and pairs) show it
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20122017
INTERVAL = (5.0, 95.0)  # percentiles of the 90 % bootstrap interval

# predictors of "this pair deepened", in the order of the tables and the figure
MODEL_TIES = "model: ties"
MODEL_ALL = "model: ties or frameworks"
NEARER = "nearer capitals"
DEEPER = "the deep get deeper"
PREDICTORS = (MODEL_TIES, MODEL_ALL, NEARER, DEEPER)
MODEL_PREDICTORS = (MODEL_TIES, MODEL_ALL)

# record variants: which facts count, over which pairs
ALL_FACTS = "all facts, all pairs"
ALLIANCE = "all facts, pairs of NATO and EU members"
BILATERAL = "bilateral facts only, all pairs"
DUTCH = "all facts, pairs of the Netherlands"
VARIANTS = (ALL_FACTS, ALLIANCE, BILATERAL, DUTCH)


class UsageError(Exception):
    """A bad argument: reported in one line, exit code 2."""


class RecordError(ValueError):
    """The record file breaks one of its rules."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        raise UsageError(message)


# --- the record ---------------------------------------------------------------------


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
    known, areas = set(world.iso3), set(world.areas)
    frameworks = {fw.id: fw for fw in world.frameworks}
    if record["fact"].duplicated().any():
        problems.append(
            f"duplicate fact ids: {sorted(record.loc[record.fact.duplicated(), 'fact'])}"
        )
    for row in record.itertuples(index=False):
        where = f"fact {row.fact or '(no id)'}"
        if not row.fact:
            problems.append(f"{where}: no id")
        if not FIRST_YEAR <= row.year <= LAST_YEAR:
            problems.append(f"{where}: year {row.year} outside {FIRST_YEAR}-{LAST_YEAR}")
        if row.change not in CHANGES:
            problems.append(f"{where}: change {row.change!r} not one of {CHANGES}")
        if row.area not in areas:
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
        unknown = sorted({c for c in named if c not in known})
        if unknown:
            problems.append(f"{where}: unknown state codes {unknown}")
        if not codes(row.lead):
            problems.append(f"{where}: no lead state")
        if row.framework:
            members = codes(row.members)
            if row.a or row.b:
                problems.append(f"{where}: a framework fact names no pair (a, b)")
            if len(set(members)) < 2:
                problems.append(f"{where}: a framework needs two or more members")
            if not set(codes(row.movers)) <= set(members):
                problems.append(f"{where}: movers must be members")
            model_fw = frameworks.get(row.framework)
            if model_fw is not None:
                if world.areas[model_fw.area] != row.area:
                    problems.append(
                        f"{where}: {row.framework} works in {world.areas[model_fw.area]}"
                    )
                if max(before, after) != model_fw.form:
                    problems.append(f"{where}: {row.framework} has form {model_fw.form}")
        else:
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


# --- the rank score -------------------------------------------------------------------


def midranks(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing the mean of the ranks they span."""
    x = np.asarray(values, dtype=float)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    first = np.cumsum(counts) - counts  # ranks before each distinct value
    return (first + (counts + 1) / 2.0)[inverse]


def roc_auc(scores: Sequence[float] | np.ndarray, labels: Sequence[bool] | np.ndarray) -> float:
    """Area under the ROC curve: the probability that a random positive scores above a
    random negative, ties counting one half (the Mann-Whitney U statistic divided by
    n_pos x n_neg). NaN when either class is empty."""
    y = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = midranks(scores)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def bootstrap_auc(
    scores: np.ndarray, labels: np.ndarray, resamples: int, rng: np.random.Generator
) -> tuple[float, float]:
    """90 % interval of the AUC, resampling the positive and the negative pairs apart."""
    if resamples <= 0:
        return float("nan"), float("nan")
    y = np.asarray(labels, dtype=bool)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    if pos.size == 0 or neg.size == 0:
        return float("nan"), float("nan")
    truth = np.r_[np.ones(pos.size, dtype=bool), np.zeros(neg.size, dtype=bool)]
    values = np.empty(resamples)
    for r in range(resamples):
        take = np.r_[rng.choice(pos, pos.size), rng.choice(neg, neg.size)]
        values[r] = roc_auc(scores[take], truth)
    low, high = np.percentile(values, INTERVAL)
    return float(low), float(high)


# --- one run of the model ----------------------------------------------------------


@dataclass
class SeedRun:
    """What one seed's run says about 2012-2017, in the world's order of states and
    areas. Arrays are [N, N, A] (symmetric) or [F, N] for frameworks."""

    seed: int
    last_year: int
    bilateral_2012: np.ndarray
    bilateral_last: np.ndarray
    effective_2012: np.ndarray
    effective_last: np.ndarray
    deepened_area: np.ndarray  # a tie formed or deepened to form >= 2 above its 2012 form
    weakened_area: np.ndarray  # a tie downgraded or abandoned
    joined: np.ndarray  # [F, N] joined the framework in 2013-last_year
    left: np.ndarray
    pairs: pd.DataFrame  # one row per unordered pair
    by_year: pd.DataFrame  # one row per year


PAIR_COLUMNS = (
    "seed",
    "a",
    "b",
    "bilateral_form_2012",
    "bilateral_form_last",
    "max_form_2012",
    "max_form_last",
    "deepened",
    "deepened_with_frameworks",
)
YEAR_COLUMNS = ("seed", "year", "deepenings", "pairs_deepened", "weakenings", "joins")


def simulate(
    scenario: str,
    seed: int,
    policy: str = "default",
    last_year: int = LAST_YEAR,
    extra: Sequence[str] = (),
) -> Tables:
    """The run the command line makes for ``imssim scenario=.. policy=.. seed=..
    end_year=<last_year> <extra>``: its tables."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    overrides = [
        f"scenario={scenario}",
        f"policy={policy}",
        f"seed={seed}",
        f"end_year={last_year}",
        *extra,
    ]
    return run(compose_config(overrides)).tables


def replay(world: World, events: pd.DataFrame, last_year: int) -> dict[str, np.ndarray]:
    """The 2012 record brought forward through the run's events to `last_year`."""
    n, n_areas = world.n_states, world.n_areas
    bil = np.zeros((n, n, n_areas), dtype=np.int8)
    bil[world.tie_a, world.tie_b, world.tie_area] = world.tie_form
    bil[world.tie_b, world.tie_a, world.tie_area] = world.tie_form
    bil_2012 = bil.copy()
    members = np.array([fw.members for fw in world.frameworks], dtype=bool).reshape(-1, n)
    members_2012 = members.copy()
    deepened = np.zeros_like(bil, dtype=bool)
    weakened = np.zeros_like(bil, dtype=bool)
    joined = np.zeros_like(members)
    left = np.zeros_like(members)
    state = {c: k for k, c in enumerate(world.iso3)}
    area = {x: k for k, x in enumerate(world.areas)}
    framework = {fw.id: f for f, fw in enumerate(world.frameworks)}
    frameworks = list(world.frameworks)  # then those founded in the run, in order
    rows = events[(events["year"] >= FIRST_YEAR) & (events["year"] <= last_year)]
    for kind, country, partner, ar, to in zip(
        rows["kind"].astype(str),
        rows["country"],
        rows["partner"],
        rows["area"],
        rows["to_form"].astype(int),
        strict=True,
    ):
        if kind in ("gave_up", "rebuilt"):  # a state's own area; ties change by their own events
            continue
        if kind == "ended":  # its remaining members' `left` events follow
            continue
        i, x = state[country], area[ar]
        if kind == "founded":
            framework[partner] = len(frameworks)
            frameworks.append(
                Framework(partner, partner, x, to, "nato_or_eu", np.zeros(n, bool), 0, False)
            )
            add = np.zeros((1, n), dtype=bool)
            add[0, i] = True
            members, joined, left = (
                np.vstack([m, z])
                for m, z in ((members, add), (joined, add), (left, np.zeros_like(add)))
            )
            continue
        if kind in ("joined", "left"):
            f = framework[partner]
            members[f, i] = kind == "joined"
            (joined if kind == "joined" else left)[f, i] = True
            continue
        j = state[partner]
        if kind in ("formed", "deepened") and to >= MIN_DEEP_FORM and to > bil_2012[i, j, x]:
            deepened[i, j, x] = deepened[j, i, x] = True
        if kind in ("downgraded", "abandoned"):
            weakened[i, j, x] = weakened[j, i, x] = True
        bil[i, j, x] = bil[j, i, x] = to
    eff_2012 = np.maximum(bil_2012, framework_forms(members_2012, world.frameworks, n_areas))
    eff_last = np.maximum(bil, framework_forms(members, frameworks, n_areas))
    return {
        "bilateral_2012": bil_2012,
        "bilateral_last": bil,
        "effective_2012": eff_2012,
        "effective_last": eff_last,
        "deepened_area": deepened,
        "weakened_area": weakened,
        "joined": joined,
        "left": left,
    }


def _check_replay(world: World, pairs: pd.DataFrame, bil_last: np.ndarray, last_year: int) -> None:
    """The replayed record must give the run's own deepest bilateral forms."""
    n = world.n_states
    recorded = np.zeros((n, n), dtype=np.int8)
    part = pairs[pairs["year"] == last_year]
    index = {c: k for k, c in enumerate(world.iso3)}
    rows = part["country"].map(index).to_numpy()
    cols = part["partner"].map(index).to_numpy()
    recorded[rows, cols] = part["bilateral_form"].to_numpy()
    if not np.array_equal(recorded, bil_last.max(axis=2)):
        raise RuntimeError("replaying the events does not give the run's bilateral forms")


def score_run(tables: Tables, world: World, seed: int, last_year: int = LAST_YEAR) -> SeedRun:
    """One run's tables -> what it did to each pair and area, 2013 to `last_year`."""
    state = replay(world, tables.events, last_year)
    _check_replay(world, tables.pairs, state["bilateral_last"], last_year)
    iu, ju = np.triu_indices(world.n_states, 1)
    bil_2012 = state["bilateral_2012"].max(axis=2)[iu, ju]
    bil_last = state["bilateral_last"].max(axis=2)[iu, ju]
    eff_2012, eff_last = state["effective_2012"], state["effective_last"]
    # a pair whose deepest tie in the last year is joint hire (form 1) has not deepened:
    # joint hire is temporary, as for the ties formed in the years between
    risen = (bil_last > bil_2012) & (bil_last >= MIN_DEEP_FORM)
    deep_ties = risen | state["deepened_area"].any(axis=2)[iu, ju]
    via_frameworks = ((eff_last >= MIN_DEEP_FORM) & (eff_last > eff_2012)).any(axis=2)[iu, ju]
    iso = np.array(world.iso3)
    pairs = pd.DataFrame(
        {
            "seed": seed,
            "a": iso[iu],
            "b": iso[ju],
            "bilateral_form_2012": bil_2012.astype(int),
            "bilateral_form_last": bil_last.astype(int),
            "max_form_2012": eff_2012.max(axis=2)[iu, ju].astype(int),
            "max_form_last": eff_last.max(axis=2)[iu, ju].astype(int),
            "deepened": deep_ties,
            "deepened_with_frameworks": deep_ties | via_frameworks,
        }
    )
    events = tables.events
    rows = []
    for year in range(FIRST_YEAR, last_year + 1):
        e = events[events["year"] == year]
        kind = e["kind"].astype(str)
        deep = e[kind.isin(["formed", "deepened"]) & (e["to_form"] >= MIN_DEEP_FORM)]
        pair_keys = {tuple(sorted(p)) for p in zip(deep["country"], deep["partner"], strict=True)}
        rows.append(
            {
                "seed": seed,
                "year": year,
                "deepenings": len(deep),
                "pairs_deepened": len(pair_keys),
                "weakenings": int(kind.isin(["downgraded", "abandoned"]).sum()),
                "joins": int((kind == "joined").sum()),
            }
        )
    return SeedRun(
        seed=seed,
        last_year=last_year,
        pairs=pairs,
        by_year=pd.DataFrame(rows, columns=list(YEAR_COLUMNS)),
        **state,
    )


def run_seed(
    scenario: str,
    seed: int,
    policy: str = "default",
    last_year: int = LAST_YEAR,
    extra: Sequence[str] = (),
) -> SeedRun:
    """The core of the study: run one seed to `last_year` and score what it did."""
    tables = simulate(scenario, seed, policy, last_year, extra)
    return score_run(tables, load_world(), seed, last_year)


def run_seeds(
    scenario: str,
    policy: str,
    seeds: Sequence[int],
    jobs: int,
    last_year: int = LAST_YEAR,
    extra: Sequence[str] = (),
) -> list[SeedRun]:
    """All seeds, in seed order whatever the number of worker processes; `extra`: more
    overrides of the runs' config (``params.trust_gain=0.1`` ...)."""
    args = [(scenario, seed, policy, last_year, tuple(extra)) for seed in seeds]
    if jobs <= 1 or len(args) <= 1:
        return [run_seed(*a) for a in args]
    with multiprocessing.get_context("spawn").Pool(min(jobs, len(args))) as pool:
        return pool.starmap(run_seed, args)


# --- comparing the runs with the record -------------------------------------------


def pair_table(runs: list[SeedRun], world: World, record: pd.DataFrame) -> pd.DataFrame:
    """One row per unordered pair: the predictors and the record's labels."""
    n = world.n_states
    iu, ju = np.triu_indices(n, 1)
    distance = great_circle_km(world.lat, world.lon)[iu, ju]
    first = runs[0].pairs
    frame = first[["a", "b", "max_form_2012"]].copy()
    frame.insert(2, "distance_km", np.round(distance, 1))
    frame["share_deepened"] = np.mean([r.pairs["deepened"].to_numpy() for r in runs], axis=0)
    frame["share_deepened_with_frameworks"] = np.mean(
        [r.pairs["deepened_with_frameworks"].to_numpy() for r in runs], axis=0
    )
    alliance = world.nato | world.eu
    frame["alliance_pair"] = alliance[iu] & alliance[ju]
    focal = world.index("NLD")
    frame["dutch_pair"] = (iu == focal) | (ju == focal)
    frame["record_all"] = record_pair_labels(record, world, bilateral_only=False)[iu, ju]
    frame["record_bilateral"] = record_pair_labels(record, world, bilateral_only=True)[iu, ju]
    return frame


def _variant(pairs: pd.DataFrame, variant: str) -> tuple[np.ndarray, np.ndarray]:
    """(mask of the pairs compared, labels) of a record variant."""
    everything = np.ones(len(pairs), dtype=bool)
    if variant == ALL_FACTS:
        return everything, pairs["record_all"].to_numpy()
    if variant == ALLIANCE:
        return pairs["alliance_pair"].to_numpy(), pairs["record_all"].to_numpy()
    if variant == BILATERAL:
        return everything, pairs["record_bilateral"].to_numpy()
    if variant == DUTCH:
        return pairs["dutch_pair"].to_numpy(), pairs["record_all"].to_numpy()
    raise ValueError(f"unknown variant {variant!r}")


def predictor_scores(pairs: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each predictor's score per pair: higher means 'more likely to deepen'."""
    return {
        MODEL_TIES: pairs["share_deepened"].to_numpy(),
        MODEL_ALL: pairs["share_deepened_with_frameworks"].to_numpy(),
        NEARER: -pairs["distance_km"].to_numpy(),
        DEEPER: pairs["max_form_2012"].to_numpy(dtype=float),
    }


def auc_tables(
    pairs: pd.DataFrame, runs: list[SeedRun], resamples: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the AUC table: variant x predictor with its 90 % bootstrap interval and, for the
    model, its spread over seeds; the AUC of every seed's run on its own)."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    scores = predictor_scores(pairs)
    per_seed_columns = {MODEL_TIES: "deepened", MODEL_ALL: "deepened_with_frameworks"}
    rows, seed_rows = [], []
    for variant in VARIANTS:
        mask, labels = _variant(pairs, variant)
        y = labels[mask]
        for predictor in PREDICTORS:
            s = scores[predictor][mask]
            low, high = bootstrap_auc(s, y, resamples, rng)
            row = {
                "variant": variant,
                "predictor": predictor,
                "pairs": int(mask.sum()),
                "pairs_in_record": int(y.sum()),
                "auc": roc_auc(s, y),
                "ci90_low": low,
                "ci90_high": high,
            }
            if predictor in per_seed_columns:
                column = per_seed_columns[predictor]
                per_seed = [roc_auc(r.pairs[column].to_numpy()[mask], y) for r in runs]
                seed_rows += [
                    {"variant": variant, "predictor": predictor, "seed": r.seed, "auc": v}
                    for r, v in zip(runs, per_seed, strict=True)
                ]
                row |= {
                    "seed_median": float(np.median(per_seed)),
                    "seed_min": float(np.min(per_seed)),
                    "seed_max": float(np.max(per_seed)),
                }
            else:  # the naive predictors do not depend on the seed
                row |= {"seed_median": row["auc"], "seed_min": row["auc"], "seed_max": row["auc"]}
            rows.append(row)
    return pd.DataFrame(rows), pd.DataFrame(seed_rows)


def _verdict(change: str, same: float, other: float, kept: float, weakened: float) -> str:
    if change in DEEPENING:
        if same >= HIT_SHARE:
            return "hit"
        return "other area" if other >= HIT_SHARE else "miss"
    if change in EXTENDING:
        return "kept" if kept >= HIT_SHARE else "not kept"
    return "reproduced" if weakened >= HIT_SHARE else "not reproduced"


def fact_tables(
    record: pd.DataFrame, runs: list[SeedRun], world: World
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per fact with the model's answer and a verdict; one row per fact and
    pair). Shares are over seeds and, for framework facts, over the fact's pairs."""
    framework = {fw.id: f for f, fw in enumerate(world.frameworks)}
    area = {x: k for k, x in enumerate(world.areas)}
    fact_rows, pair_rows = [], []
    for row in record.itertuples(index=False):
        x = area[row.area]
        pairs = fact_pairs(row, world)
        same, same_ties, other, kept, weak, f2012, flast = [], [], [], [], [], [], []
        for i, j in pairs:
            ties_same = np.array([r.deepened_area[i, j, x] for r in runs])
            rise = np.array(
                [
                    r.effective_last[i, j, x] >= MIN_DEEP_FORM
                    and r.effective_last[i, j, x] > r.effective_2012[i, j, x]
                    for r in runs
                ]
            )
            p_same = ties_same | rise
            ties_any = np.array(
                [
                    r.deepened_area[i, j].any()
                    or r.bilateral_last[i, j].max() > r.bilateral_2012[i, j].max()
                    for r in runs
                ]
            )
            any_area = ties_any | p_same
            p_kept = np.array([r.effective_last[i, j, x] >= row.form_after for r in runs])
            p_weak = np.array(
                [
                    r.weakened_area[i, j, x]
                    or r.effective_last[i, j, x] < r.effective_2012[i, j, x]
                    for r in runs
                ]
            )
            form_2012 = float(runs[0].effective_2012[i, j, x])
            form_last = np.array([r.effective_last[i, j, x] for r in runs], dtype=float)
            same.append(p_same.mean())
            same_ties.append(ties_same.mean())
            other.append(any_area.mean())
            kept.append(p_kept.mean())
            weak.append(p_weak.mean())
            f2012.append(form_2012)
            flast.append(form_last.mean())
            pair_rows.append(
                {
                    "fact": row.fact,
                    "a": world.iso3[i],
                    "b": world.iso3[j],
                    "area": row.area,
                    "model_form_2012": form_2012,
                    "model_form_last_mean": float(form_last.mean()),
                    "share_same_area": float(p_same.mean()),
                    "share_same_area_ties": float(ties_same.mean()),
                    "share_any_area": float(any_area.mean()),
                }
            )
        moved = float("nan")
        f = framework.get(row.framework)
        if f is not None:
            movers = [world.index(c) for c in codes(row.movers) or codes(row.members)]
            flags = [r.joined if row.change in DEEPENING else r.left for r in runs]
            moved = float(np.mean([[flag[f, m] for m in movers] for flag in flags]))
        shares = {
            "same": float(np.mean(same)),
            "other": float(np.mean(other)),
            "kept": float(np.mean(kept)),
            "weakened": float(np.mean(weak)),
        }
        n_pairs = f"{len(pairs)} pair" + ("s" if len(pairs) > 1 else "")
        movers = codes(row.movers)
        if row.framework and movers:
            who = ", ".join(movers) if len(movers) <= 3 else f"{len(movers)} states"
            label = f"{row.framework}: {who} ({n_pairs})"
        elif row.framework:
            label = f"{row.framework} ({n_pairs})"
        else:
            label = f"{row.a}-{row.b}"
        fact_rows.append(
            {
                "fact": row.fact,
                "year": row.year,
                "change": row.change,
                "framework": row.framework,
                "pair": label,
                "area": row.area,
                "form_before": row.form_before,
                "form_after": row.form_after,
                "lead": row.lead,
                "certainty": row.certainty,
                "n_pairs": len(pairs),
                "model_form_2012": float(np.mean(f2012)),
                "model_form_last_mean": float(np.mean(flast)),
                "share_same_area": shares["same"],
                "share_same_area_ties": float(np.mean(same_ties)),
                "share_any_area": shares["other"],
                "share_kept": shares["kept"],
                "share_weakened": shares["weakened"],
                "share_framework_move": moved,
                "verdict": _verdict(
                    row.change, shares["same"], shares["other"], shares["kept"], shares["weakened"]
                ),
            }
        )
    return pd.DataFrame(fact_rows), pd.DataFrame(pair_rows)


def year_table(runs: list[SeedRun], record: pd.DataFrame, world: World) -> pd.DataFrame:
    """Per year: the model's deepenings (median and 10-90 % over seeds) and the record's."""
    model = pd.concat([r.by_year for r in runs], ignore_index=True)
    rows = []
    for year, part in model.groupby("year"):
        facts = record[record["year"] == year]
        deep = facts[facts["change"].isin(DEEPENING)]
        pairs = {p for row in deep.itertuples(index=False) for p in fact_pairs(row, world)}
        row = {"year": int(year)}
        for column in ("deepenings", "pairs_deepened", "weakenings", "joins"):
            values = part[column].to_numpy(dtype=float)
            row[f"model_{column}_median"] = float(np.median(values))
            row[f"model_{column}_p10"] = float(np.percentile(values, 10))
            row[f"model_{column}_p90"] = float(np.percentile(values, 90))
        row |= {
            "record_facts": len(facts),
            "record_deepening_facts": len(deep),
            "record_pairs_deepened": len(pairs),
            "record_weakening_facts": int(facts["change"].isin(WEAKENING).sum()),
        }
        rows.append(row)
    return pd.DataFrame(rows)


# --- writing ---------------------------------------------------------------------------


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    return write_text_atomic(
        path, frame.to_csv(index=False, float_format="%.4g", lineterminator="\n")
    )


def _fmt(value: float, digits: int = 2) -> str:
    return "n/a" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


def plot(
    auc: pd.DataFrame, auc_by_seed: pd.DataFrame, years: pd.DataFrame, path: Path, title: str
) -> Path:
    """The figure: AUC per predictor and record variant (left), pairs deepened per year
    (right). Written as PNG under a temporary name, then renamed."""
    import matplotlib.pyplot as plt

    from imssim.present.plots.style import MARKERS, save_figure, style

    colours = {MODEL_TIES: "#0072B2", MODEL_ALL: "#56B4E9", NEARER: "#D55E00", DEEPER: "#009E73"}
    with style():
        fig, (left, right) = plt.subplots(
            1, 2, figsize=(13.0, 6.8), width_ratios=(1.6, 1.0), layout="constrained"
        )
        step = 0.18
        for v, variant in enumerate(VARIANTS):
            for p, predictor in enumerate(PREDICTORS):
                y = v + (p - 1.5) * step
                row = auc[(auc.variant == variant) & (auc.predictor == predictor)].iloc[0]
                err = [[row.auc - row.ci90_low], [row.ci90_high - row.auc]]
                seeds = auc_by_seed[
                    (auc_by_seed.variant == variant) & (auc_by_seed.predictor == predictor)
                ]
                if len(seeds):
                    left.scatter(
                        seeds["auc"],
                        np.full(len(seeds), y),
                        s=14,
                        facecolors="none",
                        edgecolors=colours[predictor],
                        linewidths=0.7,
                        alpha=0.7,
                        zorder=2,
                    )
                left.errorbar(
                    row.auc,
                    y,
                    xerr=err if np.isfinite(row.ci90_low) else None,
                    fmt=MARKERS[p],
                    color=colours[predictor],
                    markersize=7,
                    capsize=3,
                    elinewidth=1.2,
                    zorder=3,
                    label=predictor if v == 0 else None,
                )
        left.axvline(0.5, color="0.35", linestyle="--", linewidth=1.0, zorder=1)
        left.set_ylim(len(VARIANTS) - 0.5, -0.75)  # first variant on top
        left.text(0.505, -0.7, "chance", fontsize=9, color="0.3", va="top")
        labels = []
        for variant in VARIANTS:
            part = auc[auc.variant == variant].iloc[0]
            labels.append(
                f"{variant}\n({part.pairs_in_record} of {part.pairs} pairs in the record)"
            )
        left.set_yticks(range(len(VARIANTS)), labels)
        left.set_xlim(0.3, 1.0)
        left.set_xlabel("ROC AUC: chance that a pair the record names ranks above one it does not")
        left.set_title("Which pairs deepened, 2013-2017: model against naive rules", loc="left")
        left.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=4,
            title="predictor (bars: 90 % bootstrap interval; rings: single seeds)",
        )
        left.grid(axis="y", visible=False)

        x = years["year"].to_numpy()
        right.bar(
            x,
            years["record_pairs_deepened"],
            width=0.6,
            color="#E69F00",
            edgecolor="0.2",
            linewidth=0.6,
            label="record: pairs in deepening facts",
            zorder=2,
        )
        right.fill_between(
            x,
            years["model_pairs_deepened_p10"],
            years["model_pairs_deepened_p90"],
            color="#0072B2",
            alpha=0.2,
            linewidth=0,
            zorder=3,
            label="model: 10-90 % of seeds",
        )
        right.plot(
            x,
            years["model_pairs_deepened_median"],
            color="#0072B2",
            marker="o",
            linewidth=2.0,
            zorder=4,
            label="model: median over seeds",
        )
        right.set_xticks(x)
        right.set_xlabel("year")
        right.set_ylabel("pairs of states with a new or deeper tie (form 2 or more)")
        right.set_title("Deepenings per year", loc="left")
        right.legend(loc="upper left")
        fig.suptitle(title, x=0.0, ha="left", fontsize=11, color="0.25")
        return save_figure(fig, path.parent, path.stem, formats=("png",))


def report(
    args: argparse.Namespace,
    record: pd.DataFrame,
    auc: pd.DataFrame,
    facts: pd.DataFrame,
    years: pd.DataFrame,
    figure: Path,
    report_path: Path,
    by_form: pd.DataFrame | None = None,
) -> str:
    """docs/validation.md: what was compared, the AUCs, the hits and misses, the limits."""
    n_seeds = args.seeds
    rel_fig = os.path.relpath(figure, report_path.parent)
    lines = [
        "# Validation against what happened after 2012",
        "",
        "<!-- Written by experiments/validate_history.py; edit the script, not this file. -->",
        "",
        f"The model, started from the 2012 record, was run under the scenario `{args.scenario}`"
        f" and the policy `{args.policy}`"
        + (f" with `{' '.join(args.set)}`" if args.set else "")
        + f" for seeds 1-{n_seeds}, from 2012 to {LAST_YEAR}. What"
        f" it did in {FIRST_YEAR}-{LAST_YEAR} is set beside the cooperation that actually began"
        f" or deepened in those years, as listed in `experiments/record/record_2012_2017.csv`."
        f" Nothing after {LAST_YEAR} is simulated or compared: later years are held out. The"
        " model never reads the record; the record only scores finished runs.",
        "",
        f"Reproduce: `python experiments/validate_history.py --scenario {args.scenario}"
        f" --policy {args.policy} --seeds {n_seeds}"
        + (f" --set {' '.join(args.set)}" if args.set else "")
        + "` (tables in `results/validation/`).",
        "",
        "## What was compared",
        "",
        _record_summary(record),
        "",
        "**Deepened, in the model.** A pair counts as deepened when its deepest bilateral form"
        f" in {LAST_YEAR} lies above that of {BASE_YEAR} and is {MIN_DEEP_FORM} or more, or"
        " when one of its ties was formed or"
        f" deepened to form {MIN_DEEP_FORM} or more in {FIRST_YEAR}-{LAST_YEAR} (a tie formed"
        " at form 1, joint hire, is temporary and does not count). The variant *ties or"
        " frameworks* also counts a framework the pair shares whose form in an area rises to 2"
        " or more above the pair's 2012 level (a state joining the EATC, for instance).",
        "",
        "**Deepened, in the record.** A pair counts when a fact that began, deepened or joined"
        " cooperation names it: the two states of a bilateral fact, or, for a framework, each"
        " state that moved with every other member (all pairs of members when the whole"
        " framework is new).",
        "",
        "**The rank score.** The ROC AUC is the chance that a pair the record names ranks above"
        " a pair it does not name, ties counting half: 0.5 is no better than chance, 1 a"
        " perfect ranking. The model ranks pairs by the share of seeds in which it deepened"
        " them. Two naive rules set the bar: *nearer capitals* (pairs ranked by minus the"
        " great-circle distance between their capitals) and *the deep get deeper* (pairs"
        " ranked by their deepest form in 2012, frameworks included). The interval is a 90 %"
        f" bootstrap over pairs ({args.resamples} resamples, positives and negatives resampled"
        " apart); the spread over seeds is the AUC of each seed's run alone.",
        "",
        "## How well the model ranks the pairs that deepened",
        "",
        f"![ROC AUC per predictor and record variant, and pairs deepened per year]({rel_fig})",
        "",
        _auc_markdown(auc),
        "",
        _auc_reading(auc),
        "",
        *([] if by_form is None else _by_form_section(by_form)),
        "## Fact by fact: hits and misses",
        "",
        "For each fact: the model's answer over all seeds (and, for a framework, over the"
        " fact's pairs). *Same area*: the share in which the model deepened the pair in the"
        f" fact's area by {LAST_YEAR}, by a tie formed or deepened to form {MIN_DEEP_FORM} or"
        " more or by a framework that raises the pair's form there (Italy joining the EATC);"
        " *any area*: the share in which it deepened the pair at all (a tie in any area, as"
        " for the AUC, or the same area). A deepening fact is a **hit** when the same-area"
        f" share is at least {HIT_SHARE:g}, **other area** when only the any-area share is,"
        " else a **miss**. A fact that extends a tie without a step on the scale is **kept**"
        " when the model holds the pair's form in that area at the recorded level or above; a"
        " weakening fact is **reproduced** when the model weakens the pair in that area. Forms"
        " are the model's effective forms (bilateral or through a framework) in the fact's"
        " area, means over seeds and pairs.",
        "",
        _facts_summary(facts),
        "",
        _facts_markdown(facts),
        "",
        "## Deepenings per year",
        "",
        _years_markdown(years),
        "",
        "The model's counts are pair-area events (ties formed or deepened to form 2 or more)"
        " and the pairs they touch; the record's are the pairs its deepening facts name. The"
        " two are not on one footing: the model records every tie in every area of all 49"
        " states, the record only what was public, documented and found (see below).",
        "",
        "## What the comparison cannot show",
        "",
        *_limits(record, load_world()),
        "",
    ]
    return "\n".join(lines)


def _limits(record: pd.DataFrame, world: World) -> list[str]:
    """What the comparison cannot show; the frameworks missing from the model are read
    off the record and the world, so the list stays true when frameworks are added."""
    in_model = {fw.id for fw in world.frameworks}
    named = record.loc[record["framework"] != "", "framework"]
    missing = sorted(set(named) - in_model)
    carried = sorted(set(named) & in_model)
    return [
        f"- **Frameworks the model does not have.** {len(missing)} of the record's frameworks"
        f" are not in the model's world ({', '.join(missing) or 'none'}): the model can"
        " reproduce their pairs only through bilateral ties or through frameworks it has. The"
        " *ties or frameworks* variant helps only where one of the model's frameworks carries"
        f" the fact ({', '.join(carried) or 'none'}).",
        "- **Memberships are fixed.** NATO, EU and regional-group memberships stay those of"
        " 2012 (Croatia joined the EU in 2013); only the memberships of the model's own"
        " frameworks change.",
        "- **The turn after 2014.** After Crimea much new cooperation served deterrence in"
        " the east (the enhanced forward presence, the US rotations, the affiliations of Czech"
        " and Romanian brigades with German divisions, the JEF's Nordic and Baltic members)."
        " The model's states cooperate for the note's reasons (budget pressure, capacity to"
        " act, partner fit, trust); whatever a scenario adds for 2014 works only through"
        " them.",
        "- **Temporary arrangements.** EU battlegroups and NATO Response Force rotations stand"
        " by for six or twelve months; the model's ties last until a reason ends them, so the"
        " record's *ended* facts for these standbys cannot be matched.",
        "- **The record is incomplete and Dutch-centred.** It holds the facts that were"
        " public, well documented and found, with an emphasis on the Netherlands and its"
        " neighbours; a pair it does not name may well have deepened. An AUC computed against"
        " it measures agreement with the documented record, not with all that happened, and"
        " the model's many deepenings among pairs the record does not name count against it."
        " The variant over the Netherlands' pairs is the fairer test of the part the record"
        " covers best.",
        "- **Forms and areas are judged.** The record maps each fact onto the note's six"
        " forms and the model's seventeen areas; many mappings are judgements (marked *form"
        " judged*), and some facts are uncertain (marked *uncertain*). Pair-level scores do"
        " not depend on the forms; the fact-level verdicts do.",
        "- **Arms sales and purchases** are in the record only where they came with training"
        " or support (Dutch tanks and infantry vehicles to Finland and Estonia, British"
        " vehicles to Latvia, German howitzers to Lithuania); purchases from the United States"
        " through foreign military sales are left out, except where a state joined a"
        " procurement programme (Denmark's F-35).",
        f"- **One scenario, few facts.** {len(record)} facts over five years cannot calibrate"
        " the model's parameters; the comparison tests the direction of its rules (who"
        " cooperates with whom), and a better or worse AUC between scenarios or policies is"
        " a hint, not a measurement.",
    ]


def _record_summary(record: pd.DataFrame) -> str:
    by_year = record.groupby("year")
    rows = [
        "| year | facts | began, deepened or joined | extended (no step) | weakened or ended |",
        "|---|---|---|---|---|",
    ]
    for year, part in by_year:
        change = part["change"]
        rows.append(
            f"| {year} | {len(part)} | {int(change.isin(DEEPENING).sum())}"
            f" | {int(change.isin(EXTENDING).sum())} | {int(change.isin(WEAKENING).sum())} |"
        )
    rows.append(
        f"| all | {len(record)} | {int(record.change.isin(DEEPENING).sum())}"
        f" | {int(record.change.isin(EXTENDING).sum())}"
        f" | {int(record.change.isin(WEAKENING).sum())} |"
    )
    certainty = record["certainty"].value_counts()
    counts = ", ".join(f"{certainty.get(c, 0)} {c}" for c in CERTAINTY)
    n_framework = int((record["framework"] != "").sum())
    return (
        f"**The record.** {len(record)} facts from public sources, one row each: the year, the"
        f" two states or the framework and its members, the capability area, the form before"
        f" and after on the note's scale, who led it and the source ({n_framework} concern a"
        f" framework, the rest a pair). Certainty: {counts}.\n\n" + "\n".join(rows)
    )


def _auc_markdown(auc: pd.DataFrame) -> str:
    head = "| record variant | pairs | in record | " + " | ".join(PREDICTORS) + " |"
    rows = [head, "|---|---|---|" + "---|" * len(PREDICTORS)]
    for variant in VARIANTS:
        part = auc[auc.variant == variant].set_index("predictor")
        cells = []
        for predictor in PREDICTORS:
            r = part.loc[predictor]
            cell = f"**{_fmt(r.auc)}** [{_fmt(r.ci90_low)}, {_fmt(r.ci90_high)}]"
            if predictor in MODEL_PREDICTORS:
                cell += f"<br>seeds: {_fmt(r.seed_median)} ({_fmt(r.seed_min)}-{_fmt(r.seed_max)})"
            cells.append(cell)
        first = part.iloc[0]
        rows.append(
            f"| {variant} | {first.pairs} | {first.pairs_in_record} | " + " | ".join(cells) + " |"
        )
    return (
        "\n".join(rows)
        + "\n\nAUC over the share of seeds, [90 % bootstrap interval]; for the model also the"
        " median and range of the seeds' AUCs. The naive rules do not depend on the seed."
    )


def by_form_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs grouped by their deepest form of 2012 (frameworks included): how many, the
    share the record names as deepening, and the model's mean share of seeds deepened."""
    grouped = pairs.groupby("max_form_2012")
    return pd.DataFrame(
        {
            "pairs": grouped.size(),
            "record": grouped["record_all"].mean(),
            "model_ties": grouped["share_deepened"].mean(),
            "model_ties_or_frameworks": grouped["share_deepened_with_frameworks"].mean(),
        }
    ).reset_index()


def _by_form_section(by_form: pd.DataFrame) -> list[str]:
    """Where the ranking is lost: the share deepened by the pairs' 2012 form, and how
    steeply it rises in the record and in the model (read off the numbers)."""
    rows = [
        "| deepest form 2012 | pairs | record: named as deepening | model: ties |"
        " model: ties or frameworks |",
        "|---|---|---|---|---|",
    ]
    for r in by_form.itertuples(index=False):
        rows.append(
            f"| {r.max_form_2012} | {r.pairs} | {r.record:.2f} | {r.model_ties:.2f} |"
            f" {r.model_ties_or_frameworks:.2f} |"
        )
    lo, hi = 1, 3  # the forms most pairs that cooperate hold
    part = by_form.set_index("max_form_2012")
    text = ""
    if lo in part.index and hi in part.index and part.loc[lo, "model_ties"] > 0:
        rec = part.loc[hi, "record"] / max(part.loc[lo, "record"], 1e-9)
        mod = part.loc[hi, "model_ties"] / part.loc[lo, "model_ties"]
        text = (
            f"From pairs at form {lo} in 2012 to pairs at form {hi}, the share the record names"
            f" as deepening rises {rec:.1f}-fold ({part.loc[lo, 'record']:.2f} to"
            f" {part.loc[hi, 'record']:.2f}), the model's share of seeds with a deeper tie"
            f" {mod:.1f}-fold ({part.loc[lo, 'model_ties']:.2f} to"
            f" {part.loc[hi, 'model_ties']:.2f})."
        )
        if mod < rec:
            text += (
                " The model spreads its new ties more evenly over the pairs that already"
                " cooperate than the record does: that is where it loses rank against *the"
                " deep get deeper*."
            )
    return [
        "### Deepening by the pairs' 2012 form",
        "",
        "The share of pairs deepened, grouped by the pair's deepest form in 2012 (frameworks"
        " included), in the record (all facts) and in the model (mean share of seeds).",
        "",
        *rows,
        "",
        *([text, ""] if text else []),
    ]


def _auc_reading(auc: pd.DataFrame) -> str:
    """A few sentences read off the table (so they stay true when the numbers change)."""
    sentences = []
    for variant in VARIANTS:
        part = auc[auc.variant == variant].set_index("predictor")["auc"]
        model = part[MODEL_TIES]
        best_naive = max(part[NEARER], part[DEEPER])
        naive_name = NEARER if part[NEARER] >= part[DEEPER] else DEEPER
        if not np.isfinite(model):
            continue
        if model > best_naive + 0.02:
            verdict = "ranks the pairs better than either naive rule"
        elif model < best_naive - 0.02:
            verdict = f"ranks them worse than *{naive_name}*"
        else:
            verdict = f"ranks them about as well as *{naive_name}*"
        sentences.append(
            f"- *{variant}*: the model ({_fmt(model)}) {verdict}"
            f" ({NEARER} {_fmt(part[NEARER])}, {DEEPER} {_fmt(part[DEEPER])})."
        )
    return "Read off the table:\n\n" + "\n".join(sentences)


def _facts_summary(facts: pd.DataFrame) -> str:
    """The verdicts counted, and the facts listed under each."""
    order = ("hit", "other area", "miss", "kept", "not kept", "reproduced", "not reproduced")
    deep = facts[facts["change"].isin(DEEPENING)]
    bilateral = deep[deep["framework"] == ""]
    lines = [
        f"Of the {len(deep)} facts that began or deepened cooperation the model reproduces"
        f" {int((deep.verdict == 'hit').sum())} in the same pair and area and"
        f" {int((deep.verdict == 'other area').sum())} in the same pair in another area;"
        f" of the {len(bilateral)} bilateral ones, {int((bilateral.verdict == 'hit').sum())}"
        f" and {int((bilateral.verdict == 'other area').sum())}.",
        "",
    ]
    for verdict in order:
        part = facts[facts["verdict"] == verdict].sort_values(["year", "fact"])
        if part.empty:
            continue
        items = "; ".join(f"{r.pair} {r.area} {r.year}" for r in part.itertuples(index=False))
        lines.append(f"- **{verdict}** ({len(part)}): {items}")
    return "\n".join(lines)


def _facts_markdown(facts: pd.DataFrame) -> str:
    rows = [
        "| year | fact | pair or framework | area | form | certainty | model form 2012 -> 2017"
        " | same area | any area | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in facts.sort_values(["year", "fact"]).itertuples(index=False):
        rows.append(
            f"| {r.year} | `{r.fact}` | {r.pair} | {r.area} | {r.form_before} -> {r.form_after}"
            f" ({r.change}) | {r.certainty} | {_fmt(r.model_form_2012, 1)} ->"
            f" {_fmt(r.model_form_last_mean, 1)} | {_fmt(r.share_same_area)}"
            f" | {_fmt(r.share_any_area)} | {r.verdict} |"
        )
    return "\n".join(rows)


def _years_markdown(years: pd.DataFrame) -> str:
    rows = [
        "| year | model: tie deepenings | model: pairs deepened | model: weakenings"
        " | record: deepening facts | record: pairs named |",
        "|---|---|---|---|---|---|",
    ]
    for r in years.itertuples(index=False):
        rows.append(
            f"| {r.year} | {r.model_deepenings_median:g} ({r.model_deepenings_p10:g}-"
            f"{r.model_deepenings_p90:g}) | {r.model_pairs_deepened_median:g}"
            f" ({r.model_pairs_deepened_p10:g}-{r.model_pairs_deepened_p90:g})"
            f" | {r.model_weakenings_median:g} | {r.record_deepening_facts}"
            f" | {r.record_pairs_deepened} |"
        )
    return "\n".join(rows) + "\n\nModel: median over seeds (10-90 %)."


# --- the command line ----------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description=__doc__.splitlines()[0])
    p.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        help="scenario file of conf/scenario/ (default: %(default)s)",
    )
    p.add_argument("--policy", default="default", help="policy file of conf/policy/")
    p.add_argument("--seeds", type=int, default=20, help="seeds 1..N (default 20)")
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument(
        "--resamples",
        type=int,
        default=BOOTSTRAP_RESAMPLES,
        help="bootstrap resamples for the AUC intervals (0: none)",
    )
    p.add_argument(
        "--set",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="more overrides of the runs' config, as on the command line (params.trust_gain=0.1)",
    )
    p.add_argument("--record", default=str(RECORD), help="the record file (default: %(default)s)")
    p.add_argument("--out", default="results/validation", help="folder of the tables")
    p.add_argument("--report", default="docs/validation.md", help="the Markdown report")
    p.add_argument("--figure", default="docs/figures/validation_auc.png", help="the figure (PNG)")
    return p


def check_args(args: argparse.Namespace) -> None:
    for group, name in (("scenario", args.scenario), ("policy", args.policy)):
        known = sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))
        if name not in known:
            raise UsageError(f"unknown {group} {name!r} (known: {', '.join(known)})")
    if args.seeds < 1:
        raise UsageError(f"--seeds must be at least 1 (got {args.seeds})")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {args.jobs})")
    if args.resamples < 0:
        raise UsageError(f"--resamples must be 0 or more (got {args.resamples})")
    if args.set:
        from imssim.runs.api import check

        try:
            check(compose_config([f"scenario={args.scenario}", *args.set]))
        except Exception as exc:  # Hydra's, OmegaConf's or the schema's: one line
            line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UsageError(f"--set {' '.join(args.set)}: {line}") from None
    if not Path(args.record).is_file():
        raise UsageError(f"--record: no such file: {args.record}")
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise UsageError(f"--out is not a folder: {args.out}")
    if Path(args.figure).suffix.lower() != ".png":
        raise UsageError(f"--figure must name a .png file (got {args.figure})")


def main(argv: Sequence[str] | None = None) -> Path:
    """Run the validation; return the folder of the tables."""
    try:
        args = parser().parse_args(argv)
        check_args(args)
        world = load_world()
        record = read_record(args.record)
        problems = record_problems(record, world)
        if problems:
            raise UsageError(f"{args.record}: {problems[0]} ({len(problems)} problems)")
    except (UsageError, RecordError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None

    seeds = list(range(1, args.seeds + 1))
    runs = run_seeds(args.scenario, args.policy, seeds, args.jobs, extra=args.set)
    pairs = pair_table(runs, world, record)
    auc, auc_by_seed = auc_tables(pairs, runs, args.resamples)
    facts, fact_pair_rows = fact_tables(record, runs, world)
    years = year_table(runs, record, world)

    out = Path(args.out)
    for name, frame in (
        ("pairs", pairs),
        ("auc", auc),
        ("auc_by_seed", auc_by_seed),
        ("facts", facts),
        ("fact_pairs", fact_pair_rows),
        ("by_year", years),
        ("by_form", by_form_table(pairs)),
    ):
        write_csv(frame, out / f"{name}.csv")
    figure = Path(args.figure)
    title = (
        f"Scenario {args.scenario}, policy {args.policy}, seeds 1-{args.seeds}; model 2012-"
        f"{LAST_YEAR} against the record of {FIRST_YEAR}-{LAST_YEAR}"
    )
    plot(auc, auc_by_seed, years, figure, title)
    report_path = Path(args.report)
    text = report(args, record, auc, facts, years, figure, report_path, by_form_table(pairs))
    write_text_atomic(report_path, text)
    digest = hashlib.sha256(Path(args.record).read_bytes()).hexdigest()
    fields = {"years": [BASE_YEAR, LAST_YEAR], "record_sha256": digest, "facts": len(record)}
    info = manifest_record(
        fields, seed=seeds, script="experiments/validate_history.py", arguments=vars(args)
    )
    write_manifest(out / MANIFEST, info)

    with pd.option_context("display.width", 160, "display.max_columns", 20):
        main_rows = auc[auc.variant == ALL_FACTS][
            ["predictor", "auc", "ci90_low", "ci90_high", "seed_min", "seed_max"]
        ]
        print(textwrap.indent(main_rows.round(3).to_string(index=False), "  "))
    print(f"facts: {facts['verdict'].value_counts().to_dict()}")
    print(f"tables: {out}  report: {report_path}  figure: {figure}")
    return out


if __name__ == "__main__":
    main()
