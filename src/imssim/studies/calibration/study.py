"""A calibration study: which parameters, over which priors, fitted to which targets,
and how long the ABC-SMC runs; read from ``conf/calibration/<name>.yaml`` (or any YAML
file) and checked completely before anything runs.

Each parameter's prior is uniform over the range judged plausible for it in the schema
(:func:`imssim.config.judged_parameters`, the ranges the sensitivity and robustness
studies read) or over a range the study gives (``key: [low, high]``), which must lie
within the setting's bounds. Every mistake is one line naming the key
(:class:`~imssim.studies.sensitivity.study.StudyError`, exit code 2 on the command line).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imssim.config import Config
from imssim.errors import ConfigError
from imssim.studies.calibration.targets import TARGETS
from imssim.studies.sensitivity.study import (
    StudyError,
    check_parameter_key,
    check_parameter_range,
    compose_base,
    judged_ranges,
    read_study_file,
    study_file,
    with_values,
)
from imssim.studies.validation.record import LAST_YEAR

GROUP = "calibration"  # conf/calibration/<study>.yaml
_FOLDER_NAME = re.compile(r"[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class CalibrationStudy:
    """A checked calibration study (see the module's description and
    conf/calibration/default.yaml for each key)."""

    name: str
    parameters: dict[str, tuple[float, float]]  # key -> uniform prior [low, high]
    targets: dict[str, float]  # target -> weight
    description: str = ""
    base: tuple[str, ...] = ("scenario=history_2012_2024",)
    seeds: int = 2  # runs per parameter set, their seeds drawn for it
    population: int = 100
    generations: int = 6
    min_epsilon: float = 0.0
    seed: int = 42
    truth: dict[str, float] = field(default_factory=dict)  # known-answer: the true values
    truth_seeds: int = 8
    check_seeds: int = 8  # runs at the defaults and posterior draws for the fit

    @property
    def keys(self) -> list[str]:
        """The parameters' config keys, in the study's order."""
        return list(self.parameters)

    def as_dict(self) -> dict[str, Any]:
        """The study as run (for its manifest)."""
        out = dataclasses.asdict(self)
        out["parameters"] = {k: list(v) for k, v in self.parameters.items()}
        out["base"] = list(self.base)
        return out


_WHOLE = {  # key -> (lowest, highest)
    "seeds": (1, 50),
    "population": (10, 100_000),
    "generations": (1, 100),
    "seed": (0, 2**32 - 1),
    "truth_seeds": (1, 200),
    "check_seeds": (1, 200),
}
KEYS = (
    "description",
    "base",
    "parameters",
    "targets",
    *_WHOLE,
    "min_epsilon",
    "truth",
    "name",
)


def _fail(key: str, message: str) -> Any:
    raise StudyError(f"{key}: {message}")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _priors(value: Any) -> dict[str, tuple[float, float]]:
    if isinstance(value, list):
        value = judged_ranges(value)
    if not isinstance(value, Mapping) or not value:
        _fail("parameters", "must list parameter keys or map each key to its range [low, high]")
    priors = {}
    for key, bounds in value.items():
        where = f"parameters.{key}"
        check_parameter_key(str(key))
        if (
            not isinstance(bounds, list | tuple)
            or len(bounds) != 2
            or not all(map(_number, bounds))
        ):
            _fail(where, f"must be a range [low, high] of two numbers (got {bounds!r})")
        low, high = bounds
        if not low < high:
            _fail(
                where,
                "an impossible prior: its low end must lie below its high end "
                f"(got [{low}, {high}])",
            )
        check_parameter_range(str(key), low, high)
        priors[str(key)] = (float(low), float(high))
    return priors


def _targets(value: Any, truth: bool) -> dict[str, float]:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        value = dict.fromkeys(value, 1.0)
    if not isinstance(value, Mapping) or not value:
        _fail("targets", "must list targets or map each to its weight")
    known = ", ".join(TARGETS)
    for name, weight in value.items():
        if name not in TARGETS:
            _fail("targets", f"unknown target {name!r} (one of: {known})")
        if not _number(weight) or weight <= 0:
            _fail(f"targets.{name}", f"a weight must be a number above 0 (got {weight!r})")
        if TARGETS[name].observe is None and not truth:
            _fail(
                f"targets.{name}", "has no observed value: it needs truth: (a known-answer study)"
            )
    return {str(k): float(v) for k, v in value.items()}


def _truth(value: Any, priors: Mapping[str, tuple[float, float]]) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        _fail("truth", f"must map parameters to their true values (got {value!r})")
    out = {}
    for key, v in value.items():
        if key not in priors:
            _fail(f"truth.{key}", "is not one of the study's parameters")
        low, high = priors[key]
        if not _number(v) or not low <= v <= high:
            _fail(f"truth.{key}", f"must lie within its prior [{low}, {high}] (got {v!r})")
        out[str(key)] = float(v)
    return out


def parse_study(data: Any, name: str) -> CalibrationStudy:
    """Check a study's content (a mapping as read from its file) and return it; every
    mistake is a one-line StudyError naming the key."""
    if not isinstance(data, Mapping) or not data:
        _fail("study", "is empty or not a mapping of keys to values")
    for key in data:
        if key not in KEYS:
            _fail(str(key), f"unknown key (the keys of a calibration study: {', '.join(KEYS)})")
    if "parameters" not in data or "targets" not in data:
        _fail("parameters" if "parameters" not in data else "targets", "must be given")
    values: dict[str, Any] = {}
    for key, (low, high) in _WHOLE.items():
        if key in data:
            v = data[key]
            if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high:
                _fail(key, f"must be a whole number from {low} to {high} (got {v!r})")
            values[key] = v
    if "min_epsilon" in data:
        v = data["min_epsilon"]
        if not _number(v) or v < 0:
            _fail("min_epsilon", f"must be a number of 0 or more (got {v!r})")
        values["min_epsilon"] = float(v)
    base = data.get("base", list(CalibrationStudy.base))
    base = [base] if isinstance(base, str) else base
    if not isinstance(base, list) or not all(isinstance(b, str) and "=" in b for b in base):
        _fail("base", f"must be a list of overrides key=value (got {base!r})")
    study_name = data.get("name", name)
    if not isinstance(study_name, str) or not _FOLDER_NAME.fullmatch(study_name):
        _fail("name", "must be a folder name of letters, digits, '_', '.' and '-'")
    priors = _priors(data["parameters"])
    truth = _truth(data.get("truth"), priors)
    return CalibrationStudy(
        name=study_name,
        parameters=priors,
        targets=_targets(data["targets"], bool(truth)),
        description=str(data.get("description", "") or "").strip(),
        base=tuple(base),
        truth=truth,
        **values,
    )


def base_config(study: CalibrationStudy) -> Config:
    """The config every run of the study starts from: ``imssim <base>`` to 2017 at the
    latest, without a counterfactual, checked; and every prior's ends accepted by it."""
    for item in study.base:
        key = item.split("=", 1)[0].lstrip("+~")
        if key in ("seed", "replicates", "counterfactual"):
            _fail("base", f"sets {key}, which the calibration sets itself")
        if key in study.parameters:
            _fail("base", f"sets {key}, which the study calibrates")
    try:
        config = compose_base([*study.base, "counterfactual=none"])
    except Exception as exc:  # Hydra's or the config's: one line
        _fail("base", str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
    if config.end_year > LAST_YEAR:
        config = dataclasses.replace(config, end_year=LAST_YEAR)
    if config.end_year < LAST_YEAR:
        _fail("base", f"the runs must reach {LAST_YEAR}, the last year of the targets")
    for key, (low, high) in study.parameters.items():
        for end in (low, high):
            try:
                with_values(config, {key: _typed(config, key, end)})
            except ConfigError as exc:
                _fail(f"parameters.{key}", f"the value {end} is refused: {exc}")
    return config


def _typed(config: Config, key: str, value: float) -> int | float:
    """`value` as the key's type in the config (a whole number for an int key)."""
    current: Any = config
    for part in key.split("."):
        current = getattr(current, part)
    return round(value) if isinstance(current, int) and not isinstance(current, bool) else value


def parameter_values(config: Config, values: Mapping[str, float]) -> Config:
    """`config` with the parameters set to `values`, each in its own type."""
    return with_values(config, {k: _typed(config, k, v) for k, v in values.items()})


def resized(
    study: CalibrationStudy, population: int | None, generations: int | None
) -> CalibrationStudy:
    """`study` with another population size or number of populations (checked as in a
    study file; None keeps the study's)."""
    changes: dict[str, Any] = {}
    for key, value in (("population", population), ("generations", generations)):
        if value is None:
            continue
        low, high = _WHOLE[key]
        if not low <= value <= high:
            _fail(f"--{key}", f"must be a whole number from {low} to {high} (got {value})")
        changes[key] = value
    return dataclasses.replace(study, **changes)


def load_study(study: str | Path) -> CalibrationStudy:
    """A study by its name in conf/calibration/ or its file's path, read and checked."""
    path = study_file(study, GROUP)
    try:
        return parse_study(read_study_file(path), Path(path).stem)
    except StudyError as exc:
        raise StudyError(f"{path}: {exc}") from None
