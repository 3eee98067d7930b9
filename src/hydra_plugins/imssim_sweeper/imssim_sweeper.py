"""Hydra's basic sweeper without its second check of every job's config.

Before launching, Hydra's basic sweeper composes every job's config once more in the
launching process, about a tenth of a second each, one after another: some twenty
minutes for ten thousand jobs. The ``imssim`` command has already checked every value
swept (``imssim.cli.main.preflight``), and each job composes and checks its own config
again, recording a refused combination as a failed run. Everything else (the grid, its
order, ``hydra.sweeper.params``, ``max_batch_size``) is the basic sweeper's.
"""

# (no "from __future__ import annotations": Hydra loads this module without entering
# it in sys.modules, where a dataclass with string annotations would look it up)
from collections.abc import Sequence
from dataclasses import dataclass

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore


@dataclass
class ImssimSweeperConf:
    _target_: str = "hydra_plugins.imssim_sweeper.imssim_sweeper.ImssimSweeper"
    max_batch_size: int | None = None
    params: dict[str, str] | None = None


ConfigStore.instance().store(group="hydra/sweeper", name="imssim", node=ImssimSweeperConf)


class ImssimSweeper(BasicSweeper):
    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        return None
