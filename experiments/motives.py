"""Why states cooperate in the model: the history run read as a defence analyst reads it.

    .venv/bin/python experiments/motives.py [--seeds 8] [--end 2024]
        [--out results/motives] [--report docs/motives.md]

Runs ``history_2012_2024`` for seeds 1..N to `--end`, and ``austerity_2012`` with its
counterfactual (the same seeds), and tabulates:

1. deepenings (ties formed or deepened to form 2 or more) per year, mean over seeds;
2. the decomposition of those deepenings by motive (the goal that weighed most for
   the initiator: economic, military, political, relationship), for the history and
   for ``austerity_2012`` against its counterfactual;
3. the areas given up by the United States, the United Kingdom, France and Germany;
4. the frameworks founded: purpose, area, lead, host, year and members (every seed);
5. the membership of EU AAR and SAC C-17 in 2012, 2014 and 2017 (the mean count and
   seed 1's list);
6. the share of pairs deepening by their 2012 form, on bilateral ties and counting
   frameworks (`max_form`);
7. the mean deepest form at `--end` of the eastern-flank and northern pairs the record
   deepened, bilateral and counting frameworks;
8. per seed, the Dutch-German armour and artillery ties.

Writes one CSV per table under `--out` and the Markdown report; nothing else.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from imssim import run, run_pair
from imssim.config.compose import compose_config
from imssim.model.motives import MOTIVES
from imssim.model.tables import Tables
from imssim.present.effects import deepenings
from imssim.runs.folders import code_revision, package_versions, write_text_atomic

FLANK = [
    ("GBR", "EST"),
    ("USA", "EST"),
    ("CAN", "LVA"),
    ("DEU", "LTU"),
    ("USA", "POL"),
    ("CZE", "DEU"),
    ("ROU", "DEU"),
    ("FIN", "USA"),
    ("SWE", "USA"),
    ("FIN", "SWE"),
]
BIG_FOUR = ["USA", "GBR", "FRA", "DEU"]
HEADER = """# Why states cooperate in the history run

Written by `python experiments/motives.py --seeds {seeds} --end {end} --report docs/motives.md`
at code revision `{revision}` (imssim {version}); do not edit by hand.
Seeds 1-{seeds} of `history_2012_2024` (and of `austerity_2012` with its
counterfactual for the motives), default policy. A deepening is a tie formed or deepened to
form 2 or more; its motive is the goal that weighed most in the initiator's value
(docs/ODD.md, 7.10); `other` are ties regained through a partner. The tables: deepenings per
year (mean per run); deepenings 2013-{end} by motive (mean per run); areas the four largest
allies gave up; frameworks founded (every seed); the pools' members (mean count and seed 1's
list); the share of pairs whose deepest form rose from 2012 to {end}, by their 2012 form
(bilateral, and with frameworks); the mean deepest form in {end} of pairs the record
deepened (bilateral, and with frameworks); per seed, the year the Dutch-German armour
tie reached form 5 (0: not by {end}), the form the last event left the Dutch-German
artillery tie at (-1: no event, it kept its 2012 form 3) and the pair's deepest
bilateral form at the end.

"""
POOLS = ["EU_AAR", "SAC_C17"]


def by_year(runs: list[Tables], first: int, last: int) -> pd.Series:
    """Deepenings per year, mean over runs."""
    counts = [deepenings(t.events).groupby("year").size() for t in runs]
    table = pd.concat(counts, axis=1).reindex(range(first, last + 1)).fillna(0)
    return table.mean(axis=1).rename("deepenings")


def by_motive(runs: list[Tables], first: int) -> pd.Series:
    """Deepenings from `first` on by motive, mean per run."""
    steps = pd.concat([deepenings(t.events) for t in runs])
    steps = steps[steps.year >= first]
    motive = steps.motive if "motive" in steps else pd.Series("", index=steps.index)
    counts = motive.replace("", "other").value_counts() / len(runs)
    return counts.reindex([*MOTIVES, "other"]).fillna(0.0)


def given_up(runs: list[Tables]) -> pd.DataFrame:
    """Areas given up by the four largest allies (seed, country, area, year)."""
    rows = []
    for seed, t in enumerate(runs, start=1):
        e = t.events
        e = e[(e.kind == "gave_up") & e.country.isin(BIG_FOUR)]
        rows += [(seed, r.country, r.area, int(r.year)) for r in e.itertuples()]
    return pd.DataFrame(rows, columns=["seed", "country", "area", "year"])


def founded(runs: list[Tables]) -> pd.DataFrame:
    """Frameworks founded in each run, with their first year's members."""
    rows = []
    for seed, t in enumerate(runs, start=1):
        fw = t.frameworks[t.frameworks.origin == "founded"]
        for _, first in fw.sort_values("year").groupby("framework").head(1).iterrows():
            rows.append(
                (
                    seed,
                    first.framework,
                    first.purpose,
                    first.area,
                    first.lead,
                    first.get("host", ""),
                    int(first.since),
                    first.members,
                )
            )
    columns = ["seed", "framework", "purpose", "area", "lead", "host", "year", "members"]
    return pd.DataFrame(rows, columns=columns)


def pools(runs: list[Tables], years: tuple[int, ...] = (2012, 2014, 2017)) -> pd.DataFrame:
    """Members of the pools in `years`: seed 1's list and the mean count over seeds."""
    rows = []
    for pool in POOLS:
        for year in years:
            lists = []
            for t in runs:
                fw = t.frameworks
                row = fw[(fw.framework == pool) & (fw.year == year)]
                lists.append(row.members.iloc[0].split(";") if len(row) else [])
            mean = sum(len(m) for m in lists) / len(lists)
            rows.append((pool, year, round(mean, 1), " ".join(sorted(lists[0]))))
    return pd.DataFrame(rows, columns=["pool", "year", "mean_members", "members_seed_1"])


def by_form(runs: list[Tables], start: int, end: int) -> pd.DataFrame:
    """The share of pairs whose deepest form rose from `start` to `end`, by their form
    at `start`: on bilateral ties, and counting frameworks (max_form)."""
    out = {}
    for column in ("bilateral_form", "max_form"):
        shares = []
        for t in runs:
            p = t.pairs
            p = p[p.country < p.partner]
            a = p[p.year == start].set_index(["country", "partner"])[column]
            b = p[p.year == end].set_index(["country", "partner"])[column]
            both = pd.concat([a.rename("start"), b.rename("end")], axis=1).fillna(0)
            rose = (both.end > both.start).groupby(both.start.clip(upper=4).astype(int)).mean()
            shares.append(rose)
        out[column] = pd.concat(shares, axis=1).mean(axis=1)
    table = pd.DataFrame(out).rename_axis("form_2012")
    return table.rename(columns={"bilateral_form": "bilateral", "max_form": "with_frameworks"})


def flank(runs: list[Tables], year: int) -> pd.DataFrame:
    """The mean deepest form in `year` of the record's eastern and northern pairs:
    bilateral, and counting frameworks (a forward presence ties its members at form 4)."""
    rows = []
    for a, b in FLANK:
        bilateral, effective = [], []
        for t in runs:
            p = t.pairs
            hit = p[(p.year == year) & (p.country == a) & (p.partner == b)]
            bilateral.append(float(hit.bilateral_form.iloc[0]) if len(hit) else 0.0)
            effective.append(float(hit.max_form.iloc[0]) if len(hit) else 0.0)
        n = len(runs)
        rows.append((f"{a}-{b}", sum(bilateral) / n, sum(effective) / n))
    return pd.DataFrame(rows, columns=["pair", f"bilateral_{year}", f"with_frameworks_{year}"])


def dutch_german(runs: list[Tables]) -> pd.DataFrame:
    """Per seed: the year the Dutch-German armour tie reached form 5 (0: not by the
    end), and the Dutch-German artillery tie's form at the end."""
    rows = []
    for seed, t in enumerate(runs, start=1):
        e = t.events
        pair = ((e.country == "NLD") & (e.partner == "DEU")) | (
            (e.country == "DEU") & (e.partner == "NLD")
        )
        armour = e[pair & (e.area == "armour") & (e.to_form >= 5)]
        p = t.pairs
        last = p[(p.year == p.year.max()) & (p.country == "NLD") & (p.partner == "DEU")]
        events = e[pair & (e.area == "artillery")]
        art = int(events.to_form.iloc[-1]) if len(events) else -1  # -1: unchanged
        first = int(armour.year.min()) if len(armour) else 0
        rows.append((seed, first, art, int(last.bilateral_form.iloc[0]) if len(last) else 0))
    return pd.DataFrame(
        rows, columns=["seed", "armour_form_5_year", "artillery_last_event_form", "nld_deu_form"]
    )


def markdown(table: pd.DataFrame) -> str:
    """A table as Markdown (index first), numbers to two decimals."""
    if table.empty:
        return "none"
    table = table.reset_index()
    rows = table.astype(object).to_numpy()
    cells = [[f"{v:.2f}" if isinstance(v, float) else str(v) for v in row] for row in rows]
    head = [str(c) for c in table.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def runs_of(scenario: str, seeds: int, end: int, pair: bool = False) -> tuple[list, list]:
    """The runs (and counterfactuals when `pair`) of a scenario for seeds 1..`seeds`."""
    main, other = [], []
    for seed in range(1, seeds + 1):
        cfg = compose_config([f"scenario={scenario}", f"seed={seed}", f"end_year={end}"])
        result = run_pair(cfg) if pair else run(cfg)
        main.append(result.tables)
        if pair and result.counterfactual is not None:
            other.append(result.counterfactual.tables)
    return main, other


def main(argv: list[str] | None = None) -> int:
    """Run the review and write its tables and report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--end", type=int, default=2024)
    ap.add_argument("--out", type=Path, default=Path("results/motives"))
    ap.add_argument("--report", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.seeds < 1 or args.end < 2013:
        print("error: --seeds must be at least 1 and --end at least 2013", file=sys.stderr)
        return 2
    history, _ = runs_of("history_2012_2024", args.seeds, args.end)
    austerity, counterfactual = runs_of("austerity_2012", args.seeds, args.end, pair=True)
    motives = pd.DataFrame(
        {
            "history_2012_2024": by_motive(history, 2013),
            "austerity_2012": by_motive(austerity, 2013),
            "counterfactual": by_motive(counterfactual, 2013),
        }
    )
    tables = {
        "by_year": by_year(history, 2013, args.end).to_frame(),
        "by_motive": motives,
        "given_up": given_up(history),
        "founded": founded(history),
        "pools": pools(history),
        "by_form": by_form(history, 2012, args.end),
        "flank": flank(history, args.end),
        "dutch_german": dutch_german(history),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(args.out / f"{name}.csv")
    header = HEADER.format(
        seeds=args.seeds,
        end=args.end,
        revision=code_revision(),
        version=package_versions().get("imssim", "?"),
    )
    text = header + "\n\n".join(f"## {name}\n\n{markdown(table)}" for name, table in tables.items())
    if args.report is not None:
        write_text_atomic(args.report, text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
