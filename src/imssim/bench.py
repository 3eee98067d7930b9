"""``imssim-bench``: how long the default run takes, measured in one process.

Prints the median of several repeats for model construction, one year, a whole
run and table building; with ``--figures``, also the time to draw and write each
figure of a run (once, PNG and SVG). Machines are noisy: compare figures from the same run of
this command (for instance a per-year cost against the whole run), not across runs.
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
        _bench_figures(cfg, run_s)


def _bench_figures(cfg, run_s: float) -> None:
    """Draw and write every figure of one default run once, into a throw-away folder."""
    import tempfile

    from imssim.plots.run_figures import RUN_FIGURES, make_run_figures
    from imssim.results import RunFolder, write_run
    from imssim.run import run

    with tempfile.TemporaryDirectory() as tmp:
        folder = RunFolder(write_run(run(cfg), tmp))
        make_run_figures(folder, tmp, which=("shortfalls",))  # warm up fonts and caches
        print("  figures (PNG 300 dpi + SVG, once each):")
        total = 0.0
        for name in RUN_FIGURES:
            started = time.perf_counter()
            make_run_figures(folder, tmp, which=(name,))
            took = time.perf_counter() - started
            total += took
            print(f"    {name:<22}  {took * 1e3:8.0f} ms")
        print(f"    {'all six':<22}  {total * 1e3:8.0f} ms  ({total / run_s:.0f} x a whole run)")
