"""The validation's tables, computed together from the seeds' runs and the record."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from imssim.studies.validation.facts import fact_tables, year_table
from imssim.studies.validation.pairs import auc_tables, by_form_table, pair_table
from imssim.studies.validation.record import record_pair_area_labels
from imssim.studies.validation.seed_runs import SeedRun
from imssim.world import World


@dataclass(frozen=True)
class Comparison:
    """The comparison of the runs with the record, one table per file it is written to
    (``<out>/<name>.csv``, in this order)."""

    pairs: pd.DataFrame  # one row per pair: predictors and the record's labels
    auc: pd.DataFrame  # record variant x predictor: ROC and PR AUC, intervals, seed spread
    auc_by_seed: pd.DataFrame  # the ROC and PR AUC of every seed's run on its own
    facts: pd.DataFrame  # one row per fact: the model's answer and a verdict
    fact_pairs: pd.DataFrame  # one row per fact and pair
    by_year: pd.DataFrame  # deepenings per year, model and record
    by_form: pd.DataFrame  # pairs grouped by their deepest form of 2012

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by file name (without ``.csv``), in the order they are written."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


def compare(runs: list[SeedRun], world: World, record: pd.DataFrame, resamples: int) -> Comparison:
    """Every table of the validation: the seeds' runs beside the record, with
    `resamples` bootstrap resamples for the AUC intervals (0: none)."""
    pairs = pair_table(runs, world, record)
    iu, ju = np.triu_indices(world.n_states, 1)
    area_labels = record_pair_area_labels(record, world)[iu, ju]
    auc, auc_by_seed = auc_tables(pairs, runs, resamples, area_labels)
    facts, fact_pair_rows = fact_tables(record, runs, world)
    return Comparison(
        pairs=pairs,
        auc=auc,
        auc_by_seed=auc_by_seed,
        facts=facts,
        fact_pairs=fact_pair_rows,
        by_year=year_table(runs, record, world),
        by_form=by_form_table(pairs),
    )
