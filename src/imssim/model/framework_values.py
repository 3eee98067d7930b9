"""What joining a framework is worth to each state, and whether its members consent.

The terms :func:`imssim.model.frameworks.join_and_leave` weighs, computed with numpy
for all states and frameworks at once over [N, F] arrays (state x framework): the
means over each framework's members (:func:`member_means`), the value of joining
(:func:`join_value`, with the military gain of :func:`military_gain`), the value of a
forward presence (:func:`presence_terms`) and the members' consent (:func:`consent`).
The compiled pass of :func:`imssim.model.kernels.frameworks.join_leave` reproduces
them bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from imssim.model.blocks import BLOCK_ELEMENTS
from imssim.model.cooperation import CooperationRules, CoopState, CoopYear
from imssim.model.forms import Form
from imssim.model.motives import economic_scale, political_value
from imssim.model.presence import presence_value
from imssim.world import Framework


class SettingView(Protocol):
    """What the terms read of the frameworks' setting this year
    (:class:`imssim.model.frameworks.FrameworkSetting`)."""

    @property
    def frameworks(self) -> list[Framework]:
        """The run's frameworks: the record's and those founded since."""

    @property
    def ended(self) -> np.ndarray:
        """int[F]: the year each ended (0: running)."""

    @property
    def area(self) -> np.ndarray:
        """int[F]: each framework's area."""

    @property
    def level(self) -> np.ndarray:
        """int[F]: each framework's form."""

    @property
    def host(self) -> np.ndarray:
        """int[F]: each framework's host (a forward presence), -1: none."""


TOP_FORM = int(Form.SPECIALISATION)


@dataclass(frozen=True)
class MemberMeans:
    """Each framework as each state sees it, [N, F]: its members (i included) and the
    mean over the members other than i of i's trust in them, its fit with them and the
    catalyst's relief between them."""

    member: np.ndarray  # float[N, F]: 1 for a member
    n_members: np.ndarray  # float[F]
    trust: np.ndarray
    fit: np.ndarray
    relief: np.ndarray
    allied_exposure: np.ndarray  # the members' threat exposure, counted for allies of i


def member_sums(
    rules: CooperationRules, state: CoopState, year: CoopYear
) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """float[N, F]: each framework's members (1 for a member), and [N, F] each: the sums
    over its members of i's trust in them, its fit with them, the catalyst's relief
    between them and their threat exposure where they are allies of i (the diagonals are
    0: i itself adds nothing)."""
    m = state.members.T.astype(float)  # [N, F]
    sums = [x @ m for x in (state.trust, year.pairs.fit, rules.relief)]
    if year.states.exposure.any():
        sums.append(allied(rules, year) @ m)
    else:  # no state exposed: the product of zeros, zeros
        sums.append(np.zeros(m.shape))
    return m, tuple(sums)


def member_means(rules: CooperationRules, state: CoopState, year: CoopYear) -> MemberMeans:
    """Each framework's members and the means over them, as each state sees it."""
    m, (trust, fit, relief, exposure) = member_sums(rules, state, year)
    n_members = m.sum(axis=0)
    count = np.maximum(n_members[None, :] - m, 1.0)  # members other than i
    return MemberMeans(
        member=m,
        n_members=n_members,
        trust=trust / count,
        fit=fit / count,
        relief=relief / count,
        allied_exposure=exposure / count,
    )


def allied(rules: CooperationRules, year: CoopYear) -> np.ndarray:
    """float[N, N]: j's threat exposure where i and j are allies (co-members), else 0."""
    return rules.comember * year.states.exposure[None, :]


def join_value(
    rules: CooperationRules,
    state: CoopState,
    setting: SettingView,
    year: CoopYear,
    means: MemberMeans,
) -> np.ndarray:
    """float[N, F]: each state's value of joining each framework: the value of 7.10
    for the framework's form with its members (their mean fit and relief),
    the military gain over the least access it has now with any member."""
    p, fm = rules.params, rules.forms
    area, level, relief = setting.area, setting.level, means.relief
    form_now = year.area_form[:, area]  # [N, F]
    base = fm.net_saving(form_now, relief)
    deeper = level[None, :] > form_now
    gain = np.where(
        deeper, fm.net_saving(np.broadcast_to(level, form_now.shape), relief) - base, 0.0
    )
    econ = gain * economic_scale(p, year.states.pressure)[:, None]
    mil = military_gain(rules, state, setting, year)
    pol = political_value(p, year.states.exposure[:, None], means.allied_exposure, np.True_)
    mixed = econ + year.states.military_weight[:, None] * mil + pol
    benefit = p.benefit_scale * means.fit * mixed
    d_con = np.where(deeper, fm.constraint[level][None, :] - fm.constraint[form_now], 0.0)
    core_factor = np.where(rules.core[:, area], p.core_weight, 1.0)
    autonomy_weight = year.policy.autonomy_weight
    cost = autonomy_weight[:, None] * d_con * core_factor + p.transaction_cost * (1.0 - relief)
    return benefit - cost


def presence_terms(
    rules: CooperationRules, state: CoopState, setting: SettingView, year: CoopYear
) -> tuple[np.ndarray, np.ndarray]:
    """float[N, F]: each state's political value of each forward presence
    (:func:`imssim.model.presence.presence_value`; 0 for the other frameworks), and
    bool[N, F]: the presences a state takes no part in while it takes part in another
    (its unit is committed there)."""
    n = state.members.shape[1]
    value = np.zeros((n, len(setting.frameworks)))
    elsewhere = np.zeros((n, len(setting.frameworks)), dtype=bool)
    who = np.arange(n)
    presences = np.flatnonzero((setting.host >= 0) & (setting.ended == 0))
    taking_part = state.members[presences].sum(axis=0)  # [N]
    for f in presences:
        fw = setting.frameworks[f]
        elsewhere[:, f] = taking_part - state.members[f] > 0
        value[:, f] = presence_value(rules, year, state.trust, fw.lead, fw.host, who)
    return value, elsewhere


def military_gain(
    rules: CooperationRules, state: CoopState, setting: SettingView, year: CoopYear
) -> np.ndarray:
    """float[N, F]: the most access the framework's form adds over i's current form with
    any member (the least access i has now with one): per framework over its members
    (0 for a framework without members). For a small world all frameworks at once, over
    an [N, N, F] array; for a large one framework by framework, over its members only."""
    fm = rules.forms
    n, n_fw = state.members.shape[1], len(setting.frameworks)
    monotone = bool((np.diff(fm.access) >= 0).all())  # (the config checks ensure it)
    if n_fw == 0 or n * n * n_fw > BLOCK_ELEMENTS:
        return _military_gain_each(rules, state, setting, year, monotone)
    # forms[i, j, f]: the form of i with j in framework f's area
    forms = year.eff[:, :, setting.area]
    outside = ~state.members.T[None, :, :]  # [1, N, F]: j is not a member of f
    if monotone:  # the least access is the access of the least form
        least = fm.access[np.where(outside, np.int8(TOP_FORM), forms).min(axis=1)]
    else:
        least = np.where(outside, np.inf, fm.access[forms]).min(axis=1)
    mil = (fm.access[setting.level][None, :] - least).clip(0.0, None)
    mil[:, ~state.members.any(axis=1)] = 0.0
    return mil


def _military_gain_each(
    rules: CooperationRules,
    state: CoopState,
    setting: SettingView,
    year: CoopYear,
    monotone: bool,
) -> np.ndarray:
    """:func:`military_gain` framework by framework (for a large world)."""
    fm = rules.forms
    area, level = setting.area, setting.level
    mil = np.zeros((state.members.shape[1], len(setting.frameworks)))
    for ar in np.unique(area):
        layer = np.ascontiguousarray(year.eff[:, :, ar])  # [N, N]: the forms in this area
        access_now = None if monotone else fm.access[layer]
        for f in np.flatnonzero(area == ar):
            who = np.flatnonzero(state.members[f])
            if who.size:
                if monotone:  # the least access is the access of the least form
                    least = fm.access[layer[:, who].min(axis=1)]
                else:
                    assert access_now is not None  # set when the access is not monotone
                    least = access_now[:, who].min(axis=1)
                mil[:, f] = (fm.access[level[f]] - least).clip(0.0, None)
    return mil


def consent(
    rules: CooperationRules,
    state: CoopState,
    level: np.ndarray,
    n_members: np.ndarray,
    relief: np.ndarray,
) -> np.ndarray:
    """float[N, F]: the share of each framework's members whose trust in i meets its
    form's requirement, less `relief` [F] (counted over each framework's members: the
    trust of member j in every i)."""
    p, fm = rules.params, rules.forms
    needed = fm.trust_required[level] - relief - p.trust_margin  # [F]
    admitted = np.zeros((state.members.shape[1], state.members.shape[0]))
    members = state.members.astype(float)
    for threshold in np.unique(needed):  # per threshold: whose trust in whom meets it
        fs = np.flatnonzero(needed == threshold)
        # counts of members (small whole numbers: exact in floating point)
        admitted[:, fs] = (members[fs] @ (state.trust >= threshold).astype(float)).T
    return admitted / np.maximum(n_members, 1.0)[None, :]
