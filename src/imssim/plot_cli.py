"""Command lines for figures and reports of run folders.

``imssim-plot RUN_OR_SWEEP [...]`` draws the figures of one run into
``<run>/figures``, or the comparison figures of several runs (or of a sweep folder)
into ``<common folder>/figures``; ``imssim-report RUN_OR_SWEEP [...]`` writes one
self-contained HTML report. A problem with the input gives one line on stderr,
``<command>: error: ...``, and exit code 2; nothing half-written is left behind.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from imssim.config import FIGURE_FORMATS as FORMATS
from imssim.errors import ImssimError

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is the same single line as the command's own errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _fail(prog: str, message: str) -> int:
    text = " ".join(str(message).split()) or "failed"
    print(f"{prog}: error: {text}", file=sys.stderr)
    return EXIT_USAGE


def _written(paths: dict[str, Path], formats: Sequence[str]) -> list[Path]:
    out = []
    for png in paths.values():
        out += [png.with_suffix(f".{fmt}") for fmt in dict.fromkeys(formats)]
    return out


# --------------------------------------------------------------------------- imssim-plot


def plot_parser() -> argparse.ArgumentParser:
    from imssim.analysis import MEASURES
    from imssim.plots.registry import COMPARE_FIGURES, RUN_FIGURES

    parser = _Parser(
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
    from imssim.analysis import common_folder, find_runs
    from imssim.plots import writer

    formats = tuple(dict.fromkeys(args.formats)) if args.formats else None
    runs = find_runs(args.paths)
    if len(runs) == 1:
        if args.measures:
            raise ImssimError("--measures applies when comparing several runs")
        run = runs[0]
        written = writer.make_run_figures(
            run,
            Path(args.out) if args.out else None,
            years=args.years,
            focal=args.focal,
            others=args.others,
            network_year=args.network_year,
            which=tuple(args.figures) if args.figures else writer.RUN_FIGURES,
            formats=formats,
            dpi=args.dpi,
        )
        return _written(written, formats or run.config.output.formats)
    for option, value in (
        ("--years", args.years),
        ("--others", args.others),
        ("--network-year", args.network_year),
    ):
        if value is not None:
            raise ImssimError(f"{option} applies to the figures of one run, not to a comparison")
    out = Path(args.out) if args.out else common_folder(runs) / "figures"
    written = writer.make_compare_figures(
        runs,
        out,
        measure=args.measures,
        focal=args.focal,
        which=tuple(args.figures) if args.figures else writer.COMPARE_FIGURES,
        formats=formats or ("png",),
        dpi=writer.DPI if args.dpi is None else args.dpi,
    )
    return _written(written, formats or ("png",))


def plot_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``imssim-plot``; returns the exit code (0, or 2 on a bad input)."""
    try:
        args = plot_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed
        return int(exc.code or 0)
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    try:
        for path in _plot(args):
            print(path)
    except ImssimError as exc:
        return _fail("imssim-plot", str(exc))
    except OSError as exc:
        return _fail("imssim-plot", f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))
    return 0


# --------------------------------------------------------------------------- imssim-report


def report_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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


def report_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``imssim-report``; returns the exit code (0, or 2 on a bad input)."""
    try:
        args = report_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    from imssim.report import write_report

    try:
        print(write_report(args.paths, args.out))
    except ImssimError as exc:
        return _fail("imssim-report", str(exc))
    except OSError as exc:
        return _fail("imssim-report", f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m imssim.plot_cli plot|report ...``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("plot", "report"):
        command, rest = argv[0], argv[1:]
        return plot_main(rest) if command == "plot" else report_main(rest)
    print("usage: python -m imssim.plot_cli {plot,report} ...", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
