"""Claims about cuts: (b) austerity broadens and deepens cooperation, the more so the
deeper the cuts, and (g) coordinated cuts leave a smaller worst-area shortfall and give
up no more areas than the same cuts made alone."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from imssim.model.tables import Tables
from imssim.studies.claims.reading import END_YEAR, MID_YEAR, at, median_of
from imssim.studies.claims.verdicts import Check, Verdict

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
    """(b) The dose-response, in median over seeds.

    Deep cuts give more cooperating pairs and a deeper mean form than the announced cuts,
    which give more than no cuts. (Not more pair-area ties: under deep cuts states give up
    whole areas, see ODD 7.3.)
    """

    def median(runs: Mapping[int, Tables], column: str) -> float:
        return median_of(at(t.alliance, year)[column].iloc[0] for t in runs.values())

    checks: list[Check] = []
    for column in ("n_pairs_bilateral", "mean_form_bilateral"):
        base, cut, deep = (median(r, column) for r in (baseline, austerity, deep_cuts))
        checks.append(Check(f"median {column} {year}, baseline < austerity", base, "<", cut))
        checks.append(Check(f"median {column} {year}, austerity < deep cuts", cut, "<", deep))
    return Verdict("b", tuple(checks))


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
    for seed in alone:
        checks += _seed_shortfalls(seed, alone[seed], joint[seed], prefix, total)
    if total != "no_larger":
        checks.append(_median_shortfall(alone, joint, prefix))
    return Verdict("g", tuple(checks))


def _seed_shortfalls(
    seed: int, alone: Tables, joint: Tables, prefix: str, total: str
) -> list[Check]:
    """(g) in one seed: the worst area's shortfall in the year from 2016 closest to
    failing, the areas given up, and the total shortfall (see
    :func:`coordinated_cuts_smaller_shortfalls` for `total`)."""
    a_all = alone.alliance.set_index("year")
    j_all = joint.alliance.set_index("year")
    worst_a = a_all["worst_shortfall"].loc[2016:]
    worst_j = j_all["worst_shortfall"].loc[2016:]
    year = (worst_j - worst_a).idxmax()  # the year closest to failing
    given = [int((t.events["kind"] == "gave_up").sum()) for t in (alone, joint)]
    checks = [
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
    if total == "no_larger":
        return [
            *checks,
            Check(
                f"{prefix}seed {seed}: mean shortfall, coordinated - alone < 0.01",
                j.mean() - a.mean(),
                "<",
                0.01,
            ),
        ]
    return [
        *checks,
        Check(f"{prefix}seed {seed}: mean shortfall, coordinated < alone", j.mean(), "<", a.mean()),
        Check(
            f"{prefix}seed {seed}: shortfall {END_YEAR}, coordinated < alone",
            j.loc[END_YEAR],
            "<",
            a.loc[END_YEAR],
        ),
    ]


def _median_shortfall(
    alone: Mapping[int, Tables], joint: Mapping[int, Tables], prefix: str
) -> Check:
    """(g) year by year, once the cuts are in, over the seeds' median total shortfall:
    the year from 2016 closest to failing."""
    series_alone = [alone[seed].alliance.set_index("year")["shortfall_total"] for seed in alone]
    series_joint = [joint[seed].alliance.set_index("year")["shortfall_total"] for seed in alone]
    alone_median = pd.concat(series_alone, axis=1).median(axis=1).loc[2016:]
    joint_median = pd.concat(series_joint, axis=1).median(axis=1).loc[2016:]
    excess = joint_median - (alone_median + 1e-9)
    worst = excess.index[excess.isna()][0] if excess.isna().any() else excess.idxmax()
    return Check(
        f"{prefix}median shortfall {worst} (the closest year from 2016), coordinated <= alone",
        joint_median.loc[worst],
        "<=",
        alone_median.loc[worst] + 1e-9,
    )


G_TOTAL = {"austerity_2012": "smaller", "deep_cuts": "no_larger"}
