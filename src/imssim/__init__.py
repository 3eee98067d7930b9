"""imssim: an agent-based simulation of international military cooperation under austerity.

Public API::

    from imssim import run, load_results
    result = run({"scenario": {...}, "seed": 7})   # or run() for the defaults
    result.tables.countries                         # tidy pandas tables
    pair = run_pair({"scenario": "deep_cuts"})      # and its counterfactual
    pair.counterfactual.tables                      # the same run without the cuts
"""

import sys
import types
from typing import TYPE_CHECKING

from imssim.config import Config, to_config
from imssim.errors import ConfigError, ImssimError, WorldDataError

if TYPE_CHECKING:
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


class _Package(types.ModuleType):
    """The package, with run, run_pair, check and Result loaded when first used.

    They import the model and Mesa (about a second), which reading run folders back
    (imssim-report, imssim-plot) never needs. As before, ``imssim.run`` is the function:
    loading the submodule of the same name leaves it so.
    """

    @property
    def run(self):
        from imssim.run import run

        return run

    @run.setter
    def run(self, submodule) -> None:
        pass  # the import system records the submodule imssim.run here; run stays the function

    @property
    def run_pair(self):
        from imssim.run import run_pair

        return run_pair

    @property
    def check(self):
        from imssim.run import check

        return check

    @property
    def Result(self):
        from imssim.run import Result

        return Result


sys.modules[__name__].__class__ = _Package
