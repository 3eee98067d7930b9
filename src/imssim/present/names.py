"""Names and labels from a run's world: the states' names by ISO3 code and the
capability areas' labels, read from the world data the run used (or the shipped world).

When a run's world data are gone, both are empty, so that old runs can still be read
(codes are shown instead of names).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imssim.config import Config
from imssim.errors import ImssimError
from imssim.runs.folders import RunFolder

if TYPE_CHECKING:
    from imssim.world import World


def _world_labels(data_dir: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Names and area labels of a run's world (loaded once: load_world caches), or none
    when the world data are gone, so old runs can still be read by code."""
    from imssim.world import load_world

    try:
        world = load_world(data_dir)
    except (OSError, ImssimError):
        return {}, {}
    return world.name_of, world.area_label_of


def world_of(config: Config) -> World | None:
    """The world a config's runs use, or None when its data are gone."""
    from imssim.world import load_world

    try:
        return load_world(config.world.data_dir)
    except (OSError, ImssimError):
        return None


def world_names(config: Config) -> dict[str, str]:
    """ISO3 code -> name of the states of a config's world."""
    return _world_labels(config.world.data_dir)[0]


def world_area_labels(config: Config) -> dict[str, str]:
    """Capability area id -> label in a config's world."""
    return _world_labels(config.world.data_dir)[1]


def country_names(run: RunFolder | None = None) -> dict[str, str]:
    """ISO3 code -> name of the states of the run's world (the shipped world by default)."""
    return _world_labels(run.config.world.data_dir if run is not None else None)[0]


def area_labels(run: RunFolder | None = None) -> dict[str, str]:
    """Capability area id -> label in the run's world (the shipped world by default)."""
    return _world_labels(run.config.world.data_dir if run is not None else None)[1]
