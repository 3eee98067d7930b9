"""``imssim-plot RUN_OR_SWEEP [...]``: the figures of one run into ``<run>/figures``, or the
comparison figures of several runs (or of a sweep folder) into ``<common
folder>/figures``. A problem with the input gives one line on stderr,
``imssim-plot: error: ...``, and exit code 2; nothing half-written is left behind.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from imssim.cli.common import Parser, run_command, written_files
from imssim.config import FIGURE_FORMATS as FORMATS
from imssim.errors import ImssimError


def plot_parser() -> argparse.ArgumentParser:
    from imssim.outcomes import MEASURES
    from imssim.present.plots.registry import COMPARE_FIGURES, RUN_FIGURES

    parser = Parser(
        prog="imssim-plot",
        description=(
            "Draw the figures of a run folder, or compare several runs (or a sweep folder)."
        ),
        epilog=(
            f"figures of one run: {', '.join(RUN_FIGURES)}; "
            f"figures comparing runs: {', '.join(COMPARE_FIGURES)}; "
            f"measures: {', '.join(MEASURES)}"
        ),
    )
    parser.add_argument(
        "paths", nargs="+", metavar="RUN_OR_SWEEP", help="run folder(s) or folder(s) of runs"
    )
    parser.add_argument(
        "--years",
        nargs="+",
        type=int,
        metavar="YEAR",
        help="years of the ring diagram panels (one run only)",
    )
    parser.add_argument("--focal", metavar="ISO3", help="the state whose view is taken")
    parser.add_argument(
        "--others",
        nargs="+",
        metavar="ISO3",
        help="states drawn beside the focal state in the indices (one run only)",
    )
    parser.add_argument(
        "--network-year",
        type=int,
        metavar="YEAR",
        help="year of the depth matrix and the network (one run only; default: the last)",
    )
    parser.add_argument("--figures", nargs="+", metavar="NAME", help="figures to draw")
    parser.add_argument(
        "--measures",
        nargs="+",
        metavar="NAME",
        help="outcomes compared (several runs only)",
    )
    parser.add_argument(
        "--formats",
        nargs="+",
        choices=FORMATS,
        metavar="FMT",
        help=(
            f"file formats ({', '.join(FORMATS)}; default: the run's output.formats, "
            "png for a comparison)"
        ),
    )
    parser.add_argument(
        "--dpi",
        type=int,
        metavar="N",
        help="resolution of PNG files (default: the run's output.dpi, 120 for a comparison)",
    )
    parser.add_argument("--out", metavar="DIR", help="folder for the figures")
    return parser


def _plot(args: argparse.Namespace) -> list[Path]:
    from imssim.present.plots import writer
    from imssim.runs.find import common_folder, find_runs

    formats = tuple(dict.fromkeys(args.formats)) if args.formats else None
    options = writer.FigureOptions(
        which=tuple(args.figures) if args.figures else None,
        formats=formats,
        dpi=args.dpi,
        focal=args.focal,
        years=args.years,
        others=args.others,
        network_year=args.network_year,
        measure=args.measures,
    )
    runs = find_runs(args.paths)
    if len(runs) == 1:
        if args.measures:
            raise ImssimError("--measures applies when comparing several runs")
        run = runs[0]
        written = writer.make_run_figures(run, Path(args.out) if args.out else None, options)
        return written_files(written, formats or run.config.output.formats)
    for option, value in (
        ("--years", args.years),
        ("--others", args.others),
        ("--network-year", args.network_year),
    ):
        if value is not None:
            raise ImssimError(f"{option} applies to the figures of one run, not to a comparison")
    out = Path(args.out) if args.out else common_folder(runs) / "figures"
    written = writer.make_compare_figures(runs, out, options)
    return written_files(written, formats or ("png",))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``imssim-plot``; returns the exit code (0, or 2 on a bad input)."""

    def draw(args: argparse.Namespace) -> None:
        for path in _plot(args):
            print(path)

    return run_command("imssim-plot", plot_parser(), argv, draw)


if __name__ == "__main__":
    sys.exit(main())
