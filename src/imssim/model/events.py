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


@dataclass(frozen=True)
class EventBlock:
    """Events as columns: each field a list with a value per event, or one value they
    all share (`country` is always a list: it gives their number)."""

    kind: list[str] | str
    country: list[int]
    partner: list[int]
    framework: list[str] | str
    area: list[int]
    from_form: list[int] | int
    to_form: list[int] | int
    reason: list[str] | str
    motive: list[str] | str = ""

    def __len__(self) -> int:
        return len(self.country)

    def columns(self) -> list[list]:
        """Each field as a list with a value per event, in the order of :data:`FIELDS`."""
        size = len(self.country)
        return [
            value if isinstance(value, list) else [value] * size
            for value in (getattr(self, name) for name in FIELDS)
        ]

    def __iter__(self) -> Iterator[Event]:
        return map(Event._make, zip(*self.columns(), strict=True))


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

    def columns(self) -> tuple[np.ndarray, list[list]]:
        """int32[events]: each event's year, and each field as a list with a value per
        event, in the order of :data:`FIELDS`."""
        sizes = [len(part) for part in self._parts]
        years = np.repeat(np.array(self._years, dtype=np.int32), sizes)
        fields: list[list] = [[] for _ in FIELDS]
        for part in self._parts:
            columns = part.columns() if isinstance(part, EventBlock) else zip(*part, strict=True)
            for field, values in zip(fields, columns, strict=True):
                field.extend(values)
        return years, fields
