"""``imssim-bench``: how long the default run takes, measured in one process.

Prints the median of ``--repeats`` repeats (5) for model construction, one year, a
whole run and table building, the mean of 30 whole runs one after the other (the
garbage collector's work, which a median leaves out, included), and the processor time
of a run of the default sensitivity study (100,000 of them on two cores extrapolated);
with ``--figures``, also the time to draw and write each figure of a run (the figures
of the registry, once each, in the default formats and resolution unless
``--formats``/``--dpi`` say otherwise), each as a multiple of one whole run, their
total, and the time of ``imssim-report`` on the run once its figures exist (they are
reused, not drawn again). Machines are noisy: compare figures from the same run of
this command (for instance a per-year cost against the whole run), not across runs.

With ``--sweep``, instead, the costs of sweeps and of larger worlds, each section
printed as it finishes: a run of the command line's default config in this process;
where a sweep job's time goes beyond its run (:func:`imssim.runs.sweep.execute_job` in
this process: the config checked, the run, the folder and datasets written); a grid of
2 scenarios x 2 policies x 12 seeds, 48 runs (``--seeds N`` for N seeds), through
``mesa.batch_run`` (:mod:`imssim.runs.batch_run`, one process) and through
``imssim -m`` with its default launcher (without counterfactuals, as batch_run; each
job writes its run folder), each repeat timing both, one after the other, and their
ratio; the same runs as jobs of replicates; the parallel efficiency of that sweep with
the default launcher on 1 and 2 processes (again both in each repeat), and Hydra's
joblib launcher on 1 and 2 beside it; the seconds per year of synthetic worlds
(:mod:`imssim.world.synthetic`) of 50 to 400 states, the growth exponent fitted to
them, and a run of 500 states over 50 years against a target of 30 s. The ratio
against ``mesa.batch_run`` and the parallel efficiency are the medians over the
``--repeats`` repeats (each repeat's own ratio: the two sweeps it compares ran at the
same moment of a shared machine), with their range. ``--quick`` is a look in about a
minute: 12 runs, one repeat, no joblib launcher, worlds up to 200 states.
``--no-batch-run``, ``--no-cli``, ``--no-parallel`` and ``--no-scaling`` skip sections.
"""

from __future__ import annotations

import argparse
import statistics
import time

from imssim.cli.bench_sweep import (
    GRID,
    SCALING_SIZES,
    TARGET,
    TARGET_SECONDS,
    bench_sweep,
    grid_size,
    growth_exponent,
    load_average,
)
from imssim.config import to_config
from imssim.model import kernels
from imssim.model.simulation import CooperationModel
from imssim.world import load_world

__all__ = ["bench_parser", "growth_exponent", "main"]

REPEATS = 5  # repeats of each figure (the median is printed)
QUICK_SEEDS = 3  # --quick --sweep: 12 runs
QUICK_SIZES = (50, 100, 200)


MEAN_RUNS = 30  # the runs of the mean (in one process: the collector's work included)


def _seconds(fn, repeats: int, clock=time.perf_counter) -> list[float]:
    times = []
    for _ in range(repeats):
        started = clock()
        fn()
        times.append(clock() - started)
    return times


def _median_seconds(fn, repeats: int, clock=time.perf_counter) -> float:
    return statistics.median(_seconds(fn, repeats, clock))


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``imssim-bench``: the default run's costs, or with ``--sweep`` the
    costs of sweeps and larger worlds."""
    args = bench_parser().parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick and args.sweep else 3 if args.quick else REPEATS
    if args.repeats < 1:
        bench_parser().error("--repeats: at least 1")
    if args.seeds is None:
        args.seeds = QUICK_SEEDS if args.quick else len(GRID["seed"])
    if args.sizes is None:
        args.sizes = list(QUICK_SIZES if args.quick else SCALING_SIZES)
    if args.sweep:
        bench_sweep(args)
        return
    bench_run(args)


def bench_parser() -> argparse.ArgumentParser:
    """The command line of ``imssim-bench``."""
    parser = argparse.ArgumentParser(prog="imssim-bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats",
        type=int,
        metavar="N",
        help=f"repeats per figure, the median printed (default {REPEATS}; --quick: 3, with"
        " --sweep 1)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a quick look: fewer repeats; with --sweep 12 runs, no joblib launcher, worlds"
        " up to 200 states",
    )
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
    _sweep_arguments(parser)
    return parser


def _sweep_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``--sweep``, in their own group."""
    sweep = parser.add_argument_group("sweeps and scaling (--sweep)")
    sweep.add_argument(
        "--sweep",
        action="store_true",
        help="time sweeps (mesa.batch_run, imssim -m, 1 and 2 processes) and larger worlds",
    )
    sweep.add_argument(
        "--seeds",
        type=int,
        metavar="N",
        help=f"seeds 1..N in the grid (default {len(GRID['seed'])}: {grid_size()} runs;"
        f" --quick: {QUICK_SEEDS})",
    )
    sweep.add_argument("--no-batch-run", action="store_true", help="skip mesa.batch_run")
    sweep.add_argument("--no-cli", action="store_true", help="skip the imssim -m sweeps")
    sweep.add_argument(
        "--no-parallel", action="store_true", help="skip the sweeps on 1 and 2 processes"
    )
    sweep.add_argument("--no-scaling", action="store_true", help="skip the synthetic worlds")
    sweep.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        metavar="N",
        help="numbers of states of the synthetic worlds (default: 50 100 200 400;"
        " --quick: 50 100 200)",
    )
    sweep.add_argument(
        "--years", type=int, default=10, metavar="N", help="years timed per size (default 10)"
    )
    sweep.add_argument(
        "--target",
        type=int,
        nargs=2,
        default=list(TARGET),
        metavar=("STATES", "YEARS"),
        help="the large run timed against --target-seconds (default: 500 states, 50 years)",
    )
    sweep.add_argument(
        "--target-seconds", type=float, default=TARGET_SECONDS, metavar="S", help="(default 30)"
    )


def bench_run(args: argparse.Namespace) -> None:
    """The default run's costs: world load, model construction, one year, tables, the
    whole run; with ``--figures`` each figure, with ``--command`` the whole command."""
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
    run_cpu = _median_seconds(whole, args.repeats, clock=time.process_time)
    run_mean = statistics.mean(_seconds(whole, MEAN_RUNS))
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
    print(f"  whole run, processor time {run_cpu * 1e3:8.1f} ms  (less sensitive to other work)")
    print(
        f"  whole run, mean of {MEAN_RUNS}     {run_mean * 1e3:8.1f} ms  (one after the other:"
        " the garbage collector's work included)"
    )
    _bench_numpy(whole, run_cpu, args.repeats)
    _bench_study_run(world, args.repeats)
    print(f"  load average (1 minute)   {load_average():>8}")
    print(f"  runs per core-hour        {3600 / run_s:8.0f}")
    print(f"  whole run / median step   {run_s / statistics.median(step_times):8.1f}")
    if args.figures:
        _bench_figures(cfg, run_s, args.formats, args.dpi)
    if args.command:
        _bench_command(run_s, max(3, args.repeats // 2))


def _bench_numpy(whole, run_cpu: float, repeats: int) -> None:
    """The compiled loops' part: the whole run's processor time with the numpy code
    (:func:`imssim.model.kernels.numpy_only`) beside it, timed one after the other."""
    if not kernels.enabled():
        why = "numba is not installed" if not kernels.available() else "IMSSIM_COMPILED=0"
        print(f"  compiled loops            {'off':>8}  ({why}: the numpy code ran)")
        return
    with kernels.numpy_only():
        whole()  # warm up
        numpy_cpu = _median_seconds(whole, repeats, clock=time.process_time)
    print(
        f"  same, numpy code only     {numpy_cpu * 1e3:8.1f} ms  (compiled loops:"
        f" {run_cpu / numpy_cpu:.2f} of its time)"
    )


STUDY = "default"  # the sensitivity study whose runs are timed
STUDY_RUNS = 100_000  # the runs of a large study, extrapolated
CORES = 2


def _bench_study_run(world, repeats: int) -> None:
    """A run of the default sensitivity study as its workers make it (its base config,
    the tables its headline outcomes read, those outcomes read in every year), and
    100,000 of them on two cores extrapolated, the model's part only (a study adds a
    few ms a run, and its processes' start)."""
    from imssim.outcomes import HEADLINE_TABLES
    from imssim.runs.api import run_pair
    from imssim.runs.sweep import headline
    from imssim.studies.sensitivity.study import load_study

    _, base = load_study(STUDY)
    years = range(base.start_year + 1, base.end_year + 1)

    def one() -> None:
        headline(run_pair(base, world=world, tables=HEADLINE_TABLES), years)

    one()  # warm up
    cpu = _median_seconds(one, repeats, clock=time.process_time)
    hours = STUDY_RUNS * cpu / CORES / 3600
    label = f"{STUDY_RUNS:,} of them, {CORES} cores"
    print(f"  a study's run, processor  {cpu * 1e3:8.1f} ms  (conf/sensitivity/{STUDY}.yaml)")
    print(f"  {label:<26}{hours:8.2f} h   (the runs alone; target 1 h)")


def _bench_command(run_s: float, repeats: int) -> None:
    """The default ``imssim`` command in this process, its modules already imported (a
    user's first command also pays the imports, about 2 s here): check, run and
    counterfactual, results written, summary, figures (with the second process) and
    manifest. The summary goes to a throw-away stream."""
    import contextlib
    import io
    import sys
    import tempfile

    from imssim.cli import main as cli
    from imssim.present.plots.registry import FIGURES, RUN_FIGURES

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
    from imssim.present.plots.registry import FIGURES, RUN_FIGURES
    from imssim.present.plots.writer import FigureOptions, make_run_figures
    from imssim.present.report import write_report
    from imssim.runs.api import run_pair
    from imssim.runs.folders import RunFolder, write_run

    formats = check_formats(formats or cfg.output.formats)
    dpi = check_dpi(dpi or cfg.output.dpi)
    with tempfile.TemporaryDirectory() as tmp:
        folder = RunFolder(write_run(run_pair(cfg), tmp))  # with its counterfactual
        warm = f"{tmp}/warm-up"
        make_run_figures(
            folder, warm, FigureOptions(which=("shortfalls",), formats=formats, dpi=dpi)
        )
        print(f"  figures ({' + '.join(f.upper() for f in formats)}, {dpi} dpi, once each):")
        print(f"    {'figure':<22}  {'ms':>8}  {'x a whole run':>13}")
        total = 0.0
        for name in RUN_FIGURES:
            started = time.perf_counter()
            make_run_figures(folder, options=FigureOptions(which=(name,), formats=formats, dpi=dpi))
            took = time.perf_counter() - started
            total += took
            print(f"    {FIGURES[name].stem:<22}  {took * 1e3:8.0f}  {took / run_s:13.1f}")
        label = f"all {len(RUN_FIGURES)}"
        print(f"    {label:<22}  {total * 1e3:8.0f}  {total / run_s:13.1f}")
        started = time.perf_counter()
        write_report(folder.path, formats=("png", *formats))
        took = time.perf_counter() - started
        print(f"  report, figures reused      {took * 1e3:8.0f}  {took / run_s:13.1f}")
