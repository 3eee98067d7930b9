"""A noisy choice: each row's best entries by value plus Gumbel noise.

Each state chooses its steps of a year among its positive ones with Gumbel noise of
scale ``choice_temperature`` (docs/ODD.md, 7.11). The noise of entry (r, c) of the
state x (partner, area) matrix is ``-log(-log(1 - u))`` of its uniform u keyed by the
year's key and the entry's flat index (:mod:`imssim.model.keyed_uniforms`): the same
noise for the same step in two runs with the same seed, whatever else they weigh, and
drawn only for the entries listed. :func:`choose_top` picks what ranking every listed
entry by its score would pick (``np.argpartition`` on the full matrix, where entries
not listed score -inf), transforming exactly (with the C library's logarithm,
``math.log``) only the entries that may be among a row's best.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from imssim.model import kernels
from imssim.model.keyed_uniforms import uniforms
from imssim.model.tolerances import BOUND_MARGIN

Noise = Callable[[np.ndarray], np.ndarray]  # the exact noise of the listed entries idx
Listed = tuple[np.ndarray, np.ndarray, np.ndarray]  # (row, column, value) of each entry


def gumbel(u: float) -> float:
    """The standard Gumbel noise of the uniform `u` in (0, 1), with the C library's
    logarithm (as the compiled pass computes it)."""
    return 0.0 - math.log(-math.log(1.0 - u))


def choose_top(
    key: np.uint64, shape: tuple[int, int], listed: Listed, setting: tuple[float, int]
) -> list[tuple[int, int]]:
    """The (row, column) pairs of the `kmax` best `listed` (row, column, value) entries
    of each row, by value plus noise, row by row; `setting` = (temperature, kmax).

    The noise is Gumbel of scale `temperature`, entry by entry, from the uniforms keyed
    by `key`; the pairs are exactly what

        noise = temperature * gumbel(uniforms(key, np.arange(size)).reshape(shape))
        score = np.full(shape, -np.inf); score[row, col] = value; score += noise
        top = np.argpartition(-score, kmax - 1, axis=1)[:, :kmax]   # finite ones

    picks. The noise of each listed entry is first estimated with numpy's logarithm
    (within a few units in the last place of the C library's); the entries that may be
    among a row's best (within a margin far above that error) are then transformed
    exactly. A row whose kmax-th and next scores tie is handed to argpartition with its
    exact scores.
    """
    row, col, value = listed
    temperature, kmax = setting
    if row.size == 0:
        return []
    if kernels.enabled():
        picked = choose_entries(key, shape, listed, setting)
        if picked is not None:
            return list(zip(row[picked].tolist(), col[picked].tolist(), strict=True))
    u = uniforms(key, row * shape[1] + col)
    rough = value + -np.log(-np.log(1.0 - u)) * temperature
    maybe = np.flatnonzero(rough >= _thresholds(row, rough, kmax, temperature))
    exact = _exact_noise(u)
    score = value[maybe] + exact(maybe) * temperature
    return _best_by_row(shape, listed, maybe, score, exact, setting)


def choose_entries(
    key: np.uint64, shape: tuple[int, int], listed: Listed, setting: tuple[float, int]
) -> np.ndarray | None:
    """The listed entries that :func:`choose_top` picks, as indices into them, row by
    row, from the compiled pass (:func:`imssim.model.kernels.choice.best_by_row`); None
    where a row's kmax-th and next scores tie (:func:`choose_top` settles it)."""
    row, col, value = listed
    temperature, kmax = setting
    if row.size == 0:
        return np.empty(0, dtype=np.int64)
    picked, tied = kernels.load("choice").best_by_row(
        (row, col, value), key, shape[1], temperature, kmax
    )
    return None if tied.size else picked


def _exact_noise(u: np.ndarray) -> Noise:
    """The exact noise of the listed entries whose uniforms are `u` (:func:`gumbel`)."""

    def exact(idx: np.ndarray) -> np.ndarray:
        return np.array([gumbel(v) for v in u[idx].tolist()], dtype=float)

    return exact


def _thresholds(row: np.ndarray, rough: np.ndarray, kmax: int, temperature: float) -> np.ndarray:
    """Per listed entry: its row's kmax-th best rough score less the margin (-inf in a
    row of at most kmax entries); an entry below it cannot be among the row's best."""
    order = np.lexsort((rough, row))  # by row, then by rough score (ascending)
    by_row = row[order]
    starts = np.flatnonzero(np.r_[True, by_row[1:] != by_row[:-1]])
    counts = np.diff(np.r_[starts, row.size])
    # the kmax-th best of a row: its kmax-th from the end (an element: exact)
    kth = np.where(counts > kmax, rough[order][np.maximum(starts + counts - kmax, 0)], -np.inf)
    threshold = np.empty(row.size)
    threshold[order] = np.repeat(kth - BOUND_MARGIN * max(1.0, temperature), counts)
    return threshold


def _best_by_row(
    shape: tuple[int, int],
    listed: Listed,
    maybe: np.ndarray,
    score: np.ndarray,
    exact: Noise,
    setting: tuple[float, int],
) -> list[tuple[int, int]]:
    """The best kmax of each row among the entries `maybe` of the `listed` (row,
    column, value) by their exact `score`; a row whose kmax-th and next exact scores
    tie goes to argpartition, as it would."""
    row, col, _ = listed
    kmax = setting[1]
    order = np.lexsort((-score, row[maybe]))
    ranked, by_row = maybe[order], row[maybe][order]
    starts = np.flatnonzero(np.r_[True, by_row[1:] != by_row[:-1]])
    counts = np.diff(np.r_[starts, by_row.size])
    place = np.arange(by_row.size) - np.repeat(starts, counts)
    exact_score = score[order]
    tied_at = starts[counts > kmax] + kmax - 1
    tied = set(by_row[tied_at[exact_score[tied_at] == exact_score[tied_at + 1]]].tolist())
    chosen = [
        (int(r), int(c))
        for r, c in zip(by_row[place < kmax], col[ranked[place < kmax]], strict=True)
        if r not in tied
    ]
    chosen += _tied_rows(shape, listed, sorted(tied), exact, setting)
    chosen.sort(key=lambda rc: rc[0])  # row by row, as the rows of the full matrix
    return chosen


def _tied_rows(
    shape: tuple[int, int],
    listed: Listed,
    tied: list[int],
    exact: Noise,
    setting: tuple[float, int],
) -> list[tuple[int, int]]:
    """The best kmax of each of the `tied` rows, picked by argpartition on the row's
    exact scores, as the full call picks them."""
    row, col, value = listed
    temperature, kmax = setting
    chosen = []
    for r in tied:
        every = np.flatnonzero(row == r)
        full = np.full(shape[1], -np.inf)
        full[col[every]] = value[every] + exact(every) * temperature
        top = np.argpartition(-full, kmax - 1)[:kmax]
        chosen += [(r, int(c)) for c in top if np.isfinite(full[c])]
    return chosen
