"""A claim's verdict: the comparisons it consists of, whether each holds, and by how much.

Each claim is a function (some claims in two parts) from run tables, one per seed, to a
:class:`Verdict`: the comparisons (:class:`Check`) the claim consists of, whether each
holds, and by how much. Every comparison is over medians, means or all seeds, never a
single lucky draw. The margin of a comparison is its relative slack: the side that must
be larger minus the other, divided by the larger magnitude of the two (positive: holds
with room to spare; -1 when a side cannot be computed). A claim's margin is that of its
closest comparison. Checks of hard limits (the autonomy test's caps on the forms) have
no margin: they hold or not.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Check:
    """One comparison of a claim: ``left op right``, e.g. a median against another."""

    what: str
    left: float
    op: str
    right: float
    limit: bool = False  # a hard limit: holds or not, no margin

    @property
    def holds(self) -> bool:
        """Whether the comparison holds."""
        return bool(_OPS[self.op](self.left, self.right))

    @property
    def margin(self) -> float:
        """Relative slack (see the module's docstring); NaN for a limit."""
        if self.limit:
            return math.nan
        if math.isnan(self.left) or math.isnan(self.right):
            return -1.0
        if self.op in ("<", "<="):
            larger, smaller = self.right, self.left
        elif self.op in (">", ">="):
            larger, smaller = self.left, self.right
        else:
            return 0.0 if self.holds else -1.0
        scale = max(abs(self.left), abs(self.right))
        return 0.0 if scale == 0 else (larger - smaller) / scale

    def __str__(self) -> str:
        return f"{self.what}: {self.left:.4g} {self.op} {self.right:.4g}"


@dataclass(frozen=True)
class Verdict:
    """Whether a claim (or a part of it) holds, with every comparison behind it."""

    claim: str
    checks: tuple[Check, ...]

    @property
    def holds(self) -> bool:
        """Whether every check of the claim holds."""
        return all(c.holds for c in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        """The checks that do not hold."""
        return tuple(c for c in self.checks if not c.holds)

    @property
    def closest(self) -> Check | None:
        """The comparison that decides: the worst failure, or the one with least room."""
        pool = self.failed or self.checks
        graded = [c for c in pool if not c.limit]
        if not graded:
            return pool[0] if pool else None
        return min(graded, key=lambda c: c.margin)

    @property
    def margin(self) -> float:
        """The closest comparison's margin: -1 if a hard limit fails, NaN if there is none."""
        closest = self.closest
        if closest is None:
            return math.nan
        if closest.limit:
            return math.nan if closest.holds else -1.0
        return closest.margin

    def __add__(self, other: Verdict) -> Verdict:
        return Verdict(self.claim, self.checks + other.checks)

    def __str__(self) -> str:
        if self.holds:
            return f"claim {self.claim} holds (margin {self.margin:+.3f}; closest: {self.closest})"
        lines = [f"claim {self.claim} fails on {len(self.failed)} of {len(self.checks)}:"]
        return "\n  ".join(lines + [str(c) for c in self.failed])
