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


@kernel
def effective(bilateral, every):
    """(eff int8[N, N, A], area_form int8[N, A]): the deeper of `bilateral` and `every`
    per pair and area, and over the first axis the deepest (``eff.max(axis=0)``)."""
    n, m, n_areas = bilateral.shape
    eff = np.empty((n, m, n_areas), dtype=np.int8)
    area_form = np.full((m, n_areas), np.iinfo(np.int8).min, dtype=np.int8)
    for i in range(n):
        for j in range(m):
            for a in range(n_areas):
                form = max(bilateral[i, j, a], every[i, j, a])
                eff[i, j, a] = form
                if form > area_form[j, a]:
                    area_form[j, a] = form
    return eff, area_form
