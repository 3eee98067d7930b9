"""Reading results back: a run folder or a whole sweep, whichever a path holds."""

from __future__ import annotations

from pathlib import Path

from imssim.runs.datasets import Sweep, is_sweep, load_sweep
from imssim.runs.folders import RunFolder


def load_results(path: str | Path) -> RunFolder | Sweep:
    """Read a run folder written by :func:`imssim.runs.folders.write_run` (a
    :class:`RunFolder`), or a sweep folder (a :class:`imssim.runs.datasets.Sweep`:
    ``runs``, ``table(name)``, ``run(id)``)."""
    if is_sweep(path):
        return load_sweep(path)
    return RunFolder(path)
