"""The validation against what happened after 2012: the model's 2013-2017 beside the
observed record of those years.

The model is run from 2012 to 2017 only (nothing later is simulated or compared), and
the cooperation it produces is set beside the record in three ways: which pairs
deepened (ranked by ROC AUC and precision-recall AUC against two naive rules and the
standard link-prediction baselines on the network of 2012), fact by fact, and year by
year.
The model never reads the record; the record only scores finished runs.
``experiments/validate_history.py`` is the command line.

Modules, in the order the study runs:

- ``record``: the record, its rules and the pairs each fact names;
- ``seed_runs``: one seed's run to 2017 and what it did to every pair and area;
- ``scoring``: midranks, the ROC AUC, the average precision (precision-recall AUC) and
  their bootstrap intervals;
- ``baselines``: the network of 2012 and the link-prediction baselines on it (common
  neighbours, Adamic-Adar, resource allocation, preferential attachment);
- ``pairs``: the pair table, the predictors (the model, the naive rules and the
  baselines), the record's variants (over pairs and over pair-areas) and the AUC tables;
- ``facts``: the model's answer to each fact with a verdict, and the years;
- ``comparison``: every table of the study together;
- ``figure`` and ``markdown``: the figure and the report (docs/validation.md).
"""

from imssim.studies.validation.baselines import (
    BASELINES,
    adamic_adar,
    baseline_scores,
    common_neighbours,
    network_2012,
    preferential_attachment,
    resource_allocation,
)
from imssim.studies.validation.comparison import Comparison, compare
from imssim.studies.validation.facts import HIT_SHARE, VERDICTS, fact_tables, year_table
from imssim.studies.validation.figure import plot
from imssim.studies.validation.markdown import RunSettings, report
from imssim.studies.validation.pairs import (
    MODEL_PREDICTORS,
    PAIR_AREAS,
    PREDICTORS,
    VARIANTS,
    area_deepened,
    auc_tables,
    by_form_table,
    pair_table,
)
from imssim.studies.validation.record import (
    FIRST_YEAR,
    LAST_YEAR,
    RECORD,
    RecordError,
    fact_pairs,
    read_record,
    record_pair_area_labels,
    record_problems,
)
from imssim.studies.validation.scoring import (
    BOOTSTRAP_RESAMPLES,
    average_precision,
    bootstrap_intervals,
    midranks,
    roc_auc,
)
from imssim.studies.validation.seed_runs import (
    MIN_DEEP_FORM,
    PAIR_COLUMNS,
    YEAR_COLUMNS,
    SeedRun,
    run_seed,
    run_seeds,
    simulate,
)

__all__ = [
    "BASELINES",
    "BOOTSTRAP_RESAMPLES",
    "FIRST_YEAR",
    "HIT_SHARE",
    "LAST_YEAR",
    "MIN_DEEP_FORM",
    "MODEL_PREDICTORS",
    "PAIR_AREAS",
    "PAIR_COLUMNS",
    "PREDICTORS",
    "RECORD",
    "VARIANTS",
    "VERDICTS",
    "YEAR_COLUMNS",
    "Comparison",
    "RecordError",
    "RunSettings",
    "SeedRun",
    "adamic_adar",
    "area_deepened",
    "auc_tables",
    "average_precision",
    "baseline_scores",
    "bootstrap_intervals",
    "by_form_table",
    "common_neighbours",
    "compare",
    "fact_pairs",
    "fact_tables",
    "midranks",
    "network_2012",
    "pair_table",
    "plot",
    "preferential_attachment",
    "read_record",
    "record_pair_area_labels",
    "record_problems",
    "report",
    "resource_allocation",
    "roc_auc",
    "run_seed",
    "run_seeds",
    "simulate",
    "year_table",
]
