"""The model's outcomes, defined once: what each is, how it is computed from a run's
tables, and how it is named and shown.

An outcome is a column of a run's tables read year by year, for the focal state (the
``countries`` table) or for the alliance (the ``alliance`` table), or a function of the
tables (``compute``). Its ``kind`` says how its values read: ``index`` (the first year =
100), ``share`` (a fraction, 0-1, or a percentage where ``percent``), ``count`` or ``value``
(an absolute value in the model's units).

One name, one quantity in one unit: an outcome's key differs from the table column it
reads whenever its values do. An index is ``<column>_index`` (``capacity_to_act_index``
is 100 in the first year; the ``countries`` table's ``capacity_to_act`` is the absolute
capacity), a percentage ``<name>_pct`` (``shortfall_pct`` is 6.7 where the ``alliance``
table's ``shortfall_total`` is 0.067). :func:`yearly` gives every outcome in its own unit,
and every reader (``runs.parquet``, the charts, the summary, the report, the dashboard)
takes it from there. Each outcome is named the same way wherever it is shown:

- ``label``: a few words in a sentence or a table ("capacity to act");
- ``description``: what it is and in which unit, in one line (a sweep's outcomes);
- ``unit``: the unit of its values and of their differences (the sensitivity study's axes);
- ``title``: a chart panel's title; ``axis_label``: the axis of its values (``{base}``:
  the base year of an index);
- ``phrase``: the outcome in a caption's sentence (``{focal}``: the focal state,
  ``{base}``: the base year);
- ``decimals`` and ``percent`` (a share written as a percentage): how a value is written;
- ``axis_range``: the range of an axis that does not magnify noise (upper None: the
  data's top; None: fitted to the data).

Three selections say who reads which outcomes: :data:`HEADLINE` (what every run of a
sweep records, the outcome columns of ``runs.parquet``) with :data:`COMPARED` (those
also recorded as their difference from the counterfactual, ``<key>_diff``);
:data:`MEASURES` (the outcomes the comparison charts and the report offer, by the names
``imssim-plot --measures`` takes); and :data:`EFFECTS` (what a run's summary compares
with its counterfactual). Nothing here draws or reads files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from imssim.model.forms import LASTING
from imssim.model.tables import TABLE_NAMES, Tables

Kind = Literal["index", "share", "count", "value"]
KINDS: tuple[Kind, ...] = ("index", "share", "count", "value")
DIFF = "_diff"  # suffix of an outcome's difference from the counterfactual (run minus it)


@dataclass(frozen=True)
class Outcome:
    """One outcome of a run: where it comes from, what kind of number it is, and how it
    is named and written (see the module's description)."""

    key: str
    kind: Kind
    table: Literal["countries", "alliance"]  # the focal state's row, or the alliance's
    column: str
    label: str
    description: str
    unit: str
    title: str
    axis_label: str
    phrase: str
    decimals: int
    percent: bool = False
    axis_range: tuple[float, float | None] | None = None
    # the outcome's values by year from a run's tables and the focal state, when it is
    # not simply `column` of `table`
    compute: Callable[[Tables, str], pd.Series] | None = None
    # a sentence on what moves the outcome for a reason unrelated to the scenario, given
    # wherever the outcome is charted (the comparison charts' notes and captions)
    note: str = ""

    @property
    def focal(self) -> bool:
        """True for an outcome of the focal state, False for one of the alliance."""
        return self.table == "countries"

    @property
    def scale(self) -> float:
        """The factor from the value to the number written (100 for a percentage)."""
        return 100.0 if self.percent else 1.0

    @property
    def suffix(self) -> str:
        """What follows a number written in a sentence (' %' for a percentage)."""
        return " %" if self.percent else ""

    def format(self, value: float) -> str:
        """A value (already scaled) as written in a sentence ('6.7 %', '129', '0.79')."""
        return f"{value:.{self.decimals}f}{self.suffix}"

    def chart_title(self, focal: str) -> str:
        """The title of a panel comparing runs: '<focal state>: <label>' for an outcome
        of the focal state (`focal`: its name), the outcome's title for the alliance's."""
        return f"{focal}: {self.label}" if self.focal else self.title

    def axis(self, base: int) -> str:
        """The axis label, with `base` as the base year of an index."""
        return self.axis_label.format(base=base)


_ALL = (
    Outcome(
        key="capacity_to_act_index",
        kind="index",
        table="countries",
        column="capacity_to_act",
        label="capacity to act",
        description="focal state's capacity to act (first year = 100)",
        unit="index points",
        title="Capacity to act",
        axis_label="index, {base} = 100",
        phrase="the capacity to act of {focal} (index, {base} = 100)",
        decimals=0,
    ),
    Outcome(
        key="budget_index",
        kind="index",
        table="countries",
        column="budget",
        label="nominal defence budget",
        description="focal state's defence budget in current money (first year = 100)",
        unit="index points",
        title="Defence budget, nominal (current money)",
        axis_label="index, {base} = 100 (current money)",
        phrase="the nominal defence budget of {focal} (index, {base} = 100, current money)",
        decimals=0,
    ),
    Outcome(
        key="real_budget_index",
        kind="index",
        table="countries",
        column="real_budget",
        label="real budget",
        description="focal state's defence budget in 2012 costs (first year = 100)",
        unit="index points",
        title="Defence budget, real (2012 costs)",
        axis_label="index, {base} = 100 (2012 costs)",
        phrase="the real defence budget of {focal} (index, {base} = 100)",
        decimals=0,
    ),
    Outcome(
        key="capability_index",
        kind="index",
        table="countries",
        column="capability",
        label="own capability",
        description="focal state's own capability (first year = 100)",
        unit="index points",
        title="Own capability",
        axis_label="index, {base} = 100",
        phrase="the capability {focal} holds itself (index, {base} = 100)",
        decimals=0,
    ),
    Outcome(
        key="autonomy",
        kind="share",
        table="countries",
        column="autonomy",
        label="autonomy",
        description="focal state's autonomy (0-1)",
        unit="0-1 scale",
        title="Autonomy",
        axis_label="share of capability at sole disposal (0-1)",
        phrase="the autonomy of {focal} (0-1)",
        decimals=2,
        axis_range=(0.0, 1.0),
    ),
    Outcome(
        key="n_strategic",
        kind="count",
        table="countries",
        column="n_strategic",
        label="strategic partners",
        description="focal state's strategic partners",
        unit="partners",
        title="Strategic partners",
        axis_label="partners",
        phrase="the number of strategic partners of {focal}",
        decimals=0,
        axis_range=(0.0, None),
    ),
    Outcome(
        key="n_partners_bilateral",
        kind="count",
        table="countries",
        column="n_partners_bilateral",
        label="bilateral partners",
        description="focal state's partners in bilateral ties of any form",
        unit="partners",
        title="Bilateral partners",
        axis_label="partners",
        phrase="the number of bilateral partners of {focal}",
        decimals=0,
        axis_range=(0.0, None),
    ),
    Outcome(
        key="n_areas_held",
        kind="count",
        table="countries",
        column="n_areas_held",
        label="areas held",
        description="capability areas the focal state holds",
        unit="areas",
        title="Areas held",
        axis_label="capability areas",
        phrase="the number of capability areas {focal} holds",
        decimals=0,
        axis_range=(0.0, None),
    ),
    Outcome(
        key="cooperating_pairs",
        kind="count",
        table="alliance",
        column="n_pairs_bilateral",
        label="cooperating pairs",
        description="cooperating pairs (bilateral ties of any form)",
        unit="pairs",
        title="Pairs of states with a bilateral tie",
        axis_label="pairs of states",
        phrase="the number of pairs of states with a bilateral tie",
        decimals=0,
        axis_range=(0.0, None),
    ),
    Outcome(
        key="mean_form",
        kind="value",
        table="alliance",
        column="mean_form_bilateral",
        label="mean form",
        description="mean form of the bilateral ties (1-6)",
        unit="form",
        title="Mean form of the bilateral ties",
        axis_label="form (1 joint hire ... 6 specialisation)",
        phrase="the mean form of the bilateral ties",
        decimals=2,
        note=(
            "The mean form of the bilateral ties falls in 2013-2014 in every scenario, "
            "baseline included: the 2012 record's joint hire (form 1) expires and new "
            "hire begins, a turnover unrelated to the scenario; the mean lasting form "
            "(mean_lasting_form, form 2 and above) leaves joint hire out."
        ),
    ),
    Outcome(
        key="mean_lasting_form",
        kind="value",
        table="alliance",
        column="bilateral_form",
        label="mean lasting form",
        description="mean deepest bilateral form of the pairs tied at form 2 or more (2-6)",
        unit="form",
        title="Mean lasting form (pairs at form 2 or more)",
        axis_label="form (2 pooling ... 6 specialisation)",
        phrase="the mean deepest bilateral form of the pairs with a lasting tie (form 2 or more)",
        decimals=2,
        compute=lambda tables, focal: mean_lasting_form(tables),
    ),
    Outcome(
        key="shortfall_pct",
        kind="share",
        table="alliance",
        column="shortfall_total",
        label="alliance shortfall",
        description="alliance shortfall (% of the requirement unmet, all areas)",
        unit="% of the requirement",
        title="Alliance shortfall",
        axis_label="% of the requirement unmet",
        phrase="the alliance shortfall (% of the requirement unmet)",
        decimals=1,
        percent=True,
        axis_range=(0.0, None),
    ),
    Outcome(
        key="worst_shortfall_pct",
        kind="share",
        table="alliance",
        column="worst_shortfall",
        label="worst-area shortfall",
        description="alliance's worst area (% of its requirement unmet)",
        unit="% of the requirement",
        title="Alliance's worst area",
        axis_label="% of its requirement unmet",
        phrase="the shortfall of the alliance's worst area (% of its requirement unmet)",
        decimals=1,
        percent=True,
        axis_range=(0.0, None),
    ),
)

OUTCOMES: dict[str, Outcome] = {o.key: o for o in _ALL}

# what every run of a sweep records (its manifest's ``headline``, the outcome columns of
# runs.parquet, in this order), and those also recorded as the difference from the
# counterfactual (``<key>_diff``: run minus counterfactual)
HEADLINE = (
    "capacity_to_act_index",
    "autonomy",
    "n_strategic",
    "cooperating_pairs",
    "mean_form",
    "shortfall_pct",
    "worst_shortfall_pct",
)
COMPARED = ("capacity_to_act_index", "autonomy", "n_strategic", "shortfall_pct")


def tables_read(keys: Iterable[str]) -> tuple[str, ...]:
    """The tables a run must keep for the outcomes `keys` (:func:`yearly`): each one's
    own table, and every table for an outcome computed from the tables."""
    outcomes = [OUTCOMES[key] for key in keys]
    if any(outcome.compute is not None for outcome in outcomes):
        return TABLE_NAMES
    return tuple(name for name in TABLE_NAMES if name in {o.table for o in outcomes})


# the tables a run read only for its headline outcomes keeps (a study's, a sweep's
# without tables)
HEADLINE_TABLES = tables_read(HEADLINE)


# the outcomes the comparison charts and the report offer (``imssim-plot --measures``
# takes their keys), in the order they are listed; and those drawn by default
MEASURES: dict[str, Outcome] = {
    key: OUTCOMES[key]
    for key in (
        "capacity_to_act_index",
        "budget_index",
        "autonomy",
        "mean_form",
        "mean_lasting_form",
        "cooperating_pairs",
        "shortfall_pct",
    )
}
DEFAULT_MEASURES = ("capacity_to_act_index", "autonomy", "cooperating_pairs", "shortfall_pct")

# what a run's summary (and report, and dashboard) compares with its counterfactual: the
# focal state's outcomes, then the alliance's
EFFECTS = (
    "capacity_to_act_index",
    "capability_index",
    "real_budget_index",
    "autonomy",
    "n_strategic",
    "n_partners_bilateral",
    "n_areas_held",
    "shortfall_pct",
    "worst_shortfall_pct",
)


# --------------------------------------------------------------------------- names


def base_key(key: str) -> str:
    """The outcome a key names: ``<key>_diff`` (its difference) names ``<key>``."""
    return key.removesuffix(DIFF)


def label(key: str) -> str:
    """The label of an outcome or of its difference from the counterfactual
    (``<key>_diff``: '<label>, against the counterfactual'); an unknown key as it is."""
    outcome = OUTCOMES.get(base_key(key))
    text = outcome.label if outcome is not None else key
    return f"{text}, against the counterfactual" if key.endswith(DIFF) else text


def unit(key: str) -> str | None:
    """The unit of an outcome or of its difference (a percentage's difference is in
    percentage points); None for an unknown key."""
    outcome = OUTCOMES.get(base_key(key))
    if outcome is None:
        return None
    return "percentage points" if outcome.percent and key.endswith(DIFF) else outcome.unit


def description(key: str) -> str:
    """The description of an outcome or of its difference from the counterfactual
    (``<key>_diff``: '<description>, run minus counterfactual')."""
    text = OUTCOMES[base_key(key)].description
    return f"{text}, run minus counterfactual" if key.endswith(DIFF) else text


def headline_descriptions() -> dict[str, str]:
    """{key: description} of the headline outcomes and of the differences recorded."""
    out = {key: description(key) for key in HEADLINE}
    out.update({key + DIFF: description(key + DIFF) for key in COMPARED})
    return out


# --------------------------------------------------------------------------- values


def mean_lasting_form(tables: Tables) -> pd.Series:
    """By year, the mean of each pair's deepest bilateral form over the pairs whose
    deepest bilateral form is 2 or more (:data:`imssim.model.forms.LASTING`), from the
    ``pairs`` table: joint hire (form 1), temporary by design, is left out (NaN in a
    year without such a pair)."""
    p = tables.pairs
    lasting = p[(p["bilateral_form"] >= LASTING) & (p["country"] < p["partner"])]
    means = lasting.groupby("year", observed=True)["bilateral_form"].mean().astype(float)
    years = tables.alliance["year"].sort_values().to_numpy()
    return means.reindex(years)


def yearly(tables: Tables, focal: str, keys: Iterable[str]) -> pd.DataFrame:
    """The outcomes `keys` of a run by year (index ``year``, one float column each), the
    focal state's (`focal`) and the alliance's, each in its own unit: an index taken to
    the run's first year (NaN where that year's value is 0), a percentage as a
    percentage. An outcome of a state not in the run is all NaN.

    Read from the tables' arrays when the focal state has a row in each of the run's
    years (a run's own tables; every sweep run reads its headline outcomes here);
    otherwise year by year (:func:`_yearly_by_year`), with the same values."""
    alliance, countries = tables.alliance.set_index("year").sort_index(), tables.countries
    index = alliance.index
    own = np.flatnonzero(countries["country"].to_numpy() == focal)
    own = own[np.argsort(countries["year"].to_numpy()[own], kind="stable")]
    if not index.is_unique or not np.array_equal(countries["year"].to_numpy()[own], index):
        return _yearly_by_year(tables, focal, keys)
    columns = {}
    for key in keys:
        outcome = OUTCOMES[key]
        if outcome.compute is not None:
            values = outcome.compute(tables, focal).astype(float).reindex(index).to_numpy()
        elif outcome.focal:
            values = countries[outcome.column].to_numpy(dtype=float, na_value=np.nan)[own]
        else:
            values = alliance[outcome.column].to_numpy(dtype=float, na_value=np.nan)
        if outcome.kind == "index" and len(values):
            base = float(values[0])
            values = 100.0 * values / (base if base else float("nan"))
        columns[key] = outcome.scale * values
    return pd.DataFrame(columns, index=index)


def _yearly_by_year(tables: Tables, focal: str, keys: Iterable[str]) -> pd.DataFrame:
    """:func:`yearly` with each outcome's values matched to the run's years by year (a
    year the focal state has no row in is NaN)."""
    own = tables.countries[tables.countries["country"] == focal].set_index("year").sort_index()
    alliance = tables.alliance.set_index("year").sort_index()
    columns = {}
    for key in keys:
        outcome = OUTCOMES[key]
        if outcome.compute is not None:
            values = outcome.compute(tables, focal)
        else:
            values = (own if outcome.focal else alliance)[outcome.column]
        values = values.astype(float).reindex(alliance.index)
        if outcome.kind == "index" and len(values):
            values = indexed(values, values.index[0])
        columns[key] = outcome.scale * values
    frame = pd.DataFrame(columns, index=alliance.index)
    frame.index.name = "year"
    return frame


def indexed(values: pd.Series, base_year: int) -> pd.Series:
    """Values as an index: 100 in `base_year` (NaN throughout where that value is 0)."""
    base = float(values.loc[base_year])
    return 100.0 * values / (base if base else float("nan"))


def values_in(tables: Tables, focal: str, year: int | None = None) -> dict[str, float]:
    """The headline outcomes (:data:`HEADLINE`) of a run in `year` (default: its last
    year), each in its own unit (:func:`yearly`)."""
    return HeadlineValues(tables, focal).at(year)


class HeadlineValues:
    """A run's headline outcomes by year, computed from its tables once, to be read in
    as many years as wanted (:meth:`at`)."""

    def __init__(self, tables: Tables, focal: str) -> None:
        self.frame = yearly(tables, focal, HEADLINE)
        self.last = int(tables.countries["year"].max())
        # by year, as Python floats: a study reads every year of every run
        values = self.frame[list(HEADLINE)].to_numpy(dtype=float).tolist()
        self._years = {
            int(year): dict(zip(HEADLINE, row, strict=True))
            for year, row in zip(self.frame.index, values, strict=True)
        }

    def at(self, year: int | None = None) -> dict[str, float]:
        """The headline outcomes in `year` (default: the run's last), each in its own
        unit (:func:`yearly`)."""
        return dict(self._years[self.last if year is None else year])
