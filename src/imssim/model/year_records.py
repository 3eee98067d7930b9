"""What a year's records compute from the model's state (:class:`YearState`).

The recorder (:class:`imssim.model.tables.Recorder`) keeps, per year, what
:func:`year_pairs` counts over pairs (each state's partners by ring, the forms held, the
pairs table's rows), :func:`year_figures` computes for the countries and the alliance,
and the countries' (:func:`country_year`), holdings' (:func:`holding_year`) and
alliance's (:func:`alliance_row`) rows; each in compiled passes where numba is
installed (:mod:`imssim.model.kernels.records`), with the same results as with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imssim.model import kernels
from imssim.model.blocks import any_over_partners, count_over_areas, max_over_areas
from imssim.model.capabilities import CapabilityState
from imssim.model.capacity import Outcomes
from imssim.model.cooperation import CoopState
from imssim.model.economy import BudgetState, YearInputs
from imssim.model.forms import DEEP
from imssim.model.rings import Ring
from imssim.model.tolerances import EPS


@dataclass(frozen=True)
class YearState:
    """The model's state at the end of a year, as the recorder reads it."""

    year: int
    inputs: YearInputs
    budgets: BudgetState
    caps: CapabilityState
    coop: CoopState
    ring: np.ndarray  # int8[N, N]: each state's view of the others (rings.Ring)
    eff: np.ndarray  # int8[N, N, A]: the effective forms
    outcomes: Outcomes


def pair_counts(eff: np.ndarray, bilateral: np.ndarray) -> dict[str, np.ndarray]:
    """Per ordered pair: the deepest effective and bilateral forms, the areas at any
    form and at a deep form, whether there is a bilateral tie; and over all pairs and
    areas, how many hold each form 1-6, effective and bilateral."""
    out = {
        "max_form": max_over_areas(eff),
        "bilateral_form": max_over_areas(bilateral),
        "n_areas": count_over_areas(eff > 0),
        "n_deep_areas": count_over_areas(eff >= DEEP),
        "eff_count": np.zeros(7, dtype=np.int64),
        "bil_count": np.zeros(7, dtype=np.int64),
    }
    out["bilateral_any"] = out["bilateral_form"] > 0
    for form in range(1, 7):
        out["eff_count"][form] = np.count_nonzero(eff == form)
        out["bil_count"][form] = np.count_nonzero(bilateral == form)
    return out


@dataclass(frozen=True)
class PairYear:
    """What a year's records count over pairs: per state, its partners in each ring and
    those it has a tie with; over all pairs and areas, how many hold each form; and,
    when the pairs table is kept, its year's columns."""

    tallies: dict[str, np.ndarray]  # int64[N] by countries column (n_strategic, ...)
    eff_count: np.ndarray  # int64[7]: pairs and areas (ordered) at each effective form
    bil_count: np.ndarray  # int64[7]: at each bilateral form
    n_pairs_bilateral: int  # ordered pairs with a tie
    n_pairs_effective: int  # ordered pairs with any form
    pairs: dict[str, np.ndarray] | None  # the pairs table's columns but the year


TALLIES = ("n_strategic", "n_affiliated", "n_opportunity", "n_partners_bilateral")
PAIR_COLUMNS = (
    "country_idx",
    "partner_idx",
    "ring_idx",
    "partner_ring_idx",
    "max_form",
    "bilateral_form",
    "n_areas",
    "n_deep_areas",
    "trust",
)


def year_pairs(state: YearState, with_pairs: bool) -> PairYear:
    """The year's :class:`PairYear` (the pairs' columns when `with_pairs`), in one
    compiled pass (:func:`imssim.model.kernels.records.year_pairs`) or with numpy."""
    if not kernels.enabled():
        return _year_pairs_numpy(state, with_pairs)
    rec = kernels.load("records")
    tallies, totals, pairs = rec.year_pairs(
        state.eff, state.coop.bilateral, state.ring, state.coop.trust, int(DEEP), with_pairs
    )
    bil_at = rec.BIL_COUNT
    return PairYear(
        tallies=dict(zip(TALLIES, tallies, strict=True)),
        eff_count=totals[:bil_at],
        bil_count=totals[bil_at : 2 * bil_at],
        n_pairs_bilateral=int(totals[rec.PAIRS_BILATERAL]),
        n_pairs_effective=int(totals[rec.PAIRS_EFFECTIVE]),
        pairs=dict(zip(PAIR_COLUMNS, pairs, strict=True)) if with_pairs else None,
    )


def _year_pairs_numpy(state: YearState, with_pairs: bool) -> PairYear:
    """:func:`year_pairs` with numpy (:func:`pair_counts`)."""
    ring, pair = state.ring, pair_counts(state.eff, state.coop.bilateral)
    tallies = {
        "n_strategic": (ring == Ring.STRATEGIC).sum(axis=1),
        "n_affiliated": (ring == Ring.AFFILIATED).sum(axis=1),
        "n_opportunity": (ring == Ring.OPPORTUNITY).sum(axis=1),
        "n_partners_bilateral": pair["bilateral_any"].sum(axis=1),
    }
    return PairYear(
        tallies=tallies,
        eff_count=pair["eff_count"],
        bil_count=pair["bil_count"],
        n_pairs_bilateral=int(pair["bilateral_any"].sum()),
        n_pairs_effective=int((pair["max_form"] > 0).sum()),
        pairs=_pair_columns(state, pair) if with_pairs else None,
    )


@dataclass(frozen=True)
class YearFigures:
    """The year's figures that the countries and alliance tables compute from its state."""

    efficiency: np.ndarray  # float[N]: capacity to act per unit of real budget (0: none)
    n_areas_held: np.ndarray  # int64[N]: areas with capability above EPS
    n_areas_dropped: np.ndarray  # int64[N]: areas given up
    shortfall_total: float  # the alliance's shortfall, weighted by the requirement
    n_shortfall_areas: int  # the areas short
    worst: int  # the first area of the largest shortfall


def year_figures(state: YearState) -> YearFigures:
    """The year's :class:`YearFigures`, in one compiled pass
    (:func:`imssim.model.kernels.records.year_figures`) or with numpy."""
    caps, real_budget, capacity = state.caps, state.inputs.real_budget, state.outcomes.capacity
    shortfall, requirement = state.outcomes.shortfall, state.inputs.requirement
    if kernels.enabled():
        efficiency, held, dropped, total, short, worst = kernels.load("records").year_figures(
            caps.k, caps.dropped, capacity, real_budget, shortfall, requirement
        )
        return YearFigures(efficiency, held, dropped, float(total), int(short), int(worst))
    return YearFigures(
        efficiency=np.divide(
            capacity, real_budget, out=np.zeros_like(capacity), where=real_budget > 0
        ),
        n_areas_held=(caps.k > EPS).sum(axis=1),
        n_areas_dropped=caps.dropped.sum(axis=1),
        shortfall_total=float((shortfall * requirement).sum() / requirement.sum()),
        n_shortfall_areas=int((shortfall > 0).sum()),
        worst=int(np.argmax(shortfall)),
    )


# the countries table's columns after its year, country and region: the figures, the
# counts, and the areas rebuilt (int32)
FIGURE_COLUMNS = (
    "gdp",
    "budget",
    "real_budget",
    "defence_share",
    "threat",
    "pressure",
    "capability",
    "capacity_to_act",
    "autonomy",
    "efficiency",
)
COUNT_COLUMNS = (*TALLIES, "n_areas_held", "n_areas_dropped")


@dataclass(frozen=True)
class CountryYear:
    """A year of the countries table: its columns by name (one value per state), the
    figures and counts among them as rows of two blocks (stacked once per run)."""

    columns: dict[str, np.ndarray]
    figures: np.ndarray  # float[len(FIGURE_COLUMNS), N]
    counts: np.ndarray  # int64[len(COUNT_COLUMNS), N]


def country_year(
    state: YearState, tallies: dict[str, np.ndarray], figures: YearFigures
) -> CountryYear:
    """The year's :class:`CountryYear`, with the partners each state counts
    (:attr:`PairYear.tallies`) and its `figures`."""
    inputs, out = state.inputs, state.outcomes
    values = np.array(
        [
            inputs.gdp,
            inputs.budget,
            inputs.real_budget,
            inputs.share,
            inputs.threat,
            state.budgets.pressure,
            out.capability,
            out.capacity,
            out.autonomy,
            figures.efficiency,
        ]
    )
    counts = np.array([*tallies.values(), figures.n_areas_held, figures.n_areas_dropped])
    columns = {
        "year": np.full(state.ring.shape[0], state.year),
        **dict(zip(FIGURE_COLUMNS, values, strict=True)),
        **dict(zip(COUNT_COLUMNS, counts, strict=True)),
        "n_areas_rebuilt": state.caps.rebuilt.copy(),
    }
    return CountryYear(columns, values, counts)


def _pair_columns(state: YearState, pair: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The year's columns of the pairs table but the year (:data:`PAIR_COLUMNS`): every
    ordered pair with a ring or a form, of :func:`pair_counts`."""
    ring, max_form = state.ring, pair["max_form"]
    rows, cols = np.nonzero((ring > 0) | (max_form > 0))
    return {
        "country_idx": rows,
        "partner_idx": cols,
        "ring_idx": ring[rows, cols],
        "partner_ring_idx": ring[cols, rows],
        "max_form": max_form[rows, cols].astype(np.int8),
        "bilateral_form": pair["bilateral_form"][rows, cols].astype(np.int8),
        "n_areas": pair["n_areas"][rows, cols].astype(np.int16),
        "n_deep_areas": pair["n_deep_areas"][rows, cols].astype(np.int16),
        "trust": state.coop.trust[rows, cols],
    }


# the holdings table's columns after its year, state and area: values and flags
HOLDING_VALUES = ("capability", "need")
HOLDING_FLAGS = ("held", "given_up", "rebuilding", "relies_on_partner")


def holding_year(state: YearState) -> tuple[int, np.ndarray, np.ndarray]:
    """The year's rows of the holdings table (state x area, row-major): the year and
    two blocks, its values float[2, N * A] and its flags bool[4, N * A]
    (:data:`HOLDING_VALUES`, :data:`HOLDING_FLAGS`)."""
    caps = state.caps
    values = np.array([caps.k.ravel(), state.inputs.need.ravel()])
    if kernels.enabled():
        flags = kernels.load("records").holding_flags(
            caps.k, caps.dropped, caps.rebuild_left, state.coop.dependent
        )
    else:
        dependent = any_over_partners(state.coop.dependent)
        flags = np.array([caps.k > EPS, caps.dropped, caps.rebuild_left > 0, dependent])
    return state.year, values, flags.reshape(len(HOLDING_FLAGS), -1)


def alliance_row(
    state: YearState, pair: PairYear, figures: YearFigures, areas: tuple[str, ...]
) -> dict[str, float | str]:
    """The year's row of the alliance table."""
    out, shortfall = state.outcomes, state.outcomes.shortfall
    # each unordered pair once: the record and the frameworks are symmetric, so
    # every count over ordered pairs is twice the count over pairs
    # (as Python integers: exact, and faster than numpy's scalars)
    eff_count = [count // 2 for count in pair.eff_count.tolist()]
    bil_count = [count // 2 for count in pair.bil_count.tolist()]
    n_ties, n_effective = sum(bil_count[1:]), sum(eff_count[1:])
    row: dict[str, float | str] = {
        "year": state.year,
        "threat": state.inputs.alliance_threat,
        "capability": out.alliance_capability,
        "n_pairs_bilateral": pair.n_pairs_bilateral // 2,
        "n_ties_bilateral": n_ties,
        "mean_form_bilateral": _mean_form(bil_count, n_ties),
        "n_pairs_effective": pair.n_pairs_effective // 2,
        "mean_form_effective": _mean_form(eff_count, n_effective),
    }
    for form in range(1, 7):
        row[f"n_form_{form}"] = eff_count[form]
    row["shortfall_total"] = figures.shortfall_total
    row["n_shortfall_areas"] = figures.n_shortfall_areas
    worst = figures.worst
    row["worst_shortfall"] = float(shortfall[worst])
    row["worst_shortfall_area"] = areas[worst] if shortfall[worst] > 0 else ""
    return row


def _mean_form(counts: list[int], total: int) -> float:
    """The mean form of `total` pairs and areas, `counts[f]` of them at form f (0.0 of
    none)."""
    return float(sum(form * count for form, count in enumerate(counts))) / total if total else 0.0
