"""The forms pairs share through the frameworks of one area, painted in one loop.

:func:`paint` gives what :func:`imssim.model.layers.area_layer` gives by assigning each
framework's form to the block of its members (``layer[np.ix_(who, who)] = form``), the
frameworks in the order given, so that a later one overwrites an earlier one.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import kernel


@kernel
def paint(members, order, forms):
    """int8[N, N]: each pair's form of the last framework of `order` (indices into
    `members` bool[F, N] and `forms` [F]) both are members of; 0 where there is none."""
    n = members.shape[1]
    layer = np.zeros((n, n), dtype=np.int8)
    who = np.empty(n, dtype=np.int64)
    for f in order:
        count = 0
        for i in range(n):
            if members[f, i]:
                who[count] = i
                count += 1
        form = forms[f]
        for x in range(count):
            for y in range(count):
                layer[who[x], who[y]] = form
    return layer
