"""A noisy choice: each row's best entries by value plus Gumbel noise.

Each state chooses its steps of a year among its positive ones with Gumbel noise of
scale ``choice_temperature`` (docs/ODD.md, 7.11). :func:`choose_top` picks exactly
what drawing the noise of every entry of the state x (partner, area) matrix would
pick, and leaves the generator as that leaves it, while transforming only the draws
of the entries that may be among a row's best.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from imssim.model import kernels
from imssim.model.cooperation import BOUND_MARGIN

Noise = Callable[[np.ndarray], np.ndarray]  # the exact noise of the listed entries idx


def choose_top(
    rng: np.random.Generator,
    shape: tuple[int, int],
    row: np.ndarray,
    col: np.ndarray,
    value: np.ndarray,
    temperature: float,
    kmax: int,
    buffer: np.ndarray | None = None,
) -> list[tuple[int, int]]:
    """The (row, column) pairs of the `kmax` best entries of each row, by `value` plus noise.

    The noise is Gumbel of scale `temperature`, entry by entry; the pairs are exactly
    what

        noise = rng.gumbel(size=shape) * temperature
        score = np.full(shape, -np.inf); score[row, col] = value; score += noise
        top = np.argpartition(-score, kmax - 1, axis=1)[:, :kmax]   # finite ones

    picks, and the generator left as that leaves it, without transforming every draw.

    The draws come from the same uniforms (``rng.random``) that ``rng.gumbel``
    transforms; the noise of each listed entry is first estimated with numpy's
    logarithm (within a few units in the last place of the C library's), the entries
    that may be among a row's best (within a margin far above that error) are then
    transformed exactly as ``rng.gumbel`` transforms them (the C library's logarithm,
    math.log). Should a uniform be exactly 0 (``rng.gumbel`` then draws again), the
    full call is made instead; a row whose kmax-th and next scores tie is handed to
    argpartition with its exact scores. `buffer` (float[shape]), if given, receives the
    uniforms.
    """
    if kernels.enabled():
        chosen = _choose_compiled(rng, shape, (row, col, value), (temperature, kmax), buffer)
        if chosen is not None:
            return chosen
    drawn = _draw(rng, shape, row, col, buffer)
    if drawn is None:
        return []
    estimate, exact = drawn
    rough = value + estimate * temperature
    maybe = np.flatnonzero(rough >= _thresholds(row, rough, kmax, temperature))
    score = value[maybe] + exact(maybe) * temperature
    return _best_by_row(shape, (row, col, value), maybe, score, exact, temperature, kmax)


def choose_entries(
    rng: np.random.Generator,
    shape: tuple[int, int],
    listed: tuple[np.ndarray, np.ndarray, np.ndarray],
    setting: tuple[float, int],
    buffer: np.ndarray | None = None,
) -> np.ndarray | None:
    """The listed (row, column, value) entries that :func:`choose_top` picks with
    `setting` (temperature, kmax), as indices into them, row by row, from the compiled
    pass (:func:`imssim.model.kernels.choice.best_by_row`); None, the generator as it
    was, where :func:`choose_top` settles it otherwise (a uniform exactly 0, or a row
    whose kmax-th and next scores tie)."""
    row, col, value = listed
    temperature, kmax = setting
    uniform, saved = _uniforms(rng, shape, buffer)
    if uniform.min() == 0.0:
        rng.bit_generator.state = saved
        return None
    if row.size == 0:
        return np.empty(0, dtype=np.int64)
    picked, tied = kernels.load("choice").best_by_row(row, col, value, uniform, temperature, kmax)
    if tied.size:
        rng.bit_generator.state = saved
        return None
    return picked


def _choose_compiled(
    rng: np.random.Generator,
    shape: tuple[int, int],
    listed: tuple[np.ndarray, np.ndarray, np.ndarray],
    setting: tuple[float, int],
    buffer: np.ndarray | None,
) -> list[tuple[int, int]] | None:
    """What :func:`choose_top` picks, from the compiled pass over the listed entries
    (:func:`imssim.model.kernels.choice.best_by_row`); None, the generator as it was,
    when a uniform is exactly 0 (the numpy code then makes the full call)."""
    row, col, value = listed
    temperature, kmax = setting
    uniform, saved = _uniforms(rng, shape, buffer)
    if uniform.min() == 0.0:
        rng.bit_generator.state = saved
        return None
    if row.size == 0:
        return []
    picked, tied = kernels.load("choice").best_by_row(row, col, value, uniform, temperature, kmax)
    chosen = list(zip(row[picked].tolist(), col[picked].tolist(), strict=True))
    if tied.size:
        exact = _exact_noise(uniform[row, col])
        chosen += _tied_rows(shape, listed, tied.tolist(), exact, (temperature, kmax))
        chosen.sort(key=lambda rc: rc[0])  # row by row, as the rows of the full matrix
    return chosen


def _uniforms(
    rng: np.random.Generator, shape: tuple[int, int], buffer: np.ndarray | None
) -> tuple[np.ndarray, Mapping[str, Any]]:
    """A uniform for every entry of `shape` (into `buffer` when it fits), drawn whether
    or not any entry is listed, and the generator's state before the draw."""
    saved = rng.bit_generator.state
    if buffer is None or buffer.shape != shape:
        buffer = np.empty(shape)
    return rng.random(size=shape, out=buffer), saved


def _exact_noise(picked: np.ndarray) -> Noise:
    """The exact noise of the listed entries whose uniforms are `picked`, as
    ``rng.gumbel`` transforms them (the C library's logarithm)."""

    def exact(idx: np.ndarray) -> np.ndarray:
        return np.array(
            [0.0 - math.log(-math.log(1.0 - u)) for u in picked[idx].tolist()], dtype=float
        )

    return exact


def _draw(
    rng: np.random.Generator,
    shape: tuple[int, int],
    row: np.ndarray,
    col: np.ndarray,
    buffer: np.ndarray | None,
) -> tuple[np.ndarray, Noise] | None:
    """The noise of the listed entries: an estimate, and a function giving the exact
    noise of some of them; None when no entry is listed. Draws as ``rng.gumbel`` would."""
    uniform, saved = _uniforms(rng, shape, buffer)
    if row.size == 0 and uniform.min() > 0.0:
        return None
    if uniform.min() == 0.0:
        rng.bit_generator.state = saved
        drawn = rng.gumbel(size=shape)[row, col]
        if row.size == 0:
            return None

        def exact_drawn(idx: np.ndarray) -> np.ndarray:
            return drawn[idx]

        return drawn, exact_drawn
    picked = uniform[row, col]
    return -np.log(-np.log(1.0 - picked)), _exact_noise(picked)


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
    listed: tuple[np.ndarray, np.ndarray, np.ndarray],
    maybe: np.ndarray,
    score: np.ndarray,
    exact: Noise,
    temperature: float,
    kmax: int,
) -> list[tuple[int, int]]:
    """The best kmax of each row among the entries `maybe` of the `listed` (row,
    column, value) by their exact `score`; a row whose kmax-th and next exact scores
    tie goes to argpartition, as it would."""
    row, col, _ = listed
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
    chosen += _tied_rows(shape, listed, sorted(tied), exact, (temperature, kmax))
    chosen.sort(key=lambda rc: rc[0])  # row by row, as the rows of the full matrix
    return chosen


def _tied_rows(
    shape: tuple[int, int],
    listed: tuple[np.ndarray, np.ndarray, np.ndarray],
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
