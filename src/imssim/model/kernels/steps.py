"""The year's mutually beneficial steps one form deeper, in one compiled pass.

:func:`mutual_steps` finds what :func:`imssim.model.moves.propose` finds before its noisy
choice: the candidates (both hold the area, the tie unchanged this year, below form 6),
those feasible (:func:`imssim.model.moves._feasible`) and the value of each to its
initiator (:func:`imssim.model.step_value.step_terms` with the policy's bonus and
penalty), with the same arithmetic in the same order, so the same bits. A pair and area
is weighed from both sides at once, and the second side only when the first gains:
a step is mutual only when both do. As :func:`imssim.model.step_value.steps_may_pay`
does, a pair's steps from a form are not weighed when an upper bound of their value
over the areas falls below zero on either side (by a margin far above rounding).
:func:`first_choices` keeps each pair and area the states chose once, as
:func:`imssim.model.moves._choose` does.

The inputs come as a tuple of tuples of the model's own arrays
(:func:`imssim.model.moves.step_inputs` builds it), which the kernel stacks into a few
arrays (:func:`_stacked`), their rows named by the constants below: the loops read a
few arrays faster than many.
"""

from __future__ import annotations

import numpy as np

from imssim.model.forms import SHALLOW_LIMIT, Form
from imssim.model.kernels import inline, kernel
from imssim.model.tolerances import BOUND_MARGIN, EPS

TOP = int(Form.SPECIALISATION)  # no step beyond it
SHALLOW = int(SHALLOW_LIMIT)  # the deepest form with a partner outside one's priority partners

# rows of the parameter vector (imssim.model.moves.step_parameters)
P_SCALE, P_ECON, P_PRESSURE, P_POLITICAL, P_POL_BASE, P_POL_THREAT = 0, 1, 2, 3, 4, 5
P_WIDEN, P_RING, P_TRANSACTION, P_RELIEF, P_NEED, P_ALLIANCE_NEED = 6, 7, 8, 9, 10, 11
P_CORE, P_FLOOR, P_SHARE, P_SWAP, P_BOUNDED = 12, 13, 14, 15, 16
N_PARAMS = 17
# rows of the form table (saving, overhead, access, constraint, trust and fit required)
F_SAVING, F_OVERHEAD, F_ACCESS, F_CONSTRAINT, F_TRUST, F_FIT = 0, 1, 2, 3, 4, 5
# rows of the pairs' floats [6, N, N] and flags [3, N, N]
FIT, RELIABILITY, KNOWN, RING, RELIEF, TRUST_MIN = 0, 1, 2, 3, 4, 5
COMEMBER, PRIORITY, PARTNER = 0, 1, 2
# rows of the states' floats [7, N]
PRESSURE, MILITARY, EXPOSURE, AUTONOMY, BONUS, PENALTY, NEED_MAX = 0, 1, 2, 3, 4, 5, 6
# rows of the state-area floats [5, N, A] (the holding where held, else inf; the
# inverse of the base where there is one, else inf) and integers [3, N, A]
HELD, REF, NEED_GAP, HELD_OR_INF, INV_REF = 0, 1, 2, 3, 4
ALLOWED, CORE, AREA_FORM = 0, 1, 2


@inline
def _any_over_areas(x, i, j):
    """Whether any of x[i, j, :] is nonzero."""
    found = False
    for a in range(x.shape[2]):
        if x[i, j, a]:
            found = True
            break
    return found


@inline
def _dependent(area_f, dependent, ratio, i, j, a):
    """Whether i would be the dependent of a form-6 tie with j in area `a`
    (:func:`imssim.model.cooperation.is_dependent`; `dependent` [N, N, A]: the
    record's dependence)."""
    ki, kj = area_f[HELD, i, a], area_f[HELD, j, a]
    i_relies, j_relies = _any_over_areas(dependent, i, j), _any_over_areas(dependent, j, i)
    if i_relies and not j_relies and ki >= ratio * kj:
        return False
    if j_relies and not i_relies and kj >= ratio * ki:
        return True
    return ki < kj or (ki == kj and i > j)


@inline
def _gains(w, i, j, a, c, drop):
    """The economic, military and political gains to i of the step from form `c` one
    deeper with j in area `a`, each weighted and scaled by the pair's fit
    (:func:`imssim.model.step_value.step_terms`)."""
    pair_f, pair_b, state_f, area_f, area_i, alliance_gap, forms, prm, _bil, _dep = w
    share = prm[P_SHARE]
    new = c + 1
    keep = 1.0 - pair_f[RELIEF, i, j]
    scale = prm[P_SCALE] * pair_f[FIT, i, j]
    held = area_i[AREA_FORM, j, a]
    # the gain over the deepest form j holds in the area (step_value._economic_gain)
    base = forms[F_SAVING, held] - forms[F_OVERHEAD, held] * keep
    econ = forms[F_SAVING, new] - forms[F_OVERHEAD, new] * keep
    econ = econ - base
    if new <= held:
        econ = 0.0
    if drop:
        econ = share * (1.0 - base) + (1.0 - share) * econ
    econ = econ * ((prm[P_ECON] * (1.0 + prm[P_PRESSURE] * state_f[PRESSURE, i])) * scale)
    # access to j's capability (step_value._military_gain)
    ref = area_f[REF, i, a]
    ratio = area_f[HELD, j, a] / ref if ref > EPS else 0.0
    mil = (forms[F_ACCESS, new] - forms[F_ACCESS, c]) * pair_f[RELIABILITY, i, j]
    mil = mil * min(1.0, ratio)
    mil = mil * (
        (1.0 + prm[P_NEED] * area_f[NEED_GAP, i, a]) + prm[P_ALLIANCE_NEED] * alliance_gap[a]
    )
    mil = mil * (state_f[MILITARY, i] * scale)
    # solidarity (motives.political_value)
    exposure = state_f[EXPOSURE, j] if pair_b[COMEMBER, i, j] else 0.0
    pol = prm[P_POLITICAL] * (
        prm[P_POL_BASE] + prm[P_POL_THREAT] * (state_f[EXPOSURE, i] + exposure)
    )
    return econ, mil, pol * scale


@inline
def _value(w, i, j, a, c, drop):
    """The value to i of the step from form `c` one deeper with j in area `a`, with the
    policy's bonus and penalty, and the goal that weighs most in it (0-2)."""
    pair_f, pair_b, state_f, area_f, area_i, _gap, forms, prm, bil, _dep = w
    econ, mil, pol = _gains(w, i, j, a, c, drop)
    share = prm[P_SHARE]
    new = c + 1
    keep = 1.0 - pair_f[RELIEF, i, j]
    known = pair_f[KNOWN, i, j]
    # the relationship (motives.relationship_value)
    rel = prm[P_SCALE] * (
        prm[P_WIDEN] * known + prm[P_RING] * pair_f[RING, i, j] * float(new) / 3.0
    )
    # the autonomy it binds (motives.bound_share) and the transaction cost
    d_con = forms[F_CONSTRAINT, new] - forms[F_CONSTRAINT, c]
    if drop:
        d_con = share * (1.0 - forms[F_CONSTRAINT, c]) + (1.0 - share) * d_con
    cost = state_f[AUTONOMY, i] * d_con
    cost = cost * (prm[P_CORE] if area_i[CORE, i, a] else 1.0)
    ref = area_f[REF, i, a]
    bound = area_f[HELD, j, a] / ref if ref > EPS else 1.0
    cost = cost * min(max(bound, prm[P_FLOOR]), 1.0)
    cost = cost + prm[P_TRANSACTION] * keep * (1.0 - prm[P_RELIEF] * known)
    bonus = state_f[BONUS, i] if bil[i, j, a] > 0 else 0.0
    bonus = bonus - (0.0 if pair_b[PARTNER, i, j] else state_f[PENALTY, i])
    value = econ + mil + pol + rel - cost + bonus
    motive = 0
    if mil > econ:
        motive = 1
    if pol > max(econ, mil):
        motive = 2
    return value, motive


@inline
def _step_bits(pair_f, forms, i, j):
    """Bit c set: the fit and trust of the pair allow i a step from form c (0-5)."""
    bits = 0
    for c in range(TOP):
        if (
            pair_f[FIT, i, j] >= forms[F_FIT, c + 1]
            and pair_f[TRUST_MIN, i, j] >= forms[F_TRUST, c + 1]
        ):
            bits |= 1 << c
    return bits


@inline
def _worth_bits(w, i, j, least):
    """Bit f set (forms 0-4): a step from form f one deeper with j may be worth it to i,
    by an upper bound of its value over the areas (bit 5: always)."""
    pair_f, pair_b, state_f, _area_f, _area_i, _gap, forms, prm, _bil, _dep = w
    keep = 1.0 - pair_f[RELIEF, i, j]
    scale = prm[P_SCALE] * pair_f[FIT, i, j]
    econ_scale = prm[P_ECON] * (1.0 + prm[P_PRESSURE] * state_f[PRESSURE, i])
    reach = pair_f[RELIABILITY, i, j] * state_f[NEED_MAX, i] * state_f[MILITARY, i]
    exposure = state_f[EXPOSURE, j] if pair_b[COMEMBER, i, j] else 0.0
    pol = prm[P_POLITICAL] * (
        prm[P_POL_BASE] + prm[P_POL_THREAT] * (state_f[EXPOSURE, i] + exposure)
    )
    known = pair_f[KNOWN, i, j]
    fixed = prm[P_TRANSACTION] * keep * (1.0 - prm[P_RELIEF] * known)
    autonomy = state_f[AUTONOMY, i] * min(prm[P_CORE], 1.0) * least
    penalty = 0.0 if pair_b[PARTNER, i, j] else state_f[PENALTY, i]
    bits = 1 << (TOP - 1)
    net = forms[F_SAVING, 0] - forms[F_OVERHEAD, 0] * keep
    low = high = net
    for f in range(TOP - 1):
        net = forms[F_SAVING, f] - forms[F_OVERHEAD, f] * keep
        low, high = min(low, net), max(high, net)
        deeper = forms[F_SAVING, f + 1] - forms[F_OVERHEAD, f + 1] * keep
        econ = max((deeper - low) * econ_scale, (deeper - high) * econ_scale, 0.0)
        mil = (forms[F_ACCESS, f + 1] - forms[F_ACCESS, f]) * reach
        rel = prm[P_SCALE] * (
            prm[P_WIDEN] * known + prm[P_RING] * pair_f[RING, i, j] * (f + 1) / 3.0
        )
        value = (econ + mil + pol) * scale + rel
        value -= autonomy * (forms[F_CONSTRAINT, f + 1] - forms[F_CONSTRAINT, f]) + fixed
        value += (state_f[BONUS, i] if f > 0 else 0.0) - penalty
        if value > -BOUND_MARGIN:
            bits |= 1 << f
    return bits


@inline
def _least_share(area_f, prm, i, j):
    """The least share of i's forces a step with j binds, over the areas j holds (for
    the bound: by the inverse of i's base, as
    :func:`imssim.model.step_value._least_bound` takes it, without a branch)."""
    least = 1.0
    for a in range(area_f.shape[2]):
        least = min(least, area_f[HELD_OR_INF, j, a] * area_f[INV_REF, i, a])
    return min(max(least, prm[P_FLOOR]), 1.0)


@inline
def _pair_worth(w, i, j, bounded):
    """Both sides' bound bits (:func:`_worth_bits`): bit f set, a step from form f may
    be worth it to both i and j (every bit where the bound does not hold)."""
    if not bounded:
        return (1 << TOP) - 1
    area_f, prm = w[3], w[7]
    worth = _worth_bits(w, i, j, _least_share(area_f, prm, i, j))
    if worth != 1 << (TOP - 1):  # the other side's bound can only take away
        worth &= _worth_bits(w, j, i, _least_share(area_f, prm, j, i))
    return worth


@inline
def _mutual(eff, since, year, w):
    """The steps one form deeper that are feasible for i and worth it to both sides:
    their flat indices into [N, N, A] (ascending: row-major order), each one's value to
    i and its motive; `w` as :func:`_stacked` gives it."""
    pair_f, pair_b, _state_f, area_f, area_i, _gap, forms, prm, _bil, dependent = w
    swap, bounded = prm[P_SWAP], prm[P_BOUNDED] > 0.0
    n, _, n_areas = eff.shape
    flat = np.empty(n * n * n_areas, dtype=np.int64)
    value = np.empty(n * n * n_areas)
    motive = np.empty(n * n * n_areas, dtype=np.int8)
    count = 0
    for i in range(n):
        for j in range(i + 1, n):
            s_ij, s_ji = _step_bits(pair_f, forms, i, j), _step_bits(pair_f, forms, j, i)
            if s_ij == 0 and s_ji == 0:
                continue
            both = pair_b[PRIORITY, i, j] and pair_b[PRIORITY, j, i]
            limit = TOP if both else SHALLOW
            worth = _pair_worth(w, i, j, bounded)
            if (worth & s_ij) == 0 and (worth & s_ji) == 0:
                continue  # in no area may a side take a step from a form both may find worth it
            for a in range(n_areas):
                # the cheapest checks first (form 6: no bit)
                c_ij, c_ji = eff[i, j, a], eff[j, i, a]
                if (worth >> c_ij) & (worth >> c_ji) & 1 == 0:
                    continue
                if ((s_ij >> c_ij) | (s_ji >> c_ji)) & 1 == 0:
                    continue
                if not (area_f[HELD, i, a] > EPS and area_f[HELD, j, a] > EPS):
                    continue
                if since[i, j, a] >= year or since[j, i, a] >= year:
                    continue
                cap = min(area_i[ALLOWED, i, a], area_i[ALLOWED, j, a], limit)
                f_ij = c_ij + 1 <= cap and (s_ij >> c_ij) & 1 == 1
                f_ji = c_ji + 1 <= cap and (s_ji >> c_ji) & 1 == 1
                if not (f_ij or f_ji):
                    continue
                drop = c_ij == TOP - 1 and _dependent(area_f, dependent, swap, i, j, a)
                v_ij, m_ij = _value(w, i, j, a, c_ij, drop)
                if not v_ij > 0.0:
                    continue
                drop = c_ji == TOP - 1 and _dependent(area_f, dependent, swap, j, i, a)
                v_ji, m_ji = _value(w, j, i, a, c_ji, drop)
                if not v_ji > 0.0:
                    continue
                if f_ij:
                    flat[count], value[count], motive[count] = (i * n + j) * n_areas + a, v_ij, m_ij
                    count += 1
                if f_ji:
                    flat[count], value[count], motive[count] = (j * n + i) * n_areas + a, v_ji, m_ji
                    count += 1
    order = _by_row(flat[:count], n * n_areas, n)
    return flat[:count][order], value[:count][order], motive[:count][order]


@inline
def _by_row(flat, per_row, n):
    """The order that sorts the steps' flat indices (``np.argsort(flat)``): each row's
    steps come in order already (those with a lower partner, from the pairs before the
    row's own, then those with a higher one), so a stable count by row sorts them."""
    start = np.zeros(n + 1, dtype=np.int64)
    for f in flat:
        start[f // per_row + 1] += 1
    for i in range(n):
        start[i + 1] += start[i]
    order = np.empty(flat.size, dtype=np.int64)
    for t in range(flat.size):
        i = flat[t] // per_row
        order[start[i]] = t
        start[i] += 1
    return order


@inline
def _stacked(inputs):
    """The inputs (:func:`imssim.model.moves.step_inputs`) stacked into the few arrays
    the loops read (the rows named above), with each pair's mutual trust, whether i
    knows j (a tie held, or a framework shared beyond NATO and the EU as such), and
    each state's largest military need
    (:func:`imssim.model.motives.military_need` at its largest gap and the alliance's)."""
    record, pairs, states, areas, forms, prm = inputs
    bilateral, dependent = record[2], record[3]
    n, _, n_areas = bilateral.shape
    pair_f = np.empty((6, n, n))
    pair_f[FIT], pair_f[RELIABILITY], pair_f[KNOWN] = pairs[0], pairs[1], pairs[2]
    pair_f[RING], pair_f[RELIEF] = pairs[3], pairs[4]
    pair_f[TRUST_MIN] = np.minimum(pairs[5], pairs[5].T)
    pair_b = np.empty((3, n, n), dtype=np.bool_)
    pair_b[COMEMBER], pair_b[PRIORITY] = pairs[7], pairs[8]
    # whether i knows j: a tie held in some area, or a framework shared beyond NATO and
    # the EU as such (the depth); the forms OR-ed over the areas (a loop without a
    # branch, which the compiler vectorises)
    depth = pairs[6]
    for i in range(n):
        for j in range(n):
            held = 0
            for a in range(n_areas):
                held |= bilateral[i, j, a]
            pair_b[PARTNER, i, j] = held != 0 or depth[i, j] > 0
    k, ref, need_gap, alliance_gap, allowed, core, area_form = areas
    state_f = np.empty((7, n))
    state_f[PRESSURE], state_f[MILITARY], state_f[EXPOSURE] = states[0], states[1], states[2]
    state_f[AUTONOMY], state_f[BONUS], state_f[PENALTY] = states[3], states[4], states[5]
    alliance = 0.0
    for a in range(n_areas):
        alliance = max(alliance, alliance_gap[a])
    for i in range(n):
        own = need_gap[i].max()
        state_f[NEED_MAX, i] = 1.0 + prm[P_NEED] * own + prm[P_ALLIANCE_NEED] * alliance
    area_f = np.empty((5, n, n_areas))
    area_f[HELD], area_f[REF], area_f[NEED_GAP] = k, ref, need_gap
    for i in range(n):
        for a in range(n_areas):
            area_f[HELD_OR_INF, i, a] = k[i, a] if k[i, a] > EPS else np.inf
            area_f[INV_REF, i, a] = 1.0 / ref[i, a] if ref[i, a] > EPS else np.inf
    area_i = np.empty((3, n, n_areas), dtype=np.int64)
    area_i[ALLOWED], area_i[CORE], area_i[AREA_FORM] = allowed, core, area_form
    form_rows = np.empty((6, forms[0].size))
    form_rows[F_SAVING], form_rows[F_OVERHEAD], form_rows[F_ACCESS] = forms[0], forms[1], forms[2]
    form_rows[F_CONSTRAINT], form_rows[F_TRUST], form_rows[F_FIT] = forms[3], forms[4], forms[5]
    return (
        pair_f,
        pair_b,
        state_f,
        area_f,
        area_i,
        alliance_gap,
        form_rows,
        prm,
        bilateral,
        dependent,
    )


@kernel
def mutual_steps(inputs, year):
    """The steps one form deeper that are feasible for i and worth it to both sides, in
    row-major order: each one's row i and column j * A + a (into the choice's
    [N, N * A] matrix), its value to i and its motive."""
    eff, since = inputs[0][0], inputs[0][1]
    n, _, n_areas = eff.shape
    flat, value, motive = _mutual(eff, since, year, _stacked(inputs))
    return flat // (n * n_areas), flat % (n * n_areas), value, motive


@kernel
def first_choices(picked, row, col, eff):
    """The moves of the `picked` entries (row i, column j * A + a, chosen row by row),
    each pair and area once, as its first chooser chose it, in the order of (lower index,
    higher index, area) (``np.unique(key, return_index=True)``): int64[6, moves] of
    i, j, a, the current form, the form after and the entry picked."""
    n, _, n_areas = eff.shape
    size = picked.size
    key = np.empty(size, dtype=np.int64)
    for t in range(size):
        i, j = row[picked[t]], col[picked[t]] // n_areas
        key[t] = (min(i, j) * n + max(i, j)) * n_areas + col[picked[t]] % n_areas
    order = np.argsort(key, kind="mergesort")  # stable: equal keys in the order chosen
    out = np.empty((6, size), dtype=np.int64)
    count = 0
    for s in range(size):
        t = order[s]
        if s > 0 and key[t] == key[order[s - 1]]:
            continue
        e = picked[t]
        i, j, a = row[e], col[e] // n_areas, col[e] % n_areas
        now = eff[i, j, a]
        out[0, count], out[1, count], out[2, count] = i, j, a
        out[3, count], out[4, count], out[5, count] = now, min(now + 1, TOP), e
        count += 1
    return out[:, :count]
