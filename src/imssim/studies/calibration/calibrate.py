"""A calibration from its study to its folder: the ABC-SMC (resumed where a folder holds
one), then the posterior's summary, the fit before and after, the figures, the
calibrated parameter set and the manifest.

The folder holds:

- ``abc.db``: pyabc's database, every population (resume from here);
- ``calibration.json``: the study as run, the base config, seed, versions, code
  revision, the populations' thresholds and the status;
- ``posterior.csv`` (the last population's particles and weights), ``summary.csv``
  (:func:`imssim.studies.calibration.results.posterior_summary`), ``checks.csv`` (every
  evaluation of the fit) and ``fit.csv`` (per target, before and after);
- ``summary.md``: the same in words and tables;
- ``figures/posterior.png`` and ``figures/predictive.png``;
- ``params/<study>.yaml``: the calibrated parameter set, selectable with
  ``params=<study> "hydra.searchpath=[file://<folder>]"``.

Every file is written under a temporary name and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from imssim.config import Config, config_container
from imssim.runs.folders import (
    code_revision,
    manifest_record,
    utc_now,
    write_manifest,
    write_text_atomic,
)
from imssim.studies.calibration import figures, results, smc
from imssim.studies.calibration.study import CalibrationStudy
from imssim.studies.calibration.targets import TARGETS
from imssim.studies.sensitivity.study import StudyError

MANIFEST = "calibration.json"


@dataclass(frozen=True)
class Calibrated:
    """What a finished calibration leaves: its folder, summary, fit and timings."""

    folder: Path
    summary: pd.DataFrame
    fit: pd.DataFrame
    populations: pd.DataFrame
    seconds: float
    evaluations: int


# what may change between the calls that make one calibration: how far it goes, and the
# fit's evaluations after it
_NOT_KEY = ("generations", "min_epsilon", "check_seeds", "description")


def study_key(study: CalibrationStudy, config: Config) -> str:
    """A digest of the study and its base config: a folder holds one calibration, which
    a later call may take further (more populations, a lower threshold)."""
    made = {k: v for k, v in study.as_dict().items() if k not in _NOT_KEY}
    text = json.dumps(
        {"study": made, "config": config_container(config)},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_folder(folder: Path, key: str) -> None:
    """A folder is new, empty, or holds a calibration of this very study (to resume)."""
    if folder.exists() and not folder.is_dir():
        raise StudyError(f"--out: {folder} is a file")
    manifest = folder / MANIFEST
    if manifest.is_file():
        found = json.loads(manifest.read_text()).get("study_key")
        if found != key:
            raise StudyError(
                f"{folder} holds a calibration of another study (or of other settings); "
                "choose another --out, or remove that folder yourself"
            )
    elif folder.is_dir() and any(folder.iterdir()):
        raise StudyError(f"{folder} is not empty and holds no calibration; choose another --out")


def _manifest(study, config, key, status, populations, started) -> dict:
    return manifest_record(
        {
            "kind": "calibration",
            "status": status,
            "study_key": key,
            "method": "ABC-SMC (pyabc)",
            "populations": populations,
            "updated": utc_now(),
            "seconds": round(time.perf_counter() - started, 1),
        },
        seed=study.seed,
        config=config_container(config),
        study=study.as_dict(),
    )


def calibrate(
    study: CalibrationStudy,
    config: Config,
    folder: Path,
    jobs: int = 1,
    say: Callable[[str], None] = print,
) -> Calibrated:
    """Run the study into `folder` (or run on from what it holds) and write its results."""
    started = time.perf_counter()
    key = study_key(study, config)
    check_folder(folder, key)
    folder.mkdir(parents=True, exist_ok=True)
    populations: list[dict] = []
    manifest = folder / MANIFEST
    if manifest.is_file():
        populations = json.loads(manifest.read_text()).get("populations", [])
    write_manifest(manifest, _manifest(study, config, key, "running", populations, started))

    def generation(t: int, info: dict[str, float]) -> None:
        populations.append({"t": t, **info})
        write_manifest(manifest, _manifest(study, config, key, "running", populations, started))
        say(
            f"population {t + 1}/{study.generations}: threshold {info['epsilon']:.3f}, "
            f"{info['evaluations']} evaluations (acceptance {info['acceptance']:.2f})"
        )

    history = smc.run_abc(study, config, folder, jobs, on_generation=generation)
    particles = smc.posterior(history, study)
    observed = history.observed_sum_stat()
    summary = results.posterior_summary(particles, study, smc.defaults(study, config))
    say(f"posterior-predictive check: {2 * study.check_seeds} evaluations")
    checks = results.predictive(study, config, particles, observed)
    fit = results.fit_table(checks, observed)
    frame = history.get_all_populations()
    write_outputs(folder, study, particles, summary, checks, fit, observed)
    write_manifest(manifest, _manifest(study, config, key, "completed", populations, started))
    return Calibrated(
        folder=folder,
        summary=summary,
        fit=fit,
        populations=frame,
        seconds=time.perf_counter() - started,
        evaluations=int(frame["samples"].sum()),
    )


def write_outputs(
    folder: Path,
    study: CalibrationStudy,
    particles: pd.DataFrame,
    summary: pd.DataFrame,
    checks: pd.DataFrame,
    fit: pd.DataFrame,
    observed: dict,
) -> None:
    """The tables, the figures, the calibrated parameter set and the summary in words."""
    from imssim.present.plots.style import save_figure

    for name, frame in (
        ("posterior", particles),
        ("summary", summary),
        ("checks", checks),
        ("fit", fit),
    ):
        write_text_atomic(folder / f"{name}.csv", frame.to_csv(index=False))
    title = f"Calibration '{study.name}': posterior of each parameter against its prior"
    save_figure(
        figures.posterior_figure(particles, summary, title), folder / "figures", "posterior"
    )
    title = (
        f"Calibration '{study.name}': the targets at the defaults and at "
        f"{study.check_seeds} posterior draws ({study.seeds} runs each), against the observed"
    )
    save_figure(
        figures.predictive_figure(checks, observed, title), folder / "figures", "predictive"
    )
    header = [
        f"Calibrated parameters of the study '{study.name}' (imssim-calibrate {study.name}):",
        f"ABC-SMC, {study.population} particles, targets {', '.join(study.targets)};",
        f"code revision {code_revision()}, {utc_now()}.",
        "Each value is its posterior median; the comment gives the 90 % credible interval",
        "the targets leave, the prior and the default.",
    ]
    yaml_text = results.calibrated_yaml(summary, header)
    write_text_atomic(folder / "params" / f"{study.name}.yaml", yaml_text)
    write_text_atomic(folder / "summary.md", markdown(study, summary, fit))


def markdown(study: CalibrationStudy, summary: pd.DataFrame, fit: pd.DataFrame) -> str:
    """The calibration in words: the posterior's table and the fit's."""
    lines = [f"# Calibration: {study.name}", ""]
    if study.description:
        lines += [study.description, ""]
    lines += [
        "| parameter | prior | default | posterior median | 90 % interval | share of prior |"
        + (" true |" if study.truth else ""),
        "|---|---|---|---|---|---|" + ("---|" if study.truth else ""),
    ]
    for r in summary.itertuples(index=False):
        line = (
            f"| `{r.parameter}` | {r.prior_low:.4g}-{r.prior_high:.4g} | {r.default:.4g} | "
            f"{r.median:.4g} | {r.q05:.4g}-{r.q95:.4g} | {r.interval_share:.2f} |"
        )
        lines.append(line + (f" {r.truth:.4g} |" if study.truth else ""))
    lines += [
        "",
        "| target | observed | before (defaults) | after (posterior) "
        "| discrepancy before | after |",
        "|---|---|---|---|---|---|",
    ]
    for r in fit.itertuples(index=False):
        lines.append(
            f"| {r.target} | {r.observed} | {r.before_value} | {r.after_value} | "
            f"{r.before_discrepancy:.3f} ({r.before_p10:.3f}-{r.before_p90:.3f}) | "
            f"{r.after_discrepancy:.3f} ({r.after_p10:.3f}-{r.after_p90:.3f}) |"
        )
    lines += ["", "Targets:", ""]
    lines += [f"- `{t}`: {TARGETS[t].description} ({TARGETS[t].source})" for t in study.targets]
    return "\n".join(lines) + "\n"


def summary_lines(done: Calibrated) -> list[str]:
    """The terminal's table: each parameter's posterior, then each target's fit."""
    out = []
    for r in done.summary.itertuples(index=False):
        truth = f", true {r.truth:.4g}" if np.isfinite(r.truth) else ""
        out.append(
            f"  {r.parameter}: median {r.median:.4g} (90 %: {r.q05:.4g}-{r.q95:.4g}; "
            f"prior {r.prior_low:.4g}-{r.prior_high:.4g}, default {r.default:.4g}{truth})"
        )
    for r in done.fit.itertuples(index=False):
        out.append(
            f"  {r.target}: discrepancy {r.before_discrepancy:.3f} at the defaults -> "
            f"{r.after_discrepancy:.3f} at the posterior (observed {r.observed})"
        )
    return out


__all__ = ["Calibrated", "calibrate", "summary_lines"]
