"""Collecting the model's outcomes year by year into tidy tables.

Per year the model hands over its state (:class:`YearState`); the recorder keeps compact copies and
builds the tables of the output contract at the end: ``countries`` (year x state),
``pairs`` (year x ordered pair with any relation: the first state's own view),
``events`` (one row per change), ``alliance`` (one row per year), ``holdings`` (year x
state x area) and ``frameworks`` (year x framework in force).
"""

from __future__ import annotations

import functools
import itertools
import operator
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from imssim.model import kernels
from imssim.model.blocks import any_over_partners, count_over_areas, max_over_areas
from imssim.model.capabilities import CapabilityState
from imssim.model.capacity import Outcomes
from imssim.model.cooperation import CoopState
from imssim.model.economy import BudgetState, YearInputs
from imssim.model.forms import DEEP
from imssim.model.rings import RING_NAMES, Ring
from imssim.world import World

EPS = 1e-9

EVENT_KINDS = (
    "formed",
    "deepened",
    "downgraded",
    "abandoned",
    "joined",
    "left",
    "gave_up",
    "rebuilt",
    "founded",
    "ended",
)
KIND_CODE = {kind: code for code, kind in enumerate(EVENT_KINDS)}  # (-1: none of them)
# the categorical columns' types, made once (pandas checks codes and categories each time
# it makes one: a hundred times slower than the column itself)
KIND_DTYPE = pd.CategoricalDtype(EVENT_KINDS)
RING_DTYPE = pd.CategoricalDtype(RING_NAMES)


def categorical(codes: np.ndarray, dtype: pd.CategoricalDtype) -> pd.Categorical:
    """The categorical column of `codes`, valid codes of `dtype` (-1: missing), as
    ``pd.Categorical.from_codes(codes, categories=dtype.categories)`` makes it."""
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


# the output contract's tables, in its order; a run may keep fewer (``keep`` of
# :class:`Recorder`), but always ALWAYS, which the model and a sweep's checks read each year
TABLE_NAMES = ("countries", "pairs", "events", "alliance", "holdings", "frameworks")
ALWAYS = ("countries", "alliance")


@dataclass
class Tables:
    """The tidy results of one run (a table the run did not keep is an empty frame)."""

    countries: pd.DataFrame
    pairs: pd.DataFrame
    events: pd.DataFrame
    alliance: pd.DataFrame
    holdings: pd.DataFrame
    frameworks: pd.DataFrame
    kept: tuple[str, ...] = TABLE_NAMES  # the tables the run recorded (the others are empty)

    def items(self) -> list[tuple[str, pd.DataFrame]]:
        """(name, table) for every table, in the order of the output contract."""
        return [(name, getattr(self, name)) for name in TABLE_NAMES]


def labels(names: tuple[str, ...], codes: np.ndarray) -> object:
    """The column of strings ``names[codes]``, as pandas makes it from
    ``np.array(names)[codes]``; built by Arrow from the codes where pandas keeps
    strings in Arrow (much faster for long tables)."""
    plain = np.array(names)
    kinds = _string_kinds(plain) if codes.size else None
    if kinds is not None:
        import pyarrow as pa

        dtype, kind = kinds
        taken = pa.array(list(names), type=kind).take(pa.array(codes))
        return pd.array(taken, dtype=dtype)
    return plain[codes]


def strings(values: list[str]) -> object:
    """The column of the strings `values` (at least one), as :func:`labels` makes it
    from their codes (Arrow converts them at once where pandas keeps strings in it)."""
    plain = np.array(values[:1])
    kinds = _string_kinds(plain)
    if kinds is None:
        return np.array(values)
    import pyarrow as pa

    dtype, kind = kinds
    return pd.array(pa.array(values, type=kind), dtype=dtype)


def repeated_labels(names: tuple[str, ...], codes: np.ndarray, times: int) -> object:
    """:func:`labels` of `codes` repeated `times` times, the strings made once (the
    repeats share them: Arrow chunks)."""
    kinds = _string_kinds(np.array(names)) if codes.size and times else None
    if kinds is None:
        return labels(names, np.tile(codes, times))
    import pyarrow as pa

    dtype, kind = kinds
    once = pa.array(list(names), type=kind).take(pa.array(codes))
    return pd.array(pa.chunked_array([once] * times, type=kind), dtype=dtype)


def _string_kinds(plain: np.ndarray) -> tuple[object, object] | None:
    """(the pandas dtype, the Arrow type) of the column pandas makes from the values
    `plain` when it keeps them in Arrow (None otherwise); for strings (of any width,
    which pandas reads alike), looked up once under each of pandas' string options."""
    if plain.dtype.kind != "U":
        return _string_kinds_of(plain[:1])
    with warnings.catch_warnings():  # (pandas 3 warns that the first will go)
        warnings.simplefilter("ignore")
        options = (pd.get_option("future.infer_string"), pd.get_option("mode.string_storage"))
    return _string_kinds_under(*options)


@functools.lru_cache(maxsize=4)
def _string_kinds_under(*options: object) -> tuple[object, object] | None:
    """:func:`_string_kinds` of strings under pandas' string `options`."""
    return _string_kinds_of(np.array(["a"]))


def _string_kinds_of(sample: np.ndarray) -> tuple[object, object] | None:
    """:func:`_string_kinds` of the values `sample`."""
    column = pd.Series(sample).array
    if getattr(column.dtype, "storage", None) != "pyarrow":
        return None
    import pyarrow as pa

    return column.dtype, pa.array(column).type  # string or large_string, as pandas makes it


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


class Recorder:
    """Compact copies of each year's state, turned into the run's tables at the end;
    only of the tables `keep` names (and ALWAYS): the others are left empty (a study
    that reads a few outcomes of each run is spared the rest)."""

    def __init__(self, world: World, keep: Iterable[str] = TABLE_NAMES) -> None:
        unknown = sorted(set(keep) - set(TABLE_NAMES))
        if unknown:
            raise ValueError(f"unknown table(s) {', '.join(unknown)}; tables: {TABLE_NAMES}")
        self.world = world
        self.keep = frozenset(keep) | frozenset(ALWAYS)
        self._countries: list[CountryYear] = []
        self._pairs: list[dict[str, np.ndarray]] = []
        self._alliance: list[dict[str, float | str]] = []
        self._alliance_areas: list[np.ndarray] = []  # per year float[4, A] (AREA_COLUMNS)
        self._holdings: list[tuple[int, np.ndarray, np.ndarray]] = []  # (_holding_year)
        # per year and framework in force: the year and the framework's row but its year
        self._frameworks: list[tuple[int, dict[str, object]]] = []
        # a framework's row but its year, per framework and members
        self._rows: dict[tuple[int, bytes], dict[str, object]] = {}

    def record(self, state: YearState) -> None:
        """Keep the year's rows of the countries, pairs, holdings and alliance tables."""
        pair, figures = year_pairs(state, "pairs" in self.keep), year_figures(state)
        self._countries.append(_country_year(state, pair.tallies, figures))
        if pair.pairs is not None:
            year = np.full(pair.pairs["country_idx"].size, state.year, dtype=np.int32)
            self._pairs.append({"year": year, **pair.pairs})
        if "holdings" in self.keep:
            self._holdings.append(_holding_year(state))
        self._alliance.append(_alliance_row(state, pair, figures, self.world.areas))
        out = state.outcomes
        by_area = (state.inputs.requirement, out.aggregate, out.shortfall, out.surplus)
        self._alliance_areas.append(np.array(by_area, dtype=float))

    def latest(self) -> tuple[dict[str, np.ndarray], dict[str, float | str]]:
        """The last year recorded: the countries' columns (arrays over states) and the
        alliance's row."""
        return self._countries[-1].columns, self._alliance[-1]

    def record_frameworks(
        self, year: int, frameworks: list, members: np.ndarray, ended: np.ndarray
    ) -> None:
        """One row per framework in force in `year` (members, lead and host by ISO3
        code; a host only for a forward presence)."""
        if "frameworks" not in self.keep:
            return
        iso = self.world.iso3
        in_force = (ended == 0) & members.any(axis=1)
        for f in np.flatnonzero(in_force).tolist():
            key = (f, members[f].tobytes())  # memberships change seldom: rows kept
            row = self._rows.get(key)
            if row is None:
                fw = frameworks[f]
                codes = [iso[i] for i in np.flatnonzero(members[f])]
                row = self._rows[key] = {
                    "framework": fw.id,
                    "name": fw.name,
                    "purpose": fw.purpose,
                    "area": self.world.areas[fw.area],
                    "form": fw.form,
                    "lead": iso[fw.lead] if fw.lead >= 0 else "",
                    "host": iso[fw.host] if fw.host >= 0 else "",
                    "since": fw.since,
                    "origin": "founded" if f >= len(self.world.frameworks) else "record",
                    "n_members": len(codes),
                    "members": ";".join(codes),
                }
            self._frameworks.append((year, row))

    def tables(self, events: list) -> Tables:
        """The tidy tables of every year recorded, with `events` as (year, Event) pairs
        (each table built once from its columns in their final order and types: pandas
        copies a frame's data at every column inserted, dropped or converted)."""
        w = self.world
        built = {
            "countries": self._countries_table,
            "pairs": self._pairs_table,
            "events": lambda: _events_frame(w, events),
            "alliance": lambda: _alliance_frame(self._alliance, self._alliance_areas, w.areas),
            "holdings": self._holdings_table,
            "frameworks": self._frameworks_table,
        }
        kept = tuple(name for name in TABLE_NAMES if name in self.keep)
        empty = {name: pd.DataFrame() for name in TABLE_NAMES if name not in self.keep}
        return Tables(**{name: built[name]() for name in kept}, **empty, kept=kept)

    def _countries_table(self) -> pd.DataFrame:
        w, years = self.world, self._countries
        columns = _stacked([{k: y.columns[k] for k in ("year", "n_areas_rebuilt")} for y in years])
        figures = np.concatenate([y.figures for y in years], axis=1)
        counts = np.concatenate([y.counts for y in years], axis=1)
        states = np.arange(w.n_states)
        return pd.DataFrame(
            {
                "year": columns["year"].astype(np.int32),
                "country": repeated_labels(w.iso3, states, len(years)),
                "region": repeated_labels(tuple(w.region), states, len(years)),
                **dict(zip(FIGURE_COLUMNS, figures, strict=True)),
                **dict(zip(COUNT_COLUMNS, counts, strict=True)),
                "n_areas_rebuilt": columns["n_areas_rebuilt"],
            }
        )

    def _pairs_table(self) -> pd.DataFrame:
        w = self.world
        pairs = _stacked(self._pairs)
        year = pairs.pop("year")
        country, partner = pairs.pop("country_idx"), pairs.pop("partner_idx")
        ring_idx, partner_ring = pairs.pop("ring_idx"), pairs.pop("partner_ring_idx")
        return pd.DataFrame(
            {
                "year": year,
                "country": labels(w.iso3, country),
                "partner": labels(w.iso3, partner),
                "ring": categorical(ring_idx, RING_DTYPE),
                "partner_ring": categorical(partner_ring, RING_DTYPE),
                **pairs,
            }
        )

    def _holdings_table(self) -> pd.DataFrame:
        w, n_years = self.world, len(self._holdings)
        years, values, flags = zip(*self._holdings, strict=True)
        values, flags = np.concatenate(values, axis=1), np.concatenate(flags, axis=1)
        states = np.repeat(np.arange(w.n_states), w.n_areas)  # a year's rows
        areas = np.tile(np.arange(w.n_areas), w.n_states)
        return pd.DataFrame(
            {
                "year": np.repeat(np.array(years, dtype=np.int32), states.size),
                "country": repeated_labels(w.iso3, states, n_years),
                "area": repeated_labels(w.areas, areas, n_years),
                **dict(zip(HOLDING_VALUES, values, strict=True)),
                **dict(zip(HOLDING_FLAGS, flags, strict=True)),
            }
        )

    def _frameworks_table(self) -> pd.DataFrame:
        years = {"year": [year for year, _ in self._frameworks]}
        rows = [row for _, row in self._frameworks]
        int32 = ("year", "form", "since", "n_members")
        return _from_rows(rows, list(FRAMEWORK_COLUMNS), int32, given=years)


FRAMEWORK_COLUMNS = (
    "year",
    "framework",
    "name",
    "purpose",
    "area",
    "form",
    "lead",
    "host",
    "since",
    "origin",
    "n_members",
    "members",
)


def _events_frame(w: World, events: list) -> pd.DataFrame:
    """The events table of `events`, (year, Event) pairs; its text columns built from
    codes into their vocabularies (:func:`labels`)."""
    if not events:  # as pandas makes the columns of empty lists
        return pd.DataFrame(
            {
                "year": np.array([], dtype=np.int32),
                "kind": pd.Categorical.from_codes(np.array([], dtype=np.int8), EVENT_KINDS),
                **{name: [] for name in ("country", "partner", "area")},
                "from_form": np.array([], dtype=np.int8),
                "to_form": np.array([], dtype=np.int8),
                **{name: [] for name in ("reason", "motive")},
            }
        )
    # the events' fields as lists: flattened and sliced (faster than transposed by zip)
    flat = list(itertools.chain.from_iterable(map(operator.itemgetter(1), events)))
    n_fields = len(flat) // len(events)
    kind, _, _, framework, _, _, _, reason, motive = (flat[f::n_fields] for f in range(n_fields))
    states, partners, area, from_form, to_form = (
        np.fromiter(flat[f::n_fields], dtype=np.int64, count=len(events)) for f in (1, 2, 4, 5, 6)
    )
    who = (*w.iso3, "")  # the last: no state (-1)
    framework_codes, framework_ids = _codes(framework)
    kind_codes, kinds = _codes(kind)
    return pd.DataFrame(
        {
            "year": np.fromiter(map(operator.itemgetter(0), events), np.int32, len(events)),
            "kind": categorical(
                np.array([KIND_CODE.get(k, -1) for k in kinds], dtype=np.int8)[kind_codes],
                KIND_DTYPE,
            ),
            "country": labels(who, np.where(states < 0, len(who) - 1, states)),
            # a partner is a state (its ISO3 code) or, for a framework's event, the framework
            "partner": labels(
                (*who, *framework_ids), np.where(partners < 0, framework_codes + len(who), partners)
            ),
            "area": labels(w.areas, area),
            "from_form": from_form.astype(np.int8),
            "to_form": to_form.astype(np.int8),
            "reason": strings(reason),
            "motive": strings(motive),
        }
    )


def _codes(values: list) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each value's index into the distinct values (in order of first appearance), and
    those values."""
    codes, uniques = pd.factorize(np.array(values, dtype=object))
    return codes.astype(np.int64), tuple(uniques)


AREA_COLUMNS = ("requirement", "capability", "shortfall", "surplus")  # the alliance's, per area


def _alliance_frame(
    rows: list[dict[str, float | str]], by_area: list[np.ndarray], areas: tuple[str, ...]
) -> pd.DataFrame:
    """The alliance table: the years' `rows`, then per area its requirement, the
    members' capability, the shortfall and the surplus (`by_area`: per year [4, A])."""
    head = _from_rows(rows, list(rows[0]), ("year",))
    stacked = np.stack(by_area).transpose(0, 2, 1).reshape(len(by_area), -1)  # area by area
    names = [f"{column}_{area}" for area in areas for column in AREA_COLUMNS]
    return pd.concat([head, pd.DataFrame(stacked, columns=names)], axis=1)


def _stacked(years: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The columns of the years' tables (each a dict of arrays), one after the other."""
    return {k: np.concatenate([y[k] for y in years]) for k in years[0]}


def _from_rows(
    rows: list[dict],
    columns: list[str],
    int32: tuple[str, ...] = (),
    given: dict[str, list] | None = None,
) -> pd.DataFrame:
    """The frame of `rows` (dicts with the keys `columns`), as ``pd.DataFrame(rows,
    columns=columns)`` makes it with the `int32` columns then converted to int32; built
    column by column, the numbers as numpy arrays (faster). `given` holds the values of
    some columns apart, one per row, instead of in the rows."""
    given = given or {}
    if not rows:
        frame = pd.DataFrame(rows, columns=columns)
        for col in int32:
            frame[col] = frame[col].astype(np.int32)
        return frame
    data: dict[str, object] = {}
    for c in columns:
        values = given[c] if c in given else [row[c] for row in rows]
        if c in int32:
            data[c] = np.array(values, dtype=np.int32)
        elif all(type(v) in _NUMBERS for v in values):
            data[c] = np.array(values)
        else:
            data[c] = values
    return pd.DataFrame(data)


_NUMBERS = {float, np.float64, int, np.int64}  # (bool, an int subclass, is left to pandas)


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


def _country_year(
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


def _holding_year(state: YearState) -> tuple[int, np.ndarray, np.ndarray]:
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
        flags = np.array([caps.k > 1e-9, caps.dropped, caps.rebuild_left > 0, dependent])
    return state.year, values, flags.reshape(len(HOLDING_FLAGS), -1)


def _alliance_row(
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
