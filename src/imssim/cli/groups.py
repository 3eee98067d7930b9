"""The command line's config groups, ``scenario`` and ``policy``: where their files are,
which names are valid, a file named by its path, and the help that lists them.

An option is found in ``conf/<group>/`` or in a folder of ``hydra.searchpath``
(``<folder>/<group>/<name>.yaml``), the first one holding it winning, as Hydra looks.
A value ending in ``.yaml`` (or ``.yml``) is a file named by its path instead,
absolute or relative to the working folder (``scenario=studies/strategist.yaml``): it
is read and checked here (:func:`imssim.config.shipped.file_settings`) and handed to
Hydra as an option of the group named by its file name (Hydra's ConfigStore), so that
a single run and a sweep compose it alike.

Every mistake is a :class:`~imssim.errors.ConfigError` of one line naming the user's
own file: an unknown name (with the valid ones), a missing, empty or broken file, and
a file whose ``name:`` is not its file name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omegaconf import OmegaConf

from imssim.config.shipped import file_settings, is_file_option
from imssim.errors import ConfigError

# the groups a run chooses from (conf/sensitivity and conf/calibration are the studies',
# not the run's); a run takes no parameter set unless it names one (params=calibrated)
GROUPS = ("scenario", "policy", "params")

_FILES: dict[tuple[str, str], Path] = {}  # (group, name) -> a file named by its path


def search_dirs(args: Sequence[str]) -> list[Path]:
    """The local folders of ``hydra.searchpath=[file:///a, file:///b]`` overrides."""
    dirs = []
    for item in args:
        if not item.lstrip("+").startswith("hydra.searchpath="):
            continue
        value = item.split("=", 1)[1].strip().strip("[]")
        for part in value.split(","):
            part = part.strip().strip("'\"")
            if part.startswith("file://"):
                dirs.append(Path(part[len("file://") :]))
    return dirs


def options(group: str, conf: Path, dirs: Sequence[Path] = ()) -> list[str]:
    """The names of `group`'s options in `conf` and the search path folders, sorted."""
    found = {p.stem for d in (conf, *dirs) for p in (d / group).glob("*.yaml")}
    return sorted(found | {name for g, name in _FILES if g == group})


def locate(group: str, name: str, conf: Path, dirs: Sequence[Path] = ()) -> Path | None:
    """The file of option `name` of `group`, as Hydra finds it (None: there is none)."""
    if (group, name) in _FILES:
        return _FILES[group, name]
    found = [d / group / f"{name}.yaml" for d in (conf, *dirs)]
    return next((f for f in found if f.is_file()), None)


def with_files(args: Sequence[str], conf: Path) -> list[str]:
    """`args` with every scenario or policy named by its path (``scenario=x/my.yaml``,
    also in a sweep's list) read, checked and given to Hydra as the option ``my``.

    A file named like an option of conf/ or the search path is refused: Hydra would take
    that one."""
    from hydra.core.config_store import ConfigStore

    dirs = search_dirs(args)
    out = []
    for arg in args:
        key, eq, value = arg.partition("=")
        if key.lstrip("+~") == "sensitivity":
            raise ConfigError(
                f"sensitivity: not a setting of a run; a sensitivity study runs with "
                f"imssim-sensitivity {value or 'quick'} (conf/sensitivity/)"
            )
        if not eq or key not in GROUPS or not any(map(is_file_option, value.split(","))):
            out.append(arg)
            continue
        names = []
        for item in value.split(","):
            if not is_file_option(item):
                names.append(item)
                continue
            path = Path(item).expanduser()
            content = file_settings(key, path)
            taken = locate(key, path.stem, conf, dirs)
            if taken is not None and taken.resolve() != path.resolve():
                raise ConfigError(
                    f"{key}: {item} is named like the {key} in {taken}; rename the file "
                    "(and its name:)"
                )
            _FILES[key, path.stem] = path
            if taken is None:  # (a file also on the search path: Hydra finds it there)
                ConfigStore.instance().store(group=key, name=path.stem, node=content)
            names.append(path.stem)
        out.append(f"{key}={','.join(names)}")
    return out


def with_counterfactual_files(args: Sequence[str], conf: Path) -> list[str]:
    """`args` with a counterfactual that names a scenario of the search path (not one of
    conf/) given as that scenario's file, which the config reads as any scenario file
    (:func:`imssim.config.scenarios.named_scenario`)."""
    dirs = search_dirs(args)
    out = []
    for arg in args:
        key, eq, value = arg.partition("=")
        if not eq or key.lstrip("+") != "counterfactual":
            out.append(arg)
            continue
        items = []
        for item in value.split(","):
            own = item not in ("baseline", "none") and not item.startswith("without:")
            shipped = (conf / "scenario" / f"{item}.yaml").is_file()
            found = locate("scenario", item, conf, dirs) if own and not shipped else None
            items.append(str(found.resolve()) if found is not None else item)
        out.append(f"{key}={','.join(items)}")
    return out


def recorded(args: Sequence[str]) -> list[str]:
    """`args` as a run's manifest records them: a scenario or policy file named by a
    relative path is recorded by its absolute one, so that the run can be replayed from
    any folder."""
    out = []
    for arg in args:
        key, eq, value = arg.partition("=")
        if eq and key in GROUPS:
            items = value.split(",")
            arg = f"{key}=" + ",".join(
                str(Path(v).expanduser().absolute()) if is_file_option(v) else v for v in items
            )
        out.append(arg)
    return out


def check_group_files(overrides: Sequence[str], conf: Path, dirs: Sequence[Path] = ()) -> None:
    """The scenario and policy chosen must exist (else the valid names), hold settings
    (an empty file would silently run with the schema's defaults) and carry their file
    name as their ``name:``."""
    for group in GROUPS:
        name = next((o.split("=", 1)[1] for o in overrides if o.startswith(f"{group}=")), None)
        if name is None or (group, name) in _FILES:  # a file by its path: read already
            continue
        path = locate(group, name, conf, dirs)
        if path is None:
            known = ", ".join(options(group, conf, dirs))
            raise ConfigError(
                f"{group}: no {group} named {name!r} (one of: {known}; or the path of a .yaml file)"
            )
        file_settings(group, path)  # YAML, settings, name: as for a file named by its path


def help_text(args: Sequence[str], conf: Path) -> str:
    """``imssim --help``: how to call it, the scenarios and policies there are (the
    search path's included) and the config these arguments compose."""
    from imssim.config.compose import compose_config

    dirs = search_dirs(args)
    plain = [a for a in args if not a.startswith("-")]
    groups = "\n".join(f"{g}: {', '.join(options(g, conf, dirs))}" for g in GROUPS)
    config = OmegaConf.to_yaml(compose_config(plain, conf))
    return (
        "imssim: one run of the model, or a sweep (-m), from key=value overrides\n"
        "  imssim scenario=deep_cuts policy=autonomy_test seed=7 end_year=2030\n"
        "  imssim scenario=path/to/my_scenario.yaml      (a file of your own, by its path)\n"
        '  imssim scenario=my_cuts "hydra.searchpath=[file:///path/to/conf]"\n'
        "  imssim -m scenario=baseline,austerity_2012 seed=1,2,3\n\n"
        f"== Scenarios, policies and parameter sets (group=option) ==\n{groups}\n\n"
        f"== Config ==\nOverride anything in the config (foo.bar=value)\n\n{config}\n"
        "Hydra's own flags: imssim --hydra-help"
    )
