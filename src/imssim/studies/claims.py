"""The note's claims (a-g), each checked on the output tables of several seeds.

docs/ODD.md (element 1.2, "patterns") states what each claim means; the passages of the
2012 note they come from:

(a) p. 5: "de meer verdiepte vormen van samenwerking [hebben] de grootste kans van slagen
    ... met partners tot wie de (geo)politiek-strategische afstand gering is en die een
    met Nederland vergelijkbare politieke cultuur kennen".
(b) p. 1: "Nieuw is evenwel de schaal waarop de internationale economische crisis landen
    heeft aangezet hun internationale militaire samenwerking te verbreden en te
    verdiepen".
(c) p. 3: "handelingsvermogen als een wezenlijk onderdeel van ons soevereiniteitsbegrip";
    p. 5: the forms "de (soevereine) vrijheid van handelen steeds verder inperken om daar
    tegelijkertijd meer handelingsvermogen aan partners voor terug te geven".
(d) p. 9: "met minder partners, maar wel intensiever".
(e) p. 3: the "toets internationale militaire samenwerking" is "achterhaald als
    richtsnoer".
(f) p. 5: "partners door de tijd heen van de ene schil naar de andere kunnen bewegen".
(g) p. 5: cuts should "oog hebben voor de bezuinigingplannen van andere landen, mede in
    het licht van tekorten en overschotten binnen de NAVO en de EU".

Each claim is a function (some claims in two parts) from run tables, one per seed, to a
:class:`Verdict`: the comparisons (:class:`Check`) the claim consists of, whether each
holds, and by how much. Every comparison is over medians, means or all seeds, never a
single lucky draw. The margin of a comparison is its relative slack: the side that must
be larger minus the other, divided by the larger magnitude of the two (positive: holds
with room to spare; -1 when a side cannot be computed). A claim's margin is that of its
closest comparison. Checks of hard limits (the autonomy test's caps on the forms) have
no margin: they hold or not.

:class:`ClaimRuns` makes the runs the claims read, composed from ``conf/`` exactly as the
command line composes them, for one set of parameter overrides; :func:`run_claims`
evaluates claims for a set of overrides and seeds. ``tests/test_claims.py`` and
``experiments/robustness.py`` both use them, so the claims are stated once.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from imssim.config import to_config
from imssim.config.compose import compose_config
from imssim.model.partners import great_circle_km
from imssim.model.simulation import CooperationModel
from imssim.model.tables import Tables
from imssim.present.summary import ring_flicker, ring_transitions
from imssim.runs.api import run
from imssim.world import load_world

SEEDS = (1, 2, 3, 4)
CLAIMS = ("a", "b", "c", "d", "e", "f", "g")
FOCAL = "NLD"
MID_YEAR = 2020  # by when austerity has worked through (the cuts run to 2015)
END_YEAR = 2035  # the command line's end_year
EXTRA_SEEDS = 2  # the year-by-year limits (e) and the runs without hysteresis (f): first seeds
DEEP_FORM = 4  # forms 4-6 are the deep forms
RINGS = frozenset(("strategic", "affiliated", "opportunity"))
NO_HYSTERESIS = {"params.ring_hysteresis": 0.0, "params.ring_exit_delay": 0}
TITLES = {
    "a": "deep forms among near and similar pairs",
    "b": "austerity broadens and deepens cooperation",
    "c": "capacity to act at a cost in autonomy",
    "d": "fewer partners, more intensively",
    "e": "the autonomy test as counterfactual",
    "f": "partners move between rings without flicker",
    "g": "coordinated cuts leave a smaller worst-area shortfall",
}

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


# --- verdicts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One comparison of a claim: ``left op right``, e.g. a median against another."""

    what: str
    left: float
    op: str
    right: float
    limit: bool = False  # a hard limit: holds or not, no margin

    @property
    def holds(self) -> bool:
        return bool(_OPS[self.op](self.left, self.right))

    @property
    def margin(self) -> float:
        """Relative slack (see the module's docstring); NaN for a limit."""
        if self.limit:
            return math.nan
        if math.isnan(self.left) or math.isnan(self.right):
            return -1.0
        if self.op in ("<", "<="):
            larger, smaller = self.right, self.left
        elif self.op in (">", ">="):
            larger, smaller = self.left, self.right
        else:
            return 0.0 if self.holds else -1.0
        scale = max(abs(self.left), abs(self.right))
        return 0.0 if scale == 0 else (larger - smaller) / scale

    def __str__(self) -> str:
        return f"{self.what}: {self.left:.4g} {self.op} {self.right:.4g}"


@dataclass(frozen=True)
class Verdict:
    """Whether a claim (or a part of it) holds, with every comparison behind it."""

    claim: str
    checks: tuple[Check, ...]

    @property
    def holds(self) -> bool:
        return all(c.holds for c in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.holds)

    @property
    def closest(self) -> Check | None:
        """The comparison that decides: the worst failure, or the one with least room."""
        pool = self.failed or self.checks
        graded = [c for c in pool if not c.limit]
        if not graded:
            return pool[0] if pool else None
        return min(graded, key=lambda c: c.margin)

    @property
    def margin(self) -> float:
        """The closest comparison's margin: -1 if a hard limit fails, NaN if there is none."""
        closest = self.closest
        if closest is None:
            return math.nan
        if closest.limit:
            return math.nan if closest.holds else -1.0
        return closest.margin

    def __add__(self, other: Verdict) -> Verdict:
        return Verdict(self.claim, self.checks + other.checks)

    def __str__(self) -> str:
        if self.holds:
            return f"claim {self.claim} holds (margin {self.margin:+.3f}; closest: {self.closest})"
        lines = [f"claim {self.claim} fails on {len(self.failed)} of {len(self.checks)}:"]
        return "\n  ".join(lines + [str(c) for c in self.failed])


# --- reading the tables -----------------------------------------------------------------


def at(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[frame["year"] == year]


def focal_row(t: Tables, year: int = END_YEAR, focal: str = FOCAL) -> pd.Series:
    c = at(t.countries, year)
    return c[c["country"] == focal].iloc[0]


def form_matrix(t: Tables, year: int, column: str = "max_form") -> np.ndarray:
    """[state, partner] -> the pair's form in `year` (0 where the pairs table has no row)."""
    world = load_world()
    index = {code: i for i, code in enumerate(world.iso3)}
    p = at(t.pairs, year)
    out = np.zeros((world.n_states, world.n_states), dtype=int)
    out[p["country"].map(index), p["partner"].map(index)] = p[column]
    return out


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan


def _median(values: Iterable[float]) -> float:
    return float(np.median(list(values)))


# --- a ----------------------------------------------------------------------------------


def deep_forms_near_and_similar(
    runs: Mapping[int, Tables], years: Sequence[int] = (MID_YEAR, END_YEAR)
) -> Verdict:
    """(a) In every seed and year, pairs at forms 4-6 are on average closer (capital to
    capital) and nearer in political culture than pairs at forms 1-3, which are closer
    and nearer than pairs without cooperation; each group has at least 10 pairs."""
    world = load_world()
    km = great_circle_km(world.lat, world.lon)
    diff = world.culture[:, None, :] - world.culture[None, :, :]
    gap = np.sqrt((diff**2).mean(axis=2))
    upper = np.triu_indices(world.n_states, 1)
    checks: list[Check] = []
    for seed, t in runs.items():
        for year in years:
            form = form_matrix(t, year)[upper]
            groups = {
                "deep": form >= DEEP_FORM,
                "shallow": (form >= 1) & (form < DEEP_FORM),
                "none": form == 0,
            }
            where = f"seed {seed}, {year}"
            checks += [
                Check(f"{where}: {k} pairs", int(m.sum()), ">=", 10) for k, m in groups.items()
            ]
            for label, values in (("distance (km)", km[upper]), ("culture gap", gap[upper])):
                mean = {k: _mean(values[m]) for k, m in groups.items()}
                checks.append(
                    Check(
                        f"{where}: mean {label}, deep < shallow", mean["deep"], "<", mean["shallow"]
                    )
                )
                checks.append(
                    Check(
                        f"{where}: mean {label}, shallow < none", mean["shallow"], "<", mean["none"]
                    )
                )
    return Verdict("a", tuple(checks))


# --- b ----------------------------------------------------------------------------------

BROADER_AND_DEEPER = (
    "n_pairs_bilateral",
    "n_ties_bilateral",
    "mean_form_bilateral",
    "mean_form_effective",
)


def austerity_broadens_and_deepens(
    baseline: Mapping[int, Tables], austerity: Mapping[int, Tables], year: int = MID_YEAR
) -> Verdict:
    """(b) In every seed, austerity gives more cooperating pairs, more bilateral ties and a
    higher mean form (bilateral and effective) by `year` than the baseline."""
    checks: list[Check] = []
    for seed in baseline:
        base = at(baseline[seed].alliance, year).iloc[0]
        cut = at(austerity[seed].alliance, year).iloc[0]
        checks += [
            Check(f"seed {seed}, {year}: {col}, austerity > baseline", cut[col], ">", base[col])
            for col in BROADER_AND_DEEPER
        ]
    return Verdict("b", tuple(checks))


def deeper_cuts_go_further(
    baseline: Mapping[int, Tables],
    austerity: Mapping[int, Tables],
    deep_cuts: Mapping[int, Tables],
    year: int = MID_YEAR,
) -> Verdict:
    """(b) The dose-response, in median over seeds: deep cuts give more cooperating pairs
    and a deeper mean form than the announced cuts, which give more than no cuts. (Not
    more pair-area ties: under deep cuts states give up whole areas, see ODD 7.3.)"""

    def median(runs: Mapping[int, Tables], column: str) -> float:
        return _median(at(t.alliance, year)[column].iloc[0] for t in runs.values())

    checks: list[Check] = []
    for column in ("n_pairs_bilateral", "mean_form_bilateral"):
        base, cut, deep = (median(r, column) for r in (baseline, austerity, deep_cuts))
        checks.append(Check(f"median {column} {year}, baseline < austerity", base, "<", cut))
        checks.append(Check(f"median {column} {year}, austerity < deep cuts", cut, "<", deep))
    return Verdict("b", tuple(checks))


# --- c ----------------------------------------------------------------------------------


def capacity_at_a_cost_in_autonomy(
    runs: Mapping[int, Tables], years: Sequence[int] = (MID_YEAR, END_YEAR)
) -> Verdict:
    """(c) In every seed and year, every state with a deep partner (form 4 or deeper) has a
    capacity to act above its own capability, and such states have less autonomy, in
    mean and in median, than states without one; at least 5 states in each group."""
    checks: list[Check] = []
    for seed, t in runs.items():
        for year in years:
            where = f"seed {seed}, {year}"
            c = at(t.countries, year).set_index("country")
            deep_partners = at(t.pairs, year).query("max_form >= 4").groupby("country").size()
            deep = c.index.isin(deep_partners.index)
            ratio = (c["capacity_to_act"] / c["capability"]).to_numpy()[deep]
            aut = c["autonomy"]
            checks += [
                Check(f"{where}: states with a deep partner", int(deep.sum()), ">=", 5),
                Check(f"{where}: states without one", len(c) - int(deep.sum()), ">=", 5),
                Check(
                    f"{where}: lowest capacity to act / capability, deep partner",
                    float(ratio.min()) if ratio.size else math.nan,
                    ">",
                    1.0,
                ),
                Check(
                    f"{where}: mean autonomy, with < without a deep partner",
                    aut[deep].mean(),
                    "<",
                    aut[~deep].mean(),
                ),
                Check(
                    f"{where}: median autonomy, with < without a deep partner",
                    aut[deep].median(),
                    "<",
                    aut[~deep].median(),
                ),
            ]
    return Verdict("c", tuple(checks))


# --- d ----------------------------------------------------------------------------------


def _focal_partners(t: Tables, year: int, focal: str) -> dict[str, float]:
    row = focal_row(t, year, focal)
    p = at(t.pairs, year)
    forms = p.loc[(p["country"] == focal) & (p["bilateral_form"] > 0), "bilateral_form"]
    return {
        "strategic": row["n_strategic"],
        "partners": row["n_partners_bilateral"],
        "mean_form": forms.mean(),
    }


def fewer_partners_more_intensively(
    default: Mapping[int, Tables],
    fewer: Mapping[int, Tables],
    year: int = END_YEAR,
    focal: str = FOCAL,
) -> Verdict:
    """(d) Under "fewer partners, more intensively" the focal state ends with fewer
    strategic partners (in mean; never more in a seed), fewer bilateral partners (every
    seed) and a deeper mean bilateral form (every seed; by over half a form in mean)."""
    rows = {
        name: pd.DataFrame({s: _focal_partners(t, year, focal) for s, t in runs.items()}).T
        for name, runs in (("default", default), ("fewer", fewer))
    }
    d, f = rows["default"], rows["fewer"]
    checks = [
        Check(
            f"mean strategic partners {year}, fewer < default",
            f["strategic"].mean(),
            "<",
            d["strategic"].mean(),
        ),
        Check(
            f"mean bilateral form {year}, fewer > default + 0.5",
            f["mean_form"].mean(),
            ">",
            d["mean_form"].mean() + 0.5,
        ),
    ]
    for seed in d.index:
        where = f"seed {seed}, {year}"
        checks += [
            Check(
                f"{where}: strategic partners, fewer <= default",
                f.at[seed, "strategic"],
                "<=",
                d.at[seed, "strategic"],
            ),
            Check(
                f"{where}: bilateral partners, fewer < default",
                f.at[seed, "partners"],
                "<",
                d.at[seed, "partners"],
            ),
            Check(
                f"{where}: mean bilateral form, fewer > default",
                f.at[seed, "mean_form"],
                ">",
                d.at[seed, "mean_form"],
            ),
        ]
    return Verdict("d", tuple(checks))


# --- e ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormLimits:
    """The focal state's deepest effective forms, year by year, under a policy's caps."""

    years: pd.DataFrame  # year, deepest, deepest_core, symmetric
    max_form: int
    max_form_core: int
    n_years: int  # the years a run steps through (end_year - start_year)


def focal_form_limits(config: Any) -> FormLimits:
    """Step a run and record, every year, the focal state's deepest per-area form with any
    partner, frameworks included, overall and in its sovereign core, and whether its
    bilateral record agrees with its partners'."""
    cfg = to_config(config)
    model = CooperationModel(cfg)
    focal = model.focal
    core = model.world.core[focal]
    rows = []
    while model.running:
        model.step()
        eff, _ = model.effective_forms()
        mine = eff[focal]  # [partners, areas], frameworks included
        rows.append(
            {
                "year": model.year,
                "deepest": int(mine.max()),
                "deepest_core": int(mine[:, core].max(initial=0)),
                "symmetric": bool(
                    (model.coop.bilateral[:, focal] == model.coop.bilateral[focal]).all()
                ),
            }
        )
    frame = pd.DataFrame(rows, columns=["year", "deepest", "deepest_core", "symmetric"])
    return FormLimits(
        frame, cfg.policy.max_form, cfg.policy.max_form_core, cfg.end_year - cfg.start_year
    )


def autonomy_test_within_limits(limits: Mapping[int, FormLimits]) -> Verdict:
    """(e) Under the autonomy test the focal state never holds a form above the test's
    caps (at most form 4; form 3 in its sovereign core), frameworks included, in any
    year of any seed."""
    checks: list[Check] = []
    for seed, lim in limits.items():
        y = lim.years
        deepest = float(y["deepest"].max()) if len(y) else math.nan
        core = float(y["deepest_core"].max()) if len(y) else math.nan
        checks += [
            Check(f"seed {seed}: deepest form, any year", deepest, "<=", lim.max_form, True),
            Check(f"seed {seed}: deepest form in the core", core, "<=", lim.max_form_core, True),
            Check(
                f"seed {seed}: years with a one-sided bilateral record",
                int((~y["symmetric"]).sum()),
                "==",
                0,
                True,
            ),
            Check(f"seed {seed}: years checked", len(y), "==", lim.n_years, True),
        ]
    return Verdict("e", tuple(checks))


def autonomy_test_costs_capacity(
    default: Mapping[int, Tables],
    test: Mapping[int, Tables],
    where: str = "",
    year: int = END_YEAR,
    focal: str = FOCAL,
) -> Verdict:
    """(e) The counterfactual under the same cuts: with the test the focal state has less
    capacity to act (in median, and in all seeds but at most one) and more autonomy (in
    median) than under the default policy."""
    prefix = f"{where}: " if where else ""

    def focal_values(runs: Mapping[int, Tables], column: str) -> list[float]:
        return [focal_row(t, year, focal)[column] for t in runs.values()]

    cap_d, cap_t = focal_values(default, "capacity_to_act"), focal_values(test, "capacity_to_act")
    aut_d, aut_t = focal_values(default, "autonomy"), focal_values(test, "autonomy")
    fewer = sum(t < d for t, d in zip(cap_t, cap_d, strict=True))
    checks = (
        Check(
            f"{prefix}median capacity to act {year}, test < default",
            _median(cap_t),
            "<",
            _median(cap_d),
        ),
        Check(
            f"{prefix}seeds with less capacity to act under the test",
            fewer,
            ">=",
            len(cap_d) - 1,
        ),
        Check(
            f"{prefix}median autonomy {year}, test > default", _median(aut_t), ">", _median(aut_d)
        ),
    )
    return Verdict("e", checks)


# --- f ----------------------------------------------------------------------------------


def _flicker_share(t: Tables) -> float:
    changes, flicker = ring_flicker(t.pairs)
    return flicker / changes if changes else math.nan


def rings_move_without_flicker(runs: Mapping[int, Tables], focal: str = FOCAL) -> Verdict:
    """(f) In every seed, many pairs change ring (at least one change per five pairs),
    fewer than 8 % of the changes are reversed within two years, and the focal state's
    partners move at least 5 times, into a ring at least once, in at least 3 years."""
    checks: list[Check] = []
    for seed, t in runs.items():
        changes, _ = ring_flicker(t.pairs)
        n_pairs = t.pairs.groupby(["country", "partner"]).ngroups
        moves = ring_transitions(t.pairs, focal)
        checks += [
            Check(
                f"seed {seed}: ring changes, at least a fifth of the pairs",
                changes,
                ">=",
                0.2 * n_pairs,
            ),
            Check(
                f"seed {seed}: share of changes reversed within 2 years",
                _flicker_share(t),
                "<",
                0.08,
            ),
            Check(f"seed {seed}: moves of the focal state's partners", len(moves), ">=", 5),
            Check(
                f"seed {seed}: moves into a ring", int(moves["to_ring"].isin(RINGS).sum()), ">=", 1
            ),
            Check(f"seed {seed}: years with a move", moves["year"].nunique(), ">=", 3),
        ]
    return Verdict("f", tuple(checks))


def hysteresis_keeps_flicker_rare(
    with_hysteresis: Mapping[int, Tables], without: Mapping[int, Tables]
) -> Verdict:
    """(f) Without hysteresis the same runs flicker more than three times as often."""
    checks = tuple(
        Check(
            f"seed {seed}: flicker share without hysteresis > 3 x with",
            _flicker_share(without[seed]),
            ">",
            3 * _flicker_share(t),
        )
        for seed, t in with_hysteresis.items()
    )
    return Verdict("f", checks)


# --- g ----------------------------------------------------------------------------------


def coordinated_cuts_smaller_shortfalls(
    alone: Mapping[int, Tables],
    joint: Mapping[int, Tables],
    where: str = "",
    total: str = "smaller",
) -> Verdict:
    """(g) Coordinated cuts keep the alliance's capability more complete than the same
    cuts made alone: in every seed the worst area's shortfall is smaller every year from
    2016 and no more areas are given up. With ``total="smaller"`` (the announced cuts)
    the total shortfall is smaller too, in every seed over the run and at its end, and
    year by year from 2016 in the seeds' median; with ``total="no_larger"`` (deep cuts,
    where every area ends short) the mean total shortfall, coordinated, exceeds the one
    of cuts made alone by less than 0.01 in every seed.
    """
    prefix = f"{where}: " if where else ""
    checks: list[Check] = []
    series_alone, series_joint = [], []
    for seed in alone:
        a_all = alone[seed].alliance.set_index("year")
        j_all = joint[seed].alliance.set_index("year")
        worst_a = a_all["worst_shortfall"].loc[2016:]
        worst_j = j_all["worst_shortfall"].loc[2016:]
        year = (worst_j - worst_a).idxmax()  # the year closest to failing
        given = [int((t.events["kind"] == "gave_up").sum()) for t in (alone[seed], joint[seed])]
        checks += [
            Check(
                f"{prefix}seed {seed}: worst-area shortfall {year} (the closest year from "
                "2016), coordinated < alone",
                worst_j.loc[year],
                "<",
                worst_a.loc[year],
            ),
            Check(
                f"{prefix}seed {seed}: areas given up, coordinated <= alone",
                given[1],
                "<=",
                given[0],
                limit=True,  # a count: holds or not
            ),
        ]
        a = a_all["shortfall_total"]
        j = j_all["shortfall_total"]
        series_alone.append(a)
        series_joint.append(j)
        if total == "no_larger":
            checks.append(
                Check(
                    f"{prefix}seed {seed}: mean shortfall, coordinated - alone < 0.01",
                    j.mean() - a.mean(),
                    "<",
                    0.01,
                )
            )
            continue
        checks += [
            Check(
                f"{prefix}seed {seed}: mean shortfall, coordinated < alone", j.mean(), "<", a.mean()
            ),
            Check(
                f"{prefix}seed {seed}: shortfall {END_YEAR}, coordinated < alone",
                j.loc[END_YEAR],
                "<",
                a.loc[END_YEAR],
            ),
        ]
    if total == "no_larger":
        return Verdict("g", tuple(checks))
    # year by year, once the cuts are in, over the seeds' median; the year closest to failing
    alone_median = pd.concat(series_alone, axis=1).median(axis=1).loc[2016:]
    joint_median = pd.concat(series_joint, axis=1).median(axis=1).loc[2016:]
    excess = joint_median - (alone_median + 1e-9)
    worst = excess.index[excess.isna()][0] if excess.isna().any() else excess.idxmax()
    checks.append(
        Check(
            f"{prefix}median shortfall {worst} (the closest year from 2016), coordinated <= alone",
            joint_median.loc[worst],
            "<=",
            alone_median.loc[worst] + 1e-9,
        )
    )
    return Verdict("g", tuple(checks))


G_TOTAL = {"austerity_2012": "smaller", "deep_cuts": "no_larger"}


# --- the runs ---------------------------------------------------------------------------


@cache
def _policy_value(policy: str, key: str) -> Any:
    return OmegaConf.select(compose_config([f"policy={policy}"]), key)


def override_args(scenario: str, policy: str, seed: int, overrides: Mapping[str, Any]) -> list[str]:
    """Command-line arguments for one run of a claim under parameter `overrides`.

    A numeric policy key (``policy.autonomy_weight``) is given as the default policy's
    value; every other policy gets its own value scaled by the same factor, so that the
    policies keep their relation (the autonomy test weighs autonomy three times as
    heavily as the default policy at every value).
    """
    args = [f"scenario={scenario}", f"policy={policy}", f"seed={seed}"]
    for key, value in overrides.items():
        if key.startswith("policy.") and policy != "default":
            base, own = _policy_value("default", key), _policy_value(policy, key)
            if isinstance(base, float) and isinstance(own, float) and base != 0:
                value = own * float(value) / base
        args.append(f"{key}={value}")
    return args


class ClaimRuns:
    """The runs the claims read, for one set of parameter overrides, each made when it is
    first asked for and kept.

    Every run is composed from ``conf/`` as the command line composes it
    (``imssim scenario=... policy=... seed=... <overrides>``); `extra` adds the settings
    a claim compares (``coordinated_cuts``, no hysteresis) on top of the overrides.
    """

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._tables: dict[tuple, Tables] = {}
        self._limits: dict[tuple, FormLimits] = {}

    def config(
        self,
        scenario: str = "austerity_2012",
        policy: str = "default",
        seed: int = 1,
        extra: Mapping[str, Any] | None = None,
    ) -> DictConfig:
        merged = {**self.overrides, **(extra or {})}
        return compose_config(override_args(scenario, policy, seed, merged))

    def tables(
        self,
        scenario: str = "austerity_2012",
        policy: str = "default",
        seed: int = 1,
        extra: Mapping[str, Any] | None = None,
    ) -> Tables:
        key = (scenario, policy, seed, tuple(sorted((extra or {}).items())))
        if key not in self._tables:
            self._tables[key] = run(self.config(scenario, policy, seed, extra)).tables
        return self._tables[key]

    def by_seed(self, seeds: Sequence[int], **kwargs: Any) -> dict[int, Tables]:
        return {s: self.tables(seed=s, **kwargs) for s in seeds}

    def limits(
        self, seed: int, scenario: str = "austerity_2012", policy: str = "autonomy_test"
    ) -> FormLimits:
        key = (scenario, policy, seed)
        if key not in self._limits:
            self._limits[key] = focal_form_limits(self.config(scenario, policy, seed))
        return self._limits[key]


def evaluate(claim: str, runs: ClaimRuns, seeds: Sequence[int] = SEEDS) -> Verdict:
    """A claim in full, as ``tests/test_claims.py`` checks it in its tests of that letter."""
    seeds = tuple(seeds)
    if claim == "a":
        return deep_forms_near_and_similar(runs.by_seed(seeds))
    if claim == "b":
        base, cut = runs.by_seed(seeds, scenario="baseline"), runs.by_seed(seeds)
        deep = runs.by_seed(seeds, scenario="deep_cuts")
        return austerity_broadens_and_deepens(base, cut) + deeper_cuts_go_further(base, cut, deep)
    if claim == "c":
        return capacity_at_a_cost_in_autonomy(runs.by_seed(seeds))
    if claim == "d":
        return fewer_partners_more_intensively(
            runs.by_seed(seeds), runs.by_seed(seeds, policy="fewer_partners_more_intensive")
        )
    if claim == "e":
        verdict = autonomy_test_within_limits({s: runs.limits(s) for s in seeds[:EXTRA_SEEDS]})
        for scenario in ("austerity_2012", "deep_cuts"):
            verdict += autonomy_test_costs_capacity(
                runs.by_seed(seeds, scenario=scenario),
                runs.by_seed(seeds, scenario=scenario, policy="autonomy_test"),
                where=scenario,
            )
        return verdict
    if claim == "f":
        few = seeds[:EXTRA_SEEDS]
        return rings_move_without_flicker(runs.by_seed(seeds)) + hysteresis_keeps_flicker_rare(
            runs.by_seed(few), runs.by_seed(few, extra=NO_HYSTERESIS)
        )
    if claim == "g":
        verdict = Verdict("g", ())
        for scenario, total in G_TOTAL.items():
            verdict += coordinated_cuts_smaller_shortfalls(
                runs.by_seed(seeds, scenario=scenario),
                runs.by_seed(seeds, scenario=scenario, extra={"coordinated_cuts": True}),
                where=scenario,
                total=total,
            )
        return verdict
    raise ValueError(f"unknown claim {claim!r}: one of {', '.join(CLAIMS)}")


def run_claims(
    overrides: Mapping[str, Any] | None = None,
    seeds: Sequence[int] = SEEDS,
    claims: Sequence[str] = CLAIMS,
) -> dict[str, Verdict]:
    """Make every run the `claims` need under `overrides` for `seeds`, and judge them."""
    runs = ClaimRuns(overrides)
    return {claim: evaluate(claim, runs, seeds) for claim in claims}
