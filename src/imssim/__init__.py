"""imssim: an agent-based simulation of international military cooperation under austerity.

Public API::

    from imssim import run, load_results
    result = run({"scenario": {...}, "seed": 7})   # or run() for the defaults
    result.tables.countries                         # tidy pandas tables
    pair = run_pair({"scenario": "deep_cuts"})      # and its counterfactual
    pair.counterfactual.tables                      # the same run without the cuts
"""

from imssim.config import Config, to_config
from imssim.errors import ConfigError, ImssimError, WorldDataError
from imssim.run import Result, check, run, run_pair

__all__ = [
    "Config",
    "ConfigError",
    "ImssimError",
    "Result",
    "WorldDataError",
    "check",
    "load_results",
    "run",
    "run_pair",
    "to_config",
]
__version__ = "0.1.0"


def load_results(path):
    """Read a run folder written by the command line (see :mod:`imssim.results`)."""
    from imssim.results import load_results as _load

    return _load(path)
