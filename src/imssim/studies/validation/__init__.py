"""The validation against what happened after 2012: the model's 2013-2017 beside the
observed record of those years.

The model is run from 2012 to 2017 only (nothing later is simulated or compared), and
the cooperation it produces is set beside the record in three ways: which pairs
deepened (ranked by ROC AUC against two naive rules), fact by fact, and year by year.
The model never reads the record; the record only scores finished runs.
``experiments/validate_history.py`` is the command line.

Modules, in the order the study runs:

- ``record``: the record, its rules and the pairs each fact names;
- ``seed_runs``: one seed's run to 2017 and what it did to every pair and area;
- ``scoring``: midranks, the ROC AUC and its bootstrap interval;
- ``pairs``: the pair table, the predictors (the model and the naive rules), the
  record's variants and the AUC tables;
- ``facts``: the model's answer to each fact with a verdict, and the years;
- ``comparison``: every table of the study together;
- ``figure`` and ``markdown``: the figure and the report (docs/validation.md).
"""

from imssim.studies.validation.comparison import Comparison, compare
from imssim.studies.validation.facts import HIT_SHARE, VERDICTS, fact_tables, year_table
from imssim.studies.validation.figure import plot
from imssim.studies.validation.markdown import RunSettings, report
from imssim.studies.validation.pairs import (
    MODEL_PREDICTORS,
    PREDICTORS,
    VARIANTS,
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
    record_problems,
)
from imssim.studies.validation.scoring import BOOTSTRAP_RESAMPLES, midranks, roc_auc
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
    "BOOTSTRAP_RESAMPLES",
    "FIRST_YEAR",
    "HIT_SHARE",
    "LAST_YEAR",
    "MIN_DEEP_FORM",
    "MODEL_PREDICTORS",
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
    "auc_tables",
    "by_form_table",
    "compare",
    "fact_pairs",
    "fact_tables",
    "midranks",
    "pair_table",
    "plot",
    "read_record",
    "record_problems",
    "report",
    "roc_auc",
    "run_seed",
    "run_seeds",
    "simulate",
    "year_table",
]
