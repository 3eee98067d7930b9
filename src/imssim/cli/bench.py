"""``imssim-bench``: how long the default run takes, measured in one process.

Prints the median of several repeats for model construction, one year, a whole
run and table building; with ``--figures``, also the time to draw and write each
figure of a run (the figures of the registry, once each, in the default formats and
resolution unless ``--formats``/``--dpi`` say otherwise), each as a multiple of one
whole run, their total, and the time of ``imssim-report`` on the run once its figures
exist (they are reused, not drawn again). Machines are noisy: compare figures from the
same run of this command (for instance a per-year cost against the whole run), not
across runs.

With ``--sweep``, instead, the costs of sweeps and of larger worlds, each section
printed as it finishes: a run of the command line's default config in this process;
a grid of 2 scenarios x 2 policies x 3 seeds (``--seeds N`` for N) through ``mesa.batch_run``
(:mod:`imssim.runs.batch_run`, one process) and through ``imssim -m`` with its default
launcher (without counterfactuals, as batch_run; each job writes its run folder), and
as 4 jobs of 3 replicates; the parallel efficiency of that sweep with the default
launcher on 1 and 2 processes, and Hydra's joblib launcher on 1 and 2 beside it; the
seconds per year of synthetic worlds (:mod:`imssim.world.synthetic`) of 50 to 400
states, the growth exponent fitted to them, and a run of 500 states over 50 years
against a target of 30 s. ``--no-batch-run``, ``--no-cli``, ``--no-parallel`` and
``--no-scaling`` skip sections.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

import numpy as np

from imssim.config import Config, to_config
from imssim.model.simulation import CooperationModel
from imssim.world import load_world

# the sweep of --sweep: 2 scenarios x 2 policies x 3 seeds
GRID = {
    "scenario": ("baseline", "austerity_2012"),
    "policy": ("default", "fewer_partners_more_intensive"),
    "seed": (1, 2, 3),
}
SCALING_SIZES = (50, 100, 200, 400)
TARGET = (500, 50)  # states, years
TARGET_SECONDS = 30.0


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``imssim-bench``: the default run's costs, or with ``--sweep`` the
    costs of sweeps and larger worlds."""
    args = bench_parser().parse_args(argv)
    if args.sweep:
        bench_sweep(args)
        return
    bench_run(args)


def bench_parser() -> argparse.ArgumentParser:
    """The command line of ``imssim-bench``."""
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
        "--seeds", type=int, default=3, metavar="N", help="seeds 1..N in the grid (default 3)"
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
        default=list(SCALING_SIZES),
        metavar="N",
        help="numbers of states of the synthetic worlds (default: 50 100 200 400)",
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


def growth_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """The exponent b of seconds = c * size**b fitted by least squares on the logarithms
    (2.0 for a cost that grows with the square of the size)."""
    slope, _ = np.polyfit(np.log(np.asarray(sizes, float)), np.log(np.asarray(seconds, float)), 1)
    return float(slope)


def seconds_per_year(world, years: int, overrides: Sequence[str] = ()) -> tuple[float, float]:
    """The median seconds of one year, and the seconds to build the model, for `world`
    under the command line's default config (over `years` years)."""
    from imssim.config.compose import compose_config

    cfg = to_config(compose_config(["counterfactual=none", *overrides]))
    started = time.perf_counter()
    model = CooperationModel(cfg, world=world)
    build = time.perf_counter() - started
    times = []
    for _ in range(min(years, cfg.end_year - cfg.start_year)):
        started = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), build


def _load() -> str:
    """The machine's load average over the last minute (other work slows every figure)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # not on every platform
        return "unknown"


def _grid_overrides(grid: dict = GRID) -> list[str]:
    return [f"{key}={','.join(str(v) for v in values)}" for key, values in grid.items()]


def _grid_size(grid: dict = GRID) -> int:
    return int(np.prod([len(values) for values in grid.values()]))


def _imssim_sweep(
    extra: Sequence[str], seeds: bool = True, grid: dict = GRID
) -> tuple[float | None, str]:
    """Wall seconds of ``imssim -m <the grid> <extra>`` in a fresh process (None and
    the error's last line if it failed)."""
    with tempfile.TemporaryDirectory(prefix="imssim-bench-") as tmp:
        command = [
            sys.executable,
            "-m",
            "imssim",
            "-m",
            *[o for o in _grid_overrides(grid) if seeds or not o.startswith("seed=")],
            f"output.root={tmp}",
            "output.figures=false",
            *extra,
        ]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
        took = time.perf_counter() - started
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        return None, lines[-1] if lines else f"exit code {done.returncode}"
    return took, ""


def bench_sweep(args: argparse.Namespace) -> None:
    """The sections of ``imssim-bench --sweep``, each printed as it finishes."""
    cells = dict(GRID, seed=tuple(range(1, args.seeds + 1)))
    n_runs = _grid_size(cells)
    grid = " x ".join(f"{len(values)} {key}s" for key, values in cells.items())
    grid = grid.replace("policys", "policies")
    print(
        f"imssim-bench --sweep: {os.cpu_count()} cores, load average {_load()};"
        f" the grid: {grid} ({n_runs} runs)"
    )
    print(f"  grid: {' '.join(_grid_overrides(cells))}", flush=True)
    cfg = _sweep_in_process(cells)
    batch = None if args.no_batch_run else _sweep_batch_run(cells, n_runs)
    if not args.no_cli:
        _sweep_cli(cells, n_runs, args.seeds, batch)
    if not args.no_parallel:
        _sweep_parallel(cells)
    if not args.no_scaling:
        _sweep_scaling(args, cfg.start_year)
    print(f"  (load average now {_load()})", flush=True)


def _sweep_in_process(cells: dict) -> Config:
    """Section 1: one run in this process, and the grid run one after the other; returns
    the command line's default config."""
    from imssim.config.compose import compose_config
    from imssim.runs.api import run

    world = load_world()
    cfg = to_config(compose_config(["counterfactual=none"]))
    run(cfg, world=world)  # warm up
    one = _median_seconds(lambda: run(cfg, world=world), 3)
    print(
        f"in-process: the command line's default ({cfg.scenario.name} / {cfg.policy.name},"
        f" seed {cfg.seed}, {cfg.start_year}-{cfg.end_year}) {one:.2f} s a run",
        flush=True,
    )
    configs = [
        to_config(compose_config([f"scenario={sc}", f"policy={po}", f"seed={se}"]))
        for se in cells["seed"]
        for sc in cells["scenario"]
        for po in cells["policy"]
    ]
    started = time.perf_counter()
    for c in configs:
        run(c, world=world)
    loop = time.perf_counter() - started
    print(f"  the grid in a loop (configs composed beforehand): {loop:.2f} s", flush=True)
    return cfg


def _sweep_batch_run(cells: dict, n_runs: int) -> float:
    """Section 2: the grid through ``mesa.batch_run`` in one process; returns its seconds."""
    from imssim.runs.batch_run import batch_run_grid

    started = time.perf_counter()
    rows = batch_run_grid(cells["scenario"], cells["policy"], cells["seed"], number_processes=1)
    batch = time.perf_counter() - started
    finals = {row["RunId"] for row in rows}
    print(
        f"mesa.batch_run (imssim.runs.batch_run.BatchRunModel, 1 process): {batch:.2f} s,"
        f" {batch / n_runs:.2f} s a run ({len(finals)} runs; config composed in each)",
        flush=True,
    )
    return batch


def _sweep_cli(cells: dict, n_runs: int, seeds: int, batch: float | None) -> None:
    """Section 3: the grid through ``imssim -m`` with its default launcher, one job a run
    and as jobs of `seeds` replicates, against ``mesa.batch_run`` (`batch` seconds)."""
    took, error = _imssim_sweep(["counterfactual=none"], grid=cells)
    if took is None:
        print(f"imssim -m (default launcher): failed: {error}", flush=True)
    else:
        line = f"imssim -m (default launcher): {took:.2f} s, {took / n_runs:.2f} s a job"
        if batch is not None:
            line += f"; batch_run / imssim = {batch / took:.2f}"
            line += " (imssim faster)" if batch > took else " (batch_run faster)"
        print(line, flush=True)
        print(
            "  (the same runs, no counterfactual; each job also starts a process's"
            " share of the launcher, composes its config and writes its run folder)",
            flush=True,
        )
    # the same number of runs as 4 jobs of 3 replicates (spawned seeds)
    reps, error = _imssim_sweep(
        ["counterfactual=none", "seed=1", f"replicates={seeds}"], seeds=False, grid=cells
    )
    if reps is not None:
        line = f"  as {n_runs // seeds} jobs x replicates={seeds}: {reps:.2f} s"
        if batch is not None:
            line += f"; batch_run / imssim = {batch / reps:.2f}"
        print(line, flush=True)


def _sweep_parallel(cells: dict) -> None:
    """Section 4: parallel efficiency with the default launcher on 1 and 2 processes;
    Hydra's joblib launcher beside it."""
    none = "counterfactual=none"
    t1, error1 = _imssim_sweep(["hydra.launcher.n_jobs=1", none], grid=cells)
    t2, error2 = _imssim_sweep(["hydra.launcher.n_jobs=2", none], grid=cells)
    if t1 is None or t2 is None:
        print(f"imssim -m, 1 and 2 processes: failed: {error1 or error2}", flush=True)
    else:
        print(
            f"imssim -m (default launcher): n_jobs=1 {t1:.2f} s, n_jobs=2 {t2:.2f} s;"
            f" speed-up {t1 / t2:.2f}, parallel efficiency T1 / (2 x T2) = {t1 / (2 * t2):.2f}",
            flush=True,
        )
    j1, error1 = _imssim_sweep(
        ["hydra/launcher=joblib", "hydra.launcher.n_jobs=1", none], grid=cells
    )
    j2, error2 = _imssim_sweep(
        ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2", none], grid=cells
    )
    if j1 is None or j2 is None:
        print(f"imssim -m, joblib launcher: failed: {error1 or error2}", flush=True)
    else:
        line = f"  Hydra's joblib launcher: n_jobs=1 {j1:.2f} s, n_jobs=2 {j2:.2f} s"
        if t2 is not None:
            line += f"; default / joblib on 2 processes = {t2 / j2:.2f}"
        print(line, flush=True)


def _sweep_scaling(args: argparse.Namespace, start_year: int) -> None:
    """Section 5: seconds a year of synthetic worlds of ``--sizes`` states, their growth
    exponent, and the ``--target`` run against ``--target-seconds``."""
    from imssim.config.compose import compose_config
    from imssim.runs.api import run
    from imssim.world.synthetic import synthetic_world

    print(
        f"synthetic worlds (imssim.world.synthetic, seed 0), the command line's default,"
        f" median of {args.years} years:",
        flush=True,
    )
    sizes, per_year = [], []
    for n in args.sizes:
        world_n = synthetic_world(n, seed=0)
        step, build = seconds_per_year(world_n, args.years)
        sizes.append(n)
        per_year.append(step)
        print(
            f"  {n:5d} states: {step:8.3f} s a year (model built in {build:.2f} s;"
            f" {len(world_n.tie_a)} ties of 2012, {len(world_n.frameworks)} frameworks)",
            flush=True,
        )
    if len(sizes) >= 2:
        print(
            f"  seconds a year grow as states^{growth_exponent(sizes, per_year):.2f}"
            f" (least squares on log-log, {min(sizes)}-{max(sizes)} states)",
            flush=True,
        )
    states, years = args.target
    world_n = synthetic_world(states, seed=0)
    big = to_config(compose_config(["counterfactual=none", f"end_year={start_year + years}"]))
    started = time.perf_counter()
    result = run(big, world=world_n)
    took = time.perf_counter() - started
    verdict = "under" if took < args.target_seconds else "OVER"
    print(
        f"  {states} states x {years} years (built, run and tabled): {took:.1f} s,"
        f" {verdict} the {args.target_seconds:g} s target"
        f" ({len(result.tables.pairs)} pair rows)",
        flush=True,
    )
