"""How each scenario moves the model, read as a defence analyst would check it.

    .venv/bin/python experiments/scenario_diagnostics.py [--seeds 8] [--scenarios ...]

For every scenario (default: all of conf/scenario/) and seeds 1..N, prints the median
and range over seeds of:

- the start's stability: the share of the 2012 record's lasting ties (form >= 2)
  weakened or ended in 2013-2015 (imssim.present.summary.record_unravelling);
- the focal state's opportunity ring in 2012, 2024 and 2035;
- ties formed or deepened to form 2 or more between states, a year on average, in
  2013-2015, 2016-2024 and 2025-2035;
- areas given up and areas rebuilt (all states, whole run);
- the alliance's worst area and its shortfall in 2035.

Writes the table to results/scenario_diagnostics.csv (atomically).
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from imssim import run
from imssim.config import group_options
from imssim.config.compose import compose_config
from imssim.present.summary import record_unravelling
from imssim.runs.folders import write_text_atomic
from imssim.world import load_world

PERIODS = ((2013, 2015), (2016, 2024), (2025, 2035))


def one_run(scenario: str, seed: int) -> dict[str, object]:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    result = run(compose_config([f"scenario={scenario}", f"seed={seed}"]))
    t, focal = result.tables, result.config.focal
    events, last = t.events, result.config.end_year
    steps = events[
        events["kind"].isin(["formed", "deepened"])
        & (events["to_form"] >= 2)
        & (events["partner"].str.len() == 3)  # a state, not a framework
    ]
    opp = t.countries[t.countries["country"] == focal].set_index("year")["n_opportunity"]
    a = t.alliance.set_index("year")
    row: dict[str, object] = {
        "scenario": scenario,
        "seed": seed,
        "record_weakened_2013_2015": record_unravelling(events, load_world()),
        "opportunity_2012": int(opp[2012]),
        "opportunity_2024": int(opp.get(2024, -1)),
        "opportunity_2035": int(opp.get(2035, -1)),
        "areas_given_up": int((events["kind"] == "gave_up").sum()),
        "areas_rebuilt": int((events["kind"] == "rebuilt").sum()),
        "worst_area_last": a.loc[last, "worst_shortfall_area"],
        "worst_shortfall_last": float(a.loc[last, "worst_shortfall"]),
    }
    for first, end in PERIODS:
        n = steps["year"].between(first, end).sum()
        row[f"deepenings_{first}_{end}"] = n / (min(end, last) - first + 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--scenarios", nargs="*", default=None)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--out", type=Path, default=Path("results/scenario_diagnostics.csv"))
    args = parser.parse_args()
    scenarios = args.scenarios or group_options("scenario")
    started = time.perf_counter()
    jobs = [(s, seed) for s in scenarios for seed in range(1, args.seeds + 1)]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(one_run, *zip(*jobs, strict=True)))
    frame = pd.DataFrame(rows)
    write_text_atomic(args.out, frame.to_csv(index=False))
    numeric = frame.drop(columns=["seed", "worst_area_last"]).groupby("scenario")
    summary = numeric.median().round(3)
    spread = numeric.agg(["min", "max"]).round(3)
    pd.set_option("display.width", 200)
    print(f"median over seeds 1-{args.seeds}")
    print(summary.T.to_string())
    print("\nrange over seeds (min, max)")
    print(spread.T.to_string())
    worst = frame.groupby("scenario")["worst_area_last"].agg(lambda s: s.mode().iloc[0])
    print("\nmost frequent worst area in the last year:", worst.to_dict())
    print(f"\n{len(jobs)} runs in {time.perf_counter() - started:.1f} s; table: {args.out}")


if __name__ == "__main__":
    main()
