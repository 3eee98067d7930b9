"""A sweep job's config as plain containers, made from its combination's config
without copying that config whole.

The launcher composes a config once per combination of config groups and applies a
job's plain ``key=value`` overrides to a copy of it (:mod:`imssim.runs.launcher`). The
job is then sent to its worker as plain containers, resolved. Copying the composed
config (OmegaConf's ``deepcopy``) and converting it back to containers took about 15 ms
a job, on the core the workers need. :class:`PlainBase` makes the same containers
from the combination's containers, made once: each override's value is converted as
Hydra converts it, by applying it to one scratch copy of the combination's config (the
very function Hydra applies, so the value has the schema's type: ``1`` for a float
setting becomes ``1.0``), and the job's containers share every branch the job does not
change with the combination's (only the dictionaries on the way to a changed key are
new).

Only what cannot differ from Hydra's result takes this way: a config without
interpolations (a value that refers to another changes when that one does), values
that are numbers, text without interpolation, booleans or null, set on a setting that
holds one (not a section). Anything else, and any override Hydra refuses, is left to
the launcher's full composition (:meth:`PlainBase.apply` returns None), which gives
Hydra's config or Hydra's error. A test compares the two for the values a sweep varies.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from imssim.runs.hydra_private import apply_plain_overrides

_NO = object()  # not made this way: the launcher composes the job in full
_PLAIN = (str, int, float, bool, type(None))


def apply_overrides(base: DictConfig, values: Sequence[Any]) -> DictConfig:
    """A copy of `base` with plain parsed overrides applied, as Hydra applies them at the
    end of a composition (the same function: the same result and the same errors; see
    :mod:`imssim.runs.hydra_private`)."""
    cfg = copy.deepcopy(base)
    apply_plain_overrides(list(values), cfg)
    return cfg


def interpolated(value: Any) -> bool:
    """Whether plain containers `value` hold an interpolation (``${...}``) anywhere."""
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, dict):
        return any(interpolated(v) for v in value.values())
    if isinstance(value, list):
        return any(interpolated(v) for v in value)
    return False


class PlainBase:
    """The resolved containers of one combination's composed config (`base`, which is
    not changed), and the jobs' containers made from them (:meth:`apply`)."""

    def __init__(self, base: DictConfig) -> None:
        self.base = base
        raw = OmegaConf.to_container(base, resolve=False)
        self.tree: dict[str, Any] | None = (
            None if interpolated(raw) else OmegaConf.to_container(base, resolve=True)  # type: ignore[assignment]
        )
        self._scratch: DictConfig | None = None

    def container(self, values: Sequence[Any]) -> dict[str, Any]:
        """``OmegaConf.to_container(apply_overrides(base, values), resolve=True)``:
        the same containers, or the same error, made by :meth:`apply` where it can."""
        tree = self.apply(values)
        if tree is None:
            full = apply_overrides(self.base, values)
            return OmegaConf.to_container(full, resolve=True)  # type: ignore[return-value]
        return tree

    def apply(self, values: Sequence[Any]) -> dict[str, Any] | None:
        """The containers of the base with the parsed plain overrides `values` applied
        in order, as ``OmegaConf.to_container(<the base with them applied>,
        resolve=True)`` gives them; None where that is not certain (see the module's
        description). The result shares the branches it does not change with the
        base's containers: it is to be read (or sent), not changed."""
        tree: Any = self.tree
        if tree is None:
            return None
        for override in values:
            value = self._converted(override)
            if value is _NO:
                return None
            tree = _replaced(tree, override.key_or_group.split("."), value)
            if tree is _NO:
                return None
        return tree

    def _converted(self, override: Any) -> Any:
        """The override's value as the config holds it once Hydra has applied it (on
        the scratch copy), or _NO."""
        value = override.value()
        if not isinstance(value, _PLAIN) or (isinstance(value, str) and "${" in value):
            return _NO
        if self._scratch is None:
            self._scratch = copy.deepcopy(self.base)
        try:
            apply_plain_overrides([override], self._scratch)
            held = OmegaConf.select(self._scratch, override.key_or_group, throw_on_missing=True)
        except Exception:  # refused: the full composition gives Hydra's error
            self._scratch = None  # (and a refusal may have left the copy half changed)
            return _NO
        return _NO if isinstance(held, DictConfig | ListConfig) else held


def _replaced(tree: Any, path: list[str], value: Any) -> Any:
    """`tree` with the entry at `path` set to `value`: new containers on the way to it,
    the others shared; _NO when the path is not in `tree`."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        if head not in tree:
            return _NO
        new = _replaced(tree[head], rest, value)
        return _NO if new is _NO else {**tree, head: new}
    if isinstance(tree, list) and head.isdigit() and int(head) < len(tree):
        new = _replaced(tree[int(head)], rest, value)
        if new is _NO:
            return _NO
        copied = list(tree)
        copied[int(head)] = new
        return copied
    return _NO
