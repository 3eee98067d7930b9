"""Uniforms keyed by entry: common random numbers drawn only where they are needed.

Two runs with the same seed should draw the same number for the same chance (a tie's
expiry in a year, the noise on a step a state weighs), whatever else differs between
them, so that a run and its counterfactual differ by their inputs, not by their luck.
Drawing a uniform for every pair and area every year gives that, at the price of tens of
thousands of draws a year of which a few hundred are read. Here each entry's uniform is
a hash of the year's key and the entry's flat index instead: the stream gives one key a
year (:func:`year_key`, drawn whatever the year needs), and the uniform of entry `e` is
the SplitMix64 finaliser of ``key ^ (e * 0x9E3779B97F4A7C15)``, its top 53 bits plus
one half, times 2**-53: in (0, 1), never 0 or 1. Each number depends only on the key
and the entry, so it is the same whichever entries a run reads, and the numbers of
different entries are, for a model's purposes, independent (SplitMix64's output passes
the BigCrush battery; Steele, Lea and Flood 2014).

:func:`uniforms` computes them with numpy's wrapping 64-bit integers;
:func:`imssim.model.kernels.keyed.uniform_at` gives the same bits inside a compiled loop.
"""

from __future__ import annotations

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)  # the golden-ratio increment of SplitMix64
MIX1 = np.uint64(0xBF58476D1CE4E5B9)  # the finaliser's multipliers (Stafford's mix 13)
MIX2 = np.uint64(0x94D049BB133111EB)
SCALE = 2.0**-53  # a 53-bit integer plus one half to (0, 1)


def year_key(rng: np.random.Generator) -> np.uint64:
    """The year's key: one 64-bit draw from the stream `rng`."""
    return np.uint64(rng.bit_generator.random_raw())


def uniforms(key: np.uint64, flat: np.ndarray) -> np.ndarray:
    """float[...]: the uniform of each entry of `flat` (non-negative integers: flat
    indices into the year's array of chances) under `key`."""
    x = np.asarray(flat).astype(np.uint64) * GAMMA
    x ^= key
    x ^= x >> np.uint64(30)
    x *= MIX1
    x ^= x >> np.uint64(27)
    x *= MIX2
    x ^= x >> np.uint64(31)
    return ((x >> np.uint64(11)).astype(np.float64) + 0.5) * SCALE
