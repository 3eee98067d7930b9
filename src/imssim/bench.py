"""``imssim-bench``: how long the default run takes, measured in one process.

Prints the median of several repeats for model construction, one year, a whole
run and table building; with ``--figures``, also the time to draw and write each
figure of a run (the figures of the registry, once each, in the default formats and
resolution unless ``--formats``/``--dpi`` say otherwise), each as a multiple of one
whole run, their total, and the time of ``imssim-report`` on the run once its figures
exist (they are reused, not drawn again). Machines are noisy: compare figures from the
same run of this command (for instance a per-year cost against the whole run), not
across runs.
"""

from __future__ import annotations

import argparse
import statistics
import time

from imssim.config import to_config
from imssim.model import CooperationModel
from imssim.world import load_world


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="imssim-bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="repeats per figure (median)")
    parser.add_argument(
        "--figures", action="store_true", help="also time the figures of a run (slower)"
    )
    parser.add_argument(
        "--formats",
        nargs="+",
        metavar="FMT",
        help="file formats of the timed figures (default: output.formats, png)",
    )
    parser.add_argument(
        "--dpi", type=int, metavar="N", help="PNG resolution (default: output.dpi, 120)"
    )
    parser.add_argument(
        "--command",
        action="store_true",
        help="also time the whole imssim command (run, counterfactual, summary, figures)"
        " after its imports",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    world = load_world()
    load_s = time.perf_counter() - started
    cfg = to_config(None)
    years = cfg.end_year - cfg.start_year

    def build() -> CooperationModel:
        return CooperationModel(cfg, world=world)

    def whole() -> None:
        model = build()
        model.run()
        model.tables()

    whole()  # warm up
    init_s = _median_seconds(build, args.repeats)
    model = build()
    step_times = []
    for _ in range(years):
        t = time.perf_counter()
        model.step()
        step_times.append(time.perf_counter() - t)
    tables_s = _median_seconds(model.tables, args.repeats)
    run_s = _median_seconds(whole, args.repeats)
    n, a = world.n_states, world.n_areas
    print(
        f"imssim-bench: default config, {n} states x {a} areas, {years} years,"
        f" median of {args.repeats}"
    )
    print(f"  world data load (first)   {load_s * 1e3:8.1f} ms")
    print(f"  model construction        {init_s * 1e3:8.1f} ms")
    print(f"  one year (median step)    {statistics.median(step_times) * 1e3:8.1f} ms")
    print(f"  tables                    {tables_s * 1e3:8.1f} ms")
    print(f"  whole run                 {run_s * 1e3:8.1f} ms")
    print(f"  runs per core-hour        {3600 / run_s:8.0f}")
    print(f"  whole run / median step   {run_s / statistics.median(step_times):8.1f}")
    if args.figures:
        _bench_figures(cfg, run_s, args.formats, args.dpi)
    if args.command:
        _bench_command(run_s, max(3, args.repeats // 2))


def _bench_command(run_s: float, repeats: int) -> None:
    """The default ``imssim`` command in this process, its modules already imported (a
    user's first command also pays the imports, about 2 s here): check, run and
    counterfactual, results written, summary, figures (with the second process) and
    manifest. The summary goes to a throw-away stream."""
    import contextlib
    import io
    import sys
    import tempfile

    from imssim import cli
    from imssim.plots.registry import FIGURES, RUN_FIGURES

    for name in RUN_FIGURES:
        FIGURES[name].function()  # matplotlib and the figure modules, imported once
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        argv = sys.argv
        try:
            for _ in range(repeats + 1):  # the first one warms up
                sys.argv = ["imssim", f"output.root={tmp}"]
                started = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()):
                    cli.main()
                times.append(time.perf_counter() - started)
        finally:
            sys.argv = argv
    times = times[1:]
    took = statistics.median(times)
    print(
        f"  imssim command, after imports (median of {repeats}; range"
        f" {min(times):.2f}-{max(times):.2f} s)"
    )
    print(f"    run + counterfactual + figures  {took:6.2f} s  {took / run_s:6.1f} x a whole run")


def _bench_figures(cfg, run_s: float, formats: list[str] | None, dpi: int | None) -> None:
    """Draw and write every figure of one default run once, into a throw-away folder;
    then write the run's report, which reuses them."""
    import tempfile

    from imssim.config import check_dpi, check_formats
    from imssim.plots.registry import FIGURES, RUN_FIGURES
    from imssim.plots.writer import make_run_figures
    from imssim.report import write_report
    from imssim.results import RunFolder, write_run
    from imssim.run import run_pair

    formats = check_formats(formats or cfg.output.formats)
    dpi = check_dpi(dpi or cfg.output.dpi)
    with tempfile.TemporaryDirectory() as tmp:
        folder = RunFolder(write_run(run_pair(cfg), tmp))  # with its counterfactual
        warm = f"{tmp}/warm-up"
        make_run_figures(folder, warm, which=("shortfalls",), formats=formats, dpi=dpi)
        print(f"  figures ({' + '.join(f.upper() for f in formats)}, {dpi} dpi, once each):")
        print(f"    {'figure':<22}  {'ms':>8}  {'x a whole run':>13}")
        total = 0.0
        for name in RUN_FIGURES:
            started = time.perf_counter()
            make_run_figures(folder, which=(name,), formats=formats, dpi=dpi)
            took = time.perf_counter() - started
            total += took
            print(f"    {FIGURES[name].stem:<22}  {took * 1e3:8.0f}  {took / run_s:13.1f}")
        label = f"all {len(RUN_FIGURES)}"
        print(f"    {label:<22}  {total * 1e3:8.0f}  {total / run_s:13.1f}")
        started = time.perf_counter()
        write_report(folder.path, formats=("png", *formats))
        took = time.perf_counter() - started
        print(f"  report, figures reused      {took * 1e3:8.0f}  {took / run_s:13.1f}")
