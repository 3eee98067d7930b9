"""Compiled loops for the model's hottest mechanisms, with numba when it is installed.

A year of the default world is some thousands of numpy operations on arrays of 49 x 49
(x 17) values: each costs more in its call than in its arithmetic. The kernels of this
package do such a mechanism's passes in one compiled loop. Each gives, bit for bit, what
the numpy code it stands beside gives: the same arithmetic in the same order, with no
fast-math reordering (the tables of ``tests/test_goldens.py`` are checked both ways).

numba is optional (the ``fast`` extra, which ``make setup`` installs): without it, or
with the environment variable ``IMSSIM_COMPILED=0``, or inside :func:`numpy_only`, every
mechanism runs its numpy code. The kernels' modules, and numba with them, are imported
on a mechanism's first compiled call (:func:`load`), so that commands that run no model
do not pay for them; the compiled code is cached on disk beside these modules, so that a
process loads it instead of compiling it again (the first run after installing compiles
it: some seconds).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

_AVAILABLE = importlib.util.find_spec("numba") is not None  # optional: numpy runs without
_state = {"on": _AVAILABLE and os.environ.get("IMSSIM_COMPILED", "1") != "0"}
_loaded: dict[str, ModuleType] = {}  # by name: a year asks for them some hundred times


def available() -> bool:
    """Whether numba is installed."""
    return _AVAILABLE


def load(name: str) -> ModuleType:
    """The kernels' module `name` of this package (imported, and compiled or loaded
    from the cache, on first use)."""
    module = _loaded.get(name)
    if module is None:
        module = _loaded[name] = importlib.import_module(f"{__name__}.{name}")
    return module


def enabled() -> bool:
    """Whether the mechanisms use their compiled kernels now."""
    return _state["on"]


@contextlib.contextmanager
def numpy_only() -> Iterator[None]:
    """Within the block, every mechanism runs its numpy code (to compare the two)."""
    before = _state["on"]
    _state["on"] = False
    try:
        yield
    finally:
        _state["on"] = before


def kernel(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` compiled by numba (no Python objects, cached on disk, no fast-math)."""
    import numba

    return numba.njit(cache=True, nogil=True)(fn)


def inline(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A part of a kernel, compiled into each kernel that calls it."""
    import numba

    return numba.njit(inline="always", cache=True, nogil=True)(fn)
