"""The grid of Hydra's basic sweeper, without its second check of every job's config.

Before launching, Hydra's basic sweeper composes every job's config once more in the
launching process, about a tenth of a second each, one after another: some twenty
minutes for ten thousand jobs. The ``imssim`` command has already checked every value
swept (``imssim.cli.main.preflight``), and each job composes and checks its own config
again, recording a refused combination as a failed run. Everything else is the basic
sweeper's: the grid and its order, ``hydra.sweeper.params``, ``max_batch_size``, the
``multirun.yaml`` it saves and the numbering of the jobs (a test compares the jobs of
the two sweepers).

Written on Hydra's public sweeper interface (``hydra.plugins.sweeper.Sweeper``, as
Hydra's guide to sweeper plugins does), not as a subclass of the basic sweeper, which
Hydra keeps among its private modules.
"""

# (no "from __future__ import annotations": Hydra loads this module without entering
# it in sys.modules, where a dataclass with string annotations would look it up)
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.core.plugins import Plugins
from hydra.core.utils import JobReturn
from hydra.errors import HydraException
from hydra.plugins.launcher import Launcher
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf


@dataclass
class ImssimSweeperConf:
    """The sweeper's settings (``hydra.sweeper.*``), those of the basic sweeper."""

    _target_: str = "hydra_plugins.imssim_sweeper.imssim_sweeper.ImssimSweeper"
    # jobs handed to the launcher at a time (null: all at once)
    max_batch_size: int | None = None
    # values swept besides the command line's, as key: "a,b,c" (the command line wins)
    params: dict[str, str] | None = None


ConfigStore.instance().store(group="hydra/sweeper", name="imssim", node=ImssimSweeperConf)


def job_grid(overrides: Sequence[Override]) -> list[list[str]]:
    """Each job's overrides: one value of every key, in every combination, the last key
    varying fastest. A key given twice keeps its first place and its last values."""
    choices: dict[str, list[str]] = {}
    for ov in overrides:
        key = ov.get_key_element()
        if not ov.is_sweep_override():
            choices[key] = [f"{key}={ov.get_value_element_as_str()}"]
        elif ov.is_discrete_sweep():
            choices[key] = [f"{key}={value}" for value in ov.sweep_string_iterator()]
        else:
            kind = ov.value_type.name if ov.value_type is not None else "unknown"
            raise HydraException(
                f"{ov.input_line}: the imssim sweeper takes lists of values and ranges,"
                f" not a sweep of type {kind}"
            )
    return [list(job) for job in itertools.product(*choices.values())]


def job_batches(jobs: list[list[str]], size: int | None) -> list[list[list[str]]]:
    """The jobs in batches of at most `size` (None: one batch)."""
    if size is None:
        return [jobs]
    if size < 1:
        raise HydraException(f"hydra.sweeper.max_batch_size: {size}; use null or N >= 1")
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


class ImssimSweeper(Sweeper):
    """The basic sweeper's grid, handed to the launcher batch by batch, without
    composing each job's config beforehand (see the module's description)."""

    def __init__(self, max_batch_size: int | None = None, params: Any = None) -> None:
        self.max_batch_size = max_batch_size
        self.params = dict(params or {})
        self.hydra_context: HydraContext | None = None
        self.config: DictConfig | None = None
        self.launcher: Launcher | None = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        """Keep the context and make the launcher the config names."""
        self.hydra_context = hydra_context
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def sweep(self, arguments: list[str]) -> list[Sequence[JobReturn]]:
        """Launch the grid of ``hydra.sweeper.params`` and `arguments`; each batch's
        returns, in order. A failed job raises its error once its batch is done."""
        assert self.config is not None and self.launcher is not None
        assert self.hydra_context is not None
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        given = [f"{key}={value}" for key, value in self.params.items()] + list(arguments)
        batches = job_batches(job_grid(parser.parse_overrides(given)), self.max_batch_size)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        returns: list[Sequence[JobReturn]] = []
        first = 0
        for batch in batches:
            results = self.launcher.launch(batch, initial_job_idx=first)
            for result in results:
                _ = result.return_value  # raises the error of a failed job
            first += len(batch)
            returns.append(results)
        return returns
