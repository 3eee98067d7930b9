"""The numeric settings by their dotted keys, as on the command line (``catalyst``,
``policy.autonomy_weight``, ``params.trust_gain``): their bounds and judged ranges.

Both are read from the schema's field metadata (:func:`imssim.config.fields.param`), so
each stands next to its default in :mod:`imssim.config.schema`; the checks, the
robustness study and the sensitivity studies read them here.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Any

from imssim.config.fields import Bounds, Judged, field_bounds, field_judged
from imssim.config.schema import Config
from imssim.errors import ConfigError


@functools.cache
def _settings() -> dict[str, tuple[dataclasses.Field, Any]]:
    """Every setting of :class:`Config` (nested parts included, list entries not) by
    dotted key, with its field and its type."""
    found: dict[str, tuple[dataclasses.Field, Any]] = {}

    def walk(cls: Any, prefix: str) -> None:
        """Add the settings of the dataclass `cls`, their keys starting with `prefix`."""
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            hint = hints[f.name]
            if isinstance(hint, type) and dataclasses.is_dataclass(hint):
                walk(hint, f"{prefix}{f.name}.")
            else:
                found[f"{prefix}{f.name}"] = (f, hint)

    walk(Config, "")
    return found


def _field(key: str) -> dataclasses.Field:
    try:
        return _settings()[key][0]
    except KeyError:
        raise ConfigError(f"{key}: no such setting") from None


def bounds(key: str) -> Bounds:
    """The values the setting `key` may take (ConfigError for a key without bounds)."""
    found = field_bounds(_field(key))
    if found is None:
        raise ConfigError(f"{key}: not a numeric setting with bounds")
    return found


def judged_range(key: str) -> Judged:
    """The range of `key` judged plausible, with why (ConfigError if none was judged)."""
    found = field_judged(_field(key))
    if found is None:
        raise ConfigError(f"{key}: no plausible range has been judged for this setting")
    return found


def judged_parameters() -> dict[str, Judged]:
    """Every setting with a judged range, by key, in the schema's order."""
    out = {}
    for key, (f, _) in _settings().items():
        judged = field_judged(f)
        if judged is not None:
            out[key] = judged
    return out


def bounded_settings() -> dict[str, Bounds]:
    """Every setting with bounds, by key, in the schema's order."""
    out = {}
    for key, (f, _) in _settings().items():
        found = field_bounds(f)
        if found is not None:
            out[key] = found
    return out


def is_integer(key: str) -> bool:
    """Whether the setting `key` takes whole numbers."""
    _field(key)
    return _settings()[key][1] is int
