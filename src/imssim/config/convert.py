"""A config in and out: any mapping checked into a :class:`~imssim.config.schema.Config`
(:func:`to_config`), and a config back as plain containers and YAML (what a run folder
keeps).

:func:`to_config` merges the mapping into the schema with OmegaConf, so that unknown keys
and wrong types are refused with the key's name, then checks the values
(:func:`imssim.config.checks.check_values`). A plain mapping is merged key by key,
reusing what an earlier mapping with the same value of a key gave
(:mod:`imssim.config.sections`): the same result, without merging the whole schema
again for every run of a sweep. Keys may be nested (``{"params":
{"trust_gain": 0.1}}``) or dotted (``{"params.trust_gain": 0.1}``), as on the command
line. A scenario or policy may be named as a string: a shipped one by its name
(``"deep_cuts"``), one's own file by its path (``"my/strategist.yaml"``).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import numpy as np
import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf._utils import get_omega_conf_dumper
from omegaconf.errors import OmegaConfBaseException

from imssim.config.checks import check_values
from imssim.config.schema import Config
from imssim.config.sections import KEPT, by_section, fingerprint
from imssim.config.shipped import shipped_settings
from imssim.errors import ConfigError


def to_config(cfg: Any = None) -> Config:
    """Validate `cfg` (a nested mapping, DictConfig, Config or None) against the schema.

    Unknown keys, wrong types and impossible values raise :class:`ConfigError` with
    a one-line message naming the key; None gives the defaults.

    A key may be dotted (``"params.trust_gain"``): it sets that one setting, after the
    nested keys, as ``key=value`` does on the command line, so that ``{"scenario":
    "deep_cuts", "scenario.description": "..."}`` changes one setting of a shipped
    scenario. A setting given both nested and dotted is refused. ``"scenario"`` or
    ``"policy"`` as a string is a shipped one's name, or a path ending in ``.yaml`` (or
    ``.yml``) to a file of one's own (:func:`imssim.config.shipped.file_settings`).
    """
    if isinstance(cfg, Config):
        check_values(cfg)  # built in Python: the types are the dataclass's own
        return cfg
    try:
        schema = _schema()
        if cfg is None:
            merged = copy.deepcopy(schema)
        else:
            if isinstance(cfg, DictConfig):
                cfg = OmegaConf.to_container(cfg, resolve=True)
            dotted: dict[str, Any] = {}
            if isinstance(cfg, dict):
                cfg, dotted = _split_dotted(cfg)
                cfg = {k: _shipped(k, v) for k, v in cfg.items() if k != "hydra"}
                quick = None if dotted else by_section(cfg)
                if quick is not None:  # the same merge, key by key, from kept results
                    check_values(quick)
                    return quick
            merged = OmegaConf.merge(schema, cfg)
            for key, value in dotted.items():
                OmegaConf.update(merged, key, value, merge=True)
        config: Config = OmegaConf.to_object(merged)  # type: ignore[assignment]
    except OmegaConfBaseException as exc:
        raise ConfigError(_omegaconf_message(exc)) from None
    check_values(config)
    return config


def with_values(config: Config, values: Mapping[str, Any]) -> Config:
    """`config` (a checked config, as :func:`to_config` gives) with the dotted keys set
    to `values` (``{"params.trust_gain": 0.1}``), checked: the config, or the one-line
    :class:`ConfigError`, that :func:`to_config` gives for `config`'s settings with
    those keys set, at a small part of its cost (a study or a calibration sets a few
    values on one base config for each of its runs).

    A value of exactly its setting's type (a float for a float, an int for an int, as
    :func:`config_container` requires) is set on the dataclasses and the values are
    checked (:func:`imssim.config.checks.check_values`): OmegaConf's merge would leave
    it as it is. Anything else (a key not in the schema, an int for a float, a float
    for an int, text holding ``${``) goes through :func:`to_config` itself, its
    conversions and its errors. A numpy number counts as the Python number it holds
    (OmegaConf would refuse it).
    """
    values = {k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()}
    fast: Any = config
    for key, value in values.items():
        fast = _set_typed(fast, key.split("."), value)
        if fast is None:
            container = config_container(config)
            for dotted, new in values.items():
                _set_nested(container, dotted.split("."), new)
            return to_config(container)
    check_values(fast)
    return fast


def _set_typed(obj: Any, parts: list[str], value: Any) -> Any:
    """The dataclass `obj` with the setting at `parts` set to `value`, or None when
    that is no setting of it or `value` is not exactly of its type."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return None
    hint = dict(_field_types(type(obj))).get(parts[0])
    if hint is None:
        return None
    if len(parts) == 1:
        new = value if _as_typed(value, hint) else None
    else:
        new = _set_typed(getattr(obj, parts[0]), parts[1:], value)
    return None if new is None else dataclasses.replace(obj, **{parts[0]: new})


def _set_nested(container: dict[str, Any], parts: list[str], value: Any) -> None:
    """Set the setting at `parts` in a config's containers (a key not there is added,
    for :func:`to_config` to refuse by name)."""
    node = container
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


@functools.cache
def _schema() -> DictConfig:
    """:class:`Config` as an OmegaConf schema, built once per process: ``OmegaConf.merge``
    deep-copies its first argument, so a merge never changes the schema."""
    return OmegaConf.structured(Config)


def config_container(config: Any) -> Any:
    """A config dataclass as plain dicts and lists: what
    ``OmegaConf.to_container(OmegaConf.structured(config))`` gives.

    A config whose every value already has its field's exact type (one built by
    :func:`to_config`, and one derived from it by ``dataclasses.replace``) is taken
    as it is (``dataclasses.asdict``): OmegaConf would convert none of its values. Any
    other (an int in a float field, a tuple for a list, a string holding ``${``, which
    OmegaConf parses as an interpolation) goes through OmegaConf, its conversions and
    its errors.
    """
    if dataclasses.is_dataclass(config) and _as_typed(config, type(config)):
        return dataclasses.asdict(config)
    return OmegaConf.to_container(OmegaConf.structured(config))


def config_yaml(container: Any) -> str:
    """``OmegaConf.to_yaml(container)`` for a container from :func:`config_container`:
    the same dump (OmegaConf's dumper and options), without first turning the container
    into a DictConfig and back, which gives it back unchanged.

    A mapping's dump is its keys' dumps one after the other (each key at the start of
    a line, its value below it): each key's text is kept for the next config that
    gives it the same value (a sweep's runs differ in a few keys). Not where a list or
    mapping object appears twice (YAML would number its anchors across the keys) or
    a value holds anything but plain containers: those are dumped whole."""
    if not isinstance(container, dict) or not _unshared(container, set()):
        return _dump(container)
    texts = []
    for key, value in container.items():
        text = fingerprint(value) if isinstance(key, str) else None
        if text is None:
            return _dump(container)
        part = _YAML_KEPT.get((key, text))
        if part is None:
            if len(_YAML_KEPT) >= KEPT:
                del _YAML_KEPT[next(iter(_YAML_KEPT))]
            part = _YAML_KEPT[key, text] = _dump({key: value})
        texts.append(part)
    return "".join(texts)


_YAML_KEPT: dict[tuple[str, str], str] = {}


def _dump(container: Any) -> str:
    return yaml.dump(
        container,
        default_flow_style=False,
        allow_unicode=True,
        sort_keys=False,
        Dumper=get_omega_conf_dumper(),
    )


def _unshared(value: Any, seen: set[int]) -> bool:
    """Whether no list or dict object appears twice in `value`."""
    if isinstance(value, dict | list):
        if id(value) in seen:
            return False
        seen.add(id(value))
        items = value.values() if isinstance(value, dict) else value
        return all(_unshared(v, seen) for v in items)
    return True


@functools.cache
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in fields(cls))


_PLAIN = (int, float, str, bool)


def _as_typed(value: Any, hint: Any) -> bool:
    """Whether `value` has exactly the type `hint` names (a dataclass, ``list[...]``,
    ``X | None``, int, float, str or bool), all the way down, with no string OmegaConf
    would read as an interpolation."""
    if hint in _PLAIN:
        return type(value) is hint and not (hint is str and "${" in value)
    if hint is type(None):
        return value is None
    if dataclasses.is_dataclass(hint):
        return type(value) is hint and all(
            _as_typed(getattr(value, name), h) for name, h in _field_types(hint)
        )
    origin = typing.get_origin(hint)
    if origin is list:
        (item,) = typing.get_args(hint)
        return type(value) is list and all(_as_typed(v, item) for v in value)
    if origin is types.UnionType or origin is typing.Union:
        return any(_as_typed(value, h) for h in typing.get_args(hint))
    return False


def _split_dotted(cfg: dict[Any, Any]) -> tuple[dict[Any, Any], dict[str, Any]]:
    """`cfg`'s nested keys and its dotted ones (``"params.trust_gain"``; ``hydra.*``
    dropped, as ``hydra`` is); a setting given both ways is refused (ConfigError)."""
    nested = {k: v for k, v in cfg.items() if not (isinstance(k, str) and "." in k)}
    dotted = {k: v for k, v in cfg.items() if isinstance(k, str) and "." in k}
    for key in dotted:
        node: Any = nested
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            raise ConfigError(f"{key}: given twice, nested and as a dotted key")
    return nested, {k: v for k, v in dotted.items() if not k.startswith("hydra.")}


def _shipped(key: str, value: Any) -> Any:
    """A scenario, policy or parameter set named by a string, as its settings: a shipped
    one by its name (``"deep_cuts"``, ``"calibrated"``), one's own by its path
    (``"my/strategist.yaml"``)."""
    if key not in ("scenario", "policy", "params") or not isinstance(value, str):
        return value
    return shipped_settings(key, value)


def _omegaconf_message(exc: OmegaConfBaseException) -> str:
    """One line from an OmegaConf error: what went wrong and at which key."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    key = getattr(exc, "full_key", None)
    if key and key not in first:
        return f"{first} (key: {key})"
    return first
