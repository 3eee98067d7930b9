"""``imssim-report RUN_OR_SWEEP [...]``: one self-contained HTML report of a run, or of
several runs (or a sweep folder) compared. A problem with the input gives one line on
stderr, ``imssim-report: error: ...``, and exit code 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from imssim.cli.common import Parser, run_command


def report_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="imssim-report",
        description=(
            "Write one self-contained HTML report of a run folder, or of several runs "
            "(or a sweep folder) compared."
        ),
    )
    parser.add_argument(
        "paths", nargs="+", metavar="RUN_OR_SWEEP", help="run folder(s) or folder(s) of runs"
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="the HTML file (default: report.html in the run folder or the runs' common folder)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``imssim-report``; returns the exit code (0, or 2 on a bad input)."""

    def write(args: argparse.Namespace) -> None:
        from imssim.present.report import write_report

        print(write_report(args.paths, args.out))

    return run_command("imssim-report", report_parser(), argv, write)


if __name__ == "__main__":
    sys.exit(main())
