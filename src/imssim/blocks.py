"""Blocks of rows for computations over state x state x area arrays.

The cooperation rules and the outcomes compute on arrays of N x N x A values. For the
default world (49 states) these fit in the processor's cache; for worlds of hundreds of
states each temporary array would be tens of megabytes, and memory traffic would
dominate. Computing such an expression block by block of rows (states i), with every
element computed by the same operations, gives the identical result faster.
"""

from __future__ import annotations

BLOCK_ELEMENTS = 1 << 16  # values per temporary array of one block (512 kB of float64)


def row_blocks(n: int, per_row: int) -> list[slice]:
    """Slices covering rows 0..n-1, each of about ``BLOCK_ELEMENTS`` values when a row
    holds `per_row` values (one slice for a small world)."""
    step = max(1, BLOCK_ELEMENTS // max(per_row, 1))
    return [slice(start, min(start + step, n)) for start in range(0, n, step)]
