"""Uniforms keyed by entry, inside a compiled loop.

:func:`uniform_at` gives, bit for bit, what :func:`imssim.model.keyed_uniforms.uniforms`
gives for one entry: the same unsigned 64-bit arithmetic (wrapping), the same shifts,
the same conversion to a float.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import inline, kernel
from imssim.model.keyed_uniforms import GAMMA, MIX1, MIX2, SCALE

_GAMMA, _MIX1, _MIX2 = np.uint64(GAMMA), np.uint64(MIX1), np.uint64(MIX2)


@inline
def uniform_at(key, entry):
    """The uniform of flat index `entry` under `key` (a uint64)."""
    x = np.uint64(entry) * _GAMMA
    x = x ^ key
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    x = x ^ (x >> np.uint64(31))
    return (np.float64(x >> np.uint64(11)) + 0.5) * SCALE


@kernel
def uniforms(key, flat):
    """float[n]: :func:`uniform_at` of each entry of `flat` (int64[n])."""
    out = np.empty(flat.size)
    for e in range(flat.size):
        out[e] = uniform_at(key, flat[e])
    return out
