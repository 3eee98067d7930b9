"""Institutions that change: which frameworks lead states found, how often rings are not
mutual, and the Netherlands' rings, over several seeds of two scenarios.

    python experiments/institutions.py [--seeds 8] [--report docs/institutions.md]

For `history_2012_2024` (observed budgets, the threats of 2014 and 2022, the membership
changes of Croatia, the UK, Finland and Sweden) and `austerity_2012` (the announced cuts),
each seed's frameworks founded (which, by whom, with whom, when, how long they lasted),
the share of strategic views that are not returned in 2012, 2024 and 2035, and the
Netherlands' rings in 2024 and 2035. Writes one Markdown report; prints its path.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from imssim import run
from imssim.config.compose import compose_config
from imssim.present.summary import frameworks_founded, mutuality
from imssim.runs.folders import code_revision, package_versions, write_text_atomic

SCENARIOS = ("history_2012_2024", "austerity_2012")
FOCAL = "NLD"
YEARS = (2012, 2024, 2035)
# frameworks lead states founded in 2013-2018 (evidence brief, section 3)
RECORD = (
    "Framework Nations Concept groups led by Germany, the UK and Italy (proposed 2013, "
    "adopted 2014); the UK-led Joint Expeditionary Force (2014, seven states; nine by "
    "2017); the Multinational MRTT Fleet (2016, the Netherlands and Luxembourg; seven or "
    "eight by 2017); the French-led European Intervention Initiative (2018)"
)


def one_seed(scenario: str, seed: int) -> dict:
    tables = run(compose_config([f"scenario={scenario}", f"seed={seed}"])).tables
    founded = frameworks_founded(tables).assign(scenario=scenario, seed=seed)
    pairs = tables.pairs
    views = {year: mutuality(pairs, year) for year in YEARS}
    rings = {}
    for year in (2024, 2035):
        mine = pairs[(pairs["year"] == year) & (pairs["country"] == FOCAL)]
        rings[year] = {
            "strategic": sorted(mine.loc[mine["ring"] == "strategic", "partner"]),
            "not_returned": sorted(
                mine.loc[
                    (mine["ring"] == "strategic") & (mine["partner_ring"] != "strategic"),
                    "partner",
                ]
            ),
            "counted_by": sorted(
                mine.loc[
                    (mine["partner_ring"] == "strategic") & (mine["ring"] != "strategic"),
                    "partner",
                ]
            ),
            "affiliated": int((mine["ring"] == "affiliated").sum()),
            "opportunity": int((mine["ring"] == "opportunity").sum()),
        }
    return {"founded": founded, "views": views, "rings": rings}


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
    return out


def report(results: dict[str, list[dict]], seeds: int) -> str:
    """The Markdown report: per scenario the frameworks founded, the strategic views not
    returned and the Netherlands' rings."""
    lines = [
        "# Institutions that change: frameworks founded, rings not mutual",
        "",
        f"Written by `experiments/institutions.py` with {seeds} seeds (1-{seeds}) per "
        f"scenario, the command line's defaults otherwise; code revision "
        f"`{code_revision()}`, imssim {package_versions().get('imssim', '?')}.",
        "",
        "Frameworks are founded by lead states during a run (docs/ODD.md, 7.9); each "
        "state's rings are its own view (7.15). Only inputs are replayed: budgets, "
        "threats and memberships; no framework or tie is scheduled.",
        "",
        f"The record, for comparison: {RECORD}.",
        "",
    ]
    for scenario, runs in results.items():
        lines += [f"## {scenario}", "", *frameworks_section(runs), *views_section(runs)]
        for year in (2024, 2035):
            lines += rings_section(runs, year)
    return "\n".join(lines)


def frameworks_section(runs: list[dict]) -> list[str]:
    """The frameworks founded over the seeds: how many, when, for what, by whom, and
    one row each."""
    founded = pd.concat([r["founded"] for r in runs], ignore_index=True)
    lines = ["### Frameworks founded", ""]
    per_seed = [len(r["founded"]) for r in runs]
    lines.append(
        f"Per seed: {', '.join(map(str, per_seed))} (mean {sum(per_seed) / len(runs):.1f}); "
        + (
            f"founded {founded['founded'].min()}-{founded['founded'].max()}, "
            f"{(founded['founded'] <= 2018).sum()} of {len(founded)} by 2018."
            if len(founded)
            else "none."
        )
    )
    lines.append("")
    if not len(founded):
        return lines
    purposes = Counter(founded["purpose"])
    leads = Counter(founded["lead"])
    lines.append(
        "By purpose: "
        + ", ".join(f"{k} {v}" for k, v in purposes.most_common())
        + ". By lead: "
        + ", ".join(f"{k} {v}" for k, v in leads.most_common())
        + "."
    )
    lines.append("")
    last = int(max(YEARS))
    rows = []
    for r in founded.itertuples():
        members = [m for m in r.founding_members.split(";") if m != r.lead]
        lasted = f"in force to {last}" if r.last_year == last else f"ended after {r.last_year}"
        rows.append(
            [
                r.seed,
                f"`{r.framework}`",
                r.lead,
                " ".join(members),
                r.founded,
                lasted,
                len(r.last_members.split(";")),
                "yes" if FOCAL in r.last_members.split(";") else "",
            ]
        )
    header = ["seed", "framework", "lead", "founding members", "founded", "lasted"]
    lines += _table([*header, f"members {last}", f"{FOCAL} in it"], rows)
    lines.append("")
    return lines


def views_section(runs: list[dict]) -> list[str]:
    """Strategic views, and those not returned, per year (means over the seeds)."""
    lines = ["### Strategic views not returned", ""]
    rows = []
    for year in YEARS:
        total = sum(r["views"][year][0] for r in runs)
        lone = sum(r["views"][year][1] for r in runs)
        rows.append(
            [
                year,
                f"{total / len(runs):.1f}",
                f"{lone / len(runs):.1f}",
                f"{100 * lone / total:.1f} %" if total else "-",
            ]
        )
    lines += _table(["year", "strategic views (mean per seed)", "not returned", "share"], rows)
    lines.append("")
    return lines


def rings_section(runs: list[dict], year: int) -> list[str]:
    """The Netherlands' strategic partners in `year` over the seeds, the views not
    returned either way, and the sizes of its other rings."""
    lines = [f"### The Netherlands' rings in {year}", ""]
    count = Counter(p for r in runs for p in r["rings"][year]["strategic"])
    lone = Counter(p for r in runs for p in r["rings"][year]["not_returned"])
    by = Counter(p for r in runs for p in r["rings"][year]["counted_by"])
    lines.append(
        "Strategic partners, in how many seeds: "
        + ", ".join(f"{p} {n}" for p, n in sorted(count.items(), key=lambda x: (-x[1], x[0])))
        + "."
    )
    lines.append(
        "Of these, not counting the Netherlands strategic in return (seeds): "
        + (", ".join(f"{p} {n}" for p, n in sorted(lone.items())) or "none")
        + ". Counting the Netherlands strategic without being strategic in its "
        "view (seeds): " + (", ".join(f"{p} {n}" for p, n in sorted(by.items())) or "none") + "."
    )
    aff = [r["rings"][year]["affiliated"] for r in runs]
    opp = [r["rings"][year]["opportunity"] for r in runs]
    lines.append(f"Affiliated: {min(aff)}-{max(aff)} partners; opportunity: {min(opp)}-{max(opp)}.")
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--report", default="docs/institutions.md")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        sys.exit("institutions: --seeds must be at least 1")
    results = {s: [one_seed(s, seed) for seed in range(1, args.seeds + 1)] for s in SCENARIOS}
    path = write_text_atomic(Path(args.report), report(results, args.seeds) + "\n")
    print(path)


if __name__ == "__main__":
    main()
