"""The shipped configuration files: ``conf/``, the options of each of its groups
(``scenario``, ``policy``, ``sensitivity``) and the settings a shipped file holds.

:func:`group_options` is the one listing of a group's files; the checks, the dashboard,
the experiments and the tests all read it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from imssim.errors import ConfigError


def conf_dir() -> Path:
    """The repository's ``conf/`` (source checkout) or the copy shipped in the package."""
    repo = Path(__file__).resolve().parents[3] / "conf"
    if (repo / "config.yaml").is_file():
        return repo
    return Path(__file__).resolve().parents[1] / "conf"


def group_options(group: str) -> list[str]:
    """The names of the shipped options of a config group (``conf/<group>/*.yaml``),
    sorted: ``group_options("scenario")`` lists the shipped scenarios."""
    folder = conf_dir() / group
    if not folder.is_dir():
        raise ConfigError(f"{group}: no such config group in {conf_dir()}")
    return sorted(path.stem for path in folder.glob("*.yaml"))


def shipped_settings(group: str, name: str) -> dict[str, Any]:
    """The settings of the shipped option `name` of `group` (``conf/<group>/<name>.yaml``);
    an unknown name is refused with the options there are (ConfigError)."""
    path = conf_dir() / group / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(group_options(group))
        raise ConfigError(f"{group}: no shipped {group} named {name!r} (one of: {known})")
    content = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
    if not isinstance(content, dict) or not content:
        raise ConfigError(f"{group}: {path} is empty or holds no settings")
    return content
