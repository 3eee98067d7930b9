"""The unit every study calls: one simulation from a config, tables out."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from imssim.config import Config, counterfactual_config, to_config
from imssim.model.tables import Tables
from imssim.world import World


@dataclass
class Result:
    """Tables of one run with the validated config and the wall time of the run; with
    :func:`run_pair`, also its counterfactual's result."""

    config: Config
    tables: Tables
    wall_seconds: float
    counterfactual: Result | None = None


def run(config: Any = None, world: World | None = None) -> Result:
    """Run one simulation: config (mapping, DictConfig, Config or None) -> tables.

    Pure: it reads the world data but writes nothing; the same config and seed give
    identical tables. Keys not given take the schema's defaults, whose scenario has
    no cuts; the command line's default scenario (austerity_2012) comes from conf/.
    """
    from imssim.model.simulation import CooperationModel  # (not at import: checking a config, as a
    # sweep's launcher does, needs neither the model nor Mesa)

    cfg = to_config(config)
    started = time.perf_counter()
    model = CooperationModel(cfg, world=world)
    model.run()
    tables = model.tables()
    return Result(config=cfg, tables=tables, wall_seconds=time.perf_counter() - started)


def run_pair(config: Any = None, world: World | None = None) -> Result:
    """Run a simulation and its counterfactual (``config.counterfactual``), as the
    command line does: the same world, seed and policy, the scenario's budget changes
    removed (or another scenario). Both draw from the same random streams, so that the
    difference is the scenario's effect (docs/ODD.md, common random numbers). The
    counterfactual's result is ``result.counterfactual`` (None with ``none``).
    """
    cfg = to_config(config)
    if world is None:
        from imssim.world import load_world

        world = load_world(cfg.world.data_dir)
    result = run(cfg, world=world)
    other = counterfactual_config(cfg)
    if other is not None:
        result.counterfactual = run(other, world=world)
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
