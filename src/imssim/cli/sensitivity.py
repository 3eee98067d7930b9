"""``imssim-sensitivity [STUDY] [key=value ...]``: run a global sensitivity study.

STUDY is a study of ``conf/sensitivity/`` (default: ``default``) or a YAML file; the
overrides change its keys (:mod:`imssim.studies.sensitivity.study`). The study is checked
completely before anything runs: a mistake is one line and exit code 2, and nothing is
written. Failed runs give exit code 1; the same command resumes an interrupted study.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from imssim.config import Config
from imssim.errors import ImssimError
from imssim.studies.sensitivity.evaluate import StudyFailed, run_study
from imssim.studies.sensitivity.model_evaluator import ModelEvaluator
from imssim.studies.sensitivity.report import INDICES_CSV, INDICES_FILE, SUMMARY_FILE
from imssim.studies.sensitivity.study import (
    STUDY_GROUP,
    Study,
    StudyError,
    load_study,
    study_file,
)

PROG = "imssim-sensitivity"


def default_folder(study: Study, base: Config) -> Path:
    """Where a study's runs and files go: ``<output.root>/sensitivity/<name>``."""
    return Path(base.output.root) / STUDY_GROUP / study.name


def _check_folder(folder: Path) -> None:
    probe_root = folder
    while not probe_root.exists():
        probe_root = probe_root.parent
    if not probe_root.is_dir():
        raise StudyError(f"{probe_root} is a file, not a folder")
    if not os.access(probe_root, os.W_OK):
        raise StudyError(f"{probe_root} cannot be written")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Global sensitivity analysis of the model's headline outcomes (Sobol' or "
            "Morris, through SALib). STUDY is a study of conf/sensitivity/ (default: "
            "default) or a YAML file; key=value overrides change the study, e.g. n=128, "
            "method=morris, trajectories=10, years=[2020,2035], name=mine, "
            "parameters=[catalyst,params.trust_gain] (each over its judged range), "
            "parameters.params.trust_gain=[0.04,0.2], "
            "base=[scenario=deep_cuts,counterfactual=none]."
        ),
    )
    parser.add_argument("study", nargs="?", default="default", help="study name or YAML file")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="study overrides")
    parser.add_argument(
        "--jobs", type=int, default=-1, help="worker processes (default: every core)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="study folder (default: <output.root>/sensitivity/<name>)",
    )
    parser.add_argument("--dry-run", action="store_true", help="check and show the plan only")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser


def say(line: str) -> None:
    """A line of the command's progress on the standard output."""
    print(f"{PROG}: {line}", flush=True)


def _run(args: argparse.Namespace) -> None:
    """Check the study, show its plan and (unless a dry run) run it."""
    study_arg, overrides = args.study, list(args.overrides)
    if "=" in study_arg:  # no study named: the default, with overrides
        study_arg, overrides = "default", [study_arg, *overrides]
    study, base = load_study(study_arg, overrides)
    folder = args.out if args.out is not None else default_folder(study, base)
    _check_folder(folder)
    if args.jobs == 0 or args.jobs < -1:
        raise StudyError(f"--jobs: must be -1 (every core) or at least 1 (got {args.jobs})")
    k = len(study.parameters)
    size = f"N = {study.n}" if study.method == "sobol" else f"{study.trajectories} trajectories"
    say(
        f"{study.name}: {study.method}, {k} parameters, {size}: {study.n_samples} samples "
        f"x {study.replicates} replicate{'s' if study.replicates > 1 else ''}, "
        f"seed {study.seed} in every run; into {folder}"
    )
    if args.dry_run:
        return
    outcome = run_study(
        study,
        ModelEvaluator(folder=folder, base=base, study=study),
        folder,
        n_jobs=None if args.jobs == -1 else args.jobs,
        progress=not args.quiet,
        say=say,
        source=str(study_file(study_arg)),
    )
    print(outcome.summary)
    print(f"indices: {folder / INDICES_FILE} ({INDICES_CSV}); summary: {folder / SUMMARY_FILE}")
    if outcome.figure is not None:
        print(f"figure: {outcome.figure}")
    say(f"{outcome.runs} runs ({outcome.ran} run now) in {outcome.seconds:.0f} s")


def main(argv: list[str] | None = None) -> None:
    """``imssim-sensitivity [STUDY] [key=value ...]``: run a global sensitivity study."""
    args = _parser().parse_intermixed_args(argv)
    try:
        _run(args)
    except StudyFailed as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except ImssimError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted (the same command resumes the study)", file=sys.stderr)
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
