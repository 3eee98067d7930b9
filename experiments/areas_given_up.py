"""Areas given up and rebuilt in history_2012_2024: do forces thin out or vanish?

    .venv/bin/python experiments/areas_given_up.py [--seeds 8] [--scenario history_2012_2024]
        [--set params.viable_scale_factor=1.5 ...]

For seeds 1..N (one process, to keep the machine's load low), prints per run and on
average over the seeds, 2013-2024:

- the areas given up by the alliance's members (the NATO and EU members of 2012,
  the United States and Canada included) and by the United States, the United
  Kingdom, France and Germany, with the reasons (``below_viable``: a holding thinned
  below its minimum viable scale; ``budget_fall``: a deliberate drop under a very
  deep fall);
- which areas the four gave up, in how many seeds;
- the areas rebuilt through a partner and whether the partner shares the equipment
  family in the area;
- how far the four's holdings thinned: their holding in 2024 as a share of 2012,
  per area, the median over seeds (from the holdings table).

Nothing is written; docs/ODD.md 7.3 describes the mechanism.
"""

from __future__ import annotations

import argparse
import logging
import warnings
from collections import Counter

import numpy as np
import pandas as pd

from imssim import run
from imssim.config.compose import compose_config
from imssim.model.partners import static_criteria
from imssim.world import load_world

FOUR = ("USA", "GBR", "FRA", "DEU")
FIRST, LAST = 2013, 2024


def one_run(scenario: str, seed: int, extra: list[str]) -> dict[str, object]:
    """The counts of one run."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    cfg = compose_config([f"scenario={scenario}", f"seed={seed}", *extra])
    result = run(cfg)
    world = load_world()
    members = {c for c, n, e in zip(world.iso3, world.nato, world.eu, strict=True) if n or e}
    e = result.tables.events
    e = e[e["year"].between(FIRST, LAST)]
    gave = e[e["kind"] == "gave_up"]
    rebuilt = e[(e["kind"] == "rebuilt") & (e["reason"] == "through_partner")]
    shared = static_criteria(world, result.config.params).area_equipment
    same = [
        bool(shared[world.index(c), world.index(p), world.areas.index(a)])
        for c, p, a in zip(rebuilt["country"], rebuilt["partner"], rebuilt["area"], strict=True)
    ]
    row: dict[str, object] = {
        "seed": seed,
        "alliance": int(gave["country"].isin(members).sum()),
        "alliance_below_viable": int(
            (gave["country"].isin(members) & (gave["reason"] == "below_viable")).sum()
        ),
        "through_partner": len(rebuilt),
        "partner_shares_family": int(sum(same)),
        "four_areas": sorted(
            f"{c}:{a}:{y}"
            for c, a, y in zip(gave["country"], gave["area"], gave["year"], strict=True)
            if c in FOUR
        ),
        "regained": sorted(
            f"{c}:{a}<-{p}"
            for c, a, p in zip(rebuilt["country"], rebuilt["area"], rebuilt["partner"], strict=True)
        ),
    }
    for c in FOUR:
        row[c] = int((gave["country"] == c).sum())
    row["thinning"] = thinning(result.tables, world.areas)
    return row


def thinning(tables: object, areas: tuple[str, ...]) -> pd.DataFrame:
    """The four's holding in LAST as a share of 2012, per area (NaN where none in 2012)."""
    held = tables.holdings  # type: ignore[attr-defined]
    k = held[held["country"].isin(FOUR)].pivot_table(
        index=["country", "area"], columns="year", values="capability"
    )
    share = (k[LAST] / k[2012].where(k[2012] > 0)).unstack("area")
    return share.reindex(columns=list(areas))


def main() -> None:
    """Run the seeds one after another and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--scenario", default="history_2012_2024")
    parser.add_argument("--set", nargs="*", default=[], help="config overrides, key=value")
    args = parser.parse_args()
    rows = [one_run(args.scenario, s, args.set) for s in range(1, args.seeds + 1)]
    table = pd.DataFrame([{k: v for k, v in r.items() if k != "thinning"} for r in rows])
    cols = ["seed", "alliance", "alliance_below_viable", *FOUR]
    cols += ["through_partner", "partner_shares_family"]
    print(table[cols].to_string(index=False))
    print("mean per run:", table[cols[1:]].mean().round(2).to_dict())
    print("the four's areas given up (country:area:year -> seeds):")
    for key, n in sorted(Counter(x for r in rows for x in r["four_areas"]).items()):
        print(f"  {key}: {n}")
    print("areas regained through a partner (country:area<-partner -> seeds):")
    for key, n in sorted(Counter(x for r in rows for x in r["regained"]).items()):
        print(f"  {key}: {n}")
    first = rows[0]["thinning"]
    stack = np.stack([r["thinning"].to_numpy(dtype=float) for r in rows])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an area none of the four held
        median = pd.DataFrame(np.nanmedian(stack, axis=0), index=first.index, columns=first.columns)
    print(f"holding in {LAST} as a share of 2012, median over seeds:")
    print(median.round(2).to_string())


if __name__ == "__main__":
    main()
