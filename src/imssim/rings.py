"""Partner rings (*schillen*): every state's view of every other state.

The note (p. 5-13) distinguishes strategic, affiliated (*gelieerde*) and opportunity
(*gelegenheids*) partners "waarbij geldt dat partners door de tijd heen van de ene
schil naar de andere kunnen bewegen". The rules, applied to the cooperation record:

- strategic: deep cooperation (some area at form >= ``strategic_min_form``), several
  goals (``strategic_min_areas`` areas at form >= 2, pooling or deeper), lasting
  (``strategic_min_years`` years of form >= ``ring_duration_form``), and an initiative
  of the partners themselves (``strategic_min_bilateral`` bilateral areas, not only
  shared frameworks);
- affiliated: a NATO or EU co-member with any cooperation;
- opportunity: any other cooperation (thematic, often temporary);
- none: no cooperation.

Hysteresis keeps partners from flickering: a strategic partner stays strategic until
its score falls below ``1 - ring_hysteresis``, and a partner drops to a lower ring
only after ``ring_exit_delay`` consecutive years below its current one.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from imssim.config import ModelParams
from imssim.forms import LASTING


class Ring(IntEnum):
    NONE = 0
    OPPORTUNITY = 1
    AFFILIATED = 2
    STRATEGIC = 3


RING_NAMES = ("none", "opportunity", "affiliated", "strategic")
RING_LEVEL = {name: level for level, name in enumerate(RING_NAMES)}  # 3: strategic


def strategic_score(
    eff: np.ndarray, bilateral: np.ndarray, deep_years: np.ndarray, p: ModelParams
) -> np.ndarray:
    """float[N, N]: the least-met strategic criterion as a ratio (>= 1: all met)."""
    depth = eff.max(axis=2) / p.strategic_min_form
    breadth = (eff >= LASTING).sum(axis=2) / p.strategic_min_areas
    duration = deep_years / p.strategic_min_years
    score = np.minimum(np.minimum(depth, breadth), duration)
    if p.strategic_min_bilateral > 0:
        initiative = (bilateral >= LASTING).sum(axis=2) / p.strategic_min_bilateral
        score = np.minimum(score, initiative)
    return score


def target_rings(
    eff: np.ndarray,
    bilateral: np.ndarray,
    deep_years: np.ndarray,
    comember: np.ndarray,
    current: np.ndarray,
    p: ModelParams,
) -> np.ndarray:
    """int[N, N]: the ring each pair qualifies for now (strategic with hysteresis)."""
    score = strategic_score(eff, bilateral, deep_years, p)
    threshold = np.where(current == Ring.STRATEGIC, 1.0 - p.ring_hysteresis, 1.0)
    any_coop = eff.max(axis=2) > 0
    ring = np.where(any_coop, np.where(comember, Ring.AFFILIATED, Ring.OPPORTUNITY), Ring.NONE)
    ring = np.where(any_coop & (score >= threshold), Ring.STRATEGIC, ring)
    np.fill_diagonal(ring, Ring.NONE)
    return ring.astype(np.int8)


def update_rings(
    current: np.ndarray, below: np.ndarray, target: np.ndarray, p: ModelParams
) -> tuple[np.ndarray, np.ndarray]:
    """Move to `target`: up at once, down after `ring_exit_delay` years below."""
    lower = target < current
    below = np.where(lower, below + 1, 0)
    drop = lower & (below > p.ring_exit_delay)
    new = np.where(target > current, target, current)
    new = np.where(drop, target, new)
    below = np.where(drop, 0, below)
    return new.astype(np.int8), below.astype(np.int16)
