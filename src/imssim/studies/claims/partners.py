"""Claims about whom states cooperate with and how their partners move: (a) deep forms
among near and similar pairs, (d) fewer partners, more intensively, and (f) partners
move between rings without flicker."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from imssim.model.tables import Tables
from imssim.present.summary import ring_flicker, ring_transitions
from imssim.studies.claims.reading import (
    DEEP_FORM,
    END_YEAR,
    FOCAL,
    MID_YEAR,
    at,
    focal_row,
    form_matrix,
    mean_or_nan,
)
from imssim.studies.claims.verdicts import Check, Verdict
from imssim.world import load_world
from imssim.world.pairs import great_circle_km

RINGS = frozenset(("strategic", "affiliated", "opportunity"))


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
                mean = {k: mean_or_nan(values[m]) for k, m in groups.items()}
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
