"""Claims about autonomy: (c) capacity to act at a cost in autonomy, and (e) the old
autonomy test as counterfactual: its caps on the forms hold in every year, and it costs
the focal state capacity to act for more autonomy."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from imssim.config import to_config
from imssim.model.simulation import CooperationModel
from imssim.model.tables import Tables
from imssim.studies.claims.reading import END_YEAR, FOCAL, MID_YEAR, at, focal_row, median_of
from imssim.studies.claims.verdicts import Check, Verdict

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
            median_of(cap_t),
            "<",
            median_of(cap_d),
        ),
        Check(
            f"{prefix}seeds with less capacity to act under the test",
            fewer,
            ">=",
            len(cap_d) - 1,
        ),
        Check(
            f"{prefix}median autonomy {year}, test > default",
            median_of(aut_t),
            ">",
            median_of(aut_d),
        ),
    )
    return Verdict("e", checks)
