"""A sweep's progress bar, drawn by a small process of its own.

``python -m imssim.runs.progress <sweep folder> <total> [<interval>]`` counts the run
folders in the sweep folder (they appear only when whole) every `interval` seconds and
shows runs done of `total` with an ETA on the standard error, until its standard input
closes; then it counts once more and exits. The command line starts it beside the
launcher (:class:`imssim.runs.sweep.ProgressProcess`): a process rather than a thread, so
that the launching process has no thread of its own when it forks its workers.
Imports nothing of the model.
"""

from __future__ import annotations

import os
import select
import sys
from pathlib import Path

# what a sweep folder holds beside its run folders
NOT_RUNS = frozenset({"tables", "figures"})


def count(sweep: Path) -> int:
    """Run folders in `sweep`: visible folders other than tables/ and figures/."""
    try:
        with os.scandir(sweep) as entries:
            return sum(
                1
                for e in entries
                if e.is_dir() and not e.name.startswith(".") and e.name not in NOT_RUNS
            )
    except OSError:
        return 0


def main(argv: list[str] | None = None) -> int:
    from tqdm import tqdm

    args = sys.argv[1:] if argv is None else argv
    sweep, total = Path(args[0]), int(args[1])
    interval = float(args[2]) if len(args) > 2 else 1.0
    bar = tqdm(
        total=total,
        initial=min(count(sweep), total),
        desc="runs",
        unit="run",
        file=sys.stderr,
        mininterval=interval if sys.stderr.isatty() else 10.0,
        dynamic_ncols=True,
    )
    try:
        while True:
            ready, _, _ = select.select([sys.stdin], [], [], interval)
            done = min(count(sweep), total)
            if done > bar.n:
                bar.update(done - bar.n)
            if ready and not sys.stdin.readline():  # closed: the sweep has ended
                break
    except KeyboardInterrupt:
        pass
    finally:
        bar.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
