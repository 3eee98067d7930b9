"""Compiled loops for the model's hottest mechanisms, with numba when it is installed.

A year of the default world is some thousands of numpy operations on arrays of 49 x 49
(x 17) values: each costs more in its call than in its arithmetic. The kernels of this
package do such a mechanism's passes in one compiled loop. Each gives, bit for bit, what
the numpy code it stands beside gives: the same arithmetic in the same order, with no
fast-math reordering (the tables of ``tests/test_goldens.py`` are checked both ways).

numba is optional (the ``fast`` extra, which ``make setup`` installs): without it, or
with the environment variable ``IMSSIM_COMPILED=0``, or inside :func:`numpy_only`, every
mechanism runs its numpy code. The compiled code is cached on disk beside these
modules, so that a process loads it instead of compiling it again.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

numba: Any
try:  # optional: the numpy code runs without it
    import numba
except ImportError:  # pragma: no cover - exercised on machines without the extra
    numba = None

_state = {"on": numba is not None and os.environ.get("IMSSIM_COMPILED", "1") != "0"}


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
    """`fn` compiled by numba (no Python objects, cached on disk, no fast-math), or `fn`
    itself without numba (the mechanisms then do not call it: :func:`enabled`)."""
    if numba is None:  # pragma: no cover
        return fn
    return numba.njit(cache=True, nogil=True)(fn)


def inline(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A part of a kernel, compiled into each kernel that calls it."""
    if numba is None:  # pragma: no cover
        return fn
    return numba.njit(inline="always", cache=True, nogil=True)(fn)
