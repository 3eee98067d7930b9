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
        new: np.ndarray,
        area_form: np.ndarray,
        pressure: np.ndarray,
        ratio: np.ndarray,
        reliability: np.ndarray,
        fit: np.ndarray,
        autonomy_weight: np.ndarray,
        bonus: np.ndarray,
        drops: np.ndarray,
        military_weight: np.ndarray,
        need_gap: np.ndarray,
    ) -> np.ndarray:
        """Value to state i of moving the tie (i, j, a) from `cur` to `new` (all [N, N, A]).

        `area_form` is i's deepest form in the area over all partners; `drops` marks
        the side that would give up the capability at form 6; `military_weight` [N] is
        i's weight of the military goal (raised by its threat level) and `need_gap`
        [N, A] how far i's own capability falls short of what it needs.
        """
        p, fm = self.p, self.forms
        relief = self.relief[:, :, None]
        base = fm.net_saving(area_form, relief)
        gain = np.where(new > area_form, fm.net_saving(new, relief) - base, 0.0)
        s = p.specialisation_share  # the dependent saves the upkeep of what it hands over
        gain = np.where(drops, s * (1.0 - base) + (1.0 - s) * gain, gain)
        econ = gain * (p.economic_base + p.economic_pressure * pressure[:, None, None])
        mil = (fm.access[new] - fm.access[cur]) * reliability[:, :, None] * np.minimum(1.0, ratio)
        mil = mil * (1.0 + p.need_weight * need_gap[:, None, :])
        pol = p.political_base * (1.0 - self.distance)[:, :, None]
        benefit = (
            p.benefit_scale
            * fit[:, :, None]
            * (
                p.goal_weight_economic * econ
                + military_weight[:, None, None] * mil
                + p.goal_weight_political * pol
            )
        )
        d_con = fm.constraint[new] - fm.constraint[cur]
        d_con = np.where(drops, s * (1.0 - fm.constraint[cur]) + (1.0 - s) * d_con, d_con)
        core_factor = np.where(self.core[:, None, :], p.core_weight, 1.0)
        cost = autonomy_weight[:, None, None] * d_con * core_factor
        cost = cost + p.transaction_cost * (1.0 - relief)
        return benefit - cost + bonus

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
        cur = eff.astype(np.int64)
        new = np.maximum(cur, int(form))
        ratio = np.divide(
            k[None, :, :], ref[:, None, :], out=np.zeros(eff.shape), where=ref[:, None, :] > EPS
        )
        return self._side_value(
            cur,
            new,
            area_form,
            pressure,
            ratio,
            reliability,
            fit,
            autonomy_weight,
            np.zeros(eff.shape),
            np.zeros(eff.shape, dtype=bool),
            military_weight,
            need_gap,
        )

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
        cur = eff.astype(np.int64)
        new = np.minimum(cur + 1, int(Form.SPECIALISATION))
        holds = k > EPS
        both_hold = holds[:, None, :] & holds[None, :, :]
        pair_allowed = np.minimum(allowed[:, None, :], allowed[None, :, :])
        deep_ok = priority & priority.T
        pair_allowed = np.where(
            deep_ok[:, :, None], pair_allowed, np.minimum(pair_allowed, SHALLOW_LIMIT)
        )
        trust_min = np.minimum(state.trust, state.trust.T)
        feasible = (
            (state.since < year)  # no second change to a tie in the same year
            & (cur < new)
            & (new <= pair_allowed)
            & both_hold
            & (fit[:, :, None] >= fm.fit_required[new])
            & (trust_min[:, :, None] >= fm.trust_required[new])
        )
        idx = np.arange(n)
        feasible[idx, idx, :] = False
        # form 6: the state holding less becomes dependent on the other
        spec = new == Form.SPECIALISATION
        smaller = (k[:, None, :] < k[None, :, :]) | (
            (k[:, None, :] == k[None, :, :]) & (idx[:, None, None] > idx[None, :, None])
        )
        drops = spec & smaller
        ratio = np.divide(
            k[None, :, :], ref[:, None, :], out=np.zeros(eff.shape), where=ref[:, None, :] > EPS
        )
        partner = (state.bilateral > 0).any(axis=2)[:, :, None]
        bonus = np.where(state.bilateral > 0, deepen_bonus[:, None, None], 0.0)
        bonus = bonus - np.where(partner, 0.0, new_partner_penalty[:, None, None])
        value = self._side_value(
            cur,
            new,
            area_form,
            pressure,
            ratio,
            reliability,
            fit,
            autonomy_weight,
            bonus,
            drops,
            military_weight,
            need_gap,
        )
        mutual = feasible & (value > 0) & (value.transpose(1, 0, 2) > 0)
        noise = rng.gumbel(size=(n, n * a)) * p.choice_temperature  # drawn every year
        if not mutual.any():
            return []
        score = np.where(mutual, value, -np.inf).reshape(n, -1)
        score = score + noise
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
                    moves[key] = (i, j, ar, int(cur[i, j, ar]), int(new[i, j, ar]))
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
        iu, ju, au = np.nonzero(
            np.triu(np.ones(bil.shape[:2], dtype=bool), 1)[:, :, None] & (bil > 0)
        )
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
        trust_min = np.minimum(state.trust[iu, ju], state.trust[ju, iu])
        prune_i = prune_j = np.zeros(iu.size, dtype=bool)
        if prune_rate is not None and prune_max_form is not None and (prune_rate > 0).any():
            # only policies that prune draw: other runs keep their random stream
            draw = rng.random((2, *bil.shape))[:, iu, ju, au]
            prune_i = ~priority[iu, ju] & (f <= prune_max_form[iu]) & (draw[0] < prune_rate[iu])
            prune_j = ~priority[ju, iu] & (f <= prune_max_form[ju]) & (draw[1] < prune_rate[ju])
        expire_draw = expire_all[iu, ju, au]
        events = []
        for t in range(iu.size):
            i, j, ar, form = int(iu[t]), int(ju[t]), int(au[t]), int(f[t])
            to, reason, who, other = None, "", i, j
            if form > limit[t]:
                to, reason = int(limit[t]), "policy"
            elif prune_i[t] or prune_j[t]:
                to, reason = 0, "policy"
                who, other = (i, j) if prune_i[t] else (j, i)
            elif gone_i[t] or gone_j[t]:
                to, reason = 0, "partner_cut"
                who, other = (j, i) if gone_i[t] else (i, j)
            elif cut_i[t] or cut_j[t]:
                to, reason = form - 1, "partner_cut"
                who, other = (j, i) if cut_i[t] else (i, j)
            elif trust_min[t] < fm.trust_required[form - 1] - p.trust_margin:
                to, reason = form - 1, "trust_fell"
                if state.trust[j, i] < state.trust[i, j]:
                    who, other = j, i
            elif fit[i, j] < fm.fit_required[form - 1] - p.fit_margin:
                to, reason = form - 1, "fit_lost"
            elif form == Form.JOINT_HIRE and expire_draw[t] < 1.0 / p.hire_duration:
                to, reason = 0, "expired"
            if to is None:
                continue
            bil[i, j, ar] = bil[j, i, ar] = to
            state.since[i, j, ar] = state.since[j, i, ar] = year
            if form == Form.SPECIALISATION:  # what was handed over is lost with the tie
                was = (state.dependent[i, j, ar], state.dependent[j, i, ar])
                state.dependent[i, j, ar] = state.dependent[j, i, ar] = False
                for d, dep in zip((i, j), was, strict=True):
                    # only when it relied on this partner and on no other in the area
                    if dep and handed is not None and not state.dependent[d, :, ar].any():
                        handed[d, ar] = 0.0
            kind = "abandoned" if to == 0 else "downgraded"
            events.append(Event(kind, who, other, "", ar, form, to, reason))
        return events
