"""Downgrades: bilateral ties lowered or ended when their conditions no longer hold.

docs/ODD.md, 7.8. Each year every bilateral tie is checked, once per pair and area,
against the reasons in their order of precedence; the first that holds lowers the tie
one form (or to what a policy allows) or ends it. A form-6 tie that ends takes with it
what the dependent handed over.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from imssim.model import kernels
from imssim.model.blocks import nonzero3
from imssim.model.cooperation import CooperationRules, CoopState, CoopYear, Standing
from imssim.model.events import EventBlock, Events
from imssim.model.forms import SHALLOW_LIMIT, Form
from imssim.model.keyed_uniforms import uniforms, year_key
from imssim.model.tolerances import EPS

SPECIALISATION = int(Form.SPECIALISATION)
REASONS = ("policy", "policy", "partner_cut", "partner_cut", "trust_fell", "fit_lost", "expired")


@dataclass(frozen=True)
class Verdicts:
    """Per tie checked (i < j): its form, the form it goes to and the reason that
    applies (-1: none), and whether i is the side that ends or lowers it."""

    form: np.ndarray  # int64
    to: np.ndarray  # int
    which: np.ndarray  # int: index into REASONS, -1 when the tie holds
    first_is_i: np.ndarray  # bool


def downgrade(
    rules: CooperationRules, state: CoopState, year: CoopYear, rng: np.random.Generator
) -> tuple[CoopState, Standing, Events]:
    """Downgrade or abandon bilateral ties whose conditions no longer hold: the record
    and the standing after (what a dependent handed over is lost with a form-6 tie),
    and the events.

    Reasons, checked in this order (one per tie and year): ``policy`` (above what
    a policy allows, or a shallow tie, up to ``prune_max_form``, with a partner
    outside a side's priority list, ended with probability ``prune_rate`` a
    year under "fewer partners, more intensively"), ``partner_cut`` (a side no
    longer holds the capability, or cut it by more than ``cut_tolerance`` this year:
    one level down), ``trust_fell``
    (trust below what the form below requires, minus ``trust_margin``), ``fit_lost``
    (fit below what the form below requires, minus ``fit_margin``) and ``expired``
    (joint hire ends with probability 1 / ``hire_duration`` a year). A tie is thus
    formed at its form's requirement but kept down to the requirement of the form
    below: a band of one form against flicker at the threshold.
    """
    bil = state.bilateral
    if kernels.enabled():
        return _downgrade_compiled(rules, state, year, rng)
    iu, ju, au = nonzero3(bil > 0)
    upper = iu < ju  # each pair once (the record is symmetric), in row-major order
    ties = iu[upper], ju[upper], au[upper]
    # one key a year whether or not a tie exists, and each tie's draws keyed by it, so
    # that two runs with the same seed draw the same number for the same tie (common
    # random numbers)
    key = year_key(rng)
    if ties[0].size == 0:
        return state, year.states, []
    verdicts = _verdicts(rules, state, year, ties, key)
    return _lower(state, year, ties, verdicts)


def _downgrade_compiled(
    rules: CooperationRules, state: CoopState, year: CoopYear, rng: np.random.Generator
) -> tuple[CoopState, Standing, Events]:
    """What :func:`downgrade` gives, with the verdicts and the lowered record of one
    compiled pass (:func:`imssim.model.kernels.downgrades.lowered`), the same draws."""
    p, fm, policy, bil = rules.params, rules.forms, year.policy, state.bilateral
    key = year_key(rng)
    if not bil.any():  # no tie (the record is symmetric, its diagonal empty)
        return state, year.states, []
    pruning = bool((policy.prune_rate > 0).any())
    inputs = (
        state.dependent,
        key,
        (state.trust, year.pairs.fit),
        year.pairs.priority,
        (year.states.k, year.states.cut),
        policy.allowed,
        (policy.prune_rate, policy.prune_max_form),
        (fm.trust_required, fm.fit_required),
        np.array(
            [p.cut_tolerance, p.trust_margin, p.fit_margin, 1.0 / p.hire_duration, float(pruning)]
        ),
    )
    lowered = kernels.load("downgrades").lowered
    changed, bil, since = lowered((bil, state.since), year.year, inputs)
    if changed.shape[1] == 0:
        return state, year.states, []
    return _ended(state, year, list(changed), (bil, since))


def _verdicts(
    rules: CooperationRules,
    state: CoopState,
    year: CoopYear,
    ties: tuple[np.ndarray, np.ndarray, np.ndarray],
    key: np.uint64,
) -> Verdicts:
    """The reason that applies to each tie, if any, and what it does; `key`: the year's
    key of the ties' draws (:mod:`imssim.model.keyed_uniforms`): a tie's expiry draw is
    the uniform of its flat index into [N, N, A], its two sides' pruning draws those of
    that index plus one and two times the array's size."""
    p, fm = rules.params, rules.forms
    iu, ju, au = ties
    k, cut, policy, priority = year.states.k, year.states.cut, year.policy, year.pairs.priority
    # flat indices into the [N, N], [N, A] and [N, N, A] arrays: one take each
    n, _, a = state.bilateral.shape
    ij, ji, ia, ja = iu * n + ju, ju * n + iu, iu * a + au, ju * a + au
    f = state.bilateral.take(ij * a + au).astype(np.int64)
    limit = np.minimum(policy.allowed.take(ia), policy.allowed.take(ja))
    limit = np.where(priority.take(ij) & priority.take(ji), limit, np.minimum(limit, SHALLOW_LIMIT))
    dep_ij = state.dependent.take(ij * a + au)
    dep_ji = state.dependent.take(ji * a + au)
    # a dependent legitimately holds nothing; its provider must hold the capability
    gone_i = (k.take(ia) <= EPS) & ~dep_ij
    gone_j = (k.take(ja) <= EPS) & ~dep_ji
    cut_i = (cut.take(ia) > p.cut_tolerance) & ~dep_ij
    cut_j = (cut.take(ja) > p.cut_tolerance) & ~dep_ji
    trust_ij, trust_ji = state.trust.take(ij), state.trust.take(ji)
    trust_min = np.minimum(trust_ij, trust_ji)
    prune_i = prune_j = np.zeros(iu.size, dtype=bool)
    if (policy.prune_rate > 0).any():
        size = state.bilateral.size
        draw_i, draw_j = uniforms(key, ij * a + au + size), uniforms(key, ij * a + au + 2 * size)
        rate, max_form = policy.prune_rate, policy.prune_max_form
        prune_i = ~priority[iu, ju] & (f <= max_form[iu]) & (draw_i < rate[iu])
        prune_j = ~priority[ju, iu] & (f <= max_form[ju]) & (draw_j < rate[ju])
    expire_draw = uniforms(key, ij * a + au)
    # the reasons in their order of precedence (REASONS): the first that holds applies
    below = np.maximum(f - 1, 0)
    conditions = [
        f > limit,
        prune_i | prune_j,
        gone_i | gone_j,
        cut_i | cut_j,
        trust_min < fm.trust_required[below] - p.trust_margin,
        year.pairs.fit.take(ij) < fm.fit_required[below] - p.fit_margin,
        (f == Form.JOINT_HIRE) & (expire_draw < 1.0 / p.hire_duration),
    ]
    # the first condition that holds, -1 where none does (as np.select picks it)
    held = np.array(conditions)  # [reasons, ties]
    which = np.where(held.any(axis=0), held.argmax(axis=0), -1)
    tie = np.arange(iu.size)
    zero = np.zeros(iu.size, dtype=np.int64)
    to_each = np.array([limit, zero, zero, below, below, below, zero])
    to = np.where(which >= 0, to_each[np.maximum(which, 0), tie], -1)
    # who ends or lowers the tie: the side that prunes, or the other side of the one
    # that no longer holds or cut the capability, or the side that trusts less
    true = np.ones(iu.size, dtype=bool)
    first_each = np.array([true, prune_i, ~gone_i, ~cut_i, ~(trust_ji < trust_ij), true, true])
    first_is_i = np.where(which >= 0, first_each[np.maximum(which, 0), tie], True)
    return Verdicts(form=f, to=to, which=which, first_is_i=first_is_i)


def _lower(
    state: CoopState,
    year: CoopYear,
    ties: tuple[np.ndarray, np.ndarray, np.ndarray],
    verdicts: Verdicts,
) -> tuple[CoopState, Standing, Events]:
    """The record and the standing after the ties with a reason are lowered or ended,
    and the events."""
    iu, ju, au = ties
    f, to, which, first_is_i = verdicts.form, verdicts.to, verdicts.which, verdicts.first_is_i
    changed = np.flatnonzero(which >= 0)
    if changed.size == 0:
        return state, year.states, []
    i, j, ar, new = iu[changed], ju[changed], au[changed], to[changed]
    bil, since = state.bilateral.copy(), state.since.copy()
    bil[i, j, ar] = bil[j, i, ar] = new
    since[i, j, ar] = since[j, i, ar] = year.year
    rows = [i, j, ar, f[changed], new, which[changed], first_is_i[changed]]
    return _ended(state, year, rows, (bil, since))


def _ended(
    state: CoopState,
    year: CoopYear,
    rows: list[np.ndarray],
    record: tuple[np.ndarray, np.ndarray],
) -> tuple[CoopState, Standing, Events]:
    """The record after the ties with a reason are lowered or ended, the standing after
    (what a dependent handed over is lost with a form-6 tie) and the events. `rows`: the
    ties' i, j, area, form, the form it goes to, the reason and whether i acts (integer
    arrays); `record`: the bilateral forms and the years of their last change with them
    lowered."""
    bil, since = record
    dependent, handed = state.dependent, year.states.handed
    i, j, area, form, lower, reason, first = rows
    for t in np.flatnonzero(form == SPECIALISATION).tolist():
        # what was handed over is lost with the tie
        if dependent is state.dependent:  # the first such tie: copies to write
            dependent, handed = dependent.copy(), handed.copy()
        a, b, ar = int(i[t]), int(j[t]), int(area[t])
        was = (dependent[a, b, ar], dependent[b, a, ar])
        dependent[a, b, ar] = dependent[b, a, ar] = False
        for d, dep in zip((a, b), was, strict=True):
            # only when it relied on this partner and on no other in the area
            if dep and not dependent[d, :, ar].any():
                handed[d, ar] = 0.0
    acts = first != 0
    who, other = np.where(acts, i, j), np.where(acts, j, i)
    kinds = ["abandoned" if to == 0 else "downgraded" for to in lower.tolist()]
    reasons = [REASONS[r] for r in reason.tolist()]
    events: Events = [EventBlock(kinds, who, other, "", area, form, lower, reasons)]
    after = dataclasses.replace(state, bilateral=bil, since=since, dependent=dependent)
    held = year.states
    if handed is not year.states.handed:
        held = year.states.holding(year.states.k, handed)
    return after, held, events
