"""Partner rings (*schillen*): each state's own view of every other state.

The note (p. 5-13) distinguishes strategic, affiliated (*gelieerde*) and opportunity
(*gelegenheids*) partners "waarbij geldt dat partners door de tijd heen van de ene
schil naar de andere kunnen bewegen". The rings are one state's view of its partners
and need not be mutual: A may count B as strategic while B counts A as affiliated.
The rules, applied to the cooperation record:

- strategic for A: deep bilateral cooperation (some area at form >=
  ``strategic_min_form``), several goals (``strategic_min_areas`` areas at form >= 2,
  an area shared only through a framework counting ``ring_framework_weight``), lasting
  (``strategic_min_years`` years of bilateral form >= ``ring_duration_form``), A's own
  initiative (A proposed at least ``strategic_min_initiative`` of their bilateral ties,
  or they date from before 2012: "initiatief ligt bij de partners zelf"), and priority:
  B is among the ``strategic_max_partners`` partners meeting these criteria that make
  the most capability available to A (A's dependence and goals: "met minder partners,
  maar wel intensiever"); under a policy that names priority partners, only they;
- affiliated: a NATO or EU co-member with cooperation beyond the NATO and EU baseline
  (a bilateral tie or a shared framework): "Met diverse NAVO- en EU-partners bestaan
  - buiten de multilaterale kaders - ook bilaterale samenwerkingsverbanden";
- opportunity: any other cooperation (thematic, often temporary);
- none: no cooperation beyond the baseline.

The depth, breadth and duration criteria are the pair's; initiative and priority are
A's own, so only they make views differ. Hysteresis keeps partners from flickering: a
strategic partner stays strategic until its score falls below ``1 - ring_hysteresis``,
and a partner drops to a lower ring only after ``ring_exit_delay`` consecutive years
below its current one.

A run's rings are a :class:`RingState`: each view's ring, how long it has been below
it, and how long each pair has cooperated deeply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from imssim.config import ModelParams
from imssim.model import kernels
from imssim.model.blocks import any_over_areas, count_over_areas, max_over_areas
from imssim.model.forms import LASTING
from imssim.world import World


class Ring(IntEnum):
    """The rings, from none to strategic (the order is their level)."""

    NONE = 0
    OPPORTUNITY = 1
    AFFILIATED = 2
    STRATEGIC = 3


RING_NAMES = ("none", "opportunity", "affiliated", "strategic")
RING_LEVEL = {name: level for level, name in enumerate(RING_NAMES)}  # 3: strategic


@dataclass(frozen=True)
class RingState:
    """Each state's view of every other (row i: i's view) and what its hysteresis and
    duration criterion remember."""

    ring: np.ndarray  # int8[N, N]: the ring i sees j in (Ring)
    below: np.ndarray  # int16[N, N]: consecutive years j qualified only for a lower ring
    deep_years: np.ndarray  # float[N, N]: years of bilateral form >= ring_duration_form


def initial_deep_years(world: World, start_year: int, p: ModelParams) -> np.ndarray:
    """float[N, N]: years each pair of the record has held a bilateral tie at form >=
    ``ring_duration_form`` by `start_year`."""
    n = world.n_states
    years = np.zeros((n, n))
    deep = world.tie_form >= p.ring_duration_form
    for i, j, s in zip(world.tie_a[deep], world.tie_b[deep], world.tie_since[deep], strict=True):
        years[i, j] = years[j, i] = max(years[i, j], start_year - s)
    np.fill_diagonal(years, 0)
    return years


def one_year_on(state: RingState, bilateral: np.ndarray, p: ModelParams) -> RingState:
    """`state` with one more year counted for every pair holding a bilateral tie at form
    >= ``ring_duration_form`` (and the count of every other pair set back to 0)."""
    if kernels.enabled():
        years = kernels.load("rings").deep_years_on(
            state.deep_years, bilateral, p.ring_duration_form
        )
        return RingState(state.ring, state.below, years)
    deep = max_over_areas(bilateral) >= p.ring_duration_form
    return RingState(state.ring, state.below, np.where(deep, state.deep_years + 1, 0))


def moved(state: RingState, target: np.ndarray, p: ModelParams) -> RingState:
    """`state` moved towards `target` with hysteresis (:func:`update_rings`)."""
    ring, below = update_rings(state.ring, state.below, target, p)
    return RingState(ring, below, state.deep_years)


def strategic_score(
    bilateral: np.ndarray, framework: np.ndarray, deep_years: np.ndarray, p: ModelParams
) -> np.ndarray:
    """float[N, N]: the pair's least-met strategic criterion as a ratio (>= 1: all met).

    `framework` [N, N, A] is the form the pair shares through frameworks beyond the
    baseline; `deep_years` counts years of bilateral form >= ``ring_duration_form``.
    """
    if kernels.enabled():
        _, deepest, n_lasting, n_through = kernels.load("rings").pair_areas(
            bilateral, framework, int(LASTING)
        )
        return _score(deepest, n_lasting, n_through, deep_years, p)
    lasting = bilateral >= LASTING
    through_frameworks = (framework >= LASTING) & ~lasting
    return _score(
        max_over_areas(bilateral),
        count_over_areas(lasting),
        count_over_areas(through_frameworks),
        deep_years,
        p,
    )


def _score(
    deepest: np.ndarray,
    n_lasting: np.ndarray,
    n_through: np.ndarray,
    deep_years: np.ndarray,
    p: ModelParams,
) -> np.ndarray:
    """The least-met strategic criterion from each pair's deepest tie, its areas with a
    lasting tie and those shared at a lasting form through frameworks only."""
    depth = deepest / p.strategic_min_form
    breadth = (n_lasting + p.ring_framework_weight * n_through) / (p.strategic_min_areas)
    duration = deep_years / p.strategic_min_years
    return np.minimum(np.minimum(depth, breadth), duration)


def priority_rank(offer: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """int[N, N]: j's rank among i's candidates by what j makes available to i (0: most).

    Ties go to the lower index; non-candidates rank after all candidates.
    """
    n = offer.shape[0]
    key = np.where(candidates, offer, -np.inf)
    order = np.argsort(-key, axis=1, kind="stable")
    rank = np.empty((n, n), dtype=np.int64)
    rank[np.arange(n)[:, None], order] = np.arange(n)[None, :]
    return rank


_NO_LIMIT = np.zeros((0, 0), dtype=bool)  # no policy limits the strategic candidates


def _criteria(p: ModelParams) -> np.ndarray:
    """The strategic criteria as the compiled ring kernels read them (their rows
    ``C_*`` of :mod:`imssim.model.kernels.rings`)."""
    return np.array(
        [
            int(LASTING),
            p.strategic_min_form,
            p.ring_framework_weight,
            p.strategic_min_areas,
            p.strategic_min_years,
            1.0 - p.ring_hysteresis,
            p.strategic_min_initiative,
        ],
        dtype=float,
    )


def _top_candidates(
    offer: np.ndarray | Callable[[np.ndarray, np.ndarray], np.ndarray],
    candidates: np.ndarray,
    limit: int,
) -> np.ndarray:
    """bool[N, N]: each state's candidates ranked below `limit` by
    :func:`priority_rank`, ranking the candidates only. `offer` is float[N, N] or a
    function giving the offers at (rows, cols)."""
    rows, cols = np.nonzero(candidates)
    values = offer(rows, cols) if callable(offer) else offer[rows, cols]
    # as the stable sort by -offer: the larger offer first, the lower index on a tie
    order = np.lexsort((cols, -values, rows))
    rows, cols = rows[order], cols[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if rows.size else rows
    rank = np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size]))
    out = np.zeros(candidates.shape, dtype=bool)
    keep = rank < limit
    out[rows[keep], cols[keep]] = True
    return out


def target_rings(
    state: RingState,
    bilateral: np.ndarray,
    framework: np.ndarray,
    initiative: np.ndarray,
    offer: np.ndarray | Callable[[np.ndarray, np.ndarray], np.ndarray],
    comember: np.ndarray,
    p: ModelParams,
    priority: np.ndarray | None = None,
) -> np.ndarray:
    """int[N, N]: the ring each state's view of each other qualifies for now.

    `state` gives the current rings (a strategic view holds down to ``1 -
    ring_hysteresis`` of the criteria) and the years of deep cooperation;
    `bilateral` and `framework` [N, N, A] are the forms a pair holds bilaterally and
    shares through frameworks beyond the NATO and EU baseline (a pair with neither
    sees no ring); `initiative` [N, N] counts the bilateral ties i proposed to j (ties
    of the 2012 record count for both) and `offer` [N, N] is the capability j makes
    available to i (or a function giving it at given (rows, cols): only the
    candidates' are needed); `priority` [N, N] (optional) marks the partners a policy
    of few partners lets i treat as priorities: only they can be strategic in i's
    view. Row i is i's view.
    """
    if kernels.enabled():
        rings = kernels.load("rings")
        allowed = _NO_LIMIT if priority is None else priority
        ring, rows, cols = rings.ring_candidates(
            bilateral,
            framework,
            state.deep_years,
            state.ring,
            initiative,
            allowed,
            comember,
            _criteria(p),
        )
        values = offer(rows, cols) if callable(offer) else offer[rows, cols]
        return rings.promote_strategic(ring, rows, cols, values, p.strategic_max_partners)
    any_coop = any_over_areas(bilateral > 0) | any_over_areas(framework > 0)
    score = strategic_score(bilateral, framework, state.deep_years, p)
    threshold = np.where(state.ring == Ring.STRATEGIC, 1.0 - p.ring_hysteresis, 1.0)
    candidates = any_coop & (score >= threshold) & (initiative >= p.strategic_min_initiative)
    if priority is not None:
        candidates &= priority
    np.fill_diagonal(candidates, False)
    strategic = _top_candidates(offer, candidates, p.strategic_max_partners)
    ring = np.where(any_coop, np.where(comember, Ring.AFFILIATED, Ring.OPPORTUNITY), Ring.NONE)
    ring = np.where(strategic, Ring.STRATEGIC, ring)
    np.fill_diagonal(ring, Ring.NONE)
    return ring.astype(np.int8)


def update_rings(
    current: np.ndarray, below: np.ndarray, target: np.ndarray, p: ModelParams
) -> tuple[np.ndarray, np.ndarray]:
    """Move to `target`: up at once, down after `ring_exit_delay` years below."""
    if kernels.enabled():
        return kernels.load("rings").rings_moved(current, below, target, p.ring_exit_delay)
    lower = target < current
    below = np.where(lower, below + 1, 0)
    drop = lower & (below > p.ring_exit_delay)
    new = np.where(target > current, target, current)
    new = np.where(drop, target, new)
    below = np.where(drop, 0, below)
    return new.astype(np.int8), below.astype(np.int16)
