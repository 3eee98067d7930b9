"""``imssim-bench --sweep``: the costs of sweeps and of larger worlds (the sections are
described in :mod:`imssim.cli.bench`).

The two figures of the sweep targets, the ratio against ``mesa.batch_run`` and the
parallel efficiency on 2 processes, are measured ``--repeats`` times: each repeat times
both sweeps it compares, one after the other (in alternating order), so that their ratio
is taken at one moment of a shared machine; the median of the repeats' ratios is printed
with their range.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from imssim.config import Config, to_config
from imssim.model.simulation import CooperationModel
from imssim.world import World, load_world

# the sweep of --sweep: 2 scenarios x 2 policies x 12 seeds (48 runs)
GRID: dict[str, tuple[Any, ...]] = {
    "scenario": ("baseline", "austerity_2012"),
    "policy": ("default", "fewer_partners_more_intensive"),
    "seed": tuple(range(1, 13)),
}
SCALING_SIZES = (50, 100, 200, 400)
TARGET = (500, 50)  # states, years
TARGET_SECONDS = 30.0
JOBS_TIMED = 8  # sweep jobs timed in this process (section 2)
RATIO_TARGET = 1.25  # mesa.batch_run's time over a sweep's
EFFICIENCY_TARGET = 0.8  # on 2 processes


def median_range(values: Sequence[float], unit: str = "", digits: int = 2) -> str:
    """``"m<unit> (range lo-hi)"``: the median of `values` and their range (the median
    alone for one value)."""
    med = f"{statistics.median(values):.{digits}f}{unit}"
    if len(values) < 2:
        return med
    return f"{med} (range {min(values):.{digits}f}-{max(values):.{digits}f})"


def growth_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """The exponent b of seconds = c * size**b fitted by least squares on the logarithms
    (2.0 for a cost that grows with the square of the size)."""
    slope, _ = np.polyfit(np.log(np.asarray(sizes, float)), np.log(np.asarray(seconds, float)), 1)
    return float(slope)


def seconds_per_year(
    world: World, years: int, overrides: Sequence[str] = ()
) -> tuple[float, float]:
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


def load_average() -> str:
    """The machine's load average over the last minute (other work slows every figure)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # not on every platform
        return "unknown"


def grid_overrides(grid: dict[str, tuple[Any, ...]] = GRID) -> list[str]:
    """The grid as the command line's sweep overrides (``key=v1,v2``)."""
    return [f"{key}={','.join(str(v) for v in values)}" for key, values in grid.items()]


def grid_size(grid: dict[str, tuple[Any, ...]] = GRID) -> int:
    """The number of runs of the grid."""
    return int(np.prod([len(values) for values in grid.values()]))


def _imssim_sweep(
    extra: Sequence[str], seeds: bool = True, grid: dict[str, tuple[Any, ...]] = GRID
) -> tuple[float | None, str]:
    """Wall seconds of ``imssim -m <the grid> <extra>`` in a fresh process (None and
    the error's last line if it failed)."""
    with tempfile.TemporaryDirectory(prefix="imssim-bench-") as tmp:
        command = [
            sys.executable,
            "-m",
            "imssim",
            "-m",
            *[o for o in grid_overrides(grid) if seeds or not o.startswith("seed=")],
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


def _alternating(
    repeat: int, first: Callable[[], float | None], second: Callable[[], float | None]
) -> tuple[float | None, float | None]:
    """Both timings of a repeat: `first` then `second` in even repeats, the other way
    round in odd ones (a machine slowing down or speeding up favours neither)."""
    if repeat % 2 == 0:
        a = first()
        return a, second()
    b = second()
    return first(), b


def bench_sweep(args: argparse.Namespace) -> None:
    """The sections of ``imssim-bench --sweep``, each printed as it finishes."""
    cells = dict(GRID, seed=tuple(range(1, args.seeds + 1)))
    n_runs = grid_size(cells)
    grid = " x ".join(f"{len(values)} {key}s" for key, values in cells.items())
    grid = grid.replace("policys", "policies")
    print(
        f"imssim-bench --sweep: {os.cpu_count()} cores, load average {load_average()};"
        f" the grid: {grid} ({n_runs} runs); {args.repeats} repeats of the timed sweeps"
    )
    print(f"  grid: {' '.join(grid_overrides(cells))}", flush=True)
    cfg = _sweep_in_process(cells)
    _sweep_job_costs()
    if not (args.no_batch_run and args.no_cli):
        _sweep_against_batch_run(cells, args)
    if not args.no_cli:
        _sweep_replicates(cells, args.seeds)
    if not args.no_parallel:
        _sweep_parallel(cells, args.repeats, joblib=not args.quick)
    if not args.no_scaling:
        _sweep_scaling(args, cfg.start_year)
    print(f"  (load average now {load_average()})", flush=True)


def _sweep_in_process(cells: dict[str, tuple[Any, ...]]) -> Config:
    """Section 1: one run in this process, and the grid run one after the other; returns
    the command line's default config."""
    from imssim.config.compose import compose_config
    from imssim.runs.api import run

    world = load_world()
    cfg = to_config(compose_config(["counterfactual=none"]))
    run(cfg, world=world)  # warm up
    times = []
    for _ in range(3):
        started = time.perf_counter()
        run(cfg, world=world)
        times.append(time.perf_counter() - started)
    print(
        f"in-process: the command line's default ({cfg.scenario.name} / {cfg.policy.name},"
        f" seed {cfg.seed}, {cfg.start_year}-{cfg.end_year}) {statistics.median(times):.3f} s"
        " a run",
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


def _sweep_job_costs(jobs: int = JOBS_TIMED) -> None:
    """Section 2: where a sweep job's time goes beyond its run, in this process: each
    job's config checked (:func:`imssim.config.to_config`), its run (the model built, run
    and tabled), and its run folder, manifest and datasets written
    (:func:`imssim.runs.sweep.execute_job`), with what the jobs share frozen out of the
    garbage collector as the launcher runs them; beside them, composing a config whole
    from ``conf/``, as ``mesa.batch_run``'s model does for every run."""
    from imssim.config.compose import compose_config
    from imssim.runs.api import run_pair
    from imssim.runs.sweep import execute_job

    overrides = ["counterfactual=none", "output.figures=false"]
    compose_s, configs = [], []
    for seed in range(1, jobs + 2):
        started = time.perf_counter()
        configs.append(compose_config([*overrides, f"seed={seed}"]))
        compose_s.append(time.perf_counter() - started)
    check_s, run_s, model_s, job_s = [], [], [], []

    def timed_run(cfg: Config) -> Any:
        started = time.perf_counter()
        result = run_pair(cfg)
        run_s.append(time.perf_counter() - started)
        model_s.append(result.wall_seconds)
        return result

    gc.freeze()  # what the jobs share set aside from the collector, as the launcher does
    try:
        with tempfile.TemporaryDirectory(prefix="imssim-bench-") as tmp:
            for num, dict_config in enumerate(configs):
                started = time.perf_counter()
                to_config(dict_config)
                check_s.append(time.perf_counter() - started)
                job = [*overrides, f"seed={num + 1}"]
                started = time.perf_counter()
                execute_job(dict_config, job, Path(tmp), num, runner=timed_run, say=lambda _: None)
                job_s.append(time.perf_counter() - started)
    finally:
        gc.unfreeze()
    # the first job warms up
    whole, check = statistics.median(job_s[1:]), statistics.median(check_s[1:])
    ran, model = statistics.median(run_s[1:]), statistics.median(model_s[1:])
    written = statistics.median(
        [j - c - r for j, c, r in zip(job_s[1:], check_s[1:], run_s[1:], strict=True)]
    )
    print(
        f"a sweep job in this process (imssim.runs.sweep.execute_job, median of {jobs} jobs):"
        f" {whole * 1e3:.0f} ms",
        flush=True,
    )
    for label, seconds in (
        ("its config checked (to_config)", check),
        ("its run (world, model, tables)", ran),
        ("  of which the model and tables", model),
        ("its folder, manifest and datasets", written),
        ("(a config composed whole, compose_config)", statistics.median(compose_s[1:])),
    ):
        print(f"  {label:<44} {seconds * 1e3:7.1f} ms", flush=True)


def _time_batch_run(cells: dict[str, tuple[Any, ...]]) -> float:
    """Seconds of the grid through ``mesa.batch_run`` in this process (one process)."""
    from imssim.runs.batch_run import batch_run_grid

    started = time.perf_counter()
    batch_run_grid(cells["scenario"], cells["policy"], cells["seed"], number_processes=1)
    return time.perf_counter() - started


def _sweep_against_batch_run(cells: dict[str, tuple[Any, ...]], args: argparse.Namespace) -> None:
    """Section 3: the grid through ``mesa.batch_run`` (one process, in this one) and
    through ``imssim -m`` with its default launcher (a fresh process), both in each of
    ``--repeats`` repeats; the medians and the median of the repeats' ratios."""
    n_runs = grid_size(cells)
    batch: list[float] = []
    cli: list[float] = []
    ratios: list[float] = []
    failed = ""

    def one_batch() -> float | None:
        return None if args.no_batch_run else _time_batch_run(cells)

    def one_cli() -> float | None:
        nonlocal failed
        if args.no_cli or failed:
            return None
        took, error = _imssim_sweep(["counterfactual=none"], grid=cells)
        failed = failed or error
        return took

    for repeat in range(args.repeats):
        b, c = _alternating(repeat, one_batch, one_cli)
        line = f"  repeat {repeat + 1}:"
        if b is not None:
            batch.append(b)
            line += f" mesa.batch_run {b:.2f} s"
        if c is not None:
            cli.append(c)
            line += f", imssim -m {c:.2f} s"
        if b is not None and c is not None:
            ratios.append(b / c)
            line += f", batch_run / imssim {b / c:.2f}"
        print(line, flush=True)
    if failed:
        print(f"imssim -m (default launcher): failed: {failed}", flush=True)
    if batch:
        print(
            f"mesa.batch_run (imssim.runs.batch_run.BatchRunModel, 1 process): "
            f"{median_range(batch, ' s')}, {statistics.median(batch) / n_runs:.3f} s a run"
            " (config composed in each)",
            flush=True,
        )
    if cli:
        print(
            f"imssim -m (default launcher): {median_range(cli, ' s')},"
            f" {statistics.median(cli) / n_runs:.3f} s a job (with the command's start;"
            " each job composes its config and writes its run folder)",
            flush=True,
        )
    if ratios:
        verdict = "met" if statistics.median(ratios) >= RATIO_TARGET else "NOT met"
        print(
            f"  batch_run / imssim = {median_range(ratios)}, median of {len(ratios)}"
            f" repeats (target {RATIO_TARGET}: {verdict})",
            flush=True,
        )


def _sweep_replicates(cells: dict[str, tuple[Any, ...]], seeds: int) -> None:
    """Section 4: the same number of runs as jobs of `seeds` replicates (spawned seeds)."""
    n_runs = grid_size(cells)
    reps, error = _imssim_sweep(
        ["counterfactual=none", "seed=1", f"replicates={seeds}"], seeds=False, grid=cells
    )
    if reps is None:
        print(f"  as jobs of replicates: failed: {error}", flush=True)
    else:
        print(f"  as {n_runs // seeds} jobs x replicates={seeds}: {reps:.2f} s", flush=True)


def _sweep_parallel(cells: dict[str, tuple[Any, ...]], repeats: int, joblib: bool) -> None:
    """Section 5: parallel efficiency with the default launcher on 1 and 2 processes,
    both in each of `repeats` repeats; Hydra's joblib launcher beside it, once (unless
    not `joblib`)."""
    none = "counterfactual=none"
    errors: list[str] = []

    def sweep(extra: list[str]) -> Callable[[], float | None]:
        def timed() -> float | None:
            if errors:
                return None
            took, error = _imssim_sweep([*extra, none], grid=cells)
            if error:
                errors.append(error)
            return took

        return timed

    t1s, t2s, efficiency = [], [], []
    for repeat in range(repeats):
        t1, t2 = _alternating(
            repeat, sweep(["hydra.launcher.n_jobs=1"]), sweep(["hydra.launcher.n_jobs=2"])
        )
        if t1 is None or t2 is None:
            break
        t1s.append(t1)
        t2s.append(t2)
        efficiency.append(t1 / (2 * t2))
        print(
            f"  repeat {repeat + 1}: n_jobs=1 {t1:.2f} s, n_jobs=2 {t2:.2f} s,"
            f" efficiency {efficiency[-1]:.2f}",
            flush=True,
        )
    if errors:
        print(f"imssim -m, 1 and 2 processes: failed: {errors[0]}", flush=True)
        return
    verdict = "met" if statistics.median(efficiency) >= EFFICIENCY_TARGET else "NOT met"
    print(
        f"imssim -m (default launcher): n_jobs=1 {median_range(t1s, ' s')},"
        f" n_jobs=2 {median_range(t2s, ' s')}; parallel efficiency T1 / (2 x T2) ="
        f" {median_range(efficiency)}, median of {len(efficiency)} repeats"
        f" (target {EFFICIENCY_TARGET}: {verdict})",
        flush=True,
    )
    if not joblib:
        return
    j1 = sweep(["hydra/launcher=joblib", "hydra.launcher.n_jobs=1"])()
    j2 = sweep(["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"])()
    if j1 is None or j2 is None:
        print(f"imssim -m, joblib launcher: failed: {errors[0] if errors else ''}", flush=True)
    else:
        line = f"  Hydra's joblib launcher: n_jobs=1 {j1:.2f} s, n_jobs=2 {j2:.2f} s"
        line += f"; default / joblib on 2 processes = {statistics.median(t2s) / j2:.2f}"
        print(line, flush=True)


def _sweep_scaling(args: argparse.Namespace, start_year: int) -> None:
    """Section 6: seconds a year of synthetic worlds of ``--sizes`` states, their growth
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
