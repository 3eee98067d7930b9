"""Reading the run tables the claims compare: a year's rows, the focal state's row, the
pairs' forms as a matrix, and means and medians that tolerate empty groups."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from imssim.model.tables import Tables
from imssim.world import load_world

FOCAL = "NLD"
MID_YEAR = 2020  # by when austerity has worked through (the cuts run to 2015)
END_YEAR = 2035  # the command line's end_year
DEEP_FORM = 4  # forms 4-6 are the deep forms


def at(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of `frame` for `year`."""
    return frame[frame["year"] == year]


def focal_row(t: Tables, year: int = END_YEAR, focal: str = FOCAL) -> pd.Series:
    """The focal state's row of the countries table in `year`."""
    c = at(t.countries, year)
    return c[c["country"] == focal].iloc[0]


def form_matrix(t: Tables, year: int, column: str = "max_form") -> np.ndarray:
    """[state, partner] -> the pair's form in `year` (0 where the pairs table has no row)."""
    world = load_world()
    index = {code: i for i, code in enumerate(world.iso3)}
    p = at(t.pairs, year)
    out = np.zeros((world.n_states, world.n_states), dtype=int)
    out[p["country"].map(index), p["partner"].map(index)] = p[column]
    return out


def mean_or_nan(values: np.ndarray) -> float:
    """The mean, NaN for no values."""
    return float(values.mean()) if values.size else math.nan


def median_of(values: Iterable[float]) -> float:
    """The median of any iterable of numbers."""
    return float(np.median(list(values)))
