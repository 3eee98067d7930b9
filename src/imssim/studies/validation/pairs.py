"""Which pairs deepened: the model, two naive rules and the standard link-prediction
baselines ranked against the record.

For every unordered pair of the world's states, the share of seeds in which the model
deepened the pair between 2012 and 2017 is ranked against the pairs the record names
(ROC AUC and precision-recall AUC, see :mod:`imssim.studies.validation.scoring`). Two
naive predictors and four link-prediction baselines on the network of 2012
(:mod:`imssim.studies.validation.baselines`) give the yardstick: "nearer capitals
deepen more" (minus the great-circle distance between capitals), "the deep get deeper"
(the pair's deepest form in 2012), common neighbours, Adamic-Adar, resource allocation
and preferential attachment. The record comes in four variants over pairs (which facts
count, over which pairs) and one over pair-areas (the pair in the fact's capability
area); there every predictor but the model gives each pair-area its pair's score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from imssim.studies.validation.baselines import BASELINES, baseline_scores, network_2012
from imssim.studies.validation.record import record_pair_labels
from imssim.studies.validation.scoring import (
    BOOTSTRAP_SEED,
    average_precision,
    bootstrap_intervals,
    roc_auc,
)
from imssim.studies.validation.seed_runs import MIN_DEEP_FORM, SeedRun
from imssim.world import World
from imssim.world.pairs import great_circle_km

# predictors of "this pair deepened", in the order of the tables and the figure
MODEL_TIES = "model: ties"
MODEL_ALL = "model: ties or frameworks"
NEARER = "nearer capitals"
DEEPER = "the deep get deeper"
PREDICTORS = (MODEL_TIES, MODEL_ALL, NEARER, DEEPER, *BASELINES)
MODEL_PREDICTORS = (MODEL_TIES, MODEL_ALL)
# the pair table's column of each baseline
BASELINE_COLUMNS = {name: name.lower().replace(" ", "_").replace("-", "_") for name in BASELINES}

# record variants: which facts count, over which pairs (or pair-areas)
ALL_FACTS = "all facts, all pairs"
ALLIANCE = "all facts, pairs of NATO and EU members"
BILATERAL = "bilateral facts only, all pairs"
DUTCH = "all facts, pairs of the Netherlands"
PAIR_AREAS = "all facts, all pair-areas"
PAIR_VARIANTS = (ALL_FACTS, ALLIANCE, BILATERAL, DUTCH)
VARIANTS = (*PAIR_VARIANTS, PAIR_AREAS)


def pair_table(runs: list[SeedRun], world: World, record: pd.DataFrame) -> pd.DataFrame:
    """One row per unordered pair: the predictors and the record's labels."""
    n = world.n_states
    iu, ju = np.triu_indices(n, 1)
    distance = great_circle_km(world.lat, world.lon)[iu, ju]
    first = runs[0].pairs
    frame = first[["a", "b", "max_form_2012"]].copy()
    frame.insert(2, "distance_km", np.round(distance, 1))
    for name, score in baseline_scores(network_2012(world)).items():
        frame[BASELINE_COLUMNS[name]] = score[iu, ju]
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


def variant_pairs(pairs: pd.DataFrame, variant: str) -> tuple[np.ndarray, np.ndarray]:
    """(mask of the pairs compared, labels) of a record variant over pairs."""
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
    scores = {
        MODEL_TIES: pairs["share_deepened"].to_numpy(),
        MODEL_ALL: pairs["share_deepened_with_frameworks"].to_numpy(),
        NEARER: -pairs["distance_km"].to_numpy(),
        DEEPER: pairs["max_form_2012"].to_numpy(dtype=float),
    }
    return scores | {name: pairs[BASELINE_COLUMNS[name]].to_numpy() for name in BASELINES}


def area_deepened(run: SeedRun, with_frameworks: bool) -> np.ndarray:
    """bool[P, A] over the unordered pairs (i < j): the run deepened the pair in the area,
    by a tie formed or deepened to form 2 or more above its 2012 form, or (with
    frameworks) also by a framework form rising there to 2 or more above 2012."""
    iu, ju = np.triu_indices(run.deepened_area.shape[0], 1)
    deepened = run.deepened_area[iu, ju]
    if with_frameworks:
        last, first = run.effective_last[iu, ju], run.effective_2012[iu, ju]
        deepened = deepened | ((last >= MIN_DEEP_FORM) & (last > first))
    return deepened


def variant_items(
    pairs: pd.DataFrame, runs: list[SeedRun], variant: str, area_labels: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray, dict[str, list[np.ndarray]]]:
    """(each predictor's scores, the labels, each model predictor's per-seed scores) over
    the items a variant compares: pairs, or pair-areas (pair-major, `area_labels` being the
    record's bool[P, A]) where the predictors other than the model repeat the pair's score."""
    scores = predictor_scores(pairs)
    if variant == PAIR_AREAS:
        n_areas = area_labels.shape[1]
        flat = {p: np.repeat(s, n_areas) for p, s in scores.items()}
        seeds = {
            MODEL_TIES: [area_deepened(r, False).ravel() for r in runs],
            MODEL_ALL: [area_deepened(r, True).ravel() for r in runs],
        }
        flat |= {p: np.mean(per_seed, axis=0) for p, per_seed in seeds.items()}
        return flat, area_labels.ravel(), seeds
    mask, labels = variant_pairs(pairs, variant)
    columns = {MODEL_TIES: "deepened", MODEL_ALL: "deepened_with_frameworks"}
    seeds = {p: [r.pairs[c].to_numpy()[mask] for r in runs] for p, c in columns.items()}
    return {p: s[mask] for p, s in scores.items()}, labels[mask], seeds


def _spread(prefix: str, values: list[float]) -> dict[str, float]:
    """Median, least and greatest of a score over seeds, as ``<prefix>seed_median`` ..."""
    return {
        f"{prefix}seed_median": float(np.median(values)),
        f"{prefix}seed_min": float(np.min(values)),
        f"{prefix}seed_max": float(np.max(values)),
    }


def auc_tables(
    pairs: pd.DataFrame, runs: list[SeedRun], resamples: int, area_labels: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the AUC table: variant x predictor, the ROC AUC and the precision-recall AUC each
    with its 90 % bootstrap interval and, for the model, its spread over seeds; the AUCs
    of every seed's run on its own). `area_labels`: the record's bool[P, A] over the
    unordered pairs and areas, for the pair-area variant."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    rows, seed_rows = [], []
    for variant in VARIANTS:
        scores, y, per_seed_scores = variant_items(pairs, runs, variant, area_labels)
        for predictor in PREDICTORS:
            s = scores[predictor]
            ci = bootstrap_intervals(s, y, resamples, rng)
            auc, pr_auc = roc_auc(s, y), average_precision(s, y)
            row: dict[str, object] = {
                "variant": variant,
                "predictor": predictor,
                "items": int(y.size),
                "in_record": int(y.sum()),
                "prevalence": float(y.mean()),
                "auc": auc,
                "ci90_low": ci["auc"][0],
                "ci90_high": ci["auc"][1],
                "pr_auc": pr_auc,
                "pr_ci90_low": ci["pr_auc"][0],
                "pr_ci90_high": ci["pr_auc"][1],
            }
            if predictor in per_seed_scores:
                per_seed = per_seed_scores[predictor]
                roc = [roc_auc(x, y) for x in per_seed]
                pr = [average_precision(x, y) for x in per_seed]
                seed_rows += [
                    {"variant": variant, "predictor": predictor, "seed": r.seed}
                    | {"auc": a, "pr_auc": b}
                    for r, a, b in zip(runs, roc, pr, strict=True)
                ]
                row |= _spread("", roc) | _spread("pr_", pr)
            else:  # the naive rules and the baselines do not depend on the seed
                row |= _spread("", [auc]) | _spread("pr_", [pr_auc])
            rows.append(row)
    return pd.DataFrame(rows), pd.DataFrame(seed_rows)


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
