"""What a calibration leaves: the posterior's summary, the fit to each target before
(at the defaults) and after (posterior draws: the posterior-predictive check), and the
calibrated parameter set as a file a run can select (``params=<name>``).

Nothing here runs pyabc: the posterior comes in as a frame of particles and weights
(:func:`imssim.studies.calibration.smc.posterior`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from imssim.config import Config
from imssim.studies.calibration.smc import defaults, simulate_targets
from imssim.studies.calibration.study import CalibrationStudy
from imssim.studies.calibration.targets import TARGETS, YEARS, discrepancies

LOW_Q, HIGH_Q = 0.05, 0.95  # the credible interval: 90 %
SUMMARY_COLUMNS = (
    "parameter",
    "prior_low",
    "prior_high",
    "default",
    "truth",
    "mean",
    "median",
    "q05",
    "q95",
    "interval_share",
)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The `q` quantile of `values` under `weights` (the inverse of the weighted
    cumulative distribution, interpolated between the particles' midpoints)."""
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cumulative = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cumulative, v))


def posterior_summary(
    particles: pd.DataFrame, study: CalibrationStudy, base: Mapping[str, float]
) -> pd.DataFrame:
    """One row per parameter: its prior, its default (`base`), its true value (a
    known-answer study), the posterior's mean, median and 90 % credible interval, and
    that interval as a share of the prior's range (1: the targets left it as uncertain
    as the prior)."""
    w = particles["weight"].to_numpy()
    rows = []
    for key, (low, high) in study.parameters.items():
        v = particles[key].to_numpy(dtype=float)
        q05, q95 = weighted_quantile(v, w, LOW_Q), weighted_quantile(v, w, HIGH_Q)
        rows.append(
            {
                "parameter": key,
                "prior_low": low,
                "prior_high": high,
                "default": base[key],
                "truth": study.truth.get(key, np.nan),
                "mean": float(np.sum(v * w)),
                "median": weighted_quantile(v, w, 0.5),
                "q05": q05,
                "q95": q95,
                "interval_share": (q95 - q05) / (high - low),
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def draws(particles: pd.DataFrame, keys: Sequence[str], n: int, seed: int) -> list[dict]:
    """`n` parameter sets drawn from the posterior (by weight, with replacement)."""
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(particles), size=n, p=particles["weight"].to_numpy())
    return [{k: float(particles.iloc[r][k]) for k in keys} for r in rows]


def predictive(
    study: CalibrationStudy,
    config: Config,
    particles: pd.DataFrame,
    observed: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    """The fit, before and after: ``check_seeds`` evaluations at the defaults and as many
    at parameter sets drawn from the posterior, each of ``seeds`` runs as a particle's.
    One row per evaluation, target and element: ``when`` (before, after), ``draw``,
    ``target``, ``element``, ``value`` and the target's ``discrepancy``."""
    rng = np.random.SeedSequence([study.seed, 2])
    seeds = rng.generate_state(study.check_seeds * study.seeds * 2).reshape(2, -1)
    base = defaults(study, config)
    sets = {
        "before": [base] * study.check_seeds,
        "after": draws(particles, study.keys, study.check_seeds, study.seed),
    }
    names = list(study.targets)
    rows = []
    for k, (when, values) in enumerate(sets.items()):
        for i, v in enumerate(values):
            own = seeds[k, i * study.seeds : (i + 1) * study.seeds]
            sim = simulate_targets(config, {**base, **v}, [int(s) for s in own], names)
            gaps = discrepancies(sim, observed)
            for name in names:
                for e, value in enumerate(np.atleast_1d(sim[name])):
                    rows.append(
                        {
                            "when": when,
                            "draw": i,
                            "target": name,
                            "element": e,
                            "value": float(value),
                            "discrepancy": gaps[name],
                        }
                    )
    return pd.DataFrame(rows)


def fit_table(checks: pd.DataFrame, observed: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Per target: the observed value and, before and after, the median discrepancy with
    its 10-90 % range over the evaluations (a vector target's discrepancy is one number
    per evaluation)."""
    rows = []
    for name in observed:
        row: dict[str, object] = {
            "target": name,
            "description": TARGETS[name].description,
            "observed": _shown(observed[name]),
        }
        for when in ("before", "after"):
            part = checks[(checks["target"] == name) & (checks["when"] == when)]
            gaps = part.drop_duplicates("draw")["discrepancy"].to_numpy(dtype=float)
            value = part.groupby("element")["value"].median().to_numpy()
            row[f"{when}_value"] = _shown(value)
            row[f"{when}_discrepancy"] = float(np.median(gaps))
            row[f"{when}_p10"] = float(np.percentile(gaps, 10))
            row[f"{when}_p90"] = float(np.percentile(gaps, 90))
        rows.append(row)
    return pd.DataFrame(rows)


def _shown(value: np.ndarray) -> str:
    """A target's value in a table cell: one number, or a vector by year."""
    v = np.atleast_1d(np.asarray(value, dtype=float))
    if v.size == 1:
        return f"{v[0]:.3f}"
    if v.size == len(YEARS):
        return " ".join(f"{y}: {x:.2f}" for y, x in zip(YEARS, v, strict=True))
    return " ".join(f"{x:.2f}" for x in v)


def calibrated_yaml(summary: pd.DataFrame, header: Sequence[str]) -> str:
    """The calibrated parameter set as a ``params`` option (``conf/params/<name>.yaml``):
    each ``params.*`` key at its posterior median, its 90 % interval and prior in a
    comment; a calibrated key outside ``params`` is named in a comment with the
    override that sets it."""
    lines = [f"# {line}" if line else "#" for line in header]
    others = []
    for row in summary.itertuples(index=False):
        note = (
            f"# 90 %: {row.q05:.4g}-{row.q95:.4g} (prior {row.prior_low:.4g}-"
            f"{row.prior_high:.4g}; default {row.default:.4g})"
        )
        if row.parameter.startswith("params."):
            lines.append(f"{row.parameter.removeprefix('params.')}: {row.median:.6g}  {note}")
        else:
            others.append(f"# {row.parameter}={row.median:.6g} on the command line  {note}")
    if others:
        lines.append("# calibrated too, but not a params key (set it yourself):")
        lines += others
    return "\n".join(lines) + "\n"
