"""Which pairs deepened: the model and two naive rules ranked against the record.

For every unordered pair of the world's states, the share of seeds in which the model
deepened the pair between 2012 and 2017 is ranked against the pairs the record names
(ROC AUC, see :mod:`imssim.studies.validation.scoring`). Two naive predictors give the
yardstick: "nearer capitals deepen more" (minus the great-circle distance between
capitals) and "the deep get deeper" (the pair's deepest form in 2012). The record
comes in four variants: which facts count, over which pairs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from imssim.model.partners import great_circle_km
from imssim.studies.validation.record import record_pair_labels
from imssim.studies.validation.scoring import BOOTSTRAP_SEED, bootstrap_auc, roc_auc
from imssim.studies.validation.seed_runs import SeedRun
from imssim.world import World

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


def variant_pairs(pairs: pd.DataFrame, variant: str) -> tuple[np.ndarray, np.ndarray]:
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
        mask, labels = variant_pairs(pairs, variant)
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
