"""Does collecting a sweep keep memory flat as the sweep grows?

Builds sweeps of 20 and 500 short runs (default config, end_year 2014, no
counterfactual) with the sweep job code (:func:`imssim.runs.sweep.execute_job`), removes
the dataset files the jobs wrote, so that collection has to read every run's tables
and write them again (its most expensive case), and collects each sweep in a fresh
process, reporting that process's peak resident memory and its time.

    .venv/bin/python experiments/collect_memory.py [--runs 20 500] [--keep DIR]

Takes about two minutes on a 2-core machine; prints a Markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from imssim.runs.sweep import TABLES_DIR, execute_job

MEASURE = """
import resource, sys, time
from imssim.runs.datasets import collect
started = time.perf_counter()
collect(sys.argv[1], progress=False)
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{peak:.1f} {took:.2f}")
"""


def build(folder: Path, runs: int) -> None:
    config = {"end_year": 2014, "counterfactual": "none", "replicates": runs}
    execute_job(config, [f"replicates={runs}"], folder, 0, say=lambda line: None)
    shutil.rmtree(folder / TABLES_DIR)  # collection must read and write every run


def measure(folder: Path) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak, took = out.stdout.split()
    return float(peak), float(took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[20, 500])
    parser.add_argument("--keep", type=Path, help="build the sweeps here and keep them")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="imssim-collect-"))
    rows = []
    try:
        for n in args.runs:
            folder = root / f"sweep_{n}"
            started = time.perf_counter()
            build(folder, n)
            built = time.perf_counter() - started
            peak, took = measure(folder)
            rows.append((n, built, peak, took))
            print(f"{n} runs: built in {built:.0f} s; collected in {took:.1f} s, {peak:.0f} MB")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print()
    print("| runs | collection time (s) | per run (ms) | peak memory of the process (MB) |")
    print("|---:|---:|---:|---:|")
    for n, _, peak, took in rows:
        print(f"| {n} | {took:.1f} | {1000 * took / n:.0f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
