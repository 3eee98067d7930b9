"""The config as the command line composes it: ``conf/`` through Hydra, with overrides.

Beside the schemas in :mod:`imssim.config` because it is how a run's settings are
put together; the command line (:mod:`imssim.cli.main`), the claims and the experiment
scripts all compose their configs here, so they run exactly what ``imssim <overrides>``
would run. :func:`register_schema` is the one place the schema meets Hydra; whatever
composes through Hydra calls it first (it is idempotent).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig

from imssim.config.schema import Config
from imssim.config.shipped import conf_dir

SCHEMA_NAME = "config_schema"  # as conf/config.yaml names it in its defaults


def register_schema() -> None:
    """Register :class:`~imssim.config.schema.Config` as ``config_schema`` in Hydra's
    ConfigStore, so that Hydra checks every composed config against it; once per
    process (a second call finds it there and does nothing)."""
    from hydra.core.config_store import ConfigStore

    store = ConfigStore.instance()
    if f"{SCHEMA_NAME}.yaml" not in store.list(""):
        store.store(name=SCHEMA_NAME, node=Config)


def compose_config(overrides: Sequence[str] = (), conf: str | Path | None = None) -> DictConfig:
    """The config the command line builds for ``imssim <overrides>`` (not yet checked).

    `conf` is the folder of ``config.yaml`` and the scenario and policy groups
    (default: :func:`imssim.config.conf_dir`).
    """
    from hydra import compose, initialize_config_dir

    register_schema()
    folder = Path(conf) if conf is not None else conf_dir()
    with initialize_config_dir(config_dir=str(folder), version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))
