"""``imssim-calibrate <study>``: estimate parameters from the facts up to 2017 by ABC-SMC.

A study is ``conf/calibration/<name>.yaml`` or the path of a YAML file
(:mod:`imssim.studies.calibration.study`). The calibration runs into
``results/calibration/<study>/`` (``--out`` to choose): run again into the same folder,
it goes on from its last complete population. A mistake in the study, an unknown
parameter or target, an impossible prior or a folder holding another calibration: one
line and exit code 2, nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from imssim.cli.common import Parser, run_command
from imssim.errors import ImssimError

PROG = "imssim-calibrate"


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description=(
            "Calibrate the model's parameters to the facts of 2013-2017 by ABC-SMC (pyabc): "
            "the posterior of each parameter, the fit to each target before and after, and "
            "a calibrated parameter set a run can select (params=<study>)."
        ),
    )
    parser.add_argument(
        "study",
        nargs="?",
        default="default",
        help="a study of conf/calibration/ or a .yaml file (default: default)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="the folder (default results/calibration/<study>)"
    )
    parser.add_argument("--jobs", type=int, default=-1, help="processes (default -1: every core)")
    parser.add_argument(
        "--population",
        type=int,
        default=None,
        help="particles per population (the study's otherwise)",
    )
    parser.add_argument(
        "--generations", type=int, default=None, help="populations at most (the study's otherwise)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check the study and show the plan only"
    )
    return parser


def say(line: str) -> None:
    """A line of progress on the standard error."""
    print(f"{PROG}: {line}", file=sys.stderr, flush=True)


def _run(args: argparse.Namespace) -> None:
    from imssim.studies.calibration.calibrate import calibrate, summary_lines
    from imssim.studies.calibration.smc import cpu_jobs
    from imssim.studies.calibration.study import base_config, load_study, resized

    study = resized(load_study(args.study), args.population, args.generations)
    if args.jobs == 0 or args.jobs < -1:
        raise ImssimError(f"--jobs: must be -1 (every core) or at least 1 (got {args.jobs})")
    config = base_config(study)
    folder = (
        args.out if args.out is not None else Path(config.output.root) / "calibration" / study.name
    )
    jobs = cpu_jobs(args.jobs)
    say(
        f"{study.name}: {len(study.parameters)} parameters, targets {', '.join(study.targets)}; "
        f"{study.population} particles x at most {study.generations} populations, "
        f"{study.seeds} run(s) of {config.start_year}-{config.end_year} each, {jobs} process(es); "
        f"into {folder}"
    )
    if args.dry_run:
        return
    done = calibrate(study, config, folder, jobs, say=say)
    print(f"{PROG}: {study.name}: {done.evaluations} evaluations in {done.seconds:.0f} s")
    print("\n".join(summary_lines(done)))
    print(f"results: {folder} (summary.md, figures/, params/{study.name}.yaml)")


def main(argv: list[str] | None = None) -> None:
    """``imssim-calibrate [STUDY] [--out DIR] [--jobs N]``."""
    try:
        code = run_command(PROG, _parser(), argv, _run)
    except KeyboardInterrupt:
        print(
            f"{PROG}: interrupted (the same command goes on from the last population)",
            file=sys.stderr,
        )
        raise SystemExit(130) from None
    raise SystemExit(code)


if __name__ == "__main__":
    main()
