"""A study's indices, computed by SALib from the sample and the outcomes.

``sobol.analyze`` gives first-order S1 and total ST with bootstrap confidence intervals
(S2 on request); ``morris.analyze`` gives mu*, its confidence interval, sigma and mu. One
tidy row per outcome, year, parameter and index (:data:`INDEX_COLUMNS`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from imssim.studies.sensitivity.sample import salib_problem
from imssim.studies.sensitivity.study import Study, column

INDEX_COLUMNS = [
    "method",
    "outcome",
    "year",
    "parameter",
    "other",
    "index",
    "value",
    "conf",
    "conf_low",
    "conf_high",
    "conf_level",
    "rank_correlation",
    "outcome_mean",
    "outcome_sd",
    "samples",
]
INDEX_LABELS = {
    "S1": "first order S1 (the parameter alone)",
    "ST": "total order ST (with its interactions)",
    "S2": "second order S2 (the pair's interaction)",
    "mu_star": "mu* (mean absolute elementary effect)",
    "sigma": "sigma (spread of the elementary effects)",
    "mu": "mu (mean elementary effect)",
}


def analyse(study: Study, x: np.ndarray, y: pd.DataFrame) -> pd.DataFrame:
    """The indices of every outcome and year, tidy: one row per outcome, year,
    parameter and index, with the half-width of the confidence interval (``conf``) and
    its ends. An outcome that does not vary across the samples gets NaN indices.

    ``rank_correlation`` is Spearman's correlation of the parameter with the outcome
    across the samples: its sign says in which direction the parameter moves the
    outcome (the indices say how much, not which way)."""
    rows: list[dict[str, Any]] = []
    ranked = pd.DataFrame(x, columns=study.keys).rank()
    for outcome, year in study.targets():
        values = y[column(outcome, year)].to_numpy(dtype=float)
        if values.std() > 0:
            corr = ranked.corrwith(pd.Series(values).rank()).to_dict()
        else:
            corr = dict.fromkeys(study.keys, math.nan)
        common = {
            "method": study.method,
            "outcome": outcome,
            "year": year,
            "conf_level": study.conf_level,
            "outcome_mean": float(values.mean()),
            "outcome_sd": float(values.std()),
            "samples": len(values),
        }
        for row in _indices(study, x, values):
            rows.append({**common, **row, "rank_correlation": float(corr[row["parameter"]])})
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    frame["other"] = frame["other"].astype("string")
    frame["conf_low"] = frame["value"] - frame["conf"]
    frame["conf_high"] = frame["value"] + frame["conf"]
    return frame[INDEX_COLUMNS]


def _row(index: str, key: str, value: float, conf: float, other: str | None = None) -> dict:
    return {"parameter": key, "other": other, "index": index, "value": value, "conf": conf}


def _indices(study: Study, x: np.ndarray, values: np.ndarray) -> list[dict[str, Any]]:
    """The rows of one outcome in one year (without the columns they share)."""
    rng = np.random.default_rng(study.seed)  # the bootstrap of the confidence intervals
    if study.method == "sobol":
        constant = not values.std() > 1e-12 * max(1.0, abs(values.mean()))
        if constant:
            return [
                _row(name, key, math.nan, math.nan) for name in ("S1", "ST") for key in study.keys
            ]
        return _sobol(study, values, rng)
    return _morris(study, x, values, rng)


def _sobol(study: Study, values: np.ndarray, rng: np.random.Generator) -> list[dict[str, Any]]:
    """S1 and ST of every parameter (and S2 of every pair, when the study asks)."""
    from SALib.analyze import sobol

    keys = study.keys
    with np.errstate(divide="ignore", invalid="ignore"):
        res = sobol.analyze(
            salib_problem(study),
            values,
            calc_second_order=study.second_order,
            num_resamples=study.resamples,
            conf_level=study.conf_level,
            seed=rng,
        )
    out = [
        _row(name, key, float(res[name][j]), float(res[f"{name}_conf"][j]))
        for name in ("S1", "ST")
        for j, key in enumerate(keys)
    ]
    if study.second_order:
        pairs = [(a, b) for a in range(len(keys)) for b in range(a + 1, len(keys))]
        for a, b in pairs:
            s2, conf = float(res["S2"][a, b]), float(res["S2_conf"][a, b])
            out.append(_row("S2", keys[a], s2, conf, keys[b]))
    return out


def _morris(
    study: Study, x: np.ndarray, values: np.ndarray, rng: np.random.Generator
) -> list[dict[str, Any]]:
    """mu* (with its confidence interval), sigma and mu of every parameter."""
    from SALib.analyze import morris

    res = morris.analyze(
        salib_problem(study),
        x,
        values,
        num_resamples=study.resamples,
        conf_level=study.conf_level,
        num_levels=study.levels,
        seed=rng,
    )
    out = []
    for j, key in enumerate(study.keys):
        out.append(_row("mu_star", key, float(res["mu_star"][j]), float(res["mu_star_conf"][j])))
        out.append(_row("sigma", key, float(res["sigma"][j]), math.nan))
        out.append(_row("mu", key, float(res["mu"][j]), math.nan))
    return out
