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

from dataclasses import dataclass

import numpy as np

from imssim.blocks import row_blocks
from imssim.config import ModelParams
from imssim.forms import SHALLOW_LIMIT, Form, FormTable

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

    # --- values -------------------------------------------------------------------

    def _side_value(
        self,
        cur: np.ndarray,
        to: np.ndarray,
        area_form: np.ndarray,
        pressure: np.ndarray,
        ratio: np.ndarray,
        reliability: np.ndarray,
        fit: np.ndarray,
        autonomy_weight: np.ndarray,
        bonus: np.ndarray | None,
        drops: np.ndarray | None,
        military_weight: np.ndarray,
        need_gap: np.ndarray,
        rows: slice = slice(None),
    ) -> np.ndarray:
        """Value to state i of moving the tie (i, j, a) from its form `cur` [N, N, A]
        to the form ``to[cur]`` (`to` [7]: the form each form would move to).

        `area_form` is the deepest form in the area over all partners; `drops` marks
        the side that would give up the capability at form 6 (None: no side);
        `military_weight` [N] is i's weight of the military goal (raised by its threat
        level) and `need_gap` [N, A] how far i's own capability falls short of what it
        needs; `bonus` (None: none) is added to the value.

        With `rows`, the values of those states i only: `cur`, `ratio`,
        `reliability`, `fit`, `bonus` and `drops` are then given for those rows, the
        per-state arguments for all states.
        """
        p, fm = self.p, self.forms
        # `area_form` [N, A] broadcasts against the pair axes as it always has (over j)
        pressure, need_gap = pressure[rows], need_gap[rows]
        autonomy_weight, military_weight = autonomy_weight[rows], military_weight[rows]
        relief = self.relief[rows][:, :, None]
        keep = 1.0 - relief  # the share of the coordination overhead that remains
        forms = np.arange(len(to))
        new = to[cur]
        # base and gain as fm.net_saving(area_form) and fm.net_saving(new) - base
        base = fm.saving[area_form] - fm.overhead[area_form] * keep
        gain = fm.saving[to][cur] - fm.overhead[to][cur] * keep
        gain -= base
        gain[new <= area_form] = 0.0
        s = p.specialisation_share  # the dependent saves the upkeep of what it hands over
        if drops is not None and drops.any():
            gain[drops] = s * (1.0 - base[drops]) + (1.0 - s) * gain[drops]
        econ = gain
        econ *= p.economic_base + p.economic_pressure * pressure[:, None, None]
        # (fm.access[new] - fm.access[cur]), one difference per current form
        mil = (fm.access[to] - fm.access[forms])[cur] * reliability[:, :, None]
        mil *= np.minimum(1.0, ratio)
        mil *= 1.0 + p.need_weight * need_gap[:, None, :]
        pol = p.political_base * (1.0 - self.distance[rows])[:, :, None]
        mixed = p.goal_weight_economic * econ
        mixed += military_weight[:, None, None] * mil
        mixed += p.goal_weight_political * pol
        benefit = p.benefit_scale * fit[:, :, None] * mixed
        d_con = (fm.constraint[to] - fm.constraint[forms])[cur]
        if drops is not None and drops.any():
            held = fm.constraint[cur[drops]]
            d_con[drops] = s * (1.0 - held) + (1.0 - s) * d_con[drops]
        core_factor = np.where(self.core[rows][:, None, :], p.core_weight, 1.0)
        cost = autonomy_weight[:, None, None] * d_con
        cost *= core_factor
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
        for rows in row_blocks(n, n * a):
            cur = eff[rows].astype(np.intp)
            ratio = np.divide(
                k[None, :, :],
                ref[rows][:, None, :],
                out=np.zeros(cur.shape),
                where=ref[rows][:, None, :] > EPS,
            )
            value[rows] = self._side_value(
                cur,
                to,
                area_form,
                pressure,
                ratio,
                reliability[rows],
                fit[rows],
                autonomy_weight,
                None,
                None,
                military_weight,
                need_gap,
                rows,
            )
        return value

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
        """
        p, fm = self.p, self.forms
        n, _, a = eff.shape
        top_form = int(Form.SPECIALISATION)
        to = np.minimum(np.arange(top_form + 1) + 1, top_form)  # one form deeper
        fit_needed, trust_needed = fm.fit_required[to], fm.trust_required[to]
        holds = k > EPS
        deep_ok = priority & priority.T
        trust_min = np.minimum(state.trust, state.trust.T)
        partner = (state.bilateral > 0).any(axis=2)
        idx = np.arange(n)
        feasible = np.empty(eff.shape, dtype=bool)
        value = np.empty(eff.shape)
        for rows in row_blocks(n, n * a):  # row by row block: identical, faster when large
            cur = eff[rows].astype(np.intp)
            new = to[cur]
            pair_allowed = np.minimum(allowed[rows][:, None, :], allowed[None, :, :])
            shallow = ~deep_ok[rows]
            pair_allowed[shallow] = np.minimum(pair_allowed[shallow], SHALLOW_LIMIT)
            block = state.since[rows] < year  # no second change to a tie in the same year
            block &= cur < top_form
            block &= new <= pair_allowed
            block &= holds[rows][:, None, :]
            block &= holds[None, :, :]
            block &= fit[rows][:, :, None] >= fit_needed[cur]
            block &= trust_min[rows][:, :, None] >= trust_needed[cur]
            block[np.arange(block.shape[0]), idx[rows], :] = False
            feasible[rows] = block
            # form 6: the state holding less becomes dependent on the other
            drops = None
            spec = new == Form.SPECIALISATION
            if spec.any():
                k_i = k[rows][:, None, :]
                smaller = (k_i < k[None, :, :]) | (
                    (k_i == k[None, :, :]) & (idx[rows][:, None, None] > idx[None, :, None])
                )
                drops = spec & smaller
            ratio = np.divide(
                k[None, :, :],
                ref[rows][:, None, :],
                out=np.zeros(cur.shape),
                where=ref[rows][:, None, :] > EPS,
            )
            bonus = np.where(state.bilateral[rows] > 0, deepen_bonus[rows][:, None, None], 0.0)
            bonus -= np.where(
                partner[rows][:, :, None], 0.0, new_partner_penalty[rows][:, None, None]
            )
            value[rows] = self._side_value(
                cur,
                to,
                area_form,
                pressure,
                ratio,
                reliability[rows],
                fit[rows],
                autonomy_weight,
                bonus,
                drops,
                military_weight,
                need_gap,
                rows,
            )
        positive = value > 0
        mutual = feasible & positive & positive.transpose(1, 0, 2)
        noise = rng.gumbel(size=(n, n * a)) * p.choice_temperature  # drawn every year
        if not mutual.any():
            return []
        value[~mutual] = -np.inf
        score = value.reshape(n, -1)
        score += noise
        kmax = min(p.initiatives_per_year, score.shape[1])
        top = np.argpartition(-score, kmax - 1, axis=1)[:, :kmax]
        moves: dict[tuple[int, int, int], tuple[int, int, int, int, int]] = {}
        for i in range(n):
            for flat in top[i]:
                if not np.isfinite(score[i, flat]):
                    continue
                j, ar = divmod(int(flat), a)
                key = (min(i, j), max(i, j), ar)
                if key not in moves:
                    now = int(eff[i, j, ar])
                    moves[key] = (i, j, ar, now, min(now + 1, int(Form.SPECIALISATION)))
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
                state.dependent[i, :, ar].any() or state.dependent[j, :, ar].any()
            ):
                # one provider per area: a state that already relies on a partner in
                # the area (another move of this year included) neither takes a second
                # provider nor provides for others what it has handed over
                continue
            bil_old = int(state.bilateral[i, j, ar])
            state.bilateral[i, j, ar] = state.bilateral[j, i, ar] = new
            state.since[i, j, ar] = state.since[j, i, ar] = year
            if new == Form.SPECIALISATION:
                d, prov = (i, j) if (k[i, ar], j) < (k[j, ar], i) else (j, i)
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
        iu, ju, au = np.nonzero(bil > 0)
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
