"""A setting's field in the schema: its default, the values it may take and, where one
was judged, the range of values that are still plausible.

:func:`param` declares a field of a schema dataclass with both in its metadata, so that
they stand next to the default; OmegaConf's structured configs ignore the metadata.
:func:`field_bounds` and :func:`field_judged` read them back; :mod:`.parameters` looks
them up by dotted key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_BOUNDS = "imssim_bounds"
_JUDGED = "imssim_judged"


@dataclass(frozen=True)
class Bounds:
    """The values a setting may take: from `low` to `high` (None: no limit on that side),
    both included unless `open_low` (then `low` itself is excluded)."""

    low: float | None = None
    high: float | None = None
    open_low: bool = False

    def admits(self, value: Any) -> bool:
        """Whether `value` lies within the bounds (NaN never does)."""
        if self.low is not None and not (value > self.low if self.open_low else value >= self.low):
            return False
        return self.high is None or value <= self.high

    def text(self, integer: bool = False) -> str:
        """The bounds as an error message gives them: ``in [0, 1]``, ``1..6``, ``>= 0``,
        ``> 0`` (`integer`: a range of whole numbers, written ``low..high``)."""
        low, high = self.low, self.high
        if low is not None and high is not None:
            if integer and not self.open_low:
                return f"{low:g}..{high:g}"
            return f"in {'(' if self.open_low else '['}{low:g}, {high:g}]"
        if low is not None:
            return f"{'>' if self.open_low else '>='} {low:g}"
        if high is not None:
            return f"<= {high:g}"
        return "any number"


@dataclass(frozen=True)
class Judged:
    """The range of values judged plausible for a setting (`low` to `high`), and `why`:
    one sentence saying why these ends."""

    low: float
    high: float
    why: str


def param(
    default: Any = dataclasses.MISSING,
    *,
    factory: Callable[[], Any] | None = None,
    bounds: tuple[float | None, float | None],
    open_low: bool = False,
    judged: tuple[float, float] | None = None,
    why: str | None = None,
) -> Any:
    """A dataclass field with `default` (or a `factory` for a list) and, as metadata, its
    `bounds` (low, high; None: no limit; `open_low`: low excluded) and, where there is
    one, its `judged` range (low, high) with `why` it is plausible."""
    if (judged is None) != (why is None):
        raise TypeError("param: a judged range and its why go together")
    metadata = {
        _BOUNDS: Bounds(bounds[0], bounds[1], open_low),
        _JUDGED: Judged(judged[0], judged[1], why) if judged is not None and why else None,
    }
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def field_bounds(field: dataclasses.Field) -> Bounds | None:
    """The bounds a field was declared with (None: a field with no bounds)."""
    return field.metadata.get(_BOUNDS)


def field_judged(field: dataclasses.Field) -> Judged | None:
    """The judged range a field was declared with (None: none was judged)."""
    return field.metadata.get(_JUDGED)
