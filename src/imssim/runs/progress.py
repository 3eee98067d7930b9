"""Progress bars: runs done of a total, with an ETA, on the standard error.

One bar (:func:`bar`) for everything that counts runs:

- a sweep, watched by a small process of its own (:class:`ProgressProcess`) that the
  command line starts beside the launcher: a process rather than a thread, so that the
  launching process has no thread of its own when it forks its workers;
- a study's runs, watched from a thread (:class:`Progress`): its workers are started
  fresh, not forked;
- the collection of a sweep (:func:`imssim.runs.datasets.collect`), advanced run by run.

The watchers count every `interval` seconds: a sweep's, the run folders in the sweep
folder (:func:`count`; a run folder appears only when whole); a study's, what its
evaluator counts (a model study: the runs in the chunk files written so far).
``python -m imssim.runs.progress <sweep folder> <total> [<interval>]`` is the sweep's
watching process: it draws until its standard input closes, then counts once more and
exits. Imports nothing of the model.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def bar(total: int, *, done: int = 0, what: str = "runs", interval: float = 1.0) -> Any:
    """The bar: `done` of `total` runs so far, labelled `what`, redrawn at most every
    `interval` seconds on a terminal (every 10 s into a file)."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=min(done, total),
        desc=what,
        unit="run",
        file=sys.stderr,
        mininterval=interval if sys.stderr.isatty() else 10.0,
        dynamic_ncols=True,
    )


def advance(progress: Any, done: int) -> None:
    """Move a bar on to `done` runs (never back, never past its total)."""
    done = min(done, progress.total)
    if done > progress.n:
        progress.update(done - progress.n)


def main(argv: list[str] | None = None) -> int:
    """The watching process (see the module's description)."""
    args = sys.argv[1:] if argv is None else argv
    sweep, total = Path(args[0]), int(args[1])
    interval = float(args[2]) if len(args) > 2 else 1.0
    shown = bar(total, done=count(sweep), interval=interval)
    try:
        while True:
            ready, _, _ = select.select([sys.stdin], [], [], interval)
            advance(shown, count(sweep))
            if ready and not sys.stdin.readline():  # closed: the sweep has ended
                break
    except KeyboardInterrupt:
        pass
    finally:
        shown.close()
    return 0


class ProgressProcess:
    """The bar of a sweep, drawn by a process of its own (:func:`main`) that watches the
    sweep folder while the launcher runs the jobs (whichever launcher: the run folders
    are what the jobs leave)."""

    def __init__(self, sweep_dir: Path, total: int, interval: float = 1.0) -> None:
        self.args = [str(sweep_dir), str(total), str(interval)]
        self.process: subprocess.Popen | None = None

    def start(self) -> ProgressProcess:
        """Start the process (no bar if it cannot be started)."""
        package = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package, env.get("PYTHONPATH")) if p)
        with contextlib.suppress(OSError):
            self.process = subprocess.Popen(
                [sys.executable, "-m", "imssim.runs.progress", *self.args],
                stdin=subprocess.PIPE,
                env=env,
            )
        return self

    def stop(self) -> None:
        """Let the process draw the last count and end."""
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(OSError, ValueError):
            if process.stdin is not None:
                process.stdin.close()  # the last count, then it exits
        try:
            process.wait(timeout=10)
        except Exception:
            process.kill()


class Progress:
    """The bar of runs written into a folder, watched from a background thread while
    the runs go on elsewhere (a study's workers, which are started fresh). `counter`
    counts the runs done (default: the run folders in `sweep_dir`, :func:`count`)."""

    def __init__(
        self,
        sweep_dir: Path,
        total: int,
        interval: float = 1.0,
        *,
        counter: Callable[[], int] | None = None,
    ) -> None:
        self.sweep_dir = Path(sweep_dir)
        self.total = total
        self.interval = interval
        self._counter = counter
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bar: Any = None

    def _count(self) -> int:
        return count(self.sweep_dir) if self._counter is None else self._counter()

    def start(self) -> Progress:
        """Draw the bar (runs complete already, as in a resumed study, counted in)."""
        self._bar = bar(self.total, done=self._count(), interval=self.interval)
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self._update()

    def _update(self) -> None:
        shown = self._bar
        if shown is not None:
            advance(shown, self._count())

    def stop(self) -> None:
        """Count once more and close the bar."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with contextlib.suppress(Exception):
            self._update()
        if self._bar is not None:
            self._bar.close()
            self._bar = None


if __name__ == "__main__":
    sys.exit(main())
