"""The sweep behind the worked scenario-discovery question (README, docs/discovery.md),
and the questions asked of it.

    .venv/bin/python experiments/discovery_sweep.py            # sweep, then discovery
    .venv/bin/python experiments/discovery_sweep.py --dry-run  # print the commands only

The sweep: every shipped scenario of the announced and alternative cuts (not the
history), every shipped policy, the cuts coordinated or not, and four model parameters
at points spread over the ranges judged plausible for them in the schema: 7 x 3 x 2 x 4
x 3 x 2 x 2 = 2,016 runs, one seed each, every run with its counterfactual (the scenario
without its budget changes: the ``<outcome>_diff`` columns). It writes into
``results/discovery_grid/`` (``sweep.name``: the same command resumes it) and keeps only
each run's manifest and config (``output.tables=false``).

Then ``imssim-discover`` asks the sweep the two questions of the docs, each into
``results/discovery_grid/discovery/<question>/``; the times of both steps are printed.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SWEEP = "discovery_grid"

# every combination of these values is one run
GRID: dict[str, tuple[str, ...]] = {
    "scenario": (
        "baseline",
        "austerity_2012",
        "deep_cuts",
        "prolonged",
        "rebound_2014",
        "uneven",
        "wales_pledge",
    ),
    "policy": ("default", "fewer_partners_more_intensive", "autonomy_test"),
    "coordinated_cuts": ("false", "true"),
    "params.economic_pressure": ("7.5", "15", "22.5", "30"),
    "params.goal_weight_military": ("0.18", "0.3", "0.5"),
    "catalyst": ("0.25", "0.75"),
    "params.trust_gain": ("0.04", "0.16"),
}
FIXED = ("seed=1", "output.tables=false", "output.figures=false", f"sweep.name={SWEEP}")

# the questions asked of the sweep: (--where condition, more options, output subfolder)
QUESTIONS = (
    (
        "worst_shortfall_pct > 30",
        ("--threshold", "0.9", "--boxes", "2"),
        "worst_shortfall_above_30pct",
    ),
    ("n_strategic_diff < 0", (), "fewer_strategic_partners"),
)


def sweep_command() -> list[str]:
    """The ``imssim -m`` command of the sweep."""
    values = [f"{key}={','.join(options)}" for key, options in GRID.items()]
    return [str(BIN / "imssim"), "-m", *values, *FIXED]


def discover_commands(folder: Path) -> list[list[str]]:
    """The ``imssim-discover`` command of each question."""
    return [
        [
            str(BIN / "imssim-discover"),
            str(folder),
            "--where",
            where,
            *options,
            "--out",
            str(folder / "discovery" / sub),
        ]
        for where, options, sub in QUESTIONS
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sweep (resuming it), then each question; print the times taken."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the commands only")
    parser.add_argument("--skip-sweep", action="store_true", help="only the discovery")
    args = parser.parse_args(argv)
    folder = ROOT / "results" / SWEEP
    commands = [] if args.skip_sweep else [sweep_command()]
    commands += discover_commands(folder)
    for command in commands:
        print("$", shlex.join(command), flush=True)
        if args.dry_run:
            continue
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, check=False)
        print(f"took {time.perf_counter() - start:.1f} s (exit {done.returncode})", flush=True)
        if done.returncode != 0:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
