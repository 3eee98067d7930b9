"""A mapping turned into a :class:`~imssim.config.schema.Config` one top-level key at a
time, each key's result kept for the next mapping that gives the key the same value.

Merging a whole mapping into the schema (``OmegaConf.merge``) takes some 30 ms, most of
it spent on the scenario and the model's parameters. A sweep's jobs, and the command's
check of a sweep, turn many mappings into configs that differ by a few keys (a seed, a
scenario, one parameter): here each top-level key (``seed``, ``scenario``, ``params``
...) is merged on its own, into a schema of that one field with the type and default
:class:`Config` gives it, and the result is kept, keyed by the value given. A config of
a new seed then costs a fraction of a millisecond besides the checks.

It is the same merge, field by field: OmegaConf merges each key of a mapping into the
schema's node of that key, whatever the other keys hold. It is used only where that is
so beyond doubt: every key known, every value made of plain dicts, lists, strings,
numbers, booleans and None, and no string OmegaConf would read as an interpolation or a
missing value. Anything else, and any value the merge refuses, goes through the whole
merge (:func:`imssim.config.convert.to_config`), which gives its error word for word.
The values checks (:func:`imssim.config.checks.check_values`) are the caller's, on the
whole config, every time.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import typing
from typing import Any

from omegaconf import DictConfig, OmegaConf

from imssim.config.schema import Config

KEPT = 256  # results kept per process (a sweep of many parameter sets keeps the newest)
_NOT_GIVEN = "<not given>"  # the key of a field the mapping leaves out (its default)
_results: dict[tuple[str, str], Any] = {}


def by_section(mapping: dict[Any, Any]) -> Config | None:
    """`mapping` (nested, without dotted keys) as a Config, from the results kept for its
    keys' values where there are some; None when it must go through the whole merge
    (see the module's description). Not yet checked."""
    if not all(isinstance(key, str) and key in _fields() for key in mapping):
        return None  # an unknown key: the whole merge names it
    parts: dict[str, Any] = {}
    for name in _fields():
        given = name in mapping
        text = fingerprint(mapping[name]) if given else _NOT_GIVEN
        if text is None:
            return None
        part = _results.get((name, text))
        if part is None:
            part = _merged(name, mapping[name] if given else None, given)
            if part is None:
                return None
            if len(_results) >= KEPT:
                del _results[next(iter(_results))]
            _results[name, text] = part
        # a copy: a config's parts are its own, whatever a caller does with them
        parts[name] = part if isinstance(part, _SCALARS) else copy.deepcopy(part)
    return Config(**parts)


_SCALARS = (int, float, str, bool, type(None))


def _merged(name: str, value: Any, given: bool) -> Any:
    """The value of field `name` once `value` is merged into its schema (its default
    when not `given`); None when the merge refuses it."""
    schema = _field_schema(name)
    try:
        merged = OmegaConf.merge(schema, {name: value}) if given else schema
        return getattr(OmegaConf.to_object(merged), name)
    except Exception:  # refused: the whole merge gives the error
        return None


@functools.cache
def _fields() -> dict[str, Any]:
    """Config's fields by name, with their resolved types."""
    hints = typing.get_type_hints(Config)
    return {f.name: (f, hints[f.name]) for f in dataclasses.fields(Config)}


@functools.cache
def _field_schema(name: str) -> DictConfig:
    """A schema of Config's one field `name`: its type and default, nothing else."""
    f, hint = _fields()[name]
    default = (
        dataclasses.field(default_factory=f.default_factory)
        if f.default_factory is not dataclasses.MISSING
        else dataclasses.field(default=f.default)
    )
    only = dataclasses.make_dataclass(f"Only_{name}", [(name, hint, default)])
    return OmegaConf.structured(only)


def fingerprint(value: Any) -> str | None:
    """A text that differs for any two different values (``repr`` of plain containers),
    or None when `value` holds anything but plain dicts (with string keys), lists,
    strings, numbers, booleans and None, or a string OmegaConf reads otherwise (``${``:
    an interpolation; ``???``: a missing value)."""
    return repr(value) if _plain(value) else None


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return "${" not in value and value != "???"
    if kind in (int, float, bool) or value is None:
        return True
    if kind is list:
        return all(_plain(v) for v in value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def clear() -> None:
    """Forget the results kept (tests compare with and without them)."""
    _results.clear()
