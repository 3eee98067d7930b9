"""The year's new steps: moves one form deeper that both sides agree on, and thematic ties.

Each state initiates up to ``initiatives_per_year`` mutually beneficial steps one form
deeper (:func:`propose`, docs/ODD.md 7.11), applied at once (:func:`apply_moves`; at
form 6 the smaller holder hands a share of the area over, 7.12); NATO and EU members
start temporary joint-hire ties with states outside both (:func:`thematic`, 7.13).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from imssim.config import ModelParams
from imssim.model import kernels
from imssim.model.blocks import any_over_areas, nonzero3, row_blocks
from imssim.model.cooperation import (
    CooperationRules,
    CoopState,
    CoopYear,
    Standing,
    dependent_of,
    hand_over,
    is_dependent,
)
from imssim.model.events import EventBlock, Events
from imssim.model.forms import SHALLOW_LIMIT, Form
from imssim.model.keyed_uniforms import year_key
from imssim.model.motives import MOTIVES
from imssim.model.noisy_choice import choose_entries, choose_top
from imssim.model.step_value import Entries, signs_hold, step_terms, steps_may_pay
from imssim.model.tolerances import EPS

Move = tuple[int, int, int, int, int, str]  # (initiator, partner, area, from, to, motive)

TOP_FORM = int(Form.SPECIALISATION)
JOINT_HIRE = int(Form.JOINT_HIRE)
ONE_DEEPER = np.minimum(np.arange(TOP_FORM + 1) + 1, TOP_FORM)  # the form after each form
ONE_DEEPER.flags.writeable = False


def propose(
    rules: CooperationRules, state: CoopState, year: CoopYear, rng: np.random.Generator
) -> list[Move]:
    """Mutually beneficial one-level moves each state initiates this year.

    Returns (initiator, partner, area, from_form, to_form) tuples, one per pair
    and area. Each state initiates at most ``initiatives_per_year`` moves, chosen
    among its positive ones with Gumbel noise of scale ``choice_temperature``.

    A move is weighed only where it may be feasible and mutually beneficial
    (:func:`imssim.model.step_value.steps_may_pay`); the result is that of weighing
    every pair and area.
    """
    key = year_key(rng)  # the noise's key: one draw a year, moves or not
    if kernels.enabled():
        steps = kernels.load("steps")
        row, col, value, motive = steps.mutual_steps(step_inputs(rules, state, year), year.year)
        moves = _chosen_compiled(rules, year, (row, col, value), motive, key)
        if moves is not None:
            return moves
        at = (row, *np.divmod(col, year.eff.shape[2]))
    else:
        # a known partner: a tie held, or a framework shared beyond NATO and the EU as such
        partner = any_over_areas(state.bilateral > 0) | (year.pairs.depth > 0)
        trust_min = np.minimum(state.trust, state.trust.T)
        at, value, motive = _mutual(rules, state, year, trust_min, partner)
    chosen = _choose(rules, year, at, value, key)
    return _with_motives(year, at, motive, chosen)


def _mutual(
    rules: CooperationRules,
    state: CoopState,
    year: CoopYear,
    trust_min: np.ndarray,
    partner: np.ndarray,
) -> tuple[Entries, np.ndarray, np.ndarray]:
    """The mutual steps (i, j, a) in row-major order, their values to i and their
    motives: candidates, feasibility, values, both sides' gain."""
    ii, jj, aa = _candidates(rules, state, year, trust_min, partner)
    feasible = _feasible(rules, year, (ii, jj, aa), trust_min)
    # a move is mutual when feasible and worth it to both: weigh (i, j, a) when it
    # or (j, i, a) is feasible (flat indices into the [N, N, A] arrays: each (i, j, a)
    # and its mirror (j, i, a))
    n, _, a = year.eff.shape
    flat, mirror = (ii * n + jj) * a + aa, (jj * n + ii) * a + aa
    seen = np.zeros(year.eff.size, dtype=bool)
    seen[flat] = feasible
    weigh = np.flatnonzero(feasible | seen[mirror])
    i, j, ar = ii[weigh], jj[weigh], aa[weigh]
    value, motive = _move_values(rules, state, year, (i, j, ar), partner)
    positive = np.zeros(year.eff.size, dtype=bool)
    positive[flat[weigh]] = value > 0
    mutual = feasible[weigh] & (value > 0) & positive[mirror[weigh]]
    return (i[mutual], j[mutual], ar[mutual]), value[mutual], motive[mutual]


def step_inputs(rules: CooperationRules, state: CoopState, year: CoopYear) -> tuple:
    """The arrays a step's value reads, as :mod:`imssim.model.kernels.steps` takes them:
    the record's, the pairs', the states', the state-areas' and the form table's, and
    the parameters (:func:`step_parameters`)."""
    s, pairs, policy, fm = year.states, year.pairs, year.policy, rules.forms
    return (
        (year.eff, state.since, state.bilateral, state.dependent),
        (
            pairs.fit,
            pairs.reliability,
            pairs.known,
            pairs.ring_share,
            rules.relief,
            state.trust,
            pairs.depth,
            rules.comember,
            pairs.priority,
        ),
        (
            s.pressure,
            s.military_weight,
            s.exposure,
            policy.autonomy_weight,
            policy.deepen_bonus,
            policy.new_partner_penalty,
        ),
        (s.k, s.ref, s.need_gap, s.alliance_gap, policy.allowed, rules.core, year.area_form),
        (fm.saving, fm.overhead, fm.access, fm.constraint, fm.trust_required, fm.fit_required),
        step_parameters(rules.params, bounded=signs_hold(rules, year)),
    )


def _chosen_compiled(
    rules: CooperationRules,
    year: CoopYear,
    listed: tuple[np.ndarray, np.ndarray, np.ndarray],
    motive: np.ndarray,
    key: np.uint64,
) -> list[Move] | None:
    """What :func:`_choose` and :func:`_with_motives` give for the mutual steps `listed`
    (row i, column j * A + a, value; in row-major order) and their motives, from the
    compiled passes (:func:`imssim.model.noisy_choice.choose_entries`,
    :func:`imssim.model.kernels.steps.first_choices`); None, the generator as it was,
    where the noisy choice settles the choice otherwise (`key`: the noise's key)."""
    p = rules.params
    n, _, a = year.eff.shape
    shape = (n, n * a)
    kmax = min(p.initiatives_per_year, n * a)
    picked = choose_entries(key, shape, listed, (p.choice_temperature, kmax))
    if picked is None or picked.size == 0:
        return None if picked is None else []
    moves = kernels.load("steps").first_choices(picked, listed[0], listed[1], year.eff)
    i, j, ar, now, to, _ = moves.tolist()
    motives = [MOTIVES[k] for k in motive[moves[5]].tolist()]
    return list(zip(i, j, ar, now, to, motives, strict=True))


def step_parameters(p: ModelParams, *, bounded: bool) -> np.ndarray:
    """The parameters a step's value reads, in the order of
    :mod:`imssim.model.kernels.steps`, and whether the bound on a step's value holds
    (:func:`imssim.model.step_value.signs_hold`)."""
    values = (
        p.benefit_scale,
        p.goal_weight_economic,
        p.economic_pressure,
        p.goal_weight_political,
        p.political_base,
        p.political_threat,
        p.widen_value,
        p.ring_preference,
        p.transaction_cost,
        p.widen_relief,
        p.need_weight,
        p.alliance_need_weight,
        p.core_weight,
        p.bound_share_floor,
        p.specialisation_share,
        p.swap_min_ratio,
        float(bounded),
    )
    assert len(values) == kernels.load("steps").N_PARAMS
    return np.array(values, dtype=float)


def _candidates(
    rules: CooperationRules,
    state: CoopState,
    year: CoopYear,
    trust_min: np.ndarray,
    partner: np.ndarray,
) -> Entries:
    """The pairs and areas where both hold the capability and the tie has not changed
    this year, at a form for which the pair may agree on a step (form 5 always, form 6
    never): a symmetric set, in row-major order."""
    eff, k = year.eff, year.states.k
    n, _, a = eff.shape
    holds = k > EPS
    # the bound costs a pass over all pairs: worth it for the forms many hold
    bounded = [form for form in range(TOP_FORM - 1) if np.count_nonzero(eff == form) > n * n // 8]
    may = steps_may_pay(rules, year, trust_min, partner, bounded=bounded)
    # one bit per form: may a pair holding that form step deeper
    bits = np.full((n, n), 1 << (TOP_FORM - 1), dtype=np.uint8)
    for form, pairs in enumerate(may):
        bits |= pairs.astype(np.uint8) << form
    mask = np.empty(eff.shape, dtype=bool)
    for rows in row_blocks(n, n * a):
        block = (bits[rows][:, :, None] >> eff[rows].view(np.uint8)) & 1 == 1
        block &= holds[rows][:, None, :]
        block &= holds[None, :, :]
        block &= state.since[rows] < year.year
        mask[rows] = block
    return nonzero3(mask)


def _feasible(
    rules: CooperationRules, year: CoopYear, at: Entries, trust_min: np.ndarray
) -> np.ndarray:
    """Whether each candidate may be taken (bool): as checked for the candidates (both
    hold, no second change to a tie in a year, not at form 6), within what policy
    allows, with the fit and mutual trust the deeper form needs."""
    fm = rules.forms
    ii, jj, aa = at
    n, _, a = year.eff.shape
    ij, ji = ii * n + jj, jj * n + ii  # flat indices: one take each (faster than [ii, jj])
    allowed, priority = year.policy.allowed, year.pairs.priority
    cur = year.eff.take(ij * a + aa).astype(np.intp)
    new = ONE_DEEPER[cur]
    pair_allowed = np.minimum(allowed.take(ii * a + aa), allowed.take(jj * a + aa))
    shallow = ~(priority.take(ij) & priority.take(ji))
    pair_allowed[shallow] = np.minimum(pair_allowed[shallow], SHALLOW_LIMIT)
    feasible = new <= pair_allowed
    feasible &= year.pairs.fit.take(ij) >= fm.fit_required[ONE_DEEPER][cur]
    feasible &= trust_min.take(ij) >= fm.trust_required[ONE_DEEPER][cur]
    feasible &= ii != jj
    return feasible


def _move_values(
    rules: CooperationRules, state: CoopState, year: CoopYear, at: Entries, partner: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The value to i of each move (i, j, a) of `at` one form deeper, with the policy's
    bonus for a tie held in the area and its penalty for a partner without any tie; and
    the goal that weighs most in each (:meth:`imssim.model.step_value.StepTerms.motive`)."""
    i, j, ar = at
    k, policy = year.states.k, year.policy
    n, _, a = year.eff.shape
    ij = i * n + j
    ija = ij * a + ar  # flat indices: one take each (faster than [i, j, ar])
    c = year.eff.take(ija).astype(np.intp)
    drops = None
    if (ONE_DEEPER[c] == TOP_FORM).any():  # form 6: who becomes dependent (is_dependent)
        relies = any_over_areas(state.dependent)
        swap = rules.params.swap_min_ratio
        drops = (ONE_DEEPER[c] == TOP_FORM) & is_dependent(k, relies, at, swap)
    bonus = np.where(state.bilateral.take(ija) > 0, policy.deepen_bonus[i], 0.0)
    bonus -= np.where(partner.take(ij), 0.0, policy.new_partner_penalty[i])
    terms = step_terms(rules, year, at, ONE_DEEPER, drops=drops)
    value = terms.total()
    value += bonus
    return value, terms.motive()


def _choose(
    rules: CooperationRules,
    year: CoopYear,
    mutual: Entries,
    value: np.ndarray,
    key: np.uint64,
) -> list[Move]:
    """Each state's best ``initiatives_per_year`` of its `mutual` moves by value plus
    noise (under the year's `key`); a pair and area chosen by both sides counts once
    (the lower index first)."""
    p, eff = rules.params, year.eff
    n, _, a = eff.shape
    i, j, ar = mutual
    kmax = min(p.initiatives_per_year, n * a)
    chosen = choose_top(key, (n, n * a), (i, j * a + ar, value), (p.choice_temperature, kmax))
    if not chosen:
        return []
    rows, flat = np.array(chosen, dtype=np.int64).T
    cols, areas = np.divmod(flat, a)
    # a pair and area once, as its first chooser chose it, in the order of (lower index,
    # higher index, area)
    key = (np.minimum(rows, cols) * n + np.maximum(rows, cols)) * a + areas
    first = np.unique(key, return_index=True)[1]
    rows, cols, areas = rows[first], cols[first], areas[first]
    now = eff[rows, cols, areas].astype(np.int64)
    to = np.minimum(now + 1, TOP_FORM)
    columns = (rows.tolist(), cols.tolist(), areas.tolist(), now.tolist(), to.tolist())
    return [(*move, "") for move in zip(*columns, strict=True)]


def _with_motives(
    year: CoopYear, mutual: Entries, motive: np.ndarray, chosen: list[Move]
) -> list[Move]:
    """The moves with the goal that weighed most in each for its initiator: `motive`
    (indices into MOTIVES) of each of the `mutual` moves (in row-major order), the
    chosen among them."""
    if not chosen:
        return chosen
    n, _, a = year.eff.shape
    i, j, ar = mutual
    flat = (i * n + j) * a + ar  # ascending
    at = np.searchsorted(flat, [(m[0] * n + m[1]) * a + m[2] for m in chosen])
    return [(*m[:5], MOTIVES[k]) for m, k in zip(chosen, motive[at].tolist(), strict=True)]


def apply_moves(
    rules: CooperationRules, state: CoopState, moves: list[Move], year: CoopYear
) -> tuple[CoopState, Standing, Events]:
    """The record and the holdings after the moves, and their events; at form 6 the
    smaller holder hands over ``specialisation_share`` of its capability in the area
    (:func:`imssim.model.cooperation.hand_over`). The moves are of distinct pairs and
    areas: all but those to form 6 are written at once."""
    if not moves:
        return state, year.states, []
    special = _specialise(rules, state, moves, year)
    kept = [m for m in moves if m[4] != TOP_FORM or m in special.reason]
    if not kept:  # every move was to form 6, and none of them held
        return state, special.standing, []
    columns = list(zip(*kept, strict=True))  # i, j, area, form before, after, motive
    i, j, ar, before, new = np.array(columns[:5], dtype=np.int64)
    bil, since = state.bilateral.copy(), state.since.copy()
    was = bil[i, j, ar]
    bil[i, j, ar] = bil[j, i, ar] = new
    since[i, j, ar] = since[j, i, ar] = year.year
    initiative = None
    if state.initiative is not None:
        initiative = state.initiative.copy()
        np.add.at(initiative, (i, j), 1)
    kinds = ["formed" if old == 0 else "deepened" for old in was.tolist()]
    reasons = [special.reason.get(m, "mutual_gain") for m in kept]
    events = EventBlock(kinds, i, j, "", ar, before, new, reasons, list(columns[5]))
    record = dataclasses.replace(
        state, bilateral=bil, since=since, dependent=special.dependent, initiative=initiative
    )
    return record, special.standing, [events]


@dataclasses.dataclass
class _Specialised:
    """The moves to form 6 that hold, with their reasons, and the dependence and
    holdings after them."""

    reason: dict[Move, str]
    dependent: np.ndarray
    standing: Standing


def _specialise(
    rules: CooperationRules, state: CoopState, moves: list[Move], year: CoopYear
) -> _Specialised:
    """The moves to form 6, one after the other: each that holds makes the smaller
    holder (or the side of a swap) dependent and hands its share over."""
    dependent, k, handed = state.dependent, year.states.k, year.states.handed
    swap = rules.params.swap_min_ratio
    reason: dict[Move, str] = {}
    for move in [m for m in moves if m[4] == TOP_FORM]:
        i, j, ar, _, _, _ = move
        if (
            dependent[i, :, ar].any()
            or dependent[j, :, ar].any()
            or dependent[:, dependent_of(k, dependent, i, j, ar, swap)[0], ar].any()
        ):
            # one provider per area: a state that already relies on a partner in
            # the area (another move of this year included) neither takes a second
            # provider nor provides for others what it has handed over; and a
            # provider does not hand over what others rely on it for
            continue
        if dependent is state.dependent:  # the first hand-over: copies to write
            dependent, k, handed = dependent.copy(), k.copy(), handed.copy()
        d, swapped = dependent_of(k, dependent, i, j, ar, swap)
        dependent[d, j if d == i else i, ar] = True
        hand_over(k, handed, d, ar, rules.params.specialisation_share)
        reason[move] = "task_swap" if swapped else "specialisation"
    held = year.states if k is year.states.k else year.states.holding(k, handed)
    return _Specialised(reason, dependent, held)


def _rows_cols(x: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``x[np.ix_(rows, cols)]``, by two takes (faster)."""
    return x.take(rows, axis=0).take(cols, axis=1)


def _weighted_draw(rng: np.random.Generator, weight: np.ndarray, total: float | None = None) -> int:
    """An index drawn with probability proportional to `weight` (not all 0; `total`:
    its sum, if known): the inverse of the cumulative distribution at one uniform draw,
    as ``rng.choice(len(weight), p=weight / weight.sum())`` draws it, without its checks."""
    if total is None:
        total = weight.sum()
    if kernels.enabled():
        return kernels.load("thematic").weighted_index(weight, total, rng.random())
    cdf = (weight / total).cumsum()
    cdf /= cdf[-1]
    return int(cdf.searchsorted(rng.random(), side="right"))


def thematic(
    rules: CooperationRules,
    state: CoopState,
    year: CoopYear,
    rate: np.ndarray,
    rng: np.random.Generator,
    choice_rng: np.random.Generator | None = None,
) -> tuple[CoopState, Events]:
    """Temporary thematic ties (joint hire) with states outside one's alliances: the
    record after them, and their events.

    The note's opportunity partners come from operations, counter-piracy,
    training abroad and materiel sales (p. 13: "vaak tijdelijke bilaterale
    relaties met landen rondom specifieke thema's"), not from budget pressure:
    each NATO or EU member starts on average `rate` [N] such ties a year
    (:func:`imssim.model.cooperation.thematic_rates`), with a partner outside NATO and
    the EU, in an area both hold, nearer partners being likelier.
    """
    initiates = rules.allied
    counts = rng.poisson(rate * initiates)
    choice_rng = rng if choice_rng is None else choice_rng
    if not counts.any():
        return state, []
    outside = np.flatnonzero(~initiates)  # the possible partners: in neither NATO nor the EU
    starting = np.flatnonzero(counts)
    # a tie started this year changes only the starting state's row and the partner's,
    # which starts none: all openings can be read before the draws
    ties = None
    if kernels.enabled():
        starters = (starting, counts[starting])
        ties = _drawn_compiled(rules, state, year, (starters, outside), choice_rng)
    if ties is None:
        weights, free = _openings(rules, state, year, starting, outside)
        ties = []
        for s, i in enumerate(starting.tolist()):
            ties += _draw_ties(choice_rng, (s, i), int(counts[i]), weights[s], free)
    if not ties:  # no opening free: the record as it was
        return state, []
    bil, since = state.bilateral.copy(), state.since.copy()
    initiative = None if state.initiative is None else state.initiative.copy()
    i, j, ar = np.array(ties).T
    bil[i, j, ar] = bil[j, i, ar] = JOINT_HIRE
    since[i, j, ar] = since[j, i, ar] = year.year
    if initiative is not None:
        np.add.at(initiative, (i, j), 1)
    after = dataclasses.replace(state, bilateral=bil, since=since, initiative=initiative)
    return after, [EventBlock("formed", i, j, "", ar, 0, 1, "thematic")]


def _drawn_compiled(
    rules: CooperationRules,
    state: CoopState,
    year: CoopYear,
    among: tuple[tuple[np.ndarray, np.ndarray], np.ndarray],
    rng: np.random.Generator,
) -> list[tuple[int, int, int]] | None:
    """What :func:`_openings` and :func:`_draw_ties` give for the starters (the starting
    states and the ties each starts) among the partners outside (`among`), from compiled
    passes (:func:`imssim.model.kernels.thematic.openings` and
    :func:`imssim.model.kernels.thematic.drawn_ties`) on the raw outputs of the
    generator's PCG64, which is then left as the draws leave it; None, the generator as
    it was, for another bit generator, a world of more states than numpy sums in one
    block, or where more raw outputs are needed."""
    bits, compiled, k = rng.bit_generator, kernels.load("thematic"), year.states.k
    if type(bits) is not np.random.PCG64 or k.shape[0] > compiled.BLOCK:
        return None
    (starting, counts), outside = among
    record = (state.bilateral, state.since)
    weights, areas, offsets = compiled.openings(
        record, year.year, k, rules.distance, starting, outside
    )
    row_of = np.full(k.shape[0], -1)
    row_of[outside] = np.arange(outside.size)
    saved = bits.state
    raw = bits.random_raw(2 * int(counts.sum()) + 16)  # a draw and a half each, and more
    kept = (saved["has_uint32"], saved["uinteger"])
    free = (areas, offsets, row_of)
    ties, used, *after = compiled.drawn_ties(raw, kept, (starting, counts), weights, free)
    bits.state = saved
    if used < 0:
        return None
    bits.advance(used)  # as the draws leave it: the outputs used, the half kept
    left = bits.state
    bits.state = {**left, "has_uint32": int(after[0]), "uinteger": int(after[1])}
    return list(zip(*ties.tolist(), strict=True))


class _FreeAreas:
    """The areas free for a thematic tie between each starting state and each partner
    outside NATO and the EU, in order: the areas of all pairs one after the other, with
    each pair's offset (starting by starting, partner by partner)."""

    def __init__(self, areas: list[int], offsets: list[int], outside: np.ndarray) -> None:
        self.areas, self.offsets = areas, offsets
        self.row_of = dict(zip(outside.tolist(), range(outside.size), strict=True))

    def of(self, s: int, j: int) -> list[int]:
        """A new list of the areas free between starting state `s` and partner `j`."""
        at = s * len(self.row_of) + self.row_of[j]
        return self.areas[self.offsets[at] : self.offsets[at + 1]]


def _openings(
    rules: CooperationRules,
    state: CoopState,
    year: CoopYear,
    starting: np.ndarray,
    outside: np.ndarray,
) -> tuple[np.ndarray, _FreeAreas]:
    """For each `starting` state: the weight float[N] of each `outside` partner, nearer
    partners being likelier (0 for a partner without an area free), and the areas free
    with each: both hold the area, their tie in it is none and unchanged this year."""
    holds = year.states.k > EPS
    n = holds.shape[0]
    # free_all[s, m, a]: starting[s] and partner outside[m] both hold area a, untied and
    # unchanged
    free_all = holds[starting][:, None, :] & holds[outside][None, :, :]
    free_all &= _rows_cols(state.bilateral, starting, outside) == 0
    free_all &= _rows_cols(state.since, starting, outside) < year.year
    weights = np.zeros((starting.size, n))
    near = 1.0 - 0.5 * _rows_cols(rules.distance, starting, outside)
    weights[:, outside] = near * free_all.any(axis=2)
    s, m, a = np.nonzero(free_all)  # pair by pair (s, m), area by area
    offsets = np.searchsorted(s * outside.size + m, np.arange(starting.size * outside.size + 1))
    return weights, _FreeAreas(a.tolist(), offsets.tolist(), outside)


def _draw_ties(
    rng: np.random.Generator,
    starter: tuple[int, int],
    count: int,
    weight: np.ndarray,
    free: _FreeAreas,
) -> list[tuple[int, int, int]]:
    """The (i, j, area) of up to `count` thematic ties of the starting state i (the s-th
    starting one: `starter` (s, i)), one after the other: a partner drawn by `weight`
    (float[N], written: 0 once no area is left with a partner), then one of the areas
    free with it, uniformly."""
    s, i = starter
    areas_with: dict[int, list[int]] = {}  # per partner drawn: the areas still free
    ties = []
    total = None  # the weights' sum, taken again after a weight changes
    for _ in range(count):
        if total is None:
            total = weight.sum()
        if total <= 0:
            break
        j = _weighted_draw(rng, weight, total)
        areas = areas_with.get(j)
        if areas is None:
            areas = areas_with[j] = free.of(s, j)
        ar = areas.pop(int(rng.integers(0, len(areas))))  # a uniform draw of one
        ties.append((i, j, ar))
        if not areas:  # the last area the pair could tie in
            weight[j] = 0.0
            total = None
    return ties
