"""A sensitivity study: its keys as a typed config dataclass, read and checked completely.

A study is ``conf/sensitivity/<name>.yaml`` or a YAML file elsewhere, changed by
command-line overrides ``key=value``. :class:`Study` is its schema (an OmegaConf
structured config, as the run's :class:`imssim.config.Config` is): an unknown key or a
value of the wrong type is refused, and each key's field names what it must be and the
test a value its type admits must pass. A study's ``parameters`` may list config keys:
each is then varied over the range judged plausible for it, read from the schema
(:func:`imssim.config.judged_parameters`), so that each range is written once, beside
its default; a mapping of keys to ranges ``[low, high]`` gives other ranges. What needs
the model (the parameters are numeric config keys, each range lies within its key's
bounds and both ends pass the config's checks, the years lie in the run) is checked by
:func:`check_model_study`. Every mistake is one line (:class:`StudyError`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigKeyError, OmegaConfBaseException

from imssim.config import (
    Config,
    bounded_settings,
    conf_dir,
    group_options,
    judged_parameters,
    with_values,
)
from imssim.errors import ConfigError, ImssimError
from imssim.outcomes import headline_descriptions

STUDY_GROUP = "sensitivity"  # conf/sensitivity/<study>.yaml
METHODS = ("sobol", "morris")
# the headline outcomes (imssim.outcomes.HEADLINE) and the differences from the
# counterfactual of those it compares (run minus counterfactual)
MODEL_OUTCOMES = headline_descriptions()
# config keys a study cannot vary: what is run and where results go, not the model
_FIXED = ("seed", "start_year", "end_year", "replicates", "focal", "counterfactual")
_FIXED_SECTIONS = ("output", "sweep", "world")
_FOLDER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class StudyError(ImssimError):
    """A study file or a command-line setting of it is wrong (one line)."""


def _rule(must: str, ok: Callable[[Any], bool] | None = None) -> dict[str, Any]:
    """A key's rule, as its field's metadata: what a value must be (the end of its
    one-line error, ``<key>: must <must> (got ...)``) and the test of a value that its type
    admits (None: the type is enough)."""
    return {"must": must, "ok": ok}


def _default_outcomes() -> list[str]:
    return ["capacity_to_act_index", "autonomy", "cooperating_pairs", "mean_form", "shortfall_pct"]


def _whole(low: int) -> dict[str, Any]:
    return _rule(f"be a whole number >= {low}", lambda v: v >= low)


@dataclass(frozen=True)
class Study:
    """A study: what to vary, over which ranges, to explain what, and how.

    Its fields are the keys of a study file, in the order the error messages list them,
    each with its rule (:func:`_rule`); every key but ``parameters`` may be left out.
    ``parameters`` maps a dotted config key to its range ``[low, high]`` (a study file
    may instead list the keys: :func:`judged_ranges`); a checked study has its ``name``
    (by default the file's name) and its ``years`` in order.
    """

    description: str = field(default="", metadata=_rule("be text"))
    method: str = field(
        default="sobol", metadata=_rule("be one of sobol, morris", lambda v: v in METHODS)
    )
    n: int = field(default=64, metadata=_whole(2))  # sobol: base samples, a power of 2
    second_order: bool = field(default=False, metadata=_rule("be true or false"))  # sobol: S2
    trajectories: int = field(default=20, metadata=_whole(2))  # morris
    levels: int = field(default=4, metadata=_whole(2))  # morris: grid levels, even
    seed: int = field(
        default=42, metadata=_rule("be a non-negative whole number", lambda v: v >= 0)
    )
    replicates: int = field(
        default=1, metadata=_rule("be a whole number from 1 to 100", lambda v: 1 <= v <= 100)
    )
    conf_level: float = field(
        default=0.95, metadata=_rule("be a number between 0 and 1", lambda v: 0 < v < 1)
    )
    resamples: int = field(default=200, metadata=_whole(10))  # bootstrap resamples
    parameters: dict[str, Any] = field(
        default_factory=dict,
        metadata=_rule(
            "list parameter keys (each over its judged range) or map each key to its "
            "range [low, high]",
            bool,
        ),
    )
    outcomes: list[str] = field(
        default_factory=_default_outcomes,
        metadata=_rule("be a list of at least one outcome", bool),
    )
    years: list[int] = field(default_factory=list, metadata=_rule("be a list of years"))
    base: list[str] = field(  # overrides of every run, as on the imssim command line
        default_factory=list,
        metadata=_rule("be a list of overrides key=value", lambda v: all("=" in b for b in v)),
    )
    name: str | None = field(
        default=None,
        metadata=_rule(
            "be a folder name of letters, digits, '_', '.' and '-'",
            lambda v: v is not None and _FOLDER_NAME.fullmatch(v) is not None,
        ),
    )

    @property
    def keys(self) -> list[str]:
        """The parameters' config keys, in the study's order."""
        return list(self.parameters)

    @property
    def ranges(self) -> list[tuple[str, Any, Any]]:
        """(key, low, high) of each parameter, in the study's order."""
        return [(key, low, high) for key, (low, high) in self.parameters.items()]

    @functools.cached_property
    def integers(self) -> frozenset[str]:
        """The parameters that are whole numbers in the config: their samples are rounded."""
        return frozenset(key for key in self.parameters if config_leaf(key) is int)

    def typed(self, key: str, value: Any) -> int | float:
        """A sampled value of a parameter as the config takes it (int or float)."""
        return int(value) if key in self.integers else float(value)

    @property
    def n_samples(self) -> int:
        """The number of samples the method draws."""
        k = len(self.parameters)
        if self.method == "morris":
            return self.trajectories * (k + 1)
        return self.n * (2 * k + 2 if self.second_order else k + 2)

    def targets(self) -> list[tuple[str, int | None]]:
        """(outcome, year) pairs the study explains; year None: the last year."""
        years: tuple[int | None, ...] = tuple(self.years) or (None,)
        return [(outcome, year) for outcome in self.outcomes for year in years]

    def as_dict(self, source: str = "") -> dict[str, Any]:
        """The study as its manifest records it (`source`: the file it was read from)."""
        return {
            "name": self.name,
            "description": self.description,
            "source": source,
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
            "parameters": {key: [lo, hi] for key, lo, hi in self.ranges},
            "integer_parameters": sorted(self.integers),
            "outcomes": list(self.outcomes),
            "years": list(self.years),
            "base": list(self.base),
            "samples": self.n_samples,
        }


STUDY_KEYS = tuple(f.name for f in dataclasses.fields(Study))


def column(outcome: str, year: int | None) -> str:
    """The column of an outcome in a year in runs.parquet (year None: the last year)."""
    return outcome if year is None else f"{outcome}@{year}"


def _fail(key: str, message: str) -> typing.NoReturn:
    raise StudyError(f"{key}: {message}")


def _unknown_key(key: str) -> typing.NoReturn:
    _fail(key, f"unknown key (the keys of a study: {', '.join(STUDY_KEYS)})")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# ------------------------------------------------------------- the study's own checks


def parse_study(
    data: Any,
    name: str,
    *,
    source: str = "",
    outcomes: Mapping[str, str] | Sequence[str] = tuple(MODEL_OUTCOMES),
) -> Study:
    """Check a study (a mapping as read from its file) against :class:`Study` and return it.

    Checks every key but those that need the model (config keys, bounds the config
    accepts, years of the run: :func:`check_model_study`); ``parameters`` given as a list
    of config keys become their judged ranges (:func:`judged_ranges`). `name` is the
    study's name when it sets none; `outcomes` are the outcome names allowed; `source`
    (the file) begins each error message.
    """
    try:
        if isinstance(data, Mapping) and isinstance(data.get("parameters"), list):
            data = {**data, "parameters": judged_ranges(data["parameters"])}
        study = _structured(data)
        study = dataclasses.replace(
            study,
            name=name if study.name is None else study.name,
            years=sorted(study.years),
            description=study.description.strip(),
        )
        check_study(study, list(outcomes))
    except StudyError as exc:
        raise StudyError(f"{source}: {exc}" if source else str(exc)) from None
    return study


@functools.cache
def _schema() -> DictConfig:
    """:class:`Study` as an OmegaConf schema, built once (a merge copies it)."""
    return OmegaConf.structured(Study)


def _structured(data: Any) -> Study:
    """`data` merged into the schema: unknown keys and wrong types give one line."""
    if not isinstance(data, Mapping) or not data:
        raise StudyError("the study is empty or not a mapping of keys to values")
    # a single outcome, year or override stands for a list of one
    lists = _list_keys()
    wrapped = {
        k: [v] if k in lists and isinstance(v, str | int | float) else v for k, v in data.items()
    }
    merged = _schema()
    for key, value in wrapped.items():  # key by key: an error names its key
        try:
            merged = OmegaConf.merge(merged, {key: value})
        except OmegaConfBaseException as exc:
            if isinstance(exc, ConfigKeyError) or key not in STUDY_KEYS:
                _unknown_key(str(key))
            _must(key, data[key])
    try:
        return OmegaConf.to_object(merged)  # type: ignore[return-value]
    except OmegaConfBaseException as exc:  # e.g. ${...} in a text, read as a reference
        key = re.split(r"[.\[]", str(getattr(exc, "full_key", "") or ""))[0]
        if key not in STUDY_KEYS:
            raise StudyError(str(exc).strip().splitlines()[0]) from None
        _must(key, data[key])


@functools.cache
def _list_keys() -> frozenset[str]:
    hints = typing.get_type_hints(Study)
    return frozenset(key for key in STUDY_KEYS if typing.get_origin(hints[key]) is list)


def _must(key: str, value: Any) -> typing.NoReturn:
    """Fail with what the key's value must be (its field says), and the value given."""
    must = next(f for f in dataclasses.fields(Study) if f.name == key).metadata["must"]
    got = "" if key in ("description", "parameters", "outcomes") else f" (got {value!r})"
    _fail(key, f"must {must}{got}")


def check_study(study: Study, outcomes: Sequence[str] = tuple(MODEL_OUTCOMES)) -> None:
    """Check the values that a study's types admit (one-line :class:`StudyError`): each
    key's own test, then those across keys; `outcomes` are the outcome names allowed."""
    for f in dataclasses.fields(Study):
        value = getattr(study, f.name)
        ok = f.metadata["ok"]
        if ok is not None and not ok(value):
            _must(f.name, value)
    if study.method == "sobol" and study.n & (study.n - 1):
        _fail("n", f"must be a power of 2 for Sobol' sampling, e.g. 32, 64, 128 (got {study.n})")
    if study.levels % 2:
        _fail("levels", f"must be even (got {study.levels})")
    for key, bounds in study.parameters.items():
        where = f"parameters.{key}"
        if not isinstance(bounds, list) or len(bounds) != 2 or not all(map(_is_number, bounds)):
            _fail(where, f"must be a range [low, high] of two numbers (got {bounds!r})")
        low, high = bounds
        if not low < high:
            _fail(where, f"the low end must lie below the high end (got [{low}, {high}])")
    for outcome in study.outcomes:
        if outcome not in outcomes:
            _fail("outcomes", f"unknown outcome {outcome!r} (one of: {', '.join(outcomes)})")
    if len(set(study.outcomes)) < len(study.outcomes):
        _fail("outcomes", "names an outcome twice")
    if len(set(study.years)) < len(study.years):
        _fail("years", "names a year twice")


# ---------------------------------------------------------------- the model's study


@functools.cache
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
    in the run; return the study and the base config (with the study's seed and
    replicates)."""
    for item in study.base:
        key = item.split("=", 1)[0].lstrip("+~")
        if key in ("seed", "replicates"):
            _fail("base", f"sets {key}: give the study's own `{key}` instead")
        if key in study.keys:
            _fail("base", f"sets {key}, which the study varies")
    base = _base_config(study.base)
    for key, low, high in study.ranges:
        check_parameter_key(key)
        check_parameter_range(key, low, high)
    _check_corners(study, base)
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
    return study, dataclasses.replace(base, seed=study.seed, replicates=study.replicates)


def judged_ranges(keys: Any) -> dict[str, list[int | float]]:
    """The ranges of the parameters a study lists by key: each key's range judged
    plausible in the schema (:func:`imssim.config.judged_parameters`), in the list's
    order. A key that is not a number a study can vary, or that has no judged range, is
    a one-line :class:`StudyError`."""
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        _must("parameters", keys)
    if len(set(keys)) < len(keys):
        _fail("parameters", "names a parameter twice")
    judged = judged_parameters()
    ranges: dict[str, list[int | float]] = {}
    for key in keys:
        kind = check_parameter_key(key)
        if key not in judged:
            _fail(
                f"parameters.{key}",
                "has no judged range in the schema; give its range explicitly, "
                f"`{key}: [low, high]` under parameters (parameters.{key}=[low,high] "
                "on the command line)",
            )
        ranges[key] = [kind(judged[key].low), kind(judged[key].high)]
    return ranges


def check_parameter_key(key: str) -> type:
    """A parameter is a numeric config key a study can vary; return its type."""
    kind = config_leaf(key)
    if kind is None:
        close = [k for k in numeric_keys() if k.split(".")[-1] == key.split(".")[-1]]
        hint = f"; did you mean {close[0]}?" if close else ""
        _fail(
            f"parameters.{key}",
            f"not a number in the config that a study can vary{hint} "
            "(the keys of params, policy, scenario and catalyst, as on the command line)",
        )
    return kind


def check_parameter_range(key: str, low: Any, high: Any) -> None:
    """A whole-number key has a whole-number range; a range lies within its key's bounds
    in the schema (:func:`imssim.config.bounded_settings`)."""
    integer = config_leaf(key) is int
    if integer and not all(isinstance(b, int) and not isinstance(b, bool) for b in (low, high)):
        _fail(f"parameters.{key}", f"takes whole numbers (got [{low}, {high}])")
    limits = bounded_settings().get(key)  # None: checked by the config's checks alone
    if limits is not None and not (limits.admits(low) and limits.admits(high)):
        _fail(
            f"parameters.{key}",
            f"the range must lie within the setting's bounds, {limits.text(integer)} "
            f"(got [{low}, {high}])",
        )


def _check_corners(study: Study, base: Config) -> None:
    """Each end of each range, and all lows and all highs together, pass the config's checks."""
    corners = [{key: end} for key, low, high in study.ranges for end in (low, high)]
    corners.append({key: low for key, low, _ in study.ranges})
    corners.append({key: high for key, _, high in study.ranges})
    for corner in corners:
        try:
            with_values(base, {k: study.typed(k, v) for k, v in corner.items()})
        except ConfigError as exc:
            what = (
                f"parameters.{next(iter(corner))}: the value {next(iter(corner.values()))}"
                if len(corner) == 1
                else "parameters: all at their low (or high) ends together"
            )
            raise StudyError(f"{what} is refused: {exc}") from None


def _base_config(base: Sequence[str]) -> Config:
    from hydra.errors import HydraException

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


# ------------------------------------------------------------ files and overrides


def study_file(study: str | Path, group: str = STUDY_GROUP) -> Path:
    """The file of a study: a name in conf/<group>/ (conf/sensitivity/ by default) or a
    path to a YAML file."""
    text = str(study)
    if text.endswith((".yaml", ".yml")) or "/" in text:
        path = Path(text)
        if not path.is_file():
            raise StudyError(f"no study file {path}")
        return path
    folder = conf_dir() / group
    path = folder / f"{text}.yaml"
    if not path.is_file():
        known = ", ".join(group_options(group))
        raise StudyError(f"no study named {text!r} in {folder} (one of: {known})")
    return path


def read_study_file(path: Path) -> Any:
    """The content of a study file as YAML reads it (a YAML error is one line)."""
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
    ``base=[scenario=deep_cuts,counterfactual=none]``, ``parameters=[catalyst]``);
    ``parameters.<key>=[lo,hi]`` sets one parameter's range (adding it if the study lacks
    it; a study that lists its keys keeps their judged ranges)."""
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
            params = out.get("parameters") or {}
            if isinstance(params, list):  # keys listed: over their judged ranges
                params = judged_ranges(params)
            if not isinstance(params, Mapping):
                _must("parameters", params)
            out["parameters"] = {**params, key.split(".", 1)[1]: value}
        elif key in STUDY_KEYS:
            out[key] = value
        else:
            _unknown_key(key)
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
