"""Global sensitivity analysis: Sobol' indices (Saltelli sampling) or Morris screening,
through SALib, of the model's headline outcomes (``imssim-sensitivity``).

Split as SALib and the EMA Workbench split it:

- :mod:`.study`: the study, a typed config dataclass read from ``conf/sensitivity/`` or a
  file, with ``key=value`` overrides, checked completely before anything runs;
- :mod:`.sample`: the sample SALib draws;
- :mod:`.evaluate`: the evaluators' interface (and a test function's), the runs in
  parallel chunks, resuming, and the study's manifest;
- :mod:`.model_evaluator`: the model's evaluator, whose runs keep their rows in
  chunk files (:mod:`.chunks`) rather than a folder each;
- :mod:`.analyse`: the indices;
- :mod:`.report`: the indices' tables, Markdown, summary and figure.

The command line is :mod:`imssim.cli.sensitivity`.
"""

from imssim.studies.sensitivity.analyse import INDEX_COLUMNS, analyse
from imssim.studies.sensitivity.chunks import CHUNKS_DIR
from imssim.studies.sensitivity.evaluate import (
    SAMPLES_FILE,
    STUDY_MANIFEST,
    Evaluator,
    FunctionEvaluator,
    Outcome,
    StudyFailed,
    run_study,
)
from imssim.studies.sensitivity.model_evaluator import ModelEvaluator
from imssim.studies.sensitivity.report import (
    INDICES_CSV,
    INDICES_FILE,
    INDICES_MARKDOWN,
    SUMMARY_FILE,
)
from imssim.studies.sensitivity.study import (
    Study,
    StudyError,
    check_model_study,
    load_study,
    parse_study,
)

__all__ = [
    "CHUNKS_DIR",
    "INDEX_COLUMNS",
    "INDICES_CSV",
    "INDICES_FILE",
    "INDICES_MARKDOWN",
    "SAMPLES_FILE",
    "STUDY_MANIFEST",
    "SUMMARY_FILE",
    "Evaluator",
    "FunctionEvaluator",
    "ModelEvaluator",
    "Outcome",
    "Study",
    "StudyError",
    "StudyFailed",
    "analyse",
    "check_model_study",
    "load_study",
    "parse_study",
    "run_study",
]
