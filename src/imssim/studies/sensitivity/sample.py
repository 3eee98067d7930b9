"""A study's sample, drawn by SALib: Saltelli's scheme on a scrambled Sobol' sequence
(``N x (k + 2)`` points for k parameters, ``N x (2k + 2)`` with second-order indices) or
Morris trajectories (``r x (k + 1)`` points).

An integer-valued key is drawn on ``[lo - 0.5, hi + 0.5]`` and rounded, so that every
whole number of ``lo..hi`` is equally likely.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from imssim.studies.sensitivity.study import Study


def salib_problem(study: Study) -> dict[str, Any]:
    """The study's parameters as SALib's problem (integer keys widened by half a step)."""
    bounds = [
        [lo - 0.5, hi + 0.5] if key in study.integers else [lo, hi] for key, lo, hi in study.ranges
    ]
    return {"num_vars": len(study.parameters), "names": study.keys, "bounds": bounds}


def draw_samples(study: Study) -> np.ndarray:
    """The sample as SALib draws it (one row per model evaluation, in SALib's order)."""
    problem = salib_problem(study)
    if study.method == "sobol":
        from SALib.sample import sobol as sobol_sample

        return sobol_sample.sample(
            problem, study.n, calc_second_order=study.second_order, seed=study.seed
        )
    from SALib.sample import morris as morris_sample

    return morris_sample.sample(
        problem, study.trajectories, num_levels=study.levels, seed=study.seed
    )


def sample_values(study: Study, x: np.ndarray) -> pd.DataFrame:
    """The parameter values of each sample (integer keys rounded into their range)."""
    frame = pd.DataFrame({"sample": np.arange(len(x))})
    for j, (key, lo, hi) in enumerate(study.ranges):
        if key in study.integers:
            frame[key] = np.clip(np.rint(x[:, j]), lo, hi).astype(np.int64)
        else:
            frame[key] = x[:, j].astype(float)
    return frame
