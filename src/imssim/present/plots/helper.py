"""A second process that draws some of a run's figures while the command line draws the
others.

Drawing a chart is single-threaded work (matplotlib holds Python's lock), and the
model leaves a second core idle. The command line starts this process when it starts
(:func:`start`), so that the process has loaded matplotlib and the figure modules by
the time the run's tables are written; it then hands over a share of the figures
(:data:`SHARE`) and draws the rest itself. The process runs at a lower priority, so on
a busy machine it takes only time that would otherwise go unused.

The exchange is one JSON line each way and then one per figure: the request
``{"run": folder, "figures": [...], "formats": [...], "dpi": n}`` on the process's
standard input; ``{"figure": name, "files": [...], "entry": {...}}`` on its standard
output for each figure written, then ``{"done": true}``, or ``{"error": message}``.
The process writes the figure files; the command line records them in
``figures.json`` and the manifest. Standard input closed without a request: the
process exits without drawing. Anything that goes wrong with the process (it cannot
start, it dies, it reports an error) leaves its share to the command line.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SHARE = ("effects", "depth_matrix", "network", "shortfalls")  # about two fifths of the
# drawing time (imssim-bench --figures), as it starts later than the command line: it
# must read the tables (and the counterfactual's, for the effects)


class Helper:
    """The command line's end of the second process."""

    WAIT = 300.0  # seconds; a process that takes longer is stopped, its share drawn here

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.asked: list[str] = []

    def draw(self, run: Path, figures: list[str], formats: list[str], dpi: int) -> bool:
        """Ask for `figures` of the run folder `run`; False if the process is gone."""
        request = {"run": str(run), "figures": figures, "formats": formats, "dpi": dpi}
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.close()
        except (OSError, ValueError):
            return False
        finally:
            self.process.stdin = None  # closed: nothing more to send
        self.asked = list(figures)
        return True

    def results(self) -> dict[str, dict[str, Any]]:
        """{figure: {"files": [...], "entry": {...}}} of the figures it wrote, once it has
        finished. Figures it did not report are missing."""
        try:
            out, _ = self.process.communicate(timeout=self.WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        written: dict[str, dict[str, Any]] = {}
        for line in (out or "").splitlines():
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("figure") in self.asked:
                written[message["figure"]] = message
        return written

    def stop(self) -> dict[str, dict[str, Any]]:
        """Stop at once (Ctrl-C, an error, not needed); return what it reported."""
        with contextlib.suppress(OSError):
            self.process.kill()
        if self.process.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                self.process.stdin.close()
            self.process.stdin = None
        return self.results()


def start() -> Helper | None:
    """Start the second process, or None where there is no second core or it cannot
    start."""
    if (os.cpu_count() or 1) < 2:
        return None
    package = Path(__file__).resolve().parents[3]  # the folder holding imssim
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(package), env.get("PYTHONPATH")) if p)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "imssim.present.plots.helper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
    except OSError:
        return None
    return Helper(process)


# --------------------------------------------------------------------------- the process


def _say(message: dict[str, Any]) -> None:
    print(json.dumps(message), flush=True)


def _warm_up() -> None:
    """Draw a small chart with text into memory while the model runs: a process's first
    chart pays for loading fonts and the renderer's caches, which then need not delay the
    figures asked for."""
    import io

    import matplotlib.pyplot as plt

    from imssim.present.plots.style import style

    with style():
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [0, 1], label="warm-up")
        ax.set_xlabel("year")
        ax.set_title("warm-up", fontweight="bold")
        ax.legend()
        fig.savefig(io.BytesIO(), format="png", dpi=72)
        plt.close(fig)


def main() -> int:
    """The second process: load what drawing needs, wait for a request, draw."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)
    try:
        from imssim.present.plots.registry import FIGURES, RUN_FIGURES
        from imssim.present.plots.writer import FigureOptions, make_run_figures
        from imssim.runs.folders import RunFolder

        for name in RUN_FIGURES:
            FIGURES[name].function()  # imports matplotlib and the figure modules
        _warm_up()
        line = sys.stdin.readline()
        if not line.strip():
            return 0
        request = json.loads(line)
        make_run_figures(
            RunFolder(request["run"]),
            options=FigureOptions(
                which=request["figures"], formats=request["formats"], dpi=request["dpi"]
            ),
            record=False,
            on_written=lambda name, paths, entry: _say(
                {"figure": name, "files": [p.name for p in paths], "entry": entry}
            ),
        )
        _say({"done": True})
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # reported, and the command line draws the figure itself
        _say({"error": " ".join(str(exc).split()) or type(exc).__name__})
        return 1


if __name__ == "__main__":
    sys.exit(main())
