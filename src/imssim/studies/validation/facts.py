"""Fact by fact and year by year: the model's answer to each fact of the record, with a
verdict, and its deepenings per year beside the record's.

For each fact, over the seeds (and, for a framework, over the fact's pairs): did the
model deepen the same pair in the same area, or in another area, by the last year, and
at what form; did it keep a tie the record extends, or weaken one the record weakens.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from imssim.studies.validation.record import (
    DEEPENING,
    EXTENDING,
    WEAKENING,
    codes,
    fact_pairs,
)
from imssim.studies.validation.seed_runs import MIN_DEEP_FORM, SeedRun
from imssim.world import World

HIT_SHARE = 0.5  # a fact is reproduced when at least half of the seeds (and pairs) show it
VERDICTS = ("hit", "other area", "miss", "kept", "not kept", "reproduced", "not reproduced")
# the model's answer for one pair of a fact, in the order of the fact-pair table
PAIR_ANSWER = (
    "model_form_2012",
    "model_form_last_mean",
    "share_same_area",
    "share_same_area_ties",
    "share_any_area",
)
_ANSWER_KEYS = (*PAIR_ANSWER, "share_kept", "share_weakened")  # and of the fact table


def fact_verdict(change: str, same: float, other: float, kept: float, weakened: float) -> str:
    """A fact's verdict from the model's shares: a deepening fact is a hit (same area),
    other area or a miss; an extending one kept or not; a weakening one reproduced or
    not."""
    if change in DEEPENING:
        if same >= HIT_SHARE:
            return "hit"
        return "other area" if other >= HIT_SHARE else "miss"
    if change in EXTENDING:
        return "kept" if kept >= HIT_SHARE else "not kept"
    return "reproduced" if weakened >= HIT_SHARE else "not reproduced"


def pair_answer(runs: list[SeedRun], pair: tuple[int, int], x: int, form_after: int) -> dict:
    """The model's answer for one pair (world indices) in area `x`, over the seeds: its
    forms in 2012 and (mean) in the last year, and the shares of seeds in which it
    deepened the pair in that area (by a tie or through a framework; by a tie alone), in
    any area, kept its form at `form_after` or above, and weakened it."""
    i, j = pair
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
    p_kept = np.array([r.effective_last[i, j, x] >= form_after for r in runs])
    p_weak = np.array(
        [
            r.weakened_area[i, j, x] or r.effective_last[i, j, x] < r.effective_2012[i, j, x]
            for r in runs
        ]
    )
    form_last = np.array([r.effective_last[i, j, x] for r in runs], dtype=float)
    return {
        "model_form_2012": float(runs[0].effective_2012[i, j, x]),
        "model_form_last_mean": float(form_last.mean()),
        "share_same_area": float(p_same.mean()),
        "share_same_area_ties": float(ties_same.mean()),
        "share_any_area": float(any_area.mean()),
        "share_kept": float(p_kept.mean()),
        "share_weakened": float(p_weak.mean()),
    }


def fact_tables(
    record: pd.DataFrame, runs: list[SeedRun], world: World
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per fact with the model's answer and a verdict; one row per fact and
    pair). Shares are over seeds and, for framework facts, over the fact's pairs."""
    framework = {fw.id: f for f, fw in enumerate(world.frameworks)}
    area = {x: k for k, x in enumerate(world.areas)}
    fact_rows, pair_rows = [], []
    for row in record.itertuples(index=False):
        pairs = fact_pairs(row, world)
        answers = [pair_answer(runs, p, area[row.area], row.form_after) for p in pairs]
        pair_rows += [
            {"fact": row.fact, "a": world.iso3[i], "b": world.iso3[j], "area": row.area}
            | {k: answer[k] for k in PAIR_ANSWER}
            for (i, j), answer in zip(pairs, answers, strict=True)
        ]
        moved = framework_move(row, runs, world, framework.get(row.framework))
        fact_rows.append(fact_row(row, answers, moved))
    return pd.DataFrame(fact_rows), pd.DataFrame(pair_rows)


def framework_move(row: tuple, runs: list[SeedRun], world: World, f: int | None) -> float:
    """For a fact about the model's framework `f`: the share of its movers (or members)
    and seeds that joined it (a deepening fact) or left it; NaN for any other fact."""
    if f is None:
        return float("nan")
    movers = [world.index(c) for c in codes(row.movers) or codes(row.members)]
    flags = [r.joined if row.change in DEEPENING else r.left for r in runs]
    return float(np.mean([[flag[f, m] for m in movers] for flag in flags]))


def fact_label(row: tuple, n_pairs: int) -> str:
    """How the tables name a fact's pair or framework: 'DEU-NLD', 'EATC (3 pairs)',
    'JEF: FIN, SWE (5 pairs)'."""
    count = f"{n_pairs} pair" + ("s" if n_pairs > 1 else "")
    movers = codes(row.movers)
    if row.framework and movers:
        who = ", ".join(movers) if len(movers) <= 3 else f"{len(movers)} states"
        return f"{row.framework}: {who} ({count})"
    if row.framework:
        return f"{row.framework} ({count})"
    return f"{row.a}-{row.b}"


def fact_row(row: tuple, answers: list[dict], moved: float) -> dict:
    """One fact's row: the fact, the model's answer (means over its pairs) and the
    verdict."""
    mean = {key: float(np.mean([a[key] for a in answers])) for key in _ANSWER_KEYS}
    verdict = fact_verdict(
        row.change,
        mean["share_same_area"],
        mean["share_any_area"],
        mean["share_kept"],
        mean["share_weakened"],
    )
    return {
        "fact": row.fact,
        "year": row.year,
        "change": row.change,
        "framework": row.framework,
        "pair": fact_label(row, len(answers)),
        "area": row.area,
        "form_before": row.form_before,
        "form_after": row.form_after,
        "lead": row.lead,
        "certainty": row.certainty,
        "n_pairs": len(answers),
        **mean,
        "share_framework_move": moved,
        "verdict": verdict,
    }


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
