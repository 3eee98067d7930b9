"""The shipped configuration files: ``conf/``, the options of each of its groups
(``scenario``, ``policy``, ``sensitivity``) and the settings a shipped file holds; and
a scenario or policy file of one's own, named by its path.

:func:`group_options` is the one listing of a group's files; the checks, the dashboard,
the experiments and the tests all read it. :func:`file_settings` reads a file given by
its path (the command line's ``scenario=my/file.yaml``, Python's ``{"scenario":
"my/file.yaml"}``), with the same checks as a file found by its name: it must hold
settings, and its ``name:`` must be its file name (:func:`check_file_name`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
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
    if is_file_option(name):
        return file_settings(group, name)
    path = conf_dir() / group / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(group_options(group))
        raise ConfigError(
            f"{group}: no shipped {group} named {name!r} (one of: {known}; "
            f"or the path of a .yaml file)"
        )
    return _read_settings(group, path)


YAML_SUFFIXES = (".yaml", ".yml")


def is_file_option(value: str) -> bool:
    """Whether a scenario or policy given as `value` names a file (it ends in ``.yaml``
    or ``.yml``) rather than an option of the group."""
    return value.lower().endswith(YAML_SUFFIXES)


def file_settings(group: str, path: str | Path) -> dict[str, Any]:
    """The settings of a scenario or policy file named by its path (absolute, or relative
    to the working folder); a missing, broken or empty file, or one whose ``name:`` is
    not its file name, is refused with one line naming the file (ConfigError)."""
    given = Path(path).expanduser()
    if not given.is_file():
        where = "" if given.is_absolute() else f" ({given.absolute()})"
        raise ConfigError(f"{group}: no such file: {path}{where}")
    return _read_settings(group, given)


def _read_settings(group: str, path: Path) -> dict[str, Any]:
    try:
        content = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
    except yaml.YAMLError as exc:
        raise ConfigError(yaml_error_line(exc, path)) from None
    if not isinstance(content, dict) or not content:
        raise ConfigError(f"{group}: {path} is empty or holds no settings")
    check_file_name(group, path, content)
    return {str(k): v for k, v in content.items()}


def check_file_name(group: str, path: Path, content: dict[Any, Any]) -> None:
    """A scenario or policy file's ``name:`` must be its file name: the run is labelled,
    stored and compared by that name, so a file ``a.yaml`` holding ``name: b`` would run
    as ``b``, hiding which file it was. Refused with one line naming both. A parameter
    set (``params``) has no name: it is a set of values, recorded in the run's config."""
    if group == "params":
        return
    name = content.get("name")
    if name == path.stem:
        return
    if name is None:
        raise ConfigError(f"{group}: {path} has no name: give it name: {path.stem}")
    raise ConfigError(
        f"{group}: {path} holds name: {name}, not its file name {path.stem!r}; "
        f"make them the same (name: {path.stem}, or the file {name}.yaml)"
    )


def yaml_error_line(exc: yaml.YAMLError, path: Path | None = None) -> str:
    """One line for a YAML syntax error: the file, the line and column, and the reason."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
    where = str(path) if path is not None else getattr(mark, "name", "YAML")
    if mark is None:
        return f"{where}: YAML syntax error: {problem}"
    return f"{where}: line {mark.line + 1}, column {mark.column + 1}: YAML syntax error: {problem}"
