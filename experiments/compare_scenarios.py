"""Run every scenario under every policy for several seeds and compare them.

    .venv/bin/python experiments/compare_scenarios.py [--seeds 3] [--end-year 2035]

Prints one row per scenario and policy (means over seeds) and writes the per-run
figures to results/compare_scenarios_<time>.csv. The figures read as a defence
analyst would ask: how far budgets fall, how much cooperation there is and how deep,
what it does to the focal state's capacity to act and autonomy, and what the
alliance lacks.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

import pandas as pd

from imssim import run
from imssim.config import group_options
from imssim.config.compose import compose_config


def outcomes(scenario: str, policy: str, seed: int, end_year: int) -> dict[str, float]:
    overrides = [f"scenario={scenario}", f"policy={policy}", f"seed={seed}"]
    result = run(compose_config([*overrides, f"end_year={end_year}"]))
    t = result.tables
    focal = result.config.focal
    first, mid, last = 2012, min(2020, end_year), end_year
    c = t.countries.set_index(["year", "country"])
    a = t.alliance.set_index("year")
    europe = (
        t.countries[t.countries.region.isin(["north", "west", "south", "east"])]
        .groupby("year")["budget"]
        .sum()
    )
    f0, f1 = c.loc[(first, focal)], c.loc[(last, focal)]
    return {
        "scenario": scenario,
        "policy": policy,
        "seed": seed,
        f"europe_budget_{last}": 100 * europe[last] / europe[first],
        f"ties_{mid}": a.loc[mid, "n_ties_bilateral"],
        f"mean_form_{mid}": a.loc[mid, "mean_form_bilateral"],
        f"deep_ties_{mid}": a.loc[mid, ["n_form_4", "n_form_5", "n_form_6"]].sum(),
        f"shortfall_{last}": a.loc[last, "shortfall_total"],
        f"{focal}_capacity_{last}": 100 * f1["capacity_to_act"] / f0["capacity_to_act"],
        f"{focal}_autonomy_{last}": f1["autonomy"],
        f"{focal}_strategic_{last}": f1["n_strategic"],
        "seconds": result.wall_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--end-year", type=int, default=2035)
    parser.add_argument("--out", default="results")
    args = parser.parse_args()
    scenarios = group_options("scenario")
    policies = group_options("policy")
    rows = [
        outcomes(s, p, seed, args.end_year)
        for s in scenarios
        for p in policies
        for seed in range(1, args.seeds + 1)
    ]
    frame = pd.DataFrame(rows)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"compare_scenarios_{datetime.now():%Y%m%d-%H%M%S}.csv"
    frame.to_csv(path, index=False)
    table = frame.drop(columns=["seed", "seconds"]).groupby(["scenario", "policy"]).mean()
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round(2).to_string())
    print(
        f"\n{len(frame)} runs, {frame['seconds'].sum():.1f} s of simulation;"
        f" per-run figures: {path}"
    )


if __name__ == "__main__":
    main()
