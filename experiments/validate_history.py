"""Validation against what happened after 2012: the model's 2013-2017 beside the record.

    .venv/bin/python experiments/validate_history.py [--scenario history_2012_2024]
        [--policy default] [--seeds 20] [--jobs 2] [--out results/validation]
        [--report docs/validation.md] [--figure docs/figures/validation_auc.png]

Runs the scenario for seeds 1..N from 2012 to 2017 only (nothing after 2017 is
simulated or compared) and sets the cooperation it produces beside the observed
record of 2013-2017 in ``experiments/record/record_2012_2017.csv``. The model never
reads the record: the record is used only to score finished runs.

Three comparisons (the library is :mod:`imssim.studies.validation`):

1. **Pairs.** For every unordered pair of the world's 49 states, the share of seeds in
   which the model deepened the pair between 2012 and 2017, ranked against the pairs
   the record names (ROC AUC: the probability that a pair the record names ranks above
   one it does not, ties counting half; and the precision-recall AUC, the average
   precision). Two naive predictors give the yardstick, "nearer capitals deepen more"
   (minus the great-circle distance between capitals) and "the deep get deeper" (the
   pair's deepest form in 2012), and so do the link-prediction baselines on the network
   of 2012 (ties plus shared frameworks other than NATO and the EU): common neighbours,
   Adamic-Adar, resource allocation and preferential attachment. The same ranking is
   also made over pair-areas, where the rules and baselines give each pair-area its
   pair's score.
2. **Facts.** For every fact of the record: did the model deepen the same pair in the
   same area (or in another area) by 2017, and at what form.
3. **Years.** Deepenings per year in the model, 2013-2017, beside the record's facts.

A pair counts as deepened in the model when its deepest bilateral form in 2017 lies
above that of 2012, or when a tie of the pair was formed or deepened to form 2 or more
in 2013-2017; the variant "ties or frameworks" also counts a framework form the pair
shares in an area rising to 2 or more above its 2012 level.

Writes ``<out>/{pairs,auc,auc_by_seed,facts,fact_pairs,by_year,by_form}.csv`` and
``manifest.json``, the report (Markdown) and the figure (PNG). Every file is written
under a temporary name and renamed into place. An unknown scenario or policy or a bad
argument stops the script before anything runs, with one line and exit code 2.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from imssim.config import group_options
from imssim.config.compose import compose_config
from imssim.runs.api import check
from imssim.runs.folders import (
    MANIFEST,
    code_revision,
    manifest_record,
    write_manifest,
    write_text_atomic,
)
from imssim.studies.validation.comparison import Comparison, compare
from imssim.studies.validation.figure import plot
from imssim.studies.validation.markdown import RunSettings, report
from imssim.studies.validation.pairs import ALL_FACTS
from imssim.studies.validation.record import (
    BASE_YEAR,
    FIRST_YEAR,
    LAST_YEAR,
    RECORD,
    RecordError,
    read_record,
    record_problems,
)
from imssim.studies.validation.scoring import BOOTSTRAP_RESAMPLES
from imssim.studies.validation.seed_runs import run_seeds
from imssim.world import load_world

PROG = "validate_history"
EXIT_USAGE = 2
DEFAULT_SCENARIO = "history_2012_2024"


class UsageError(Exception):
    """A bad argument: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        raise UsageError(message)


# --- the command line ----------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    p = _Parser(prog=PROG, description=__doc__.splitlines()[0])
    p.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        help="scenario file of conf/scenario/ (default: %(default)s)",
    )
    p.add_argument("--policy", default="default", help="policy file of conf/policy/")
    p.add_argument("--seeds", type=int, default=20, help="seeds 1..N (default 20)")
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument(
        "--resamples",
        type=int,
        default=BOOTSTRAP_RESAMPLES,
        help="bootstrap resamples for the AUC intervals (0: none)",
    )
    p.add_argument(
        "--set",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="more overrides of the runs' config, as on the command line (params.trust_gain=0.1)",
    )
    p.add_argument("--record", default=str(RECORD), help="the record file (default: %(default)s)")
    p.add_argument("--out", default="results/validation", help="folder of the tables")
    p.add_argument("--report", default="docs/validation.md", help="the Markdown report")
    p.add_argument("--figure", default="docs/figures/validation_auc.png", help="the figure (PNG)")
    return p


def check_args(args: argparse.Namespace) -> None:
    """Stop on a bad argument before anything runs (UsageError, one line)."""
    for group, name in (("scenario", args.scenario), ("policy", args.policy)):
        known = group_options(group)
        if name not in known:
            raise UsageError(f"unknown {group} {name!r} (known: {', '.join(known)})")
    if args.seeds < 1:
        raise UsageError(f"--seeds must be at least 1 (got {args.seeds})")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {args.jobs})")
    if args.resamples < 0:
        raise UsageError(f"--resamples must be 0 or more (got {args.resamples})")
    if args.set:
        try:
            check(compose_config([f"scenario={args.scenario}", *args.set]))
        except Exception as exc:  # Hydra's, OmegaConf's or the schema's: one line
            line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UsageError(f"--set {' '.join(args.set)}: {line}") from None
    if not Path(args.record).is_file():
        raise UsageError(f"--record: no such file: {args.record}")
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise UsageError(f"--out is not a folder: {args.out}")
    if Path(args.figure).suffix.lower() != ".png":
        raise UsageError(f"--figure must name a .png file (got {args.figure})")


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A table as CSV (four significant digits), written atomically."""
    return write_text_atomic(
        path, frame.to_csv(index=False, float_format="%.4g", lineterminator="\n")
    )


def record_manifest(args: argparse.Namespace, out: Path, facts: int) -> Path:
    """``<out>/manifest.json``: the seeds, years, the record's digest, the arguments, the
    versions and the code revision (:func:`imssim.runs.folders.manifest_record`)."""
    digest = hashlib.sha256(Path(args.record).read_bytes()).hexdigest()
    fields = {"years": [BASE_YEAR, LAST_YEAR], "record_sha256": digest, "facts": facts}
    seeds = list(range(1, args.seeds + 1))
    info = manifest_record(
        fields, seed=seeds, script="experiments/validate_history.py", arguments=vars(args)
    )
    return write_manifest(out / MANIFEST, info)


def write_outputs(args: argparse.Namespace, record: pd.DataFrame, tables: Comparison) -> None:
    """The tables, the figure, the report and the manifest, each where `args` says."""
    out = Path(args.out)
    for name, frame in tables.tables().items():
        write_csv(frame, out / f"{name}.csv")
    figure = Path(args.figure)
    title = (
        f"Scenario {args.scenario}, policy {args.policy}, seeds 1-{args.seeds}; model 2012-"
        f"{LAST_YEAR} against the record of {FIRST_YEAR}-{LAST_YEAR}"
    )
    plot(tables.auc, tables.auc_by_seed, tables.by_year, figure, title)
    settings = RunSettings(
        args.scenario,
        args.policy,
        args.seeds,
        args.resamples,
        tuple(args.set),
        revision=code_revision(),  # asked before anything was written: the code that ran
    )
    report_path = Path(args.report)
    write_text_atomic(report_path, report(settings, record, tables, figure, report_path))
    record_manifest(args, out, len(record))


def main(argv: Sequence[str] | None = None) -> Path:
    """Run the validation; return the folder of the tables."""
    try:
        args = parser().parse_args(argv)
        check_args(args)
        world = load_world()
        record = read_record(args.record)
        problems = record_problems(record, world)
        if problems:
            raise UsageError(f"{args.record}: {problems[0]} ({len(problems)} problems)")
    except (UsageError, RecordError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None

    code_revision()  # the revision of the code before any output changes the tree
    seeds = list(range(1, args.seeds + 1))
    runs = run_seeds(args.scenario, args.policy, seeds, args.jobs, extra=args.set)
    tables = compare(runs, world, record, args.resamples)
    write_outputs(args, record, tables)

    auc = tables.auc
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        main_rows = auc[auc.variant == ALL_FACTS][
            ["predictor", "auc", "ci90_low", "ci90_high", "pr_auc", "prevalence"]
        ]
        print(textwrap.indent(main_rows.round(3).to_string(index=False), "  "))
    print(f"facts: {tables.facts['verdict'].value_counts().to_dict()}")
    out, report_path, figure = Path(args.out), Path(args.report), Path(args.figure)
    print(f"tables: {out}  report: {report_path}  figure: {figure}")
    return out


if __name__ == "__main__":
    main()
