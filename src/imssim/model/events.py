"""The changes of the cooperation record, as the mechanisms return them and as a run
keeps them.

Every change is an :class:`Event`. A mechanism that makes many in a year (the steps,
the downgrades, the thematic ties: some hundred a year, thousands a run) returns them
as one :class:`EventBlock`, their fields as columns, instead of an :class:`Event` each.
The run keeps them year by year in an :class:`EventLog`, which gives them back as
(year, :class:`Event`) pairs and, for the events table, as columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class Event(NamedTuple):
    """One change of the cooperation record (indices into the world's tuples); a named
    tuple, since a run records thousands (twice as fast to make as a frozen dataclass)."""

    kind: str  # formed, deepened, downgraded, abandoned, joined, left, founded, ended, ...
    country: int  # a state index (-1: none, for a framework that ended without members)
    partner: int  # a state index, or -1 for a framework
    framework: str  # framework id for joined, left, founded and ended, else ""
    area: int
    from_form: int
    to_form: int
    reason: str
    motive: str = ""  # a step's: the goal that weighed most for the initiator (motives.MOTIVES)


FIELDS = Event._fields  # the order of an event's fields (and of the events table's)
# the fields that hold numbers (state and area indices, forms) and those that hold texts
NUMBERS = tuple(
    FIELDS.index(name) for name in ("country", "partner", "area", "from_form", "to_form")
)
TEXTS = tuple(k for k in range(len(FIELDS)) if k not in NUMBERS)


@dataclass(frozen=True)
class EventBlock:
    """Events as columns: each field a list (or, for a number, an integer array) with a
    value per event, or one value they all share (`country` is never shared: it gives
    their number)."""

    kind: list[str] | str
    country: list[int] | np.ndarray
    partner: list[int] | np.ndarray
    framework: list[str] | str
    area: list[int] | np.ndarray
    from_form: list[int] | np.ndarray | int
    to_form: list[int] | np.ndarray | int
    reason: list[str] | str
    motive: list[str] | str = ""

    def __len__(self) -> int:
        return len(self.country)

    def columns(self) -> list[list]:
        """Each field as a list with a value per event, in the order of :data:`FIELDS`."""
        size = len(self.country)
        return [_listed(getattr(self, name), size) for name in FIELDS]

    def __iter__(self) -> Iterator[Event]:
        return map(Event._make, zip(*self.columns(), strict=True))


def _listed(value: object, size: int) -> list:
    """A block's field as a list of `size` values (Python's own numbers)."""
    if isinstance(value, list):
        return value
    if isinstance(value, np.ndarray):
        return value.tolist()
    return [value] * size


def _array(value: object, size: int) -> np.ndarray:
    """A block's numeric field as an int64 array of `size` values."""
    if isinstance(value, np.ndarray | list):
        return np.asarray(value, dtype=np.int64)
    return np.full(size, value, dtype=np.int64)


Events = list[Event | EventBlock]  # a mechanism's events, in order


class EventLog:
    """A run's events, year by year, in order: the blocks as they came, the single
    events as plain tuples of their fields (which the garbage collector stops tracking:
    a run's thousands of events would otherwise make every collection of a process
    slower as its runs go on). Iterated, and sliced, as (year, :class:`Event`) pairs."""

    def __init__(self) -> None:
        self._years: list[int] = []
        self._parts: list[list[tuple] | EventBlock] = []
        self._size = 0

    def add(self, year: int, events: Events) -> None:
        """Append the `events` of `year` (a later year than any before)."""
        single: list[tuple] = []
        for item in events:
            if isinstance(item, EventBlock):
                self._append(year, single)
                single = []
                self._append(year, item)
            else:
                single.append(tuple(item))
        self._append(year, single)

    def _append(self, year: int, part: list[tuple] | EventBlock) -> None:
        if len(part):
            self._years.append(year)
            self._parts.append(part)
            self._size += len(part)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[tuple[int, Event]]:
        for year, part in zip(self._years, self._parts, strict=True):
            events = part if isinstance(part, EventBlock) else map(Event._make, part)
            for event in events:
                yield year, event

    def __getitem__(self, which: slice) -> list[tuple[int, Event]]:
        return list(self)[which]

    def columns(self) -> tuple[np.ndarray, list[list | np.ndarray]]:
        """int32[events]: each event's year, and each field with a value per event, in
        the order of :data:`FIELDS`: the numbers as int64 arrays, the texts as lists."""
        sizes = [len(part) for part in self._parts]
        years = np.repeat(np.array(self._years, dtype=np.int32), sizes)
        texts: dict[int, list] = {k: [] for k in TEXTS}
        numbers: dict[int, list[np.ndarray]] = {k: [] for k in NUMBERS}
        for part, size in zip(self._parts, sizes, strict=True):
            if isinstance(part, EventBlock):
                values = [getattr(part, name) for name in FIELDS]
                for k in TEXTS:
                    texts[k].extend(_listed(values[k], size))
                for k in NUMBERS:
                    numbers[k].append(_array(values[k], size))
            else:
                columns = list(zip(*part, strict=True))
                for k in TEXTS:
                    texts[k].extend(columns[k])
                for k in NUMBERS:
                    numbers[k].append(np.array(columns[k], dtype=np.int64))
        empty = np.zeros(0, dtype=np.int64)
        fields: list[list | np.ndarray] = [
            texts[k] if k in texts else np.concatenate([empty, *numbers[k]])
            for k in range(len(FIELDS))
        ]
        return years, fields
