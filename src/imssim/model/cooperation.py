"""Forming, deepening, downgrading and abandoning cooperation; multilateral frameworks.

Cooperation is held per unordered pair of states and capability area at a form 0..6
(``bilateral``, symmetric), plus memberships of multilateral frameworks, each of
which ties all its members in one area at one form. The effective form of a pair in
an area is the deeper of the two. Every change is returned as an :class:`Event`.

The rules follow the note:
- goals come in three categories (p. 3): political-strategic, military
  (effectiveness) and economic (efficiency); the value of a step deeper to a state is
  their weighted sum, scaled by partner fit, minus the autonomy it costs and the
  transaction cost, which the NATO/EU catalyst lowers between co-members ("de NAVO
  en de EU veeleer als katalysator en facilitator", p. 9);
- deeper forms need more fit and more trust (p. 5: deep forms succeed with partners
  at small distance and with a similar political culture) and go one level a step
  ("bottom-up"); both sides must gain;
- ties are downgraded when the partner cuts the shared capability, when trust falls
  or when the fit no longer holds; joint hire (form 1) is temporary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from imssim.config import ModelParams
from imssim.model.blocks import any_over_areas, nonzero3, row_blocks
from imssim.model.forms import SHALLOW_LIMIT, Form, FormTable

EPS = 1e-9


@dataclass(frozen=True)
class Event:
    """One change of the cooperation record (indices into the world's tuples)."""

    kind: str  # formed, deepened, downgraded, abandoned, joined, left, founded, ended, ...
    country: int  # a state index (-1: none, for a framework that ended without members)
    partner: int  # a state index, or -1 for a framework
    framework: str  # framework id for joined, left, founded and ended, else ""
    area: int
    from_form: int
    to_form: int
    reason: str


@dataclass
class CoopState:
    """The mutable cooperation record of a run."""

    bilateral: np.ndarray  # int8[N, N, A], symmetric
    since: np.ndarray  # int16[N, N, A]: year the bilateral tie reached its current form
    dependent: np.ndarray  # bool[N, N, A]: i relies on j in area a (form 6)
    members: np.ndarray  # bool[F, N]
    trust: np.ndarray  # float[N, N]: i's trust in j
    initiative: np.ndarray | None = None  # int[N, N]: bilateral ties i proposed to j


def hand_over(k: np.ndarray, handed: np.ndarray, d: int, area: int, share: float) -> None:
    """Form 6: state `d` hands `share` of its capability in `area` to its provider.

    Role and task specialisation may cover part of an area (the Belgian and Dutch navies
    each keep ships and share one school and one maintenance base), so the dependent
    keeps ``1 - share`` of its own and relies on the partner for the rest.
    """
    moved = share * k[d, area]
    handed[d, area] += moved
    k[d, area] -= moved


def thematic_rates(
    bilateral: np.ndarray,
    comember: np.ndarray,
    expeditionary: np.ndarray,
    factor: np.ndarray,
    p: ModelParams,
) -> np.ndarray:
    """float[N]: new thematic ties a year per state.

    ``thematic_rate`` x the expeditionary culture, but at least the rate that keeps the
    state's 2012 number of opportunity ties (joint hire with states outside its
    alliances) steady, since each lasts ``hire_duration`` years on average; times
    ``benefit_scale`` and the policy's ``thematic_factor``.
    """
    outside = ~comember.any(axis=1)  # in neither NATO nor the EU: a thematic partner
    held = ((bilateral == Form.JOINT_HIRE).any(axis=2) & outside[None, :]).sum(axis=1)
    rate = np.maximum(p.thematic_rate * expeditionary, held / p.hire_duration)
    return rate * p.benefit_scale * factor


def priority_partners(bilateral: np.ndarray, trust: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """bool[N, N]: each state's top-`limit` partners by cooperation (all when limit is 0).

    Partners are ranked by the sum of bilateral forms over areas (the pair's own
    initiative, not shared frameworks), trust breaking ties; this is
    the "fewer partners, more intensively" policy (p. 9: "met minder partners, maar
    wel intensiever").
    """
    n = bilateral.shape[0]
    out = np.ones((n, n), dtype=bool)
    limited = np.flatnonzero(limit > 0)
    if limited.size == 0:
        return out
    strength = bilateral.sum(axis=2).astype(float) + trust
    for i in limited:
        row = strength[i].copy()
        row[i] = -np.inf
        top = np.argsort(-row, kind="stable")[: int(limit[i])]
        out[i] = False
        out[i, top] = True
    return out


BOUND_MARGIN = 1e-9  # far above rounding, far below any value that matters


def choose_top(
    rng: np.random.Generator,
    shape: tuple[int, int],
    row: np.ndarray,
    col: np.ndarray,
    value: np.ndarray,
    temperature: float,
    kmax: int,
    buffer: np.ndarray | None = None,
) -> list[tuple[int, int]]:
    """The (row, column) pairs of the `kmax` best entries of each row, entry by entry
    `value` plus Gumbel noise of scale `temperature`: exactly what

        noise = rng.gumbel(size=shape) * temperature
        score = np.full(shape, -np.inf); score[row, col] = value; score += noise
        top = np.argpartition(-score, kmax - 1, axis=1)[:, :kmax]   # finite ones

    picks, and the generator left as that leaves it, without transforming every draw.

    The draws come from the same uniforms (``rng.random``) that ``rng.gumbel``
    transforms; the noise of each listed entry is first estimated with numpy's
    logarithm (within a few units in the last place of the C library's), the entries
    that may be among a row's best (within a margin far above that error) are then
    transformed exactly as ``rng.gumbel`` transforms them (the C library's logarithm,
    math.log). Should a uniform be exactly 0 (``rng.gumbel`` then draws again), the
    full call is made instead; a row whose kmax-th and next scores tie is handed to
    argpartition with its exact scores. `buffer` (float[shape]), if given, receives the
    uniforms.
    """
    saved = rng.bit_generator.state
    if buffer is None or buffer.shape != shape:
        buffer = np.empty(shape)
    uniform = rng.random(size=shape, out=buffer)  # drawn whether or not any is listed
    if row.size == 0 and uniform.min() > 0.0:
        return []
    if uniform.min() == 0.0:
        rng.bit_generator.state = saved
        drawn = rng.gumbel(size=shape)[row, col]
        if row.size == 0:
            return []

        def exact(idx: np.ndarray) -> np.ndarray:
            return drawn[idx]

        estimate = drawn
    else:
        picked = uniform[row, col]

        def exact(idx: np.ndarray) -> np.ndarray:
            return np.array(
                [0.0 - math.log(-math.log(1.0 - u)) for u in picked[idx].tolist()], dtype=float
            )

        estimate = -np.log(-np.log(1.0 - picked))
    # a row's best by the estimate, and every entry within the margin of its kmax-th
    rough = value + estimate * temperature
    order = np.argsort(row, kind="stable")  # (the rows come in order: a no-op then)
    by_row = row[order]
    starts = np.flatnonzero(np.r_[True, by_row[1:] != by_row[:-1]])
    counts = np.diff(np.r_[starts, row.size])
    ranked = rough[order]
    kth = np.full(starts.size, -np.inf)
    for r in np.flatnonzero(counts > kmax):
        mine = ranked[starts[r] : starts[r] + counts[r]]
        kth[r] = np.partition(mine, mine.size - kmax)[mine.size - kmax]
    threshold = np.empty(row.size)
    threshold[order] = np.repeat(kth - BOUND_MARGIN * max(1.0, temperature), counts)
    maybe = np.flatnonzero(rough >= threshold)
    score = value[maybe] + exact(maybe) * temperature
    # the best kmax of each row among those, by their exact scores
    order = np.lexsort((-score, row[maybe]))
    ranked, by_row = maybe[order], row[maybe][order]
    starts = np.flatnonzero(np.r_[True, by_row[1:] != by_row[:-1]])
    counts = np.diff(np.r_[starts, by_row.size])
    place = np.arange(by_row.size) - np.repeat(starts, counts)
    exact_score = score[order]
    # a row whose kmax-th and next exact scores tie: argpartition decides, as it did
    tied_at = starts[counts > kmax] + kmax - 1
    tied = set(by_row[tied_at[exact_score[tied_at] == exact_score[tied_at + 1]]].tolist())
    chosen = [
        (int(r), int(c))
        for r, c in zip(by_row[place < kmax], col[ranked[place < kmax]], strict=True)
        if r not in tied
    ]
    for r in sorted(tied):
        every = np.flatnonzero(row == r)
        full = np.full(shape[1], -np.inf)
        full[col[every]] = value[every] + exact(every) * temperature
        top = np.argpartition(-full, kmax - 1)[:kmax]
        chosen += [(r, int(c)) for c in top if np.isfinite(full[c])]
    chosen.sort(key=lambda rc: rc[0])  # row by row, as the rows of the full matrix
    return chosen


class CooperationRules:
    """The decision rules, with the run's parameters and static pair attributes."""

    def __init__(
        self,
        params: ModelParams,
        forms: FormTable,
        distance: np.ndarray,
        comember: np.ndarray,
        core: np.ndarray,
        catalyst: float,
    ) -> None:
        self.p = params
        self.forms = forms
        self.distance = distance
        self.comember = comember
        self.core = core
        self.relief = catalyst * comember.astype(float)  # [N, N]
        self._uniform: np.ndarray | None = None  # reused for the draws of the moves' noise

    # --- values -------------------------------------------------------------------

    def _side_value(
        self,
        cur: np.ndarray,
        to: np.ndarray,
        *,
        area_form: np.ndarray,
        relief: np.ndarray,
        distance: np.ndarray,
        pressure: np.ndarray,
        need_gap: np.ndarray,
        autonomy_weight: np.ndarray,
        military_weight: np.ndarray,
        core: np.ndarray,
        reliability: np.ndarray,
        fit: np.ndarray,
        ratio: np.ndarray,
        bonus: np.ndarray | None = None,
        drops: np.ndarray | None = None,
    ) -> np.ndarray:
        """Value to state i of moving the tie (i, j, a) from its form `cur` to the form
        ``to[cur]`` (`to` [7]: the form each form would move to).

        Every argument is given per tie, or broadcastable to `cur`'s shape: the pair's
        `relief` (the catalyst), `distance`, `reliability` (of j to i), `fit` and
        `ratio` (j's capability to i's reference level); i's `pressure`, `need_gap`
        (how far its own capability falls short of its need in the area),
        `autonomy_weight`, `military_weight` (its weight of the military goal, raised by
        its threat level) and `core` (the area is in its sovereign core); `area_form`,
        the deepest form in the area over all partners (as the model has always passed
        it: the partner j's); `drops` marks the side that would give up the capability
        at form 6 (None: none) and `bonus` is added to the value (None: none).
        """
        p, fm = self.p, self.forms
        keep = 1.0 - relief  # the share of the coordination overhead that remains
        forms = np.arange(len(to))
        new = to[cur]
        # base and gain as fm.net_saving(area_form) and fm.net_saving(new) - base
        base = fm.saving[area_form] - fm.overhead[area_form] * keep
        gain = fm.saving[to][cur] - fm.overhead[to][cur] * keep
        gain -= base
        gain[new <= area_form] = 0.0
        s = p.specialisation_share  # the dependent saves the upkeep of what it hands over
        some_drop = drops is not None and bool(drops.any())
        if some_drop:
            gain[drops] = s * (1.0 - base[drops]) + (1.0 - s) * gain[drops]
        econ = gain
        econ *= p.economic_base + p.economic_pressure * pressure
        # (fm.access[new] - fm.access[cur]), one difference per current form
        mil = (fm.access[to] - fm.access[forms])[cur] * reliability
        mil *= np.minimum(1.0, ratio)
        mil *= 1.0 + p.need_weight * need_gap
        pol = p.political_base * (1.0 - distance)
        mixed = p.goal_weight_economic * econ
        mixed += military_weight * mil
        mixed += p.goal_weight_political * pol
        benefit = p.benefit_scale * fit * mixed
        d_con = (fm.constraint[to] - fm.constraint[forms])[cur]
        if some_drop:
            held = fm.constraint[cur[drops]]
            d_con[drops] = s * (1.0 - held) + (1.0 - s) * d_con[drops]
        cost = autonomy_weight * d_con
        cost *= np.where(core, p.core_weight, 1.0)
        cost += p.transaction_cost * keep
        benefit -= cost
        if bonus is None:
            benefit += 0.0
        else:
            benefit += bonus
        return benefit

    def form_value(
        self,
        eff: np.ndarray,
        form: int,
        area_form: np.ndarray,
        k: np.ndarray,
        ref: np.ndarray,
        pressure: np.ndarray,
        reliability: np.ndarray,
        fit: np.ndarray,
        autonomy_weight: np.ndarray,
        military_weight: np.ndarray,
        need_gap: np.ndarray,
    ) -> np.ndarray:
        """float[N, N, A]: i's value of cooperating with j in each area at `form` (or
        its current form, if deeper); what a state weighs when invited to a framework."""
        n, _, a = eff.shape
        to = np.maximum(np.arange(int(Form.SPECIALISATION) + 1), int(form))
        value = np.empty(eff.shape)
        for rows in row_blocks(n, n * a):  # block by block of rows: identical, faster
            cur = eff[rows].astype(np.intp)
            ref_i = ref[rows][:, None, :]
            value[rows] = self._side_value(
                cur,
                to,
                area_form=area_form[None, :, :],
                relief=self.relief[rows][:, :, None],
                distance=self.distance[rows][:, :, None],
                pressure=pressure[rows][:, None, None],
                need_gap=need_gap[rows][:, None, :],
                autonomy_weight=autonomy_weight[rows][:, None, None],
                military_weight=military_weight[rows][:, None, None],
                core=self.core[rows][:, None, :],
                reliability=reliability[rows][:, :, None],
                fit=fit[rows][:, :, None],
                ratio=np.divide(k[None, :, :], ref_i, out=np.zeros(cur.shape), where=ref_i > EPS),
            )
        return value

    def form_value_at(
        self,
        eff: np.ndarray,
        form: int,
        area_form: np.ndarray,
        k: np.ndarray,
        ref: np.ndarray,
        pressure: np.ndarray,
        reliability: np.ndarray,
        fit: np.ndarray,
        autonomy_weight: np.ndarray,
        military_weight: np.ndarray,
        need_gap: np.ndarray,
        i: np.ndarray,
        j: np.ndarray,
        ar: np.ndarray,
    ) -> np.ndarray:
        """:meth:`form_value` at the entries (i, j, ar) only: the same values."""
        to = np.maximum(np.arange(int(Form.SPECIALISATION) + 1), int(form))
        ref_i = ref[i, ar]
        return self._side_value(
            eff[i, j, ar].astype(np.intp),
            to,
            area_form=area_form[j, ar],
            relief=self.relief[i, j],
            distance=self.distance[i, j],
            pressure=pressure[i],
            need_gap=need_gap[i, ar],
            autonomy_weight=autonomy_weight[i],
            military_weight=military_weight[i],
            core=self.core[i, ar],
            reliability=reliability[i, j],
            fit=fit[i, j],
            ratio=np.divide(k[j, ar], ref_i, out=np.zeros(ref_i.shape), where=ref_i > EPS),
        )

    def steps_may_pay(
        self,
        bounded: list[int],
        pressure: np.ndarray,
        reliability: np.ndarray,
        fit: np.ndarray,
        trust_min: np.ndarray,
        autonomy_weight: np.ndarray,
        deepen_bonus: np.ndarray,
        new_partner_penalty: np.ndarray,
        military_weight: np.ndarray,
        need_gap: np.ndarray,
        partner: np.ndarray,
    ) -> list[np.ndarray]:
        """For each form 0-4, bool[N, N]: the pairs for which a move from that form one
        form deeper, in an area where they hold it, may be feasible and worth it to both.

        Feasible: the fit or mutual trust is not short of the deeper form's on both
        sides. Worth it, for the forms in `bounded`: an upper bound of
        :meth:`_side_value` over such areas: the largest economic
        gain, the military gain at full access to the partner's capability and at i's
        largest need, the least autonomy cost, the bonus for a tie held; a pair whose
        bound falls below zero (by a margin far above rounding) on either side cannot
        agree on such a move. Where a parameter's sign would void the bound (the config
        checks exclude it), every feasible pair may.
        """
        p, fm = self.p, self.forms
        forms = range(int(Form.SPECIALISATION) - 1)
        d_access = np.diff(fm.access)
        d_constraint = np.diff(fm.constraint)
        signs_hold = (
            min(
                p.benefit_scale,
                p.goal_weight_economic,
                p.need_weight,
                float(d_access[:5].min()),
                float(d_constraint[:5].min()),
                p.core_weight,
                float(military_weight.min(initial=0.0)),
                float(autonomy_weight.min(initial=0.0)),
                float(deepen_bonus.min(initial=0.0)),
                float(fit.min(initial=0.0)),
                float(reliability.min(initial=0.0)),
                float(need_gap.min(initial=0.0)),
            )
            >= 0.0
        )
        out = []
        for form in forms:
            ok = (fit >= fm.fit_required[form + 1]) & (trust_min >= fm.trust_required[form + 1])
            out.append(ok | ok.T)
        if not signs_hold or not bounded:
            return out
        keep = 1.0 - self.relief
        net = [fm.saving[f] - fm.overhead[f] * keep for f in range(len(forms) + 1)]
        scale = (p.economic_base + p.economic_pressure * pressure)[:, None]
        reach = reliability * (1.0 + p.need_weight * need_gap.max(axis=1))[:, None]
        weight = p.benefit_scale * fit
        political = p.goal_weight_political * (p.political_base * (1.0 - self.distance))
        fixed_cost = p.transaction_cost * keep
        autonomy = autonomy_weight[:, None] * min(p.core_weight, 1.0)
        low, high = net[0].copy(), net[0].copy()  # the least and most net saving so far
        for form in forms:
            # the gain over the deepest form j holds in the area (at least `form`: j
            # holds it with i), taken over every form up to `form` all the same
            np.minimum(low, net[form], out=low)
            np.maximum(high, net[form], out=high)
            if form not in bounded:
                continue
            econ = np.maximum((net[form + 1] - low) * scale, (net[form + 1] - high) * scale)
            np.maximum(econ, 0.0, out=econ)
            benefit = p.goal_weight_economic * econ
            benefit += military_weight[:, None] * (d_access[form] * reach)
            benefit += political
            benefit *= weight
            benefit -= autonomy * d_constraint[form]
            benefit -= fixed_cost
            # a tie held (form >= 1 between them) earns the bonus; without any tie
            # between them the newcomer's penalty applies
            held = deepen_bonus[:, None] if form > 0 else 0.0
            benefit += np.where(partner, held, -new_partner_penalty[:, None])
            may = benefit > -BOUND_MARGIN
            out[form] &= may & may.T
            np.fill_diagonal(out[form], False)
        return out

    def propose(
        self,
        state: CoopState,
        eff: np.ndarray,
        area_form: np.ndarray,
        k: np.ndarray,
        ref: np.ndarray,
        pressure: np.ndarray,
        fit: np.ndarray,
        reliability: np.ndarray,
        allowed: np.ndarray,
        priority: np.ndarray,
        autonomy_weight: np.ndarray,
        deepen_bonus: np.ndarray,
        new_partner_penalty: np.ndarray,
        military_weight: np.ndarray,
        need_gap: np.ndarray,
        year: int,
        rng: np.random.Generator,
    ) -> list[tuple[int, int, int, int, int]]:
        """Mutually beneficial one-level moves each state initiates this year.

        Returns (initiator, partner, area, from_form, to_form) tuples, one per pair
        and area. Each state initiates at most ``initiatives_per_year`` moves, chosen
        among its positive ones with Gumbel noise of scale ``choice_temperature``.

        A move is weighed only where it may be feasible and mutually beneficial
        (:meth:`steps_may_pay`); the result is that of weighing every pair and area.
        """
        p, fm = self.p, self.forms
        n, _, a = eff.shape
        top_form = int(Form.SPECIALISATION)
        to = np.minimum(np.arange(top_form + 1) + 1, top_form)  # one form deeper
        partner = any_over_areas(state.bilateral > 0)
        trust_min = np.minimum(state.trust, state.trust.T)
        holds = k > EPS
        # the candidates: pairs and areas where both hold the capability and the tie
        # has not changed this year, at a form for which the pair may agree on a step
        # (:meth:`steps_may_pay`; form 5 always, form 6 never); a symmetric set
        # the bound costs a pass over all pairs: worth it for the forms many hold
        bounded = [
            form for form in range(top_form - 1) if np.count_nonzero(eff == form) > n * n // 8
        ]
        may = self.steps_may_pay(
            bounded,
            pressure,
            reliability,
            fit,
            trust_min,
            autonomy_weight,
            deepen_bonus,
            new_partner_penalty,
            military_weight,
            need_gap,
            partner,
        )
        # one bit per form: may a pair holding that form step deeper
        bits = np.full((n, n), 1 << (top_form - 1), dtype=np.uint8)
        for form, pairs in enumerate(may):
            bits |= pairs.astype(np.uint8) << form
        mask = np.empty(eff.shape, dtype=bool)
        for rows in row_blocks(n, n * a):
            block = (bits[rows][:, :, None] >> eff[rows].view(np.uint8)) & 1 == 1
            block &= holds[rows][:, None, :]
            block &= holds[None, :, :]
            block &= state.since[rows] < year
            mask[rows] = block
        ii, jj, aa = nonzero3(mask)
        cur = eff[ii, jj, aa].astype(np.intp)
        new = to[cur]
        pair_allowed = np.minimum(allowed[ii, aa], allowed[jj, aa])
        shallow = ~(priority[ii, jj] & priority[jj, ii])
        pair_allowed[shallow] = np.minimum(pair_allowed[shallow], SHALLOW_LIMIT)
        # feasible: as checked for the mask (both hold, no second change to a tie in a
        # year, not at form 6), within what policy allows, with the fit and mutual trust
        # the deeper form needs
        feasible = new <= pair_allowed
        feasible &= fit[ii, jj] >= fm.fit_required[to][cur]
        feasible &= trust_min[ii, jj] >= fm.trust_required[to][cur]
        feasible &= ii != jj
        # a move is mutual when feasible and worth it to both: weigh (i, j, a) when it
        # or (j, i, a) is feasible
        seen = np.zeros(eff.shape, dtype=bool)
        seen[ii, jj, aa] = feasible
        weigh = np.flatnonzero(feasible | seen[jj, ii, aa])
        i, j, ar, c = ii[weigh], jj[weigh], aa[weigh], cur[weigh]
        drops = None
        if (to[c] == top_form).any():  # form 6: the state holding less becomes dependent
            smaller = (k[i, ar] < k[j, ar]) | ((k[i, ar] == k[j, ar]) & (i > j))
            drops = (to[c] == top_form) & smaller
        ref_i = ref[i, ar]
        bonus = np.where(state.bilateral[i, j, ar] > 0, deepen_bonus[i], 0.0)
        bonus -= np.where(partner[i, j], 0.0, new_partner_penalty[i])
        value = self._side_value(
            c,
            to,
            area_form=area_form[j, ar],
            relief=self.relief[i, j],
            distance=self.distance[i, j],
            pressure=pressure[i],
            need_gap=need_gap[i, ar],
            autonomy_weight=autonomy_weight[i],
            military_weight=military_weight[i],
            core=self.core[i, ar],
            reliability=reliability[i, j],
            fit=fit[i, j],
            ratio=np.divide(k[j, ar], ref_i, out=np.zeros(ref_i.shape), where=ref_i > EPS),
            bonus=bonus,
            drops=drops,
        )
        positive = np.zeros(eff.shape, dtype=bool)
        positive[i, j, ar] = value > 0
        mutual = feasible[weigh] & (value > 0) & positive[j, i, ar]
        kmax = min(p.initiatives_per_year, n * a)
        if self._uniform is None or self._uniform.shape != (n, n * a):
            self._uniform = np.empty((n, n * a))
        chosen = choose_top(
            rng,
            (n, n * a),
            i[mutual],
            j[mutual] * a + ar[mutual],
            value[mutual],
            p.choice_temperature,
            kmax,
            self._uniform,
        )
        moves: dict[tuple[int, int, int], tuple[int, int, int, int, int]] = {}
        for r, f in chosen:
            jj_, ar_ = divmod(f, a)
            key = (min(r, jj_), max(r, jj_), ar_)
            if key not in moves:
                now = int(eff[r, jj_, ar_])
                moves[key] = (r, jj_, ar_, now, min(now + 1, top_form))
        return [moves[key] for key in sorted(moves)]

    def apply_moves(
        self,
        state: CoopState,
        moves: list[tuple[int, int, int, int, int]],
        k: np.ndarray,
        handed: np.ndarray,
        year: int,
    ) -> list[Event]:
        """Write the moves into the record; at form 6 the smaller holder hands over
        ``specialisation_share`` of its capability in the area (:func:`hand_over`)."""
        events = []
        for i, j, ar, old, new in moves:
            if new == Form.SPECIALISATION and (
                state.dependent[i, :, ar].any()
                or state.dependent[j, :, ar].any()
                or state.dependent[:, _dependent_of(k, i, j, ar), ar].any()
            ):
                # one provider per area: a state that already relies on a partner in
                # the area (another move of this year included) neither takes a second
                # provider nor provides for others what it has handed over; and a
                # provider does not hand over what others rely on it for
                continue
            bil_old = int(state.bilateral[i, j, ar])
            state.bilateral[i, j, ar] = state.bilateral[j, i, ar] = new
            state.since[i, j, ar] = state.since[j, i, ar] = year
            if new == Form.SPECIALISATION:
                d = _dependent_of(k, i, j, ar)
                prov = j if d == i else i
                state.dependent[d, prov, ar] = True
                hand_over(k, handed, d, ar, self.p.specialisation_share)
            if state.initiative is not None:
                state.initiative[i, j] += 1
            kind = "formed" if bil_old == 0 else "deepened"
            reason = "specialisation" if new == Form.SPECIALISATION else "mutual_gain"
            events.append(Event(kind, i, j, "", ar, old, new, reason))
        return events

    def thematic(
        self,
        state: CoopState,
        k: np.ndarray,
        rate: np.ndarray,
        year: int,
        rng: np.random.Generator,
        choice_rng: np.random.Generator | None = None,
    ) -> list[Event]:
        """Temporary thematic ties (joint hire) with states outside one's alliances.

        The note's opportunity partners come from operations, counter-piracy,
        training abroad and materiel sales (p. 13: "vaak tijdelijke bilaterale
        relaties met landen rondom specifieke thema's"), not from budget pressure:
        each NATO or EU member starts on average `rate` [N] such ties a year
        (:func:`thematic_rates`), with a partner outside NATO and the EU, in an area
        both hold, nearer partners being likelier.
        """
        n = k.shape[0]
        initiates = self.comember.any(axis=1)
        counts = rng.poisson(rate * initiates)
        choice_rng = rng if choice_rng is None else choice_rng
        holds = k > EPS
        events = []
        for i in np.flatnonzero(counts):
            weight = np.where(self.comember[i] | initiates, 0.0, 1.0 - 0.5 * self.distance[i])
            weight[i] = 0.0
            free = holds[i][None, :] & holds & (state.bilateral[i] == 0) & (state.since[i] < year)
            weight = weight * free.any(axis=1)
            for _ in range(int(counts[i])):
                if weight.sum() <= 0:
                    break
                j = int(choice_rng.choice(n, p=weight / weight.sum()))
                areas = np.flatnonzero(free[j])
                ar = int(choice_rng.choice(areas))
                state.bilateral[i, j, ar] = state.bilateral[j, i, ar] = Form.JOINT_HIRE
                state.since[i, j, ar] = state.since[j, i, ar] = year
                if state.initiative is not None:
                    state.initiative[i, j] += 1
                free[j, ar] = False
                if not free[j].any():
                    weight[j] = 0.0
                events.append(Event("formed", int(i), j, "", ar, 0, 1, "thematic"))
        return events

    # --- downgrades ---------------------------------------------------------------

    def downgrade(
        self,
        state: CoopState,
        k: np.ndarray,
        cut_fraction: np.ndarray,
        fit: np.ndarray,
        allowed: np.ndarray,
        priority: np.ndarray,
        year: int,
        rng: np.random.Generator,
        prune_rate: np.ndarray | None = None,
        prune_max_form: np.ndarray | None = None,
        handed: np.ndarray | None = None,
    ) -> list[Event]:
        """Downgrade or abandon bilateral ties whose conditions no longer hold.

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
        p, fm = self.p, self.forms
        bil = state.bilateral
        iu, ju, au = nonzero3(bil > 0)
        upper = iu < ju  # each pair once (the record is symmetric), in row-major order
        iu, ju, au = iu[upper], ju[upper], au[upper]
        # one draw per pair and area whether or not a tie exists there, so that two runs
        # with the same seed draw the same number for the same tie (common random numbers)
        expire_all = rng.random(bil.shape)
        if iu.size == 0:
            return []
        f = bil[iu, ju, au].astype(np.int64)
        limit = np.minimum(allowed[iu, au], allowed[ju, au])
        limit = np.where(
            priority[iu, ju] & priority[ju, iu], limit, np.minimum(limit, SHALLOW_LIMIT)
        )
        dep_ij = state.dependent[iu, ju, au]
        dep_ji = state.dependent[ju, iu, au]
        # a dependent legitimately holds nothing; its provider must hold the capability
        gone_i = (k[iu, au] <= EPS) & ~dep_ij
        gone_j = (k[ju, au] <= EPS) & ~dep_ji
        cut_i = (cut_fraction[iu, au] > p.cut_tolerance) & ~dep_ij
        cut_j = (cut_fraction[ju, au] > p.cut_tolerance) & ~dep_ji
        trust_ij, trust_ji = state.trust[iu, ju], state.trust[ju, iu]
        trust_min = np.minimum(trust_ij, trust_ji)
        prune_i = prune_j = np.zeros(iu.size, dtype=bool)
        if prune_rate is not None and prune_max_form is not None and (prune_rate > 0).any():
            # only policies that prune draw: other runs keep their random stream
            draw = rng.random((2, *bil.shape))[:, iu, ju, au]
            prune_i = ~priority[iu, ju] & (f <= prune_max_form[iu]) & (draw[0] < prune_rate[iu])
            prune_j = ~priority[ju, iu] & (f <= prune_max_form[ju]) & (draw[1] < prune_rate[ju])
        expire_draw = expire_all[iu, ju, au]
        # the reasons in their order of precedence: the first that holds applies
        below = np.maximum(f - 1, 0)
        conditions = [
            f > limit,
            prune_i | prune_j,
            gone_i | gone_j,
            cut_i | cut_j,
            trust_min < fm.trust_required[below] - p.trust_margin,
            fit[iu, ju] < fm.fit_required[below] - p.fit_margin,
            (f == Form.JOINT_HIRE) & (expire_draw < 1.0 / p.hire_duration),
        ]
        reasons = ("policy", "policy", "partner_cut", "partner_cut", "trust_fell", "fit_lost")
        reasons += ("expired",)
        to = np.select(conditions, [limit, 0, 0, below, below, below, 0], default=-1)
        which = np.select(conditions, np.arange(len(conditions)), default=-1)
        # who ends or lowers the tie: the side that prunes, or the other side of the one
        # that no longer holds or cut the capability, or the side that trusts less
        first_is_i = np.select(
            conditions,
            [True, prune_i, ~gone_i, ~cut_i, ~(trust_ji < trust_ij), True, True],
            default=True,
        )
        changed = np.flatnonzero(which >= 0)
        bil[iu[changed], ju[changed], au[changed]] = to[changed]
        bil[ju[changed], iu[changed], au[changed]] = to[changed]
        state.since[iu[changed], ju[changed], au[changed]] = year
        state.since[ju[changed], iu[changed], au[changed]] = year
        events = []
        for t in changed:
            i, j, ar, form, new = int(iu[t]), int(ju[t]), int(au[t]), int(f[t]), int(to[t])
            if form == Form.SPECIALISATION:  # what was handed over is lost with the tie
                was = (state.dependent[i, j, ar], state.dependent[j, i, ar])
                state.dependent[i, j, ar] = state.dependent[j, i, ar] = False
                for d, dep in zip((i, j), was, strict=True):
                    # only when it relied on this partner and on no other in the area
                    if dep and handed is not None and not state.dependent[d, :, ar].any():
                        handed[d, ar] = 0.0
            who, other = (i, j) if first_is_i[t] else (j, i)
            kind = "abandoned" if new == 0 else "downgraded"
            events.append(Event(kind, who, other, "", ar, form, new, reasons[which[t]]))
        return events


def _dependent_of(k: np.ndarray, i: int, j: int, ar: int) -> int:
    """Which of a form-6 pair becomes dependent in area `ar`: the smaller holder (on a
    tie, the state with the lower index provides)."""
    return i if (k[i, ar], j) < (k[j, ar], i) else j
