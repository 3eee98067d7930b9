"""Global sensitivity analysis: Sobol' indices (Saltelli sampling) or Morris screening.

``imssim-sensitivity <study> [key=value ...]`` reads a study, ``conf/sensitivity/<study>.yaml``
or a YAML file elsewhere: the parameters with their ranges (dotted config keys, e.g.
``params.economic_pressure: [7.5, 30]``), the outcomes and years to explain, a method and
its sample size, a seed and the base of every run (overrides as on the ``imssim`` command
line). The study is checked completely before anything runs; a mistake gives one line
and exit code 2, and nothing is written.

How a study runs:

1. **Sample.** SALib draws the sample: Saltelli's scheme on a scrambled Sobol' sequence
   (``N x (k + 2)`` points for k parameters, ``N x (2k + 2)`` with second-order
   indices) or Morris trajectories (``r x (k + 1)`` points). An integer-valued key is
   drawn on ``[lo - 0.5, hi + 0.5]`` and rounded, so that every whole number of
   ``lo..hi`` is equally likely. ``samples.parquet`` maps each sample (and replicate)
   to its parameter values and its run id.
2. **Run.** Samples with the same values share their runs. The runs not complete yet
   are split into chunks that worker processes (joblib, every core by default) run
   through :func:`imssim.runs.sweep.execute_job`, exactly as a sweep's jobs: each run leaves a
   folder named from its parameter values and seed, with its manifest (status,
   parameters, headline outcomes of every year) and config; a study asks no tables of
   its runs (``output.tables: false``). Running the same study into the same folder
   resumes it: complete runs are not run again. Every sample runs with the study's seed
   (with ``replicates`` > 1, the same replicate seeds spawned from it): common random
   numbers, so that a difference between samples comes from the parameters, not from
   the draws.
3. **Collect.** :func:`imssim.runs.datasets.collect` gathers the runs into ``runs.parquet``;
   the outcomes are read from it in sample order (averaged over replicates). A failed
   run stops the analysis with a message naming how many failed (both methods need
   every sample); running the study again retries them.
4. **Analyse.** SALib's ``sobol.analyze`` (first-order S1 and total ST, with bootstrap
   confidence intervals; S2 on request) or ``morris.analyze`` (mu*, its confidence
   interval, sigma and mu) for each outcome and year. Written into the study folder:
   ``indices.parquet`` and ``indices.csv`` (one row per outcome, year, parameter and
   index), ``figures/indices.png`` (one panel per outcome and year), ``summary.txt``
   (the parameters that matter most for each outcome) and ``sensitivity.json`` (the
   study's manifest: the study as run, the base config, versions, code revision, runs
   and times; not named ``manifest.json``, which marks a run folder).

Evaluation is pluggable (:class:`Evaluator`): the model's evaluator runs the model;
another evaluator (a test function with known indices, say) goes through the same
sampling, chunked parallel evaluation and analysis.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
import shutil
import sys
import time
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from imssim.config import Config, conf_dir, to_config
from imssim.errors import ConfigError, ImssimError
from imssim.runs.sweep import COMPARED, OUTCOMES

PROG = "imssim-sensitivity"
STUDY_GROUP = "sensitivity"  # conf/sensitivity/<study>.yaml
METHODS = ("sobol", "morris")
SAMPLES_FILE = "samples.parquet"
INDICES_FILE = "indices.parquet"
INDICES_CSV = "indices.csv"
INDICES_MARKDOWN = "indices.md"
SUMMARY_FILE = "summary.txt"
STUDY_MANIFEST = "sensitivity.json"
FIGURE_NAME = "indices"

# the keys of a study file, with their defaults (every key but `parameters` may be left out)
DEFAULTS: dict[str, Any] = {
    "description": "",
    "method": "sobol",
    "n": 64,
    "second_order": False,
    "trajectories": 20,
    "levels": 4,
    "seed": 42,
    "replicates": 1,
    "conf_level": 0.95,
    "resamples": 200,
    "parameters": None,
    "outcomes": ["capacity_to_act", "autonomy", "pairs", "mean_form", "shortfall"],
    "years": [],
    "base": [],
    "name": None,
}

# the headline outcomes (imssim.runs.sweep.OUTCOMES) and the differences from the
# counterfactual of those it compares (run minus counterfactual)
MODEL_OUTCOMES = {
    **OUTCOMES,
    **{f"{k}_diff": f"{OUTCOMES[k]}, run minus counterfactual" for k in COMPARED},
}
# units of the outcomes, for axis labels
UNITS = {
    "capacity_to_act": "index points",
    "autonomy": "0-1 scale",
    "n_strategic": "partners",
    "pairs": "pairs",
    "mean_form": "form",
    "shortfall": "share of requirement",
    "worst_shortfall": "share of requirement",
}
# config keys a study cannot vary: what is run and where results go, not the model
_FIXED = ("seed", "start_year", "end_year", "replicates", "focal", "counterfactual")
_FIXED_SECTIONS = ("output", "sweep", "world")


class StudyError(ImssimError):
    """A study file or a command-line setting of it is wrong (one line)."""


class StudyFailed(ImssimError):
    """Runs of the study failed, so the indices cannot be computed."""


# ------------------------------------------------------------------------ the study


@dataclasses.dataclass(frozen=True)
class Study:
    """A checked study: what to vary, over which ranges, to explain what."""

    name: str
    method: str
    parameters: tuple[tuple[str, float, float], ...]  # (key, low, high)
    outcomes: tuple[str, ...]
    years: tuple[int, ...] = ()
    integers: frozenset[str] = frozenset()  # keys whose samples are rounded
    n: int = 64
    second_order: bool = False
    trajectories: int = 20
    levels: int = 4
    seed: int = 42
    replicates: int = 1
    conf_level: float = 0.95
    resamples: int = 200
    base: tuple[str, ...] = ()
    description: str = ""
    source: str = ""

    @property
    def keys(self) -> list[str]:
        return [key for key, _, _ in self.parameters]

    @property
    def n_samples(self) -> int:
        k = len(self.parameters)
        if self.method == "morris":
            return self.trajectories * (k + 1)
        return self.n * (2 * k + 2 if self.second_order else k + 2)

    def targets(self) -> list[tuple[str, int | None]]:
        """(outcome, year) pairs the study explains; year None: the last year."""
        years: tuple[int | None, ...] = self.years or (None,)
        return [(outcome, year) for outcome in self.outcomes for year in years]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "method": self.method,
            **(
                {"trajectories": self.trajectories, "levels": self.levels}
                if self.method == "morris"
                else {"n": self.n, "second_order": self.second_order}
            ),
            "seed": self.seed,
            "replicates": self.replicates,
            "conf_level": self.conf_level,
            "resamples": self.resamples,
            "parameters": {key: [lo, hi] for key, lo, hi in self.parameters},
            "integer_parameters": sorted(self.integers),
            "outcomes": list(self.outcomes),
            "years": list(self.years),
            "base": list(self.base),
            "samples": self.n_samples,
        }


def column(outcome: str, year: int | None) -> str:
    """The column of an outcome in a year in runs.parquet (year None: the last year)."""
    return outcome if year is None else f"{outcome}@{year}"


def _fail(key: str, message: str) -> typing.NoReturn:
    raise StudyError(f"{key}: {message}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def parse_study(
    data: Any,
    name: str,
    *,
    source: str = "",
    outcomes: Mapping[str, str] | Sequence[str] = tuple(MODEL_OUTCOMES),
    integers: Sequence[str] = (),
) -> Study:
    """Check the shape of a study (a mapping as read from its file) and return it.

    Checks every key but those that need the model (config keys, bounds the config
    accepts, years of the run: :func:`check_model_study`). `outcomes` are the outcome
    names allowed; `integers` the parameter keys whose samples are rounded.
    """
    where = f"{source}: " if source else ""
    try:
        return _parse(data, name, source, list(outcomes), set(integers))
    except StudyError as exc:
        raise StudyError(f"{where}{exc}") from None


def _parse(data: Any, name: str, source: str, known: list[str], integers: set[str]) -> Study:
    if not isinstance(data, Mapping) or not data:
        raise StudyError("the study is empty or not a mapping of keys to values")
    unknown = [str(k) for k in data if k not in DEFAULTS]
    if unknown:
        _fail(unknown[0], f"unknown key (the keys of a study: {', '.join(DEFAULTS)})")
    d = {**DEFAULTS, **data}
    method = d["method"]
    if method not in METHODS:
        _fail("method", f"must be one of {', '.join(METHODS)} (got {method!r})")
    for key, low in (("n", 2), ("trajectories", 2), ("levels", 2), ("resamples", 10)):
        if not _is_int(d[key]) or d[key] < low:
            _fail(key, f"must be a whole number >= {low} (got {d[key]!r})")
    if method == "sobol" and d["n"] & (d["n"] - 1):
        _fail("n", f"must be a power of 2 for Sobol' sampling, e.g. 32, 64, 128 (got {d['n']})")
    if d["levels"] % 2:
        _fail("levels", f"must be even (got {d['levels']})")
    if not isinstance(d["second_order"], bool):
        _fail("second_order", f"must be true or false (got {d['second_order']!r})")
    if not _is_int(d["seed"]) or d["seed"] < 0:
        _fail("seed", f"must be a non-negative whole number (got {d['seed']!r})")
    if not _is_int(d["replicates"]) or not 1 <= d["replicates"] <= 100:
        _fail("replicates", f"must be a whole number from 1 to 100 (got {d['replicates']!r})")
    if not _is_number(d["conf_level"]) or not 0 < d["conf_level"] < 1:
        _fail("conf_level", f"must be a number between 0 and 1 (got {d['conf_level']!r})")
    if not isinstance(d["description"], str):
        _fail("description", "must be text")
    if d["name"] is not None:
        name = d["name"]
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name):
        _fail("name", f"must be a folder name of letters, digits, '_', '.' and '-' (got {name!r})")
    parameters = _parse_parameters(d["parameters"], integers)
    outcomes = d["outcomes"]
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    if not isinstance(outcomes, list) or not outcomes:
        _fail("outcomes", "must be a list of at least one outcome")
    for outcome in outcomes:
        if outcome not in known:
            _fail("outcomes", f"unknown outcome {outcome!r} (one of: {', '.join(known)})")
    if len(set(outcomes)) < len(outcomes):
        _fail("outcomes", "names an outcome twice")
    years = d["years"]
    if _is_int(years):
        years = [years]
    if not isinstance(years, list) or not all(_is_int(y) for y in years):
        _fail("years", f"must be a list of years (got {years!r})")
    if len(set(years)) < len(years):
        _fail("years", "names a year twice")
    base = d["base"]
    if isinstance(base, str):
        base = [base]
    if not isinstance(base, list) or not all(isinstance(b, str) and "=" in b for b in base):
        _fail("base", f"must be a list of overrides key=value (got {base!r})")
    return Study(
        name=name,
        method=method,
        parameters=tuple(parameters),
        outcomes=tuple(outcomes),
        years=tuple(sorted(years)),
        integers=frozenset(k for k, _, _ in parameters if k in integers),
        n=d["n"],
        second_order=d["second_order"],
        trajectories=d["trajectories"],
        levels=d["levels"],
        seed=d["seed"],
        replicates=d["replicates"],
        conf_level=float(d["conf_level"]),
        resamples=d["resamples"],
        base=tuple(base),
        description=d["description"].strip(),
        source=source,
    )


def _parse_parameters(params: Any, integers: set[str]) -> list[tuple[str, float, float]]:
    if not isinstance(params, Mapping) or not params:
        _fail("parameters", "must map at least one parameter key to its range [low, high]")
    out = []
    for key, bounds in params.items():
        where = f"parameters.{key}"
        if (
            not isinstance(bounds, list | tuple)
            or len(bounds) != 2
            or not all(_is_number(b) for b in bounds)
        ):
            _fail(where, f"must be a range [low, high] of two numbers (got {bounds!r})")
        low, high = bounds
        if not low < high:
            _fail(where, f"the low end must lie below the high end (got [{low}, {high}])")
        if key in integers and not (_is_int(low) and _is_int(high)):
            _fail(where, f"takes whole numbers: give a range of whole numbers (got {bounds!r})")
        out.append((str(key), low, high))
    return out


# ---------------------------------------------------------------- the model's study


def config_leaf(key: str) -> type | None:
    """The type (int or float) of a numeric config key a study can vary, else None."""
    parts = key.split(".")
    if parts[0] in _FIXED_SECTIONS or key in _FIXED:
        return None
    cls: Any = Config
    for k, part in enumerate(parts):
        if not dataclasses.is_dataclass(cls):
            return None
        hints = typing.get_type_hints(cls)
        if part not in hints or part.startswith("_"):
            return None
        hint = hints[part]
        if k == len(parts) - 1:
            return hint if hint in (int, float) else None
        cls = hint
    return None


def numeric_keys() -> list[str]:
    """Every config key a study can vary (dotted)."""
    keys = []

    def walk(cls: Any, prefix: str) -> None:
        for name, hint in typing.get_type_hints(cls).items():
            key = f"{prefix}{name}"
            if dataclasses.is_dataclass(hint):
                walk(hint, f"{key}.")
            elif config_leaf(key) is not None:
                keys.append(key)

    walk(Config, "")
    return keys


def with_values(config: Config, values: Mapping[str, Any]) -> Config:
    """`config` with the dotted keys set to `values` (checked: ConfigError)."""
    for key, value in values.items():
        config = _replace(config, key.split("."), value)
    return to_config(config)


def _replace(obj: Any, parts: list[str], value: Any) -> Any:
    if len(parts) == 1:
        return dataclasses.replace(obj, **{parts[0]: value})
    child = _replace(getattr(obj, parts[0]), parts[1:], value)
    return dataclasses.replace(obj, **{parts[0]: child})


def _typed(key: str, value: Any, integers: frozenset[str] | set[str]) -> Any:
    return int(value) if key in integers else float(value)


def compose_base(base: Sequence[str], conf: str | Path | None = None) -> Config:
    """The base config of a study's runs: ``imssim <base>`` composed and checked, with no
    tables and no figures (a run's folder keeps its manifest and config)."""
    from imssim.config.compose import compose_config
    from imssim.runs.api import check

    composed = compose_config([*base, "output.tables=false", "output.figures=false"], conf)
    return check(composed)


def check_model_study(study: Study) -> tuple[Study, Config]:
    """Check what needs the model: the base composes and passes every check, every
    parameter is a numeric config key the base does not set, each end of each range
    (and all lows, and all highs, together) passes the config's checks, every year lies
    in the run; return the study (its integer keys marked) and the base config."""
    for item in study.base:
        key = item.split("=", 1)[0].lstrip("+~")
        if key in ("seed", "replicates"):
            _fail("base", f"sets {key}: give the study's own `{key}` instead")
        if key in study.keys:
            _fail("base", f"sets {key}, which the study varies")
    base = _base_config(study.base)
    for key, low, high in study.parameters:
        kind = config_leaf(key)
        if kind is None:
            close = [k for k in numeric_keys() if k.split(".")[-1] == key.split(".")[-1]]
            hint = f"; did you mean {close[0]}?" if close else ""
            _fail(
                f"parameters.{key}",
                f"not a number in the config that a study can vary{hint} "
                "(the keys of params, policy, scenario and catalyst, as on the command line)",
            )
        if kind is int and not (_is_int(low) and _is_int(high)):
            _fail(f"parameters.{key}", f"takes whole numbers (got [{low}, {high}])")
    integers = frozenset(k for k in study.keys if config_leaf(k) is int)
    study_ints = dataclasses.replace(study, integers=integers)
    corners = [{key: end} for key, low, high in study.parameters for end in (low, high)]
    corners.append({key: low for key, low, _ in study.parameters})
    corners.append({key: high for key, _, high in study.parameters})
    for corner in corners:
        try:
            with_values(base, {k: _typed(k, v, integers) for k, v in corner.items()})
        except ConfigError as exc:
            what = (
                f"parameters.{next(iter(corner))}: the value {next(iter(corner.values()))}"
                if len(corner) == 1
                else "parameters: all at their low (or high) ends together"
            )
            raise StudyError(f"{what} is refused: {exc}") from None
    for year in study.years:
        if not base.start_year < year <= base.end_year:
            _fail(
                "years",
                f"{year} lies outside the run ({base.start_year + 1}-{base.end_year}; "
                "end_year is set in base)",
            )
    diffs = [o for o in study.outcomes if o.endswith("_diff")]
    if diffs and base.counterfactual == "none":
        _fail("outcomes", f"{diffs[0]} needs a counterfactual (base sets counterfactual=none)")
    return study_ints, dataclasses.replace(base, seed=study.seed, replicates=study.replicates)


def _base_config(base: Sequence[str]) -> Config:
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    try:
        return compose_base(base)
    except (HydraException, OmegaConfBaseException) as exc:
        lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
        cause = exc.__cause__
        text = lines[0] if lines else type(exc).__name__
        if cause is not None and str(cause).strip():
            text = f"{text.rstrip('.')}: {str(cause).strip().splitlines()[0]}"
        _fail("base", text)
    except ImssimError as exc:
        _fail("base", str(exc))


def study_file(study: str | Path) -> Path:
    """The file of a study: a name in conf/sensitivity/ or a path to a YAML file."""
    text = str(study)
    if text.endswith((".yaml", ".yml")) or "/" in text:
        path = Path(text)
        if not path.is_file():
            raise StudyError(f"no study file {path}")
        return path
    folder = conf_dir() / STUDY_GROUP
    path = folder / f"{text}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml")))
        raise StudyError(f"no study named {text!r} in {folder} (one of: {known})")
    return path


def read_study_file(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise StudyError(f"{path}: {where}YAML syntax error: {problem}") from None
    except OSError as exc:
        raise StudyError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def apply_overrides(data: Any, overrides: Sequence[str]) -> dict[str, Any]:
    """The study's keys changed by command-line overrides ``key=value`` (values in YAML,
    e.g. ``n=128``, ``method=morris``, ``years=[2020,2035]``,
    ``base=[scenario=deep_cuts,counterfactual=none]``); ``parameters.<key>=[lo,hi]``
    sets one parameter's range (adding it if the study lacks it)."""
    out = dict(data) if isinstance(data, Mapping) else {}
    for item in overrides:
        if "=" not in item:
            raise StudyError(f"{item!r}: an override is key=value (e.g. n=128)")
        key, text = item.split("=", 1)
        key = key.strip()
        try:
            value = yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError:
            if key != "base":
                raise StudyError(f"{key}: cannot read the value {text!r}") from None
            value = [text]
        if key == "base" and isinstance(value, str):
            value = [value]
        if key.startswith("parameters."):
            params = dict(out.get("parameters") or {})
            params[key.split(".", 1)[1]] = value
            out["parameters"] = params
        elif key in DEFAULTS:
            out[key] = value
        else:
            _fail(key, f"unknown key (the keys of a study: {', '.join(DEFAULTS)})")
    return out


def load_study(study: str | Path, overrides: Sequence[str] = ()) -> tuple[Study, Config]:
    """Read, override and check a study completely; return it with its base config."""
    path = study_file(study)
    data = apply_overrides(read_study_file(path), overrides)
    parsed = parse_study(data, path.stem, source=str(path))
    try:
        checked, base = check_model_study(parsed)
    except StudyError as exc:
        raise StudyError(f"{path}: {exc}") from None
    return checked, base


# ------------------------------------------------------------------------- sampling


def salib_problem(study: Study) -> dict[str, Any]:
    bounds = [
        [lo - 0.5, hi + 0.5] if key in study.integers else [lo, hi]
        for key, lo, hi in study.parameters
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
    for j, (key, lo, hi) in enumerate(study.parameters):
        if key in study.integers:
            frame[key] = np.clip(np.rint(x[:, j]), lo, hi).astype(np.int64)
        else:
            frame[key] = x[:, j].astype(float)
    return frame


# ------------------------------------------------------------------------ evaluation


class Evaluator:
    """Turns a study's samples into outcomes, in three steps:

    - :meth:`plan` (main process): one row per sample and replicate, with the id of the
      run that evaluates it (samples with equal values may share a run);
    - :meth:`evaluate` (a worker process): run a chunk of the units :meth:`pending`
      listed; returns one record per unit;
    - :meth:`outputs` (main process): one row per run id with ``status``, ``error`` and a
      column per outcome and year (:func:`column`).
    """

    def plan(self, study: Study, values: pd.DataFrame) -> pd.DataFrame:
        raise NotImplementedError

    def pending(self, study: Study, plan: pd.DataFrame) -> list[dict[str, Any]]:
        raise NotImplementedError

    def evaluate(self, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def outputs(self, study: Study, plan: pd.DataFrame, records: list[dict]) -> pd.DataFrame:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        return {}


class FunctionEvaluator(Evaluator):
    """A function of the parameter values (a dict) that returns {outcome: value}: for
    test functions with known indices. Each sample is its own run."""

    def __init__(self, function: Callable[[dict[str, float]], dict[str, float]]) -> None:
        self.function = function

    def plan(self, study: Study, values: pd.DataFrame) -> pd.DataFrame:
        return values.assign(replicate=0, run_id=[f"sample-{i}" for i in values["sample"]])

    def pending(self, study: Study, plan: pd.DataFrame) -> list[dict[str, Any]]:
        return [
            {"run_id": row["run_id"], "runs": 1, "values": {k: row[k] for k in study.keys}}
            for row in plan.to_dict("records")
        ]

    def evaluate(self, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for unit in units:
            try:
                result = self.function(unit["values"])
                out.append({"run_id": unit["run_id"], "status": "completed", **result})
            except Exception as exc:  # recorded, as a model run's failure is
                error = f"{type(exc).__name__}: {exc}"
                out.append({"run_id": unit["run_id"], "status": "failed", "error": error})
        return out

    def outputs(self, study: Study, plan: pd.DataFrame, records: list[dict]) -> pd.DataFrame:
        frame = pd.DataFrame(records)
        if "error" not in frame:
            frame["error"] = ""
        return frame.set_index("run_id")


def sample_overrides(study: Study, values: Mapping[str, Any]) -> list[str]:
    """The overrides that describe a sample's run: its values, then the study's base (a
    run's identity: the same values give the same run, found complete on a resume)."""
    own = [f"{key}={values[key]!r}" for key in study.keys]
    return [*own, *study.base]


@functools.lru_cache(maxsize=4)
def _worker_world(data_dir: str | None):
    from imssim.world import load_world

    return load_world(data_dir)


def _quiet(_line: str) -> None:
    pass


@dataclasses.dataclass
class ModelEvaluator(Evaluator):
    """Runs the model: every unit is a sweep job of :func:`imssim.runs.sweep.execute_job`
    (its replicates), written into `folder`. `base` is the study's base config, composed
    once (:func:`check_model_study`); a worker sets each sample's values on it and checks
    the result. `runner` (default: the run and, where the base asks for one, its
    counterfactual, :func:`imssim.runs.api.run_pair`, on the world loaded once per process)
    may be replaced."""

    folder: Path
    base: Config
    study: Study
    runner: Callable[[Config], Any] | None = None

    def _overrides(self, values: Mapping[str, Any]) -> list[str]:
        return sample_overrides(self.study, values)

    def plan(self, study: Study, values: pd.DataFrame) -> pd.DataFrame:
        from imssim.runs.sweep import replicate_seeds, run_key, run_name

        seeds = replicate_seeds(study.seed, study.replicates)
        rows = []
        first: dict[tuple, int] = {}
        for row in values.to_dict("records"):
            vals = {k: _typed(k, row[k], study.integers) for k in study.keys}
            ident = tuple(vals.values())
            unit = first.setdefault(ident, int(row["sample"]))
            overrides = self._overrides(vals)
            for rep, seed in enumerate(seeds):
                cfg = dataclasses.replace(self.base, seed=seed)
                name = run_name(cfg, run_key(overrides, seed), rep, len(seeds))
                rows.append({**row, "replicate": rep, "seed": seed, "unit": unit, "run_id": name})
        return pd.DataFrame(rows)

    def pending(self, study: Study, plan: pd.DataFrame) -> list[dict[str, Any]]:
        from imssim.runs.sweep import folder_status

        done = {
            run_id
            for run_id in plan["run_id"].unique()
            if folder_status(self.folder / run_id) == "completed"
        }
        units = []
        for unit, rows in plan.groupby("unit", sort=True):
            if set(rows["run_id"]) <= done:
                continue
            first = rows.iloc[0]
            values = {k: _plain(first[k]) for k in study.keys}
            units.append({"job": int(unit), "runs": rows["run_id"].nunique(), "values": values})
        return units

    def evaluate(self, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
        import logging

        from imssim.runs.api import run_pair
        from imssim.runs.sweep import execute_job

        logging.getLogger("MESA").setLevel(logging.WARNING)
        study = self.study
        base = self.base  # composed once, in the main process, and sent along
        runner = self.runner
        if runner is None:
            world = _worker_world(base.world.data_dir)
            runner = functools.partial(run_pair, world=world)
        years = range(base.start_year + 1, base.end_year + 1)  # every year: reusable runs
        out = []
        for unit in units:
            values = {k: _typed(k, v, study.integers) for k, v in unit["values"].items()}
            overrides = self._overrides(values)
            try:
                config = with_values(base, values)
            except ConfigError as exc:  # a combination of values the config refuses
                from imssim.runs.sweep import replicate_seeds, run_key, run_name, write_failed

                for rep, seed in enumerate(replicate_seeds(base.seed, base.replicates)):
                    cfg = dataclasses.replace(base, seed=seed)
                    key = run_key(overrides, seed)
                    name = run_name(cfg, key, rep, base.replicates)
                    shutil.rmtree(self.folder / name, ignore_errors=True)  # an earlier failure
                    extra = {"job": unit["job"], "overrides": overrides, "run_key": key}
                    write_failed(self.folder, name, cfg, f"ConfigError: {exc}", extra)
                out.append({"job": unit["job"], "failed": base.replicates})
                continue
            records = execute_job(
                config,
                overrides,
                self.folder,
                unit["job"],
                runner=runner,
                say=_quiet,
                years=years,
            )
            out.append({"job": unit["job"], "failed": sum(r.status == "failed" for r in records)})
        return out

    def outputs(self, study: Study, plan: pd.DataFrame, records: list[dict]) -> pd.DataFrame:
        from imssim.runs.datasets import collect

        runs = pd.read_parquet(collect(self.folder, progress=False, tables=False))
        return runs.set_index("run_id")

    def describe(self) -> dict[str, Any]:
        from omegaconf import OmegaConf

        return {"base_config": OmegaConf.to_container(OmegaConf.structured(self.base))}


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


# -------------------------------------------------------------------------- running


@dataclasses.dataclass
class Outcome:
    """What a study run left: its folder, its indices (tidy) and its numbers."""

    folder: Path
    indices: pd.DataFrame
    samples: int
    runs: int
    ran: int  # runs made by this call (0: all complete already)
    seconds: float
    summary: str
    figure: Path | None


def n_workers(n_jobs: int | None) -> int:
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    if n_jobs is None or n_jobs < 0:
        return cores
    return max(1, n_jobs)


def chunk_units(units: list[dict[str, Any]], workers: int) -> list[list[dict[str, Any]]]:
    """Chunks of units: about six a worker, for balance, of at most 40 runs each."""
    if not units:
        return []
    size = max(1, min(40, math.ceil(len(units) / (6 * workers))))
    return [units[i : i + size] for i in range(0, len(units), size)]


def run_study(
    study: Study,
    evaluator: Evaluator,
    folder: str | Path,
    *,
    n_jobs: int | None = None,
    progress: bool = False,
    say: Callable[[str], None] = _quiet,
    figure: bool = True,
) -> Outcome:
    """Sample, evaluate in parallel chunks, collect and analyse; write the study's files
    into `folder` (see the module's description). Raises :class:`StudyFailed` when runs
    failed."""
    from imssim.runs.folders import write_text_atomic

    started = time.perf_counter()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    x = draw_samples(study)
    values = sample_values(study, x)
    plan = evaluator.plan(study, values)
    _write_parquet(plan, folder / SAMPLES_FILE)
    total = int(plan["run_id"].nunique())
    units = evaluator.pending(study, plan)
    workers = min(n_workers(n_jobs), max(1, len(units)))
    todo = sum(unit["runs"] for unit in units)
    # this call's record, kept in the study's manifest beside those of earlier calls
    call: dict[str, Any] = {"started_utc": _utc(), "runs_to_run": todo, "workers": workers}
    calls = [*_earlier_calls(folder), call]

    def record(status: str) -> None:
        call.update(status=status, wall_seconds=round(time.perf_counter() - started, 2))
        _write_manifest(folder, study, evaluator, status=status, runs=total, calls=calls)

    record("running")
    say(
        f"{len(plan) // study.replicates} samples, {total} runs: "
        f"{total - todo} complete already, {todo} to run"
        + (f" on {workers} process{'es' if workers > 1 else ''}" if todo else "")
    )
    try:
        records = _evaluate(evaluator, units, workers, folder, plan, total, progress)
        call["run_seconds"] = round(time.perf_counter() - started, 2)
        outputs = evaluator.outputs(study, plan, records)
        y = _outcomes(study, plan, outputs, folder)
    except StudyFailed:
        record("failed")
        raise
    except KeyboardInterrupt:
        record("interrupted")
        raise
    indices = analyse(study, x, y)
    _write_parquet(indices, folder / INDICES_FILE)
    write_text_atomic(folder / INDICES_CSV, indices.to_csv(index=False))
    write_text_atomic(folder / INDICES_MARKDOWN, markdown(study, indices))
    labels = getattr(evaluator, "labels", None)
    summary = summarise(study, indices, y, labels=labels, runs=total)
    write_text_atomic(folder / SUMMARY_FILE, summary + "\n")
    path = None
    if figure:
        from imssim.present.plots.sensitivity import indices_figure
        from imssim.present.plots.style import save_figure

        title = chart_title(study, total, evaluator)
        fig = indices_figure(indices, study, y, title=title)
        path = save_figure(fig, folder / "figures", FIGURE_NAME, ("png",))
    record("completed")
    seconds = time.perf_counter() - started
    return Outcome(folder, indices, len(values), total, todo, seconds, summary, path)


def _evaluate(
    evaluator: Evaluator,
    units: list[dict[str, Any]],
    workers: int,
    folder: Path,
    plan: pd.DataFrame,
    total: int,
    progress: bool,
) -> list[dict[str, Any]]:
    """Run the units in chunks, on `workers` processes (joblib) or in this one."""
    from joblib import Parallel, delayed

    chunks = chunk_units(units, workers)
    records: list[dict[str, Any]] = []
    bar = _progress(folder, plan, total, evaluator) if progress and chunks else None
    try:
        if workers == 1:
            results: Any = (evaluator.evaluate(chunk) for chunk in chunks)
        else:
            parallel = Parallel(n_jobs=workers, return_as="generator_unordered")
            results = parallel(delayed(evaluator.evaluate)(chunk) for chunk in chunks)
        for part in results:
            records.extend(part)
    finally:
        if bar is not None:
            bar.stop()
    return records


def _utc() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _earlier_calls(folder: Path) -> list[dict[str, Any]]:
    """The calls recorded in the study's manifest by earlier runs of the study."""
    try:
        calls = json.loads((folder / STUDY_MANIFEST).read_text()).get("calls", [])
    except (OSError, ValueError):
        return []
    return calls if isinstance(calls, list) else []


def _progress(folder: Path, plan: pd.DataFrame, total: int, evaluator: Evaluator):
    """A bar of runs done (the run folders present) with an ETA; for model runs only."""
    if not isinstance(evaluator, ModelEvaluator):
        return None
    from imssim.runs.folders import MANIFEST
    from imssim.runs.sweep import Progress

    names = list(plan["run_id"].unique())

    class StudyProgress(Progress):
        def _count(self) -> int:
            return sum((folder / name / MANIFEST).is_file() for name in names)

    return StudyProgress(folder, total).start()


def _outcomes(
    study: Study, plan: pd.DataFrame, outputs: pd.DataFrame, folder: Path
) -> pd.DataFrame:
    """One row per sample (in sample order), one column per outcome and year: the mean
    over the sample's replicates. Raises StudyFailed for failed or missing runs."""
    ids = plan["run_id"].unique()
    missing = [r for r in ids if r not in outputs.index]
    status = outputs.reindex(ids)["status"] if "status" in outputs else pd.Series(dtype=str)
    failed = [r for r in ids if r not in missing and status.get(r) == "failed"]
    if failed or missing:
        first = failed[0] if failed else missing[0]
        error = str(outputs.at[first, "error"]) if first in outputs.index else "no run folder"
        raise StudyFailed(
            f"{len(failed) + len(missing)} of {len(ids)} runs failed or are missing "
            f"(first: {first}: {error}); the indices need every sample. The runs are "
            f"recorded in {folder} (runs.parquet); running the study again retries them"
        )
    cols = [column(o, y) for o, y in study.targets()]
    absent = [c for c in cols if c not in outputs.columns]
    if absent:
        raise StudyFailed(f"the runs in {folder} do not record {absent[0]}")
    joined = plan[["sample", "run_id"]].join(outputs[cols].astype(float), on="run_id")
    y = joined.groupby("sample", sort=True)[cols].mean()
    bad = [c for c in cols if not np.isfinite(y[c]).all()]
    if bad:
        raise StudyFailed(f"outcome {bad[0]} is missing or not finite in some runs")
    return y


# ------------------------------------------------------------------------- analysis

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


def _indices(study: Study, x: np.ndarray, values: np.ndarray) -> list[dict[str, Any]]:
    keys = study.keys
    constant = not values.std() > 1e-12 * max(1.0, abs(values.mean()))
    rng = np.random.default_rng(study.seed)  # the bootstrap of the confidence intervals
    problem = salib_problem(study)
    out: list[dict[str, Any]] = []

    def add(index: str, key: str, value: float, conf: float, other: str | None = None) -> None:
        out.append({"parameter": key, "other": other, "index": index, "value": value, "conf": conf})

    if study.method == "sobol":
        names = ("S1", "ST")
        if constant:
            for name in names:
                for key in keys:
                    add(name, key, math.nan, math.nan)
            return out
        from SALib.analyze import sobol

        with np.errstate(divide="ignore", invalid="ignore"):
            res = sobol.analyze(
                problem,
                values,
                calc_second_order=study.second_order,
                num_resamples=study.resamples,
                conf_level=study.conf_level,
                seed=rng,
            )
        for name in names:
            for j, key in enumerate(keys):
                add(name, key, float(res[name][j]), float(res[f"{name}_conf"][j]))
        if study.second_order:
            pairs = [(a, b) for a in range(len(keys)) for b in range(a + 1, len(keys))]
            for a, b in pairs:
                add("S2", keys[a], float(res["S2"][a, b]), float(res["S2_conf"][a, b]), keys[b])
        return out
    from SALib.analyze import morris

    res = morris.analyze(
        problem,
        x,
        values,
        num_resamples=study.resamples,
        conf_level=study.conf_level,
        num_levels=study.levels,
        seed=rng,
    )
    for j, key in enumerate(keys):
        add("mu_star", key, float(res["mu_star"][j]), float(res["mu_star_conf"][j]))
        add("sigma", key, float(res["sigma"][j]), math.nan)
        add("mu", key, float(res["mu"][j]), math.nan)
    return out


# --------------------------------------------------------------------- reporting


def outcome_label(outcome: str, labels: Mapping[str, str] | None = None) -> str:
    if labels and outcome in labels:
        return labels[outcome]
    base = outcome.removesuffix("_diff")
    text = {
        "capacity_to_act": "capacity to act",
        "autonomy": "autonomy",
        "n_strategic": "strategic partners",
        "pairs": "cooperating pairs",
        "mean_form": "mean form",
        "shortfall": "alliance shortfall",
        "worst_shortfall": "worst-area shortfall",
    }.get(base, outcome)
    return f"{text}, against the counterfactual" if outcome.endswith("_diff") else text


def short_name(key: str) -> str:
    """A parameter as the charts and summaries name it: ``params.`` left off."""
    return key.removeprefix("params.")


MAIN_SHARE = 0.1  # Sobol: ST at least this counts as mattering
SMALL_SHARE = 0.05  # Sobol: ST whose upper confidence end lies below this hardly matters
MORRIS_SHARE = 0.1  # Morris: mu* below this share of the largest mu* hardly matters


def markdown(study: Study, indices: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str:
    """The indices as Markdown tables, one per year: parameters (rows) by outcomes."""
    pct = round(100 * study.conf_level)
    if study.method == "sobol":
        main, other = "ST", "S1"
        legend = (
            f"Each cell: the total index ST ± the half-width of its {pct} % confidence "
            f"interval, and the first-order index S1 in brackets; in bold where ST >= "
            f"{MAIN_SHARE}."
        )
    else:
        main, other = "mu_star", "sigma"
        legend = (
            f"Each cell: mu* (in the outcome's units, for a move across the parameter's "
            f"whole range) ± the half-width of its {pct} % confidence interval, and sigma "
            f"in brackets; in bold where mu* >= {MORRIS_SHARE:g} x the largest of the column."
        )
    legend += (
        " + or − before a value: the outcome rises or falls with the parameter "
        "(Spearman's rank correlation across the samples, where it is at least 0.1 in size)."
    )
    ranges = {key: (lo, hi) for key, lo, hi in study.parameters}
    out = [legend, ""]
    for year in study.years or (None,):
        if year is not None:
            out += [f"**{year}**", ""]
        names = [outcome_label(o, labels) for o in study.outcomes]
        out.append("| parameter | range | " + " | ".join(names) + " |")
        out.append("|---|---|" + "---|" * len(names))
        cells: dict[str, list[str]] = {key: [] for key in study.keys}
        spread = []
        for outcome in study.outcomes:
            part = indices[indices["outcome"] == outcome]
            part = part[part["year"].isna()] if year is None else part[part["year"] == year]
            first = part[part["index"] == main].set_index("parameter")
            second = part[part["index"] == other].set_index("parameter")
            top = float(first["value"].max()) if first["value"].notna().any() else math.nan
            for key in study.keys:
                value, conf = first.at[key, "value"], first.at[key, "conf"]
                if math.isnan(value):
                    cells[key].append("–")
                    continue
                strong = (
                    value >= MAIN_SHARE if study.method == "sobol" else value >= MORRIS_SHARE * top
                )
                text = f"{value:.2f}" if study.method == "sobol" else f"{value:.3g}"
                text = f"**{text}**" if strong else text
                rho = first.at[key, "rank_correlation"]
                text = ("+" if rho > 0 else "−") + text if abs(rho) >= 0.1 else text
                width = f"{conf:.2f}" if study.method == "sobol" else f"{conf:.2g}"
                extra = second.at[key, "value"]
                extra = f"{extra:.2f}" if study.method == "sobol" else f"{extra:.3g}"
                cells[key].append(f"{text} ± {width} ({extra})")
            sd = float(part["outcome_sd"].iloc[0])
            unit = UNITS.get(outcome.removesuffix("_diff"))
            spread.append(f"{sd:.3g}" + (f" ({unit})" if unit else ""))
        for key in study.keys:
            lo, hi = ranges[key]
            out.append(f"| `{key}` | {lo:g}-{hi:g} | " + " | ".join(cells[key]) + " |")
        out.append("| *sd across the samples* | | " + " | ".join(spread) + " |")
        out.append("")
    return "\n".join(out)


def summarise(
    study: Study,
    indices: pd.DataFrame,
    y: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    runs: int | None = None,
) -> str:
    """Per outcome and year: the parameters that matter most, with their indices and
    confidence intervals, and those that hardly matter."""
    pct = round(100 * study.conf_level)
    if study.method == "sobol":
        how = (
            f"Sobol' indices, Saltelli sampling, N = {study.n} ({len(y)} samples"
            + (f", {runs} runs" if runs is not None else "")
            + f"); ST (S1) with {pct} % confidence intervals; ST >= {MAIN_SHARE} listed, "
            f"'hardly' when ST's upper end < {SMALL_SHARE}"
        )
    else:
        how = (
            f"Morris, {study.trajectories} trajectories, {study.levels} levels "
            f"({len(y)} samples"
            + (f", {runs} runs" if runs is not None else "")
            + f"); mu* (outcome units for a move across the whole range) with {pct} % "
            f"confidence intervals; 'hardly' when mu* < {MORRIS_SHARE:g} x the largest"
        )
    how += "; (+) or (-): the outcome rises or falls with the parameter (rank correlation)"
    lines = [f"{study.name}: {how}"]
    for outcome, year in study.targets():
        part = indices[(indices["outcome"] == outcome)]
        part = part[part["year"].isna()] if year is None else part[part["year"] == year]
        when = "" if year is None else f" {year}"
        sd = float(part["outcome_sd"].iloc[0])
        mean = float(part["outcome_mean"].iloc[0])
        head = f"{outcome_label(outcome, labels)}{when} (mean {mean:.3g}, sd {sd:.3g})"
        lines.append(head + ": " + _verdict(study, part))
    return "\n".join(lines)


def _verdict(study: Study, part: pd.DataFrame) -> str:
    def interval(row) -> str:
        return f"[{row['conf_low']:.3g}, {row['conf_high']:.3g}]"

    def sign(row) -> str:
        """(+) or (-): the direction of a clear rank correlation (|rho| >= 0.1)."""
        rho = row["rank_correlation"]
        return "" if not abs(rho) >= 0.1 else " (+)" if rho > 0 else " (-)"

    if study.method == "sobol":
        st = part[part["index"] == "ST"].set_index("parameter")
        s1 = part[part["index"] == "S1"].set_index("parameter")
        if st["value"].isna().all():
            return "does not vary across the samples"
        ranked = st.sort_values("value", ascending=False)
        main = [k for k in ranked.index if ranked.at[k, "value"] >= MAIN_SHARE]
        small = [k for k in ranked.index if ranked.at[k, "conf_high"] < SMALL_SHARE]
        said = ", ".join(
            f"{short_name(k)}{sign(st.loc[k])} ST {st.at[k, 'value']:.2f} "
            f"{interval(st.loc[k])} (S1 {s1.at[k, 'value']:.2f})"
            for k in main
        )
        text = f"most {said}" if main else f"no parameter reaches ST {MAIN_SHARE}"
        if small:
            text += "; hardly " + ", ".join(short_name(k) for k in small)
        return text
    mu = part[part["index"] == "mu_star"].set_index("parameter")
    if not (mu["value"] > 0).any():
        return "does not vary across the samples"
    ranked = mu.sort_values("value", ascending=False)
    top = float(ranked["value"].iloc[0])
    main = [k for k in ranked.index if ranked.at[k, "value"] >= MORRIS_SHARE * top]
    small = [k for k in ranked.index if ranked.at[k, "value"] < MORRIS_SHARE * top]
    said = ", ".join(
        f"{short_name(k)}{sign(ranked.loc[k])} mu* {ranked.at[k, 'value']:.3g} "
        f"{interval(ranked.loc[k])}"
        for k in main
    )
    return f"most {said}" + ("; hardly " + ", ".join(map(short_name, small)) if small else "")


def chart_title(study: Study, runs: int, evaluator: Evaluator) -> str:
    if study.method == "sobol":
        method = f"Sobol' indices (Saltelli sampling, N = {study.n})"
    else:
        method = f"Morris screening ({study.trajectories} trajectories, {study.levels} levels)"
    what = f"{study.name}: {method}, {runs} runs"
    base = getattr(evaluator, "base", None)
    if isinstance(base, Config):
        seeds = "seed" if study.replicates == 1 else f"{study.replicates} replicates from seed"
        what += (
            f"\n{base.scenario.name} / {base.policy.name}, focal state {base.focal}, "
            f"{seeds} {study.seed} in every run"
        )
    return what


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    import os
    import uuid

    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_manifest(
    folder: Path, study: Study, evaluator: Evaluator, *, status: str, **extra: Any
) -> None:
    from importlib import metadata

    from imssim.runs.folders import code_revision, package_versions, write_text_atomic

    versions = package_versions()
    for name in ("SALib", "joblib"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    info = {
        "study": study.as_dict(),
        "status": status,
        "folder": str(folder),
        "written_utc": _utc(),
        "versions": versions,
        "code_revision": code_revision(),
        "seeds": (
            "every sample runs with the study's seed (common random numbers)"
            if study.replicates == 1
            else f"every sample runs the same {study.replicates} replicate seeds "
            "spawned from the study's seed (common random numbers); outcomes averaged"
        ),
        **extra,
        **evaluator.describe(),
    }
    write_text_atomic(folder / STUDY_MANIFEST, json.dumps(info, indent=2, default=str) + "\n")


# -------------------------------------------------------------------- command line


def default_folder(study: Study, base: Config) -> Path:
    return Path(base.output.root) / STUDY_GROUP / study.name


def _check_folder(folder: Path) -> None:
    import os

    probe_root = folder
    while not probe_root.exists():
        probe_root = probe_root.parent
    if not probe_root.is_dir():
        raise StudyError(f"{probe_root} is a file, not a folder")
    if not os.access(probe_root, os.W_OK):
        raise StudyError(f"{probe_root} cannot be written")


def main(argv: list[str] | None = None) -> None:
    """``imssim-sensitivity [STUDY] [key=value ...]``: run a global sensitivity study."""
    import argparse

    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Global sensitivity analysis of the model's headline outcomes (Sobol' or "
            "Morris, through SALib). STUDY is a study of conf/sensitivity/ (default: "
            "default) or a YAML file; key=value overrides change the study, e.g. n=128, "
            "method=morris, trajectories=10, years=[2020,2035], name=mine, "
            "parameters.params.trust_gain=[0.04,0.16], "
            "base=[scenario=deep_cuts,counterfactual=none]."
        ),
    )
    parser.add_argument("study", nargs="?", default="default", help="study name or YAML file")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="study overrides")
    parser.add_argument(
        "--jobs", type=int, default=-1, help="worker processes (default: every core)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="study folder (default: <output.root>/sensitivity/<name>)",
    )
    parser.add_argument("--dry-run", action="store_true", help="check and show the plan only")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    args = parser.parse_intermixed_args(argv)
    study_arg, overrides = args.study, list(args.overrides)
    if "=" in study_arg:  # no study named: the default, with overrides
        study_arg, overrides = "default", [study_arg, *overrides]

    def say(line: str) -> None:
        print(f"{PROG}: {line}", flush=True)

    try:
        study, base = load_study(study_arg, overrides)
        folder = args.out if args.out is not None else default_folder(study, base)
        _check_folder(folder)
        if args.jobs == 0 or args.jobs < -1:
            raise StudyError(f"--jobs: must be -1 (every core) or at least 1 (got {args.jobs})")
        k = len(study.parameters)
        size = f"N = {study.n}" if study.method == "sobol" else f"{study.trajectories} trajectories"
        say(
            f"{study.name}: {study.method}, {k} parameters, {size}: {study.n_samples} samples "
            f"x {study.replicates} replicate{'s' if study.replicates > 1 else ''}, "
            f"seed {study.seed} in every run; into {folder}"
        )
        if args.dry_run:
            return
        evaluator = ModelEvaluator(folder=folder, base=base, study=study)
        outcome = run_study(
            study,
            evaluator,
            folder,
            n_jobs=None if args.jobs == -1 else args.jobs,
            progress=not args.quiet,
            say=say,
        )
    except StudyFailed as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except ImssimError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted (the same command resumes the study)", file=sys.stderr)
        raise SystemExit(130) from None
    print(outcome.summary)
    print(f"indices: {folder / INDICES_FILE} ({INDICES_CSV}); summary: {folder / SUMMARY_FILE}")
    if outcome.figure is not None:
        print(f"figure: {outcome.figure}")
    say(f"{outcome.runs} runs ({outcome.ran} run now) in {outcome.seconds:.0f} s")


if (
    __name__ == "__main__"
):  # python -m imssim.studies.sensitivity: workers import the module by name
    from imssim.studies.sensitivity import main as _main

    _main()
