"""The model's numerical tolerance, defined once for the numpy code and the compiled loops.

``EPS``: a holding, a share, a weight or a sum at or below it counts as nothing (a state
holds an area when its capability is above it; a ratio with a base at or below it is
not taken). Far below any value a mechanism means, far above the rounding of the sums
that make those values.

``BOUND_MARGIN``: the margin of a bound or an estimate (a step's value bounded over the
areas, a noisy choice's rough scores): far above rounding, far below any value that
counts.
"""

from __future__ import annotations

EPS = 1e-9
BOUND_MARGIN = 1e-9
