"""The one place imssim uses a private name of Hydra (from ``hydra._internal``).

Everything else of Hydra that imssim uses is public: the compose API, the launcher and
sweeper interfaces (``hydra.plugins``), the config loader's interface
(``hydra.core.config_loader.ConfigLoader``, reached through ``HydraContext``), the
override parser (``hydra.core.override_parser``) and the job helpers of
``hydra.core.utils`` that Hydra's own plugins use.

A private name stays here only where Hydra offers no public way to do the same thing;
each one says why. ``tests/runs/test_hydra_private.py`` fails when a version of Hydra moves,
renames or changes one of them (``hydra-core`` is pinned below 1.4 in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Sequence

from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra.core.override_parser.types import Override
from omegaconf import DictConfig


def apply_plain_overrides(overrides: Sequence[Override], cfg: DictConfig) -> None:
    """Apply parsed ``key=value`` overrides to a composed config, in place, as Hydra
    applies them at the end of every composition.

    Why private: Hydra composes a config only as a whole (``hydra.compose``,
    ``ConfigLoader.load_sweep_config``: the defaults tree, then the overrides), about a
    tenth of a second each. The launcher and the command's check compose a config once
    per combination of config groups and apply each job's plain overrides to a copy;
    for the result to be Hydra's, value for value and error for error (the tests compare
    both word for word), they call the very function Hydra calls, the static method
    ``ConfigLoaderImpl._apply_overrides_to_config``, for which Hydra has no public name.
    Writing it anew would copy Hydra's rules and messages and drift from them.
    """
    ConfigLoaderImpl._apply_overrides_to_config(list(overrides), cfg)
