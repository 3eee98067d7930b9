"""Why a state takes a step: the note's three goals, the standing of a known partner,
and what a step binds of a state's forces.

The note weighs cooperation by three goal categories (p. 3): political-strategic
(solidarity and influence), military (effectiveness) and economic (efficiency). This
module is the one definition of how each goal's weight follows from the world, read by
the value of a step (:mod:`imssim.model.step_value`) and of joining a framework
(:mod:`imssim.model.frameworks`):

- the economic goal counts always and more under budget pressure
  (``1 + economic_pressure * pressure``, times ``goal_weight_economic``);
- the military goal rises with one's own threat (``military_weight``, from the
  threat level) and with the alliance's shortfall in the area
  (``alliance_need_weight``);
- the political goal is solidarity with exposed allies and one's own security:
  ``political_base + political_threat * (own exposure + partner's exposure if allied)``,
  where exposure is the rise of a state's threat above its 2012 level (evidence,
  section 5: deterrence, not budget pressure, drove the cooperation of 2014-2017);
- a known partner is worth more and costs less to widen with (the note, p. 5:
  partners extend their cooperation to other areas): familiarity, from the pair's
  deepest form and trust, adds ``widen_value`` and saves ``widen_relief`` of the
  transaction cost; a state's own rings add ``ring_preference`` (p. 9: strategic
  partners are the first for new initiatives);
- sovereignty is a share, not a veto: the autonomy cost scales with the share of the
  state's forces in the area the step binds (:func:`bound_share`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from imssim.config import ModelParams
from imssim.model.forms import Form
from imssim.model.tolerances import EPS

MOTIVES = ("economic", "military", "political")  # the goal that weighed most in a step
TOP_FORM = int(Form.SPECIALISATION)
RING_SHARE = np.array([0.0, 0.0, 0.5, 1.0])  # none, opportunity, affiliated, strategic


def economic_scale(p: ModelParams, pressure: np.ndarray) -> np.ndarray:
    """The weight of a saving: ``goal_weight_economic * (1 + economic_pressure * P)``."""
    return p.goal_weight_economic * (1.0 + p.economic_pressure * pressure)


def political_value(p: ModelParams, own: ArrayLike, partner: ArrayLike, ally: ArrayLike) -> Any:
    """The weighted political value of a step: a standing value among states plus
    solidarity, rising with one's own exposure `own` and, between allies (`ally`, bool),
    with the partner's exposure `partner` (arrays that broadcast together)."""
    solidarity = np.asarray(own) + np.where(ally, partner, 0.0)
    return p.goal_weight_political * (p.political_base + p.political_threat * solidarity)


def military_need(p: ModelParams, own_gap: ArrayLike, alliance_gap: ArrayLike) -> Any:
    """How much a partner's capability is worth for the gaps it would fill: one plus i's
    shortfall against its own need and the alliance's shortfall in the area."""
    return (
        1.0
        + p.need_weight * np.asarray(own_gap)
        + p.alliance_need_weight * np.asarray(alliance_gap)
    )


def familiarity(depth: np.ndarray, trust: np.ndarray) -> np.ndarray:
    """Float in [0, 1]: how well i knows j, the pair's deepest form over all areas (a
    tie or a framework beyond NATO and the EU as such; full from form 3) times i's trust
    in j, which grows with the years they work together: no tie, no familiarity."""
    return np.minimum(depth / 3.0, 1.0) * trust.clip(0.0, 1.0)


def ring_share(ring: np.ndarray) -> np.ndarray:
    """float: the weight of each ring (:data:`imssim.model.rings.RING_NAMES` codes) in
    the preference for one's own partners: 1 strategic, 0.5 affiliated, else 0."""
    return RING_SHARE[np.asarray(ring, dtype=np.intp)]


def relationship_value(
    p: ModelParams, known: np.ndarray, ring: np.ndarray, new_form: ArrayLike
) -> np.ndarray:
    """The value of taking a step with a known partner: ``widen_value`` times
    familiarity `known`, plus ``ring_preference`` times `ring` (:func:`ring_share`: 1 in
    one's strategic ring, half in the affiliated one), growing with the depth of the
    step (`new_form`, full at form 3)."""
    return p.widen_value * known + p.ring_preference * ring * np.asarray(new_form) / 3.0


def transaction_share(p: ModelParams, known: np.ndarray) -> np.ndarray:
    """The share of the transaction cost a pair still pays: familiarity saves up to
    ``widen_relief`` of it (they know each other's staffs and procedures)."""
    return 1.0 - p.widen_relief * known


def bound_share(p: ModelParams, partner_k: np.ndarray, own_ref: np.ndarray) -> np.ndarray:
    """The share of i's forces in an area that a step with j binds: j's holding against
    i's capability base, capped at 1 and at least ``bound_share_floor`` (a Dutch brigade
    in a German division binds part of Germany's army and all of the Dutch one)."""
    share = np.divide(
        partner_k, own_ref, out=np.ones(np.broadcast(partner_k, own_ref).shape), where=own_ref > EPS
    )
    return share.clip(p.bound_share_floor, 1.0)
