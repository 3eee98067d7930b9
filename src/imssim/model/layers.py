"""The forms pairs share through frameworks, kept up to date as memberships change.

Each framework ties all its members in one area at one form; the form a pair shares
in an area through frameworks is the deepest of those they are both members of
(:func:`area_layer`). :class:`FrameworkLayers` keeps these layers for a run (through
all frameworks, and through those beyond the NATO and EU baseline) and the effective
forms that follow from them, and recomputes only the areas whose frameworks' members
changed: a year changes few memberships.
"""

from __future__ import annotations

import numpy as np

from imssim.model import kernels
from imssim.world import Framework


def area_layer(
    members: np.ndarray,
    frameworks: list[Framework] | tuple[Framework, ...],
    area: int,
    skip: np.ndarray | None = None,
) -> np.ndarray:
    """int8[N, N]: the deepest form each pair shares through the frameworks in `area`
    (without those `skip` [F] marks; the diagonal as the members' forms)."""
    n = members.shape[1]
    in_area = [
        f
        for f in range(len(frameworks))
        if frameworks[f].area == area and (skip is None or not skip[f])
    ]
    # shallow forms first, so that a deeper form written later is the one that stays
    order = sorted(in_area, key=lambda f: frameworks[f].form)
    if kernels.enabled():
        forms = np.array([fw.form for fw in frameworks], dtype=np.int8)
        return kernels.load("layers").paint(members, np.array(order, dtype=np.int64), forms)
    layer = np.zeros((n, n), dtype=np.int8)
    for f in order:
        who = np.flatnonzero(members[f])
        if who.size:
            layer[np.ix_(who, who)] = frameworks[f].form
    return layer


class FrameworkLayers:
    """The forms pairs share through frameworks, kept as memberships change: through
    all frameworks (``every``) and through those beyond the NATO and EU baseline
    (``beyond``), both int8[N, N, A] as :func:`imssim.model.frameworks.framework_forms`
    gives them. An update recomputes only the areas of the frameworks whose members
    changed (or that are new)."""

    def __init__(self) -> None:
        """No layers yet: the first update computes every area."""
        self.members: np.ndarray | None = None
        self._given: np.ndarray | None = None  # the memberships of the last update
        self._tables: tuple[tuple[Framework, ...], np.ndarray] = ((), np.zeros((3, 0), np.int64))
        self.every = np.zeros((0, 0, 0), dtype=np.int8)
        self.beyond = np.zeros((0, 0, 0), dtype=np.int8)
        self._effective: tuple[np.ndarray, ...] | None = None  # bilateral, every, eff, forms

    def update(
        self, members: np.ndarray, frameworks: list[Framework], n_areas: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(every, beyond) under `members` [F, N] of `frameworks`; new arrays whenever
        they change, never written afterwards (`members` the array of the last update:
        the same layers, as the mechanisms write no array they were given)."""
        if members is self._given:
            return self.every, self.beyond
        old, n = self.members, members.shape[1]
        if old is None or old.shape[1] != n or old.shape[0] > members.shape[0]:
            old = np.zeros((0, n), dtype=bool)  # every framework is new
            self.every = np.zeros((n, n, n_areas), dtype=np.int8)
            self.beyond = np.zeros((n, n, n_areas), dtype=np.int8)
        if kernels.enabled():
            repaint = kernels.load("layers").repaint
            table = self._table(frameworks)
            every, beyond, changed = repaint(members, old, table, (self.every, self.beyond))
        else:
            every, beyond, changed = self._repaint(members, old, frameworks)
        self._given = members
        if changed:  # else the same memberships in a new array
            self.members, self.every, self.beyond = members.copy(), every, beyond
        return self.every, self.beyond

    def _repaint(
        self, members: np.ndarray, old: np.ndarray, frameworks: list[Framework]
    ) -> tuple[np.ndarray, np.ndarray, bool]:
        """(every, beyond, whether they changed): the layers with the areas of the
        frameworks whose members differ from `old` [F', N] (those beyond its rows are
        new) written anew, in copies."""
        rows = np.flatnonzero((members[: old.shape[0]] != old).any(axis=1))
        changed = [*rows.tolist(), *range(old.shape[0], members.shape[0])]
        if not changed:
            return self.every, self.beyond, False
        every, beyond = self.every.copy(), self.beyond.copy()
        baseline = np.array([fw.purpose == "baseline" for fw in frameworks], dtype=bool)
        idx = np.arange(members.shape[1])
        for ar in sorted({frameworks[f].area for f in changed}):
            # the deepest over all frameworks is the deeper of the deepest over those
            # beyond the baseline and the deepest over the baseline's
            layer = area_layer(members, frameworks, ar, skip=baseline)
            layer[idx, idx] = 0
            beyond[:, :, ar] = layer
            layer = area_layer(members, frameworks, ar)
            layer[idx, idx] = 0
            every[:, :, ar] = layer
        return every, beyond, True

    def _table(self, frameworks: list[Framework]) -> np.ndarray:
        """int[3, F]: each framework's area, form and whether it is beyond the NATO and
        EU baseline (made again only when the frameworks change)."""
        seen, table = self._tables
        if len(seen) != len(frameworks) or any(
            a is not b for a, b in zip(seen, frameworks, strict=True)
        ):
            rows = [[fw.area, fw.form, fw.purpose != "baseline"] for fw in frameworks]
            table = np.array(rows, dtype=np.int64).reshape(-1, 3).T.copy()
            self._tables = (tuple(frameworks), table)
        return table

    def effective(
        self, bilateral: np.ndarray, members: np.ndarray, frameworks: list[Framework]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Effective form per pair and area, the deeper of `bilateral` [N, N, A] and
        ``every``, and per state and area the deepest form over all partners; computed
        again only when `bilateral` or the layers are new arrays (the mechanisms write
        no array they were given, so an array seen before still holds what it held)."""
        every = self.update(members, frameworks, bilateral.shape[2])[0]
        cached = self._effective
        if cached is not None and cached[0] is bilateral and cached[1] is every:
            return cached[2], cached[3]
        if kernels.enabled():
            contiguous = np.ascontiguousarray(bilateral)
            eff, area_form = kernels.load("layers").effective(contiguous, every)
        else:
            eff = np.maximum(bilateral, every)
            # eff is symmetric (ties and frameworks bind both sides), so the deepest form
            # over partners, eff.max(axis=1), is eff.max(axis=0), which numpy reduces faster
            area_form = eff.max(axis=0)
        self._effective = (bilateral, every, eff, area_form)
        return eff, area_form
