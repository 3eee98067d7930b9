"""``imssim-discover SWEEP --where CONDITION``: scenario discovery over a sweep.

Which combinations of a sweep's inputs (the parameters and scenarios it varied) lead
to the runs where CONDITION on their outcomes holds? PRIM (:mod:`imssim.studies.discovery`)
answers with boxes, and the command writes the box table, the coverage-density
trade-off chart, a summary and its manifest into one folder
(:mod:`imssim.studies.discovery.report`), and prints a short table. A problem with the
input (no such sweep, a broken runs.parquet, a sweep without varied inputs, a condition
that cannot be read, names an unknown column, or holds for no run or for every run) is
one line on stderr, ``imssim-discover: error: ...``, and exit code 2; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from imssim.cli.common import Parser, run_command
from imssim.errors import ImssimError

PROG = "imssim-discover"


def discover_parser() -> argparse.ArgumentParser:
    """The command's options."""
    from imssim.studies.discovery.boxes import THRESHOLD

    parser = Parser(
        prog=PROG,
        description=(
            "Scenario discovery (PRIM, through the EMA Workbench): which boxes of a "
            "sweep's varied inputs (parameters, scenarios, policies) hold the runs where "
            "a condition on their outcomes is true."
        ),
        epilog=(
            "Examples: imssim-discover results/grid --where 'worst_shortfall_pct > 30'; "
            "imssim-discover results/grid/runs.parquet --where 'n_strategic_diff < 0' "
            "--boxes 2. The condition names outcome columns of runs.parquet (in their "
            "units as stored: shortfall_pct in %), numbers, comparisons, + - * /, abs(), "
            "and/or/not."
        ),
    )
    parser.add_argument("sweep", metavar="SWEEP", help="a sweep folder or its runs.parquet")
    parser.add_argument("--where", required=True, metavar="CONDITION", help="the runs of interest")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: <sweep>/discovery/<condition>; an existing one is "
        "never written over: -2, -3 ... is added)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=THRESHOLD,
        help=f"minimum density of the box chosen from each trajectory (default {THRESHOLD})",
    )
    parser.add_argument(
        "--peel-alpha", type=float, default=0.05, help="share peeled at a step (default 0.05)"
    )
    parser.add_argument(
        "--paste-alpha", type=float, default=0.05, help="share pasted at a step (default 0.05)"
    )
    parser.add_argument(
        "--mass-min",
        type=float,
        default=0.05,
        help="smallest box, a share of all runs (default 0.05)",
    )
    parser.add_argument(
        "--boxes", type=int, default=1, help="successive boxes to look for (default 1)"
    )
    return parser


def run(args: argparse.Namespace) -> None:
    """Read the sweep, judge its runs, run PRIM, write the results and print the table."""
    from imssim.studies.discovery.boxes import Settings, discover, prim_class
    from imssim.studies.discovery.condition import parse_condition
    from imssim.studies.discovery.inputs import outcome_columns, read_runs, varied_inputs
    from imssim.studies.discovery.report import (
        Question,
        default_folder,
        terminal_text,
        write_discovery,
    )

    settings = Settings(
        threshold=args.threshold,
        peel_alpha=args.peel_alpha,
        paste_alpha=args.paste_alpha,
        mass_min=args.mass_min,
        boxes=args.boxes,
    ).check()
    sweep = read_runs(args.sweep)
    condition = parse_condition(args.where, outcome_columns(sweep.runs))
    known = condition.known(sweep.runs)
    if not known.any():
        raise ImssimError(f"--where {args.where!r}: no run has a value in {condition.columns}")
    y = condition.evaluate(sweep.runs)[known].to_numpy()
    judged = int(known.sum())
    if not y.any() or y.all():
        which = "no run" if not y.any() else "every run"
        raise ImssimError(
            f"--where {args.where!r} holds for {which} of the {judged} runs judged: "
            "nothing to tell apart"
        )
    x = varied_inputs(sweep, known)
    prim_class()  # imported before the clock starts
    start = time.perf_counter()
    found = discover(x, y, settings)
    seconds = time.perf_counter() - start
    question = Question(
        condition=args.where,
        columns=condition.columns,
        sweep=sweep.source,
        runs=judged,
        left_out=len(sweep.runs) - judged,
        failed=sweep.failed,
        settings=settings,
    )
    folder = args.out if args.out is not None else default_folder(sweep.folder, args.where)
    arguments = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    written = write_discovery(folder, question, found, seconds, arguments)
    print(terminal_text(question, found))
    print(f"PRIM took {seconds:.1f} s; written to {written}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``imssim-discover``; returns the exit code (0, or 2 on a bad input)."""
    return run_command(PROG, discover_parser(), argv, run)


if __name__ == "__main__":
    sys.exit(main())
