"""The forms pairs share through frameworks, painted in one loop, and the effective forms.

:func:`paint` gives what :func:`imssim.model.layers.area_layer` gives by assigning each
framework's form to the block of its members (``layer[np.ix_(who, who)] = form``), the
frameworks in the order given, so that a later one overwrites an earlier one;
:func:`repaint` gives what :meth:`imssim.model.layers.FrameworkLayers.update` writes
into the areas whose frameworks' members changed, all in one call (area_layer paints
the shallow forms first: what stays is the deepest, a maximum, exact in any order);
:func:`effective` the deeper of the bilateral and framework forms.
"""

from __future__ import annotations

import numpy as np

from imssim.model.kernels import inline, kernel


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
def repaint(members, old, table, layers):
    """(every, beyond, whether they changed): `layers` (every, beyond) int8[N, N, A],
    in copies with the areas of the frameworks whose members (`members` bool[F, N])
    differ from `old` [F', N] (those beyond its rows are new) written anew; `layers`
    themselves when none differ. `table` [3, F]: each framework's area, form and
    whether it is beyond the baseline."""
    todo = np.zeros(layers[0].shape[2], dtype=np.bool_)
    changed = False
    for f in range(members.shape[0]):
        differs = f >= old.shape[0]
        for i in range(members.shape[1]):
            if differs:
                break
            differs = members[f, i] != old[f, i]
        if differs:
            todo[table[0, f]] = True
            changed = True
    if not changed:
        return layers[0], layers[1], False
    every, beyond = layers[0].copy(), layers[1].copy()
    _paint_areas(members, table, todo, (every, beyond))
    return every, beyond, True


@inline
def _paint_areas(members, table, todo, layers):
    """Write anew, in place, the areas `todo` (bool[A]) of `layers`: (every, beyond)
    int8[N, N, A], each pair's deepest form through the frameworks of each area (of
    those beyond the baseline), 0 on the diagonal; `table` [3, F] holds each
    framework's area, form and whether it is beyond the baseline."""
    every, beyond = layers
    n = members.shape[1]
    who = np.empty(n, dtype=np.int64)
    for a in range(todo.size):
        if not todo[a]:
            continue
        every[:, :, a] = 0
        beyond[:, :, a] = 0
        for f in range(members.shape[0]):
            if table[0, f] != a:
                continue
            count, form = 0, table[1, f]
            for i in range(n):
                if members[f, i]:
                    who[count] = i
                    count += 1
            for x in range(count):
                for y in range(count):
                    i, j = who[x], who[y]
                    every[i, j, a] = max(every[i, j, a], form)
                    if table[2, f] > 0:
                        beyond[i, j, a] = max(beyond[i, j, a], form)
        for i in range(n):
            every[i, i, a] = 0
            beyond[i, i, a] = 0


@kernel
def effective(bilateral, every):
    """(eff int8[N, N, A], area_form int8[N, A]): the deeper of `bilateral` and `every`
    (both C-contiguous) per pair and area, and over the first axis the deepest
    (``eff.max(axis=0)``)."""
    n, m, n_areas = bilateral.shape
    eff = np.empty((n, m, n_areas), dtype=np.int8)
    area_form = np.full((m, n_areas), np.iinfo(np.int8).min, dtype=np.int8)
    # row i of each as one run of m x A values: (j, a) at j * A + a in all three
    flat_bil, flat_every = bilateral.reshape(n, m * n_areas), every.reshape(n, m * n_areas)
    flat_eff, flat_area = eff.reshape(n, m * n_areas), area_form.reshape(m * n_areas)
    for i in range(n):
        for x in range(m * n_areas):
            form = max(flat_bil[i, x], flat_every[i, x])
            flat_eff[i, x] = form
            flat_area[x] = max(flat_area[x], form)
    return eff, area_form
