"""What a run in memory (:class:`imssim.runs.api.Result`) gives beyond its tables: the
summary the command line prints, its figures and its report.

:class:`~imssim.runs.api.Result` calls these lazily (its methods ``summary``,
``figures`` and ``report``), so that running a simulation needs neither matplotlib nor
anything else here. The command line prints its summary through :func:`summary_text`
too, so that the two cannot differ.

Figures and the report are drawn from a run folder, as ``imssim-plot`` and
``imssim-report`` draw them: a result not yet saved (``result.save(folder)``) is first
written, as the command line writes it, to a new folder under its ``output.root``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from imssim.runs.folders import Result, RunFolder, update_manifest, write_run


def summary_text(result: Result) -> str:
    """The text the command line prints for a run: with its counterfactual, first what
    the scenario changes, then the run itself (:func:`imssim.present.summary.summarise`)."""
    from imssim.present.summary import summarise, without_text
    from imssim.world import load_world

    cfg, cf = result.config, result.counterfactual
    return summarise(
        result.tables,
        cfg.focal,
        world=load_world(cfg.world.data_dir),
        counterfactual=cf.tables if cf is not None else None,
        scenario=cfg.scenario.name,
        without=without_text(cfg),
        settings=cfg.scenario,
    )


def run_folder(result: Any) -> Path:
    """The run folder of `result` (``result.path``); written first under its
    ``output.root``, as the command line writes it, when it has none."""
    if result.path is None:
        result.path = write_run(result, result.config.output.root)
    return Path(result.path)


def _folder(result: Any) -> RunFolder:
    """`result`'s run folder read back, with its tables and config taken from memory."""
    path = run_folder(result)
    run = RunFolder(path, config=result.config, tables=result.tables)
    cf = result.counterfactual
    if cf is not None and (path / "counterfactual").is_dir():
        run.counterfactual = RunFolder(path / "counterfactual", config=cf.config, tables=cf.tables)
    return run


def draw_figures(
    result: Any,
    folder: str | Path | None = None,
    names: Sequence[str] | str | None = None,
    formats: Sequence[str] = ("png",),
) -> list[Path]:
    """Draw the figures of `result` (`names` from the registry's run figures; default:
    all of them) in `formats` into `folder` (default: ``<run folder>/figures``, recorded
    in the run's manifest as the command line records it); return the files written."""
    from imssim.present.plots.registry import RUN_FIGURES
    from imssim.present.plots.writer import FigureOptions, make_run_figures

    run = _folder(result)
    which = [names] if isinstance(names, str) else names
    formats = tuple(dict.fromkeys(formats))
    options = FigureOptions(which=which, formats=formats)
    out = None if folder is None else Path(folder)
    written = make_run_figures(run, out, options)
    if out is None:
        drawn = set(written) | set(run.manifest.get("figures", []))
        update_manifest(run.path, figures=[n for n in RUN_FIGURES if n in drawn])
    return [png.with_suffix(f".{fmt}") for png in written.values() for fmt in formats]


def write_result_report(result: Any, path: str | Path | None = None) -> Path:
    """Write the HTML report of `result` (as ``imssim-report`` writes it for its run
    folder) to `path` (default: ``<run folder>/report.html``); return its path."""
    from imssim.present.report.html import write_report

    return write_report(run_folder(result), path)
