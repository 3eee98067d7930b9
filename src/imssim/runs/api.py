"""The unit every study calls: one simulation from a config, tables out."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imssim.config import Config, counterfactual_config, to_config
from imssim.model.tables import TABLE_NAMES, Tables
from imssim.world import World


@dataclass
class Result:
    """Tables of one run with the validated config and the wall time of the run; with
    :func:`run_pair`, also its counterfactual's result.

    What the command line gives for a run, a result gives too: :meth:`summary` (the
    text it prints), :meth:`save` (its run folder), :meth:`figures` and :meth:`report`.
    ``path`` is the run folder once written (None before).
    """

    config: Config
    tables: Tables
    wall_seconds: float
    counterfactual: Result | None = None
    path: Path | None = None

    def summary(self) -> str:
        """The summary the command line prints for this run (with its counterfactual,
        what the scenario changes first)."""
        from imssim.present.result import summary_text

        return summary_text(self)

    def save(self, folder: str | Path) -> Path:
        """Write this run's folder, as the command line writes it (tables, config,
        manifest; the counterfactual in ``counterfactual/``), as `folder` itself; return
        its path (also ``self.path``). A folder that exists and is not empty is refused
        (ImssimError, one line): nothing is written over."""
        from imssim.runs.folders import save_run

        self.path = save_run(self, folder)
        return self.path

    def figures(
        self,
        folder: str | Path | None = None,
        names: Sequence[str] | str | None = None,
        formats: Sequence[str] = ("png",),
    ) -> list[Path]:
        """Draw this run's figures (`names`: default all of the command line's) in
        `formats` into `folder` (default: ``<run folder>/figures``); return the files.
        Drawn from the run folder: a result not saved yet is first written under its
        ``output.root``, as the command line does (see ``path``)."""
        from imssim.present.result import draw_figures

        return draw_figures(self, folder, names, formats)

    def report(self, path: str | Path | None = None) -> Path:
        """Write this run's HTML report to `path` (default: ``<run folder>/report.html``)
        and return its path; like :meth:`figures`, it saves the run first if need be."""
        from imssim.present.result import write_result_report

        return write_result_report(self, path)


def run(
    config: Any = None, world: World | None = None, tables: Iterable[str] = TABLE_NAMES
) -> Result:
    """Run one simulation: config (mapping, DictConfig, Config or None) -> tables.

    Pure: it reads the world data but writes nothing; the same config and seed give
    identical tables. Keys not given take the schema's defaults, whose scenario has
    no cuts; the command line's default scenario (austerity_2012) comes from conf/.
    `tables`: the tables to keep (the others are empty; the countries and alliance
    tables are always kept): a study that reads a few outcomes of each run keeps
    only theirs (:func:`imssim.outcomes.tables_read`). A result not of every table
    is for reading, not for :meth:`Result.save`.
    """
    from imssim.model.simulation import CooperationModel  # (not at import: checking a config, as a
    # sweep's launcher does, needs neither the model nor Mesa)

    cfg = to_config(config)
    started = time.perf_counter()
    model = CooperationModel(cfg, world=world, tables=tables)
    model.run()
    return Result(config=cfg, tables=model.tables(), wall_seconds=time.perf_counter() - started)


def run_pair(
    config: Any = None, world: World | None = None, tables: Iterable[str] = TABLE_NAMES
) -> Result:
    """Run a simulation and its counterfactual (``config.counterfactual``), as the
    command line does: the same world, seed and policy, the scenario's budget changes
    removed (or another scenario). Both draw from the same random streams, so that the
    difference is the scenario's effect (docs/ODD.md, common random numbers). The
    counterfactual's result is ``result.counterfactual`` (None with ``none``).
    `tables`: the tables both keep, as for :func:`run`.
    """
    cfg = to_config(config)
    if world is None:
        from imssim.world import load_world

        world = load_world(cfg.world.data_dir)
    result = run(cfg, world=world, tables=tables)
    other = counterfactual_config(cfg)
    if other is not None:
        result.counterfactual = run(other, world=world, tables=tables)
    return result


def check(config: Any) -> Config:
    """Validate a config completely, world included, without running it.

    Raises :class:`~imssim.errors.ConfigError` (one line) for unknown keys, wrong
    types, impossible values, an unknown focal state or an unknown state or group in
    a scenario; :class:`~imssim.errors.WorldDataError` for broken world data.
    """
    from imssim.errors import ConfigError, WorldDataError
    from imssim.model.economy import build_paths
    from imssim.model.frameworks import membership_schedule
    from imssim.world import load_world

    cfg = to_config(config)
    world = load_world(cfg.world.data_dir)
    try:
        world.index(cfg.focal)
    except WorldDataError:
        raise ConfigError(f"focal: unknown state code {cfg.focal!r}") from None
    build_paths(cfg.scenario, world, cfg.start_year, cfg.end_year, cfg.params)
    membership_schedule(cfg.scenario, world)
    return cfg
