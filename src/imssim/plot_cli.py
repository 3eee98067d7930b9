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

from imssim.errors import ImssimError

EXIT_USAGE = 2
FORMATS = ("png", "svg", "pdf")


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
        out += [png.with_suffix(f".{fmt}") for fmt in formats]
    return out


# --------------------------------------------------------------------------- imssim-plot


def plot_parser() -> argparse.ArgumentParser:
    from imssim.plots.compare import COMPARE_FIGURES, MEASURES
    from imssim.plots.run_figures import RUN_FIGURES

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
        default=["png", "svg"],
        metavar="FMT",
        help=f"file formats ({', '.join(FORMATS)}; default: png svg)",
    )
    parser.add_argument("--out", metavar="DIR", help="folder for the figures")
    return parser


def _plot(args: argparse.Namespace) -> list[Path]:
    from imssim.plots import compare

    formats = tuple(dict.fromkeys(args.formats))
    runs = compare.find_runs(args.paths)
    single = len(runs) == 1
    if single:
        from imssim.plots.run_figures import RUN_FIGURES, make_run_figures

        if args.measures:
            raise ImssimError("--measures applies when comparing several runs")
        which = tuple(args.figures) if args.figures else RUN_FIGURES
        for name in which:
            if name not in RUN_FIGURES:
                hint = (
                    " (a figure comparing several runs)" if name in compare.COMPARE_FIGURES else ""
                )
                raise ImssimError(
                    f"unknown figure {name!r}{hint}: choose from {', '.join(RUN_FIGURES)}"
                )
        out = Path(args.out) if args.out else None
        written = make_run_figures(
            runs[0],
            out,
            years=args.years,
            focal=args.focal,
            others=args.others,
            network_year=args.network_year,
            which=which,
            formats=formats,
        )
        return _written(written, formats)
    for option, value in (
        ("--years", args.years),
        ("--others", args.others),
        ("--network-year", args.network_year),
    ):
        if value is not None:
            raise ImssimError(f"{option} applies to the figures of one run, not to a comparison")
    which = tuple(args.figures) if args.figures else compare.COMPARE_FIGURES
    for name in which:
        if name not in compare.COMPARE_FIGURES:
            raise ImssimError(
                f"unknown figure {name!r} for a comparison of {len(runs)} runs: "
                f"choose from {', '.join(compare.COMPARE_FIGURES)}"
            )
    from imssim.report import common_folder

    out = Path(args.out) if args.out else common_folder(runs) / "figures"
    written = compare.make_compare_figures(
        runs, out, measure=args.measures, focal=args.focal, which=which, formats=formats
    )
    return _written(written, formats)


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
