"""Collecting the model's outcomes year by year into tidy tables.

Per year the model hands over its state (:class:`YearState`); the recorder keeps compact
copies of what it computes from it (:mod:`imssim.model.year_records`) and builds the
tables of the output contract at the end: ``countries`` (year x state), ``pairs`` (year
x ordered pair with any relation: the first state's own view), ``events`` (one row per
change), ``alliance`` (one row per year), ``holdings`` (year x state x area) and
``frameworks`` (year x framework in force).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from imssim.model.columns import categorical, frame, labels, repeated_labels, strings
from imssim.model.events import EventLog
from imssim.model.rings import RING_NAMES
from imssim.model.year_records import (
    COUNT_COLUMNS,
    FIGURE_COLUMNS,
    HOLDING_FLAGS,
    HOLDING_VALUES,
    CountryYear,
    YearState,
    alliance_row,
    country_year,
    holding_year,
    year_figures,
    year_pairs,
)
from imssim.world import Framework, World

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
        self._holdings: list[tuple[int, np.ndarray, np.ndarray]] = []  # (holding_year)
        # per year: the year, the frameworks in force and their members bool[in force, N]
        self._frameworks: list[tuple[int, np.ndarray, np.ndarray]] = []
        self._framework_list: list[Framework] = []  # the run's (only ever appended to)

    def record(self, state: YearState) -> None:
        """Keep the year's rows of the countries, pairs, holdings and alliance tables."""
        pair, figures = year_pairs(state, "pairs" in self.keep), year_figures(state)
        self._countries.append(country_year(state, pair.tallies, figures))
        if pair.pairs is not None:
            year = np.full(pair.pairs["country_idx"].size, state.year, dtype=np.int32)
            self._pairs.append({"year": year, **pair.pairs})
        if "holdings" in self.keep:
            self._holdings.append(holding_year(state))
        self._alliance.append(alliance_row(state, pair, figures, self.world.areas))
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
        """Keep the frameworks in force in `year` and their members (their rows are made
        at the end: :meth:`_frameworks_table`)."""
        if "frameworks" not in self.keep:
            return
        in_force = np.flatnonzero((ended == 0) & members.any(axis=1))
        self._frameworks.append((year, in_force, members[in_force]))
        self._framework_list = frameworks

    def tables(self, events: EventLog) -> Tables:
        """The tidy tables of every year recorded, with the run's `events`
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
        return frame(
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
        return frame(
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
        return frame(
            {
                "year": np.repeat(np.array(years, dtype=np.int32), states.size),
                "country": repeated_labels(w.iso3, states, n_years),
                "area": repeated_labels(w.areas, areas, n_years),
                **dict(zip(HOLDING_VALUES, values, strict=True)),
                **dict(zip(HOLDING_FLAGS, flags, strict=True)),
            }
        )

    def _frameworks_table(self) -> pd.DataFrame:
        """One row per year and framework in force: the framework's own columns, its
        members by ISO3 code (each membership joined once) and their number."""
        if not any(f.size for _, f, _ in self._frameworks):
            return _empty_table(list(FRAMEWORK_COLUMNS), FRAMEWORK_INT32)
        w, fws = self.world, self._framework_list
        years = np.concatenate([np.full(f.size, y, dtype=np.int32) for y, f, _ in self._frameworks])
        f = np.concatenate([f for _, f, _ in self._frameworks])
        members = np.concatenate([m for _, _, m in self._frameworks])
        lists, which = _member_lists(members, w.iso3)
        at = f.tolist()

        def taken(values: list) -> list:
            return [values[i] for i in at]

        iso, recorded = w.iso3, len(w.frameworks)
        return frame(
            {
                "year": years,
                "framework": taken([fw.id for fw in fws]),
                "name": taken([fw.name for fw in fws]),
                "purpose": taken([fw.purpose for fw in fws]),
                "area": taken([w.areas[fw.area] for fw in fws]),
                "form": np.array([fw.form for fw in fws], dtype=np.int32)[f],
                "lead": taken([iso[fw.lead] if fw.lead >= 0 else "" for fw in fws]),
                "host": taken([iso[fw.host] if fw.host >= 0 else "" for fw in fws]),
                "since": np.array([fw.since for fw in fws], dtype=np.int32)[f],
                "origin": taken([("record", "founded")[g >= recorded] for g in range(len(fws))]),
                "n_members": members.sum(axis=1, dtype=np.int32),
                "members": [lists[g] for g in which.tolist()],
            }
        )


FRAMEWORK_INT32 = ("year", "form", "since", "n_members")
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


def _events_frame(w: World, log: EventLog) -> pd.DataFrame:
    """The events table of the run's `log`; its text columns built from codes into
    their vocabularies (:func:`labels`)."""
    years, fields = log.columns()
    if not len(log):  # as pandas makes the columns of empty lists
        return pd.DataFrame(
            {
                "year": years,
                "kind": pd.Categorical.from_codes(np.array([], dtype=np.int8), EVENT_KINDS),
                **{name: [] for name in ("country", "partner", "area")},
                "from_form": np.array([], dtype=np.int8),
                "to_form": np.array([], dtype=np.int8),
                **{name: [] for name in ("reason", "motive")},
            }
        )
    kind, states, partners, framework, area, from_form, to_form, reason, motive = fields
    who = (*w.iso3, "")  # the last: no state (-1)
    framework_codes, framework_ids = _codes(framework)
    kind_codes, kinds = _codes(kind)
    return frame(
        {
            "year": years,
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


def _member_lists(members: np.ndarray, iso3: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """Each distinct row of `members` [rows, N] as its members' codes joined by ";", and
    each row's index into them."""
    packed = np.packbits(members, axis=1)
    if packed.shape[1] <= 8:  # (up to 64 states) each row one 64-bit number: faster
        padded = np.zeros((packed.shape[0], 8), dtype=np.uint8)
        padded[:, : packed.shape[1]] = packed
        rows = padded.view(np.uint64)[:, 0]
    else:
        rows = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1])))[:, 0]
    _, first, which = np.unique(rows, return_index=True, return_inverse=True)
    codes = np.array(iso3, dtype=object)
    lists = [";".join(codes[row]) for row in members[first]]
    return lists, which.reshape(-1)


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
    data = _row_columns(rows, list(rows[0]), ("year",))
    stacked = np.stack(by_area).transpose(0, 2, 1).reshape(len(by_area), -1)  # area by area
    names = [f"{column}_{area}" for area in areas for column in AREA_COLUMNS]
    data.update(zip(names, stacked.T, strict=True))
    return frame(data)  # one frame made at once (a concatenation costs more)


def _stacked(years: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The columns of the years' tables (each a dict of arrays), one after the other."""
    return {k: np.concatenate([y[k] for y in years]) for k in years[0]}


def _empty_table(columns: list[str], int32: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table of no rows with the `columns`, as ``pd.DataFrame([], columns=columns)``
    makes it, the `int32` columns converted to int32."""
    empty = pd.DataFrame([], columns=columns)
    for col in int32:
        empty[col] = empty[col].astype(np.int32)
    return empty


def _row_columns(rows: list[dict], columns: list[str], int32: tuple[str, ...]) -> dict:
    """The columns of the (at least one) `rows`, as ``pd.DataFrame(rows)`` makes them:
    the numbers as numpy arrays (faster), the `int32` columns as int32."""
    data: dict[str, object] = {}
    for c in columns:
        values = [row[c] for row in rows]
        if c in int32:
            data[c] = np.array(values, dtype=np.int32)
        elif all(type(v) in _NUMBERS for v in values):
            data[c] = np.array(values)
        else:
            data[c] = values
    return data


_NUMBERS = {float, np.float64, int, np.int64}  # (bool, an int subclass, is left to pandas)
