"""imssim: an agent-based simulation of international military cooperation under austerity.

Public API::

    from imssim import run, load_results
    result = run({"scenario": {...}, "seed": 7})   # or run() for the defaults
    result.tables.countries                         # tidy pandas tables
    pair = run_pair({"scenario": "deep_cuts"})      # and its counterfactual
    pair.counterfactual.tables                      # the same run without the cuts

The packages, in the order state flows through them: :mod:`imssim.config` (settings),
:mod:`imssim.world` (the world data), :mod:`imssim.model` (the simulation and its
tables), :mod:`imssim.runs` (running, storing and sweeping), :mod:`imssim.studies` and
:mod:`imssim.present` (studies over many runs; summary, charts, report, dashboard), and
:mod:`imssim.cli` (the commands).
"""

from typing import TYPE_CHECKING, Any

from imssim.config import Config, to_config
from imssim.errors import ConfigError, ImssimError, WorldDataError

if TYPE_CHECKING:
    from imssim.runs.api import Result, check, run, run_pair
    from imssim.runs.load import load_results

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

# loaded when first used: they import the model and Mesa (about a second), which reading
# run folders back (imssim-report, imssim-plot) never needs
_LAZY = {
    "run": "imssim.runs.api",
    "run_pair": "imssim.runs.api",
    "check": "imssim.runs.api",
    "Result": "imssim.runs.api",
    "load_results": "imssim.runs.load",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'imssim' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
