"""The scenarios the dashboard offers: the shipped ones (``conf/scenario/``) and the
user's own scenario files, from the folders given to ``imssim-dashboard --scenario-dir``.

A folder given is a folder of the search path, whose scenarios are its
``scenario/*.yaml`` (as ``hydra.searchpath`` finds them), or a folder of scenario files
itself (``*.yaml``). Each file is read and checked as a run reads a scenario file named
by its path (:func:`imssim.config.to_config`: its ``name:`` must be its file name), so a
broken file is refused when the dashboard starts, in one line naming it, not later in
the browser.

The command hands the folders to the page through the environment
(:data:`DIRS_VARIABLE`), since the page runs in the server's process. Nothing here
imports Solara.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from imssim.config import group_options, to_config
from imssim.errors import ConfigError

DIRS_VARIABLE = "IMSSIM_SCENARIO_DIRS"  # the folders of one's own scenarios, os.pathsep-joined


def scenario_files(folder: Path) -> list[Path]:
    """The scenario files a folder offers: ``scenario/*.yaml`` of a search path folder,
    else its own ``*.yaml`` (and ``.yml``), sorted."""
    inner = folder / "scenario"
    where = inner if inner.is_dir() else folder
    return sorted(p for p in where.iterdir() if p.suffix.lower() in (".yaml", ".yml"))


def own_scenarios(dirs: Sequence[str | Path]) -> dict[str, Path]:
    """{name: file} of the scenario files in `dirs`, each checked as a run reads it.

    A missing folder, a folder without scenario files, a broken file and a name taken
    twice (by a shipped scenario or by two files) are refused: ConfigError, one line.
    """
    shipped = set(group_options("scenario"))
    found: dict[str, Path] = {}
    for given in dirs:
        folder = Path(given).expanduser()
        if not folder.is_dir():
            raise ConfigError(f"--scenario-dir: no such folder: {given}")
        files = scenario_files(folder)
        if not files:
            raise ConfigError(
                f"--scenario-dir: {given} holds no scenario file (*.yaml, or scenario/*.yaml)"
            )
        for path in files:
            name = path.stem
            if name in shipped:
                raise ConfigError(
                    f"--scenario-dir: {path} is named like the shipped scenario {name!r}; "
                    "rename the file (and its name:)"
                )
            if name in found:
                raise ConfigError(f"--scenario-dir: {path} and {found[name]} are both {name!r}")
            found[name] = path.resolve()
            try:
                to_config({"scenario": str(found[name])})
            except ConfigError as exc:
                if str(path) in str(exc) or str(found[name]) in str(exc):
                    raise
                raise ConfigError(f"--scenario-dir: {path}: {exc}") from None
    return found


def scenario_dirs() -> list[str]:
    """The folders of one's own scenarios the command was given (none by default)."""
    value = os.environ.get(DIRS_VARIABLE, "")
    return [part for part in value.split(os.pathsep) if part]


_CHOICES: dict[str, dict[str, str]] = {}  # the environment's folders -> choices


def scenario_choices() -> dict[str, str]:
    """{name: what a config takes as its ``scenario``}: each shipped scenario by its name,
    then each of one's own by its file's path; the order the page lists them in."""
    key = os.environ.get(DIRS_VARIABLE, "")
    if key not in _CHOICES:
        choices = {name: name for name in group_options("scenario")}
        choices.update({n: str(p) for n, p in own_scenarios(scenario_dirs()).items()})
        _CHOICES[key] = choices
    return dict(_CHOICES[key])


def scenario_value(name: str) -> str:
    """What a config takes as the scenario `name` (its file's path for one's own); an
    unknown name as it is, for the config to refuse with the list of shipped ones."""
    return scenario_choices().get(name, name)
