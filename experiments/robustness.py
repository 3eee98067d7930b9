"""Do the note's claims (a-g) hold across plausible ranges of the parameters they depend on?

    .venv/bin/python experiments/robustness.py [--quick] [--seeds 4] [--workers 2]

The command line of the robustness study (imssim.studies.robustness, which describes the
method): the candidates are screened at the ends of the ranges judged plausible for them
(in the schema, beside each default: imssim.config.judged_parameters), then the --top most
influential (five) are studied at low, default and high over --seeds seeds. Writes, each
file under a temporary name and then renamed into place (an interrupted run leaves the
previous results whole):

    results/robustness/claims_by_parameter.csv   one row per parameter x value x claim
    results/robustness/checks_by_parameter.csv   every comparison behind each verdict
    results/robustness/screening.csv             the influence of every candidate
    results/robustness/screening_points.csv      the verdicts at every screening point
    docs/robustness.md                           claims (columns) by values (rows)
    docs/figures/robustness_claims.png           the same as a chart

With --quick (one screening seed, two seeds, the three most influential parameters)
everything goes to results/robustness/quick/ instead, so a quick look never replaces
the documented study; --out puts everything in one folder of your choice.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from imssim.errors import ImssimError
from imssim.studies.claims import CLAIMS, SEEDS
from imssim.studies.robustness import SCREEN_SEEDS, TOP, Settings, run_study, write_outputs

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results" / "robustness"
DOCS = ROOT / "docs"
FIGURE = "robustness_claims"
EXIT_USAGE = 2


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command's options, with the seeds as tuples and the claims without repeats."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 screening seed, 2 seeds, top 3")
    parser.add_argument("--seeds", type=int, help=f"study seeds 1..N (default {len(SEEDS)})")
    parser.add_argument(
        "--screen-seeds", type=int, help=f"screening seeds 1..N (default {len(SCREEN_SEEDS)})"
    )
    parser.add_argument("--top", type=int, help=f"parameters to study (default {TOP})")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--candidates", nargs="+", metavar="KEY", help="screen only these")
    parser.add_argument("--claims", default="".join(CLAIMS), help="claims to judge, e.g. bg")
    parser.add_argument("--out", type=Path, help="write every output into this folder")
    args = parser.parse_args(argv)
    args.claims = tuple(dict.fromkeys(args.claims))
    if not set(args.claims) <= set(CLAIMS):
        parser.error(f"--claims: letters among {''.join(CLAIMS)}")
    seeds = args.seeds or (2 if args.quick else len(SEEDS))
    screen_seeds = args.screen_seeds or (1 if args.quick else len(SCREEN_SEEDS))
    args.seeds = tuple(range(1, seeds + 1))
    args.screen_seeds = tuple(range(1, screen_seeds + 1))
    args.top = args.top or (3 if args.quick else TOP)
    return args


def output_paths(out: Path | None, quick: bool) -> dict[str, Path]:
    """Where the outputs go: the documented places, or all into one folder."""
    if out is None and quick:
        out = RESULTS / "quick"
    tables = out or RESULTS
    return {
        "table": tables / "claims_by_parameter.csv",
        "checks": tables / "checks_by_parameter.csv",
        "screening": tables / "screening.csv",
        "screening_points": tables / "screening_points.csv",
        "markdown": (out or DOCS) / "robustness.md",
        "figure": (out or DOCS / "figures") / f"{FIGURE}.png",
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the study with the command's options and write its outputs."""
    args = parse_args(argv)
    settings = Settings(
        seeds=args.seeds,
        screen_seeds=args.screen_seeds,
        top=args.top,
        claims=args.claims,
        candidates=tuple(args.candidates or ()),
        workers=args.workers,
    )
    given = sys.argv[1:] if argv is None else list(argv)
    command = " ".join(["python experiments/robustness.py", *given])
    try:
        found = run_study(settings, command)
    except ImssimError as exc:
        print(f"robustness: error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None
    paths = output_paths(args.out, args.quick)
    write_outputs(found, paths)
    screening, study = found.seconds["screening"], found.seconds["study"]
    print(f"\nwritten: {', '.join(str(p) for p in paths.values())}")
    print(
        f"wall time: {screening + study:.0f} s (screening {screening:.0f} s, "
        f"study {study:.0f} s) on {args.workers} process(es)"
    )


if __name__ == "__main__":
    main()
