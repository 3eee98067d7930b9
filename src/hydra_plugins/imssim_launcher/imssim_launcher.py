"""Registers imssim's launcher with Hydra (``hydra/launcher=imssim``, the default of
``conf/``); the launcher itself is :mod:`imssim.runs.launcher`.

Its code lives outside ``hydra_plugins`` because Hydra executes the modules it finds
here again whenever it scans for plugins, which would reset a worker's state; Hydra
wants the class itself here.
"""

# (no "from __future__ import annotations": Hydra loads this module without entering
# it in sys.modules, where a dataclass with string annotations would look it up)
from dataclasses import dataclass

from hydra.core.config_store import ConfigStore

from imssim.runs.launcher import ImssimLauncher as _Launcher


@dataclass
class ImssimLauncherConf:
    """The launcher's settings (``hydra.launcher.*``)."""

    _target_: str = "hydra_plugins.imssim_launcher.imssim_launcher.ImssimLauncher"
    # processes: -1 every core this process may use, N for N (1: in the launching process)
    n_jobs: int = -1
    # fork: workers forked from the command (the default on Linux); loky: fresh processes
    # (the default elsewhere); null: the platform's default
    backend: str | None = None


ConfigStore.instance().store(group="hydra/launcher", name="imssim", node=ImssimLauncherConf)


class ImssimLauncher(_Launcher):
    """:class:`imssim.runs.launcher.ImssimLauncher`, where Hydra looks for it."""
