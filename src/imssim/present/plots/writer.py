"""Drawing the registry's figures into folders, and reusing those already there.

:func:`make_run_figures` draws the figures of one run (default: into
``<run>/figures``), :func:`make_compare_figures` those comparing several runs; what to
draw, and how, is one :class:`FigureOptions`. Beside the files each folder holds
``figures.json``, which records for every file what it was drawn from: the run's data
(or the runs'), the choices the figure depends on (years, focal state, ...; the
registry's ``uses``) and, apart from that, the resolution. A file is current when its
key, the hash of the first two, is the one it would get now; at whatever resolution it
was written. With ``reuse=True`` a figure whose files are all current is not drawn
again; this is how ``imssim-report`` uses the figures a run already drew. Only the
figures needed are drawn, and matplotlib is imported only when one is.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from imssim.config import OutputConfig, check_dpi, check_formats
from imssim.present.choices import RunChoices, resolve_choices
from imssim.present.outcome_table import check_measures
from imssim.present.plots.registry import (
    COMPARE,
    COMPARE_FIGURES,
    FIGURES,
    RUN,
    RUN_FIGURES,
    check_figures,
)
from imssim.runs.find import as_runs
from imssim.runs.folders import CONFIG_FILE, TABLES, RunFolder, write_text_atomic

INDEX_FILE = "figures.json"
DPI = OutputConfig().dpi  # the default resolution of a comparison's PNG files
# manifest entries that change after the run is written (they say how far the command
# got), and so are no part of what the figures are drawn from
_MUTABLE = ("status", "figures")

Written = Callable[[str, list[Path], dict[str, Any]], None]  # name, files, their entry


# --------------------------------------------------------------------------- keys


def run_stamp(run: RunFolder) -> str:
    """What a run's figures are drawn from, as a short hash: the resolved config, the
    manifest (less how far the command got) and the sizes of the tables."""
    manifest = {k: v for k, v in run.manifest.items() if k not in _MUTABLE}
    sizes = {}
    for table in TABLES:
        path = run.path / f"{table}.parquet"
        sizes[table] = path.stat().st_size if path.is_file() else None
    config = (run.path / CONFIG_FILE).read_text(encoding="utf-8", errors="replace")
    return _digest({"manifest": manifest, "config": config, "tables": sizes})


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def read_index(folder: Path) -> dict[str, dict[str, Any]]:
    """The figures folder's record, file name -> entry (empty if there is none or it
    cannot be read: then every figure counts as missing)."""
    try:
        data = json.loads((Path(folder) / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def _write_index(folder: Path, files: dict[str, dict[str, Any]]) -> None:
    record = {
        "about": (
            "What each figure file in this folder was drawn from (imssim). A file whose "
            "key matches what it would be drawn from now is reused, not drawn again."
        ),
        "files": dict(sorted(files.items())),
    }
    write_text_atomic(Path(folder) / INDEX_FILE, json.dumps(record, indent=2) + "\n")


def _current(folder: Path, index: dict, stem: str, formats: Sequence[str], key: str) -> bool:
    for fmt in formats:
        name = f"{stem}.{fmt}"
        if not (folder / name).is_file() or index.get(name, {}).get("key") != key:
            return False
    return True


# --------------------------------------------------------------------------- drawing


def _draw_and_save(
    out: Path,
    name: str,
    build: Callable[[], tuple[Any, Any]],
    formats: tuple[str, ...],
    dpi: int,
    entry: dict[str, Any],
    index: dict[str, dict[str, Any]] | None,
) -> list[Path]:
    from imssim.present.plots.style import save_figure, style

    stem = FIGURES[name].stem
    with style():
        fig, _ = build()
        save_figure(fig, out, stem, formats, dpi=dpi)
    paths = [out / f"{stem}.{fmt}" for fmt in formats]
    if index is not None:
        for path in paths:
            index[path.name] = entry
        _write_index(out, index)
    return paths


def record_figures(out_dir: str | Path, written: dict[str, dict[str, Any]]) -> None:
    """Add {file name: entry} of figures written by another process to the folder's
    ``figures.json`` (which only one process writes)."""
    index = read_index(Path(out_dir))
    index.update(written)
    _write_index(Path(out_dir), index)


def _result(out: Path, names: Sequence[str], formats: Sequence[str]) -> dict[str, Path]:
    fmt = "png" if "png" in formats else formats[0]
    return {name: out / f"{FIGURES[name].stem}.{fmt}" for name in names}


@dataclasses.dataclass(frozen=True)
class FigureOptions:
    """What figures to draw and how; None leaves a choice to its default.

    `which` names the figures (default: all of their kind), `formats` and `dpi` the
    files written (default: the run's ``output.formats`` and ``output.dpi``; PNG at
    :data:`DPI` for a comparison), `focal` the state whose view is taken (default: each
    run's own). Only the figures of one run use `years` (the panels of the ring
    diagram), `others` (the states drawn beside the focal state in the indices) and
    `network_year` (the year of the depth matrix and the network; default: the last);
    only a comparison uses `measure` (keys of :data:`imssim.outcomes.MEASURES`;
    default: :data:`imssim.outcomes.DEFAULT_MEASURES`). Nothing is checked here:
    every choice is checked against the runs before anything is drawn.
    """

    which: Sequence[str] | str | None = None
    formats: Sequence[str] | None = None
    dpi: int | None = None
    focal: str | None = None
    years: Sequence[int] | None = None
    others: Sequence[str] | None = None
    network_year: int | None = None
    measure: str | Sequence[str] | None = None


_DEFAULT_OPTIONS = FigureOptions()


def make_run_figures(
    run: RunFolder,
    out_dir: str | Path | None = None,
    options: FigureOptions = _DEFAULT_OPTIONS,
    *,
    reuse: bool = False,
    on_written: Written | None = None,
    record: bool = True,
) -> dict[str, Path]:
    """Write the figures of a run into out_dir (default: <run folder>/figures) and
    return {figure name: PNG path (or the first format's)}, in the registry's order.

    `options` says which figures and what they show (see :class:`FigureOptions`). Every
    choice is checked before anything is drawn. With `reuse`, a figure whose files are
    current is left as it is. `on_written(name, paths, entry)` is called after each
    figure drawn; without `record`, ``figures.json`` is left to the caller (see
    :func:`record_figures`).
    """
    names = check_figures(RUN_FIGURES if options.which is None else options.which, RUN)
    cf = run.counterfactual
    names = [n for n in names if cf is not None or not FIGURES[n].counterfactual]
    cfg = run.config
    formats = check_formats(cfg.output.formats if options.formats is None else options.formats)
    dpi = check_dpi(cfg.output.dpi if options.dpi is None else options.dpi)
    choices = resolve_choices(
        run.tables,
        cfg,
        years=options.years,
        focal=options.focal,
        others=options.others,
        network_year=options.network_year,
    )
    out = Path(run.path) / "figures" if out_dir is None else Path(out_dir)
    stamp = run_stamp(run)
    index = read_index(out)
    for name in names:
        entry = _run_entry(name, stamp, choices, dpi)
        if reuse and _current(out, index, FIGURES[name].stem, formats, entry["key"]):
            continue
        draw = FIGURES[name].function()
        if FIGURES[name].counterfactual:
            draw = functools.partial(draw, counterfactual=cf.tables)
        paths = _draw_and_save(
            out,
            name,
            lambda draw=draw: draw(run.tables, cfg, choices),
            formats,
            dpi,
            entry,
            index if record else None,
        )
        if on_written is not None:
            on_written(name, paths, entry)
    return _result(out, names, formats)


def _run_entry(name: str, stamp: str, choices: RunChoices, dpi: int) -> dict[str, Any]:
    chosen = choices.as_dict()
    what = {"figure": name, "run": stamp, "choices": {k: chosen[k] for k in FIGURES[name].uses}}
    return {**what, "key": _digest(what), "dpi": dpi}


def _with_counterfactuals(names: list[str], runs: Sequence[RunFolder], asked: bool) -> list[str]:
    """The figures of `names` that can be drawn: one drawn with the runs' counterfactuals
    (``effects_over_time``) is left out when no run has one, or, when it was `asked`
    for by name, refused with a one-line NoCounterfactual saying so."""
    needs = [n for n in names if FIGURES[n].counterfactual]
    if not needs or any(r.counterfactual is not None for r in runs):
        return names
    if asked:
        from imssim.present.paired import NoCounterfactual

        raise NoCounterfactual(
            f"{', '.join(needs)} not drawn: it compares each run with its counterfactual, "
            "and none of these runs has one (run them with counterfactual=baseline, the "
            "default, or another scenario)"
        )
    return [n for n in names if n not in needs]


def make_compare_figures(
    runs: Sequence[RunFolder | str | Path] | str | Path,
    out_dir: str | Path,
    options: FigureOptions = _DEFAULT_OPTIONS,
    *,
    reuse: bool = False,
) -> dict[str, Path]:
    """Write the comparison figures of `runs` into `out_dir`; return {name: PNG path}.

    `options` says which figures, which outcomes (`measure`) and whose (`focal`: default
    each run's focal state); see :class:`FigureOptions`. With `reuse`, a figure whose
    files are current is left as it is. A figure drawn with the runs' counterfactuals is
    left out when no run has one (and refused, one line, when named in `options`).
    """
    which = COMPARE_FIGURES if options.which is None else options.which
    names = check_figures(which, COMPARE)
    runs = as_runs(runs)
    names = _with_counterfactuals(names, runs, asked=options.which is not None)
    measures = check_measures(options.measure)
    formats = check_formats(("png",) if options.formats is None else options.formats)
    dpi = check_dpi(DPI if options.dpi is None else options.dpi)
    focal = options.focal
    out = Path(out_dir)
    # runs named by their place relative to the figures, so a sweep copied or moved with
    # its figures keeps them
    stamp = _digest(
        sorted((os.path.relpath(r.path.resolve(), out.resolve()), run_stamp(r)) for r in runs)
    )
    index = read_index(out)
    for name in names:
        what = {"figure": name, "runs": stamp, "measures": list(measures), "focal": focal}
        entry = {**what, "key": _digest(what), "dpi": dpi}
        if reuse and _current(out, index, FIGURES[name].stem, formats, entry["key"]):
            continue
        draw = FIGURES[name].function()
        _draw_and_save(
            out,
            name,
            lambda draw=draw: draw(runs, measures, focal=focal),
            formats,
            dpi,
            entry,
            index,
        )
    return _result(out, names, formats)
