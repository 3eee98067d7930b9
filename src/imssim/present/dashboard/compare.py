"""What the dashboard's comparison page computes: its setting and the page address that
holds it, the runs over seeds of each scenario and its counterfactual, their outcomes by
year, the median and 10-90 % band across seeds, and the data the page exports.

A setting (:class:`CompareSetting`) names 1-4 scenarios, a number of seeds N and the
first seed, the measures (:data:`imssim.outcomes.MEASURES`), the policy, the focal state,
the counterfactual and what the chart shows (each run and its counterfactual, or their
difference). It is written in the page's address as a query string (:func:`to_query`)
and read back from one (:func:`from_query`), so a view can be shared and reopened.

Each scenario runs with seeds ``seed`` to ``seed + N - 1`` beside its counterfactual
(:func:`imssim.runs.api.run_pair`, the command line's own runs); every run's outcomes
are kept, by scenario and seed, in a cache shared by all sessions (:func:`pair_outcomes`),
so a setting the page returns to, or one with more seeds, reuses the runs it has.
Nothing here imports Solara or draws (:mod:`imssim.present.dashboard.compare_chart` draws).
"""

from __future__ import annotations

import dataclasses
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

import pandas as pd

from imssim.config import Config, group_options, to_config
from imssim.config.scenarios import counterfactual_words
from imssim.errors import ImssimError
from imssim.outcomes import DEFAULT_MEASURES, MEASURES, yearly
from imssim.present.dashboard.catalogue import scenario_choices
from imssim.present.dashboard.runs import shipped_defaults
from imssim.present.outcome_table import HIGH_Q, LOW_Q
from imssim.world import load_world

SEEDS_RANGE = (1, 32)  # how many seeds a scenario may be run with
DEFAULT_SEEDS = 8
MAX_SCENARIOS = 4
SHOWS = ("levels", "difference")  # each run beside its counterfactual, or run minus it
SIDES = ("run", "counterfactual")
BASELINE = "baseline"  # the counterfactual every run has by default
KEYS = ("scenario", "seed", "year", "side")  # the columns naming a row of the table
CACHE_SIZE = 2048  # pairs of runs kept (a few kB each)
_SCHEMA = Config()


def default_scenarios() -> tuple[str, ...]:
    """The scenarios the page opens with: the command line's default and the deep cuts
    (those of them shipped)."""
    wanted = (shipped_defaults()["scenario"], "deep_cuts")
    return tuple(name for name in wanted if name in group_options("scenario"))


@dataclass(frozen=True)
class CompareSetting:
    """Everything the comparison page shows (see the module's description)."""

    scenarios: tuple[str, ...] = dataclasses.field(default_factory=default_scenarios)
    seeds: int = DEFAULT_SEEDS
    seed: int = _SCHEMA.seed
    measures: tuple[str, ...] = DEFAULT_MEASURES
    policy: str = dataclasses.field(default_factory=lambda: shipped_defaults()["policy"])
    focal: str = _SCHEMA.focal
    counterfactual: str = BASELINE
    show: str = SHOWS[0]

    @property
    def seed_list(self) -> list[int]:
        """The seeds each scenario runs with: seed .. seed + seeds - 1."""
        return list(range(self.seed, self.seed + self.seeds))

    @property
    def total(self) -> int:
        """The number of runs the setting needs, counterfactuals included."""
        return len(self.scenarios) * self.seeds * len(SIDES)


# --------------------------------------------------------------------------- the address


def to_query(setting: CompareSetting) -> str:
    """The setting as the query string of the page's address (without the '?')."""
    fields = {
        "scenarios": ",".join(setting.scenarios),
        "seeds": str(setting.seeds),
        "seed": str(setting.seed),
        "measures": ",".join(setting.measures),
        "policy": setting.policy,
        "focal": setting.focal,
        "counterfactual": setting.counterfactual,
        "show": setting.show,
    }
    return urlencode(fields, safe=",")


def _listed(value: str, known: Collection[str], what: str, problems: list[str]) -> list[str]:
    """The names in a comma-separated `value` that are `known`; each other noted."""
    names = [part for part in value.split(",") if part]
    unknown = [n for n in names if n not in known]
    if unknown:
        problems.append(
            f"the address names {what} {', '.join(map(repr, unknown))} that there is not "
            f"(one of: {', '.join(known)}); left out"
        )
    return list(dict.fromkeys(n for n in names if n in known))


def _number(value: str, low: int, high: int | None, what: str, problems: list[str]) -> int | None:
    """`value` as a whole number in [low, high], or None with a note."""
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        limit = f"{low}-{high}" if high is not None else f"{low} or more"
        problems.append(f"the address gives {what}={value!r}: a whole number {limit}; ignored")
        return None
    return number


def _scenarios(value: str, choices: Collection[str], problems: list[str]) -> tuple[str, ...]:
    names = _listed(value, choices, "scenario", problems)
    if len(names) > MAX_SCENARIOS:
        problems.append(f"the address names {len(names)} scenarios: the first {MAX_SCENARIOS} kept")
    return tuple(names[:MAX_SCENARIOS])


def from_query(
    search: str | None, choices: Collection[str] | None = None
) -> tuple[CompareSetting, list[str]]:
    """The setting a query string holds, and a sentence for each part of it that could
    not be used (an unknown scenario, a number out of range, ...), which keeps its
    default. `choices`: the scenarios offered (default: :func:`scenario_choices`)."""
    choices = list(scenario_choices()) if choices is None else list(choices)
    query = {k: v[-1] for k, v in parse_qs(search or "", keep_blank_values=True).items()}
    problems: list[str] = []
    changes: dict[str, object] = {}
    for key in sorted(set(query) - {f.name for f in dataclasses.fields(CompareSetting)}):
        problems.append(f"the address holds {key}=, which is no setting of this page; ignored")
    if "scenarios" in query and (scenarios := _scenarios(query["scenarios"], choices, problems)):
        changes["scenarios"] = scenarios
    if "measures" in query:
        measures = _listed(query["measures"], list(MEASURES), "measure", problems)
        if measures:
            changes["measures"] = tuple(measures)
    for key, (low, high) in {"seeds": SEEDS_RANGE, "seed": (0, None)}.items():
        if key in query and (number := _number(query[key], low, high, key, problems)) is not None:
            changes[key] = number
    known = {
        "policy": group_options("policy"),
        "focal": list(load_world().name_of),
        "counterfactual": [BASELINE, *choices],
        "show": list(SHOWS),
    }
    for key, allowed in known.items():
        if key in query and _listed(query[key], allowed, key, problems):
            changes[key] = query[key]
    return dataclasses.replace(CompareSetting(), **changes), problems  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the runs


@dataclass(frozen=True)
class PairKey:
    """One scenario's run and counterfactual with one seed: what the cache keeps."""

    scenario: str  # what a config takes (a shipped name or a file's path)
    policy: str
    focal: str
    counterfactual: str  # baseline, or what a config takes as a scenario
    seed: int

    def config(self) -> Config:
        """The checked config of the run (ConfigError, one line)."""
        return to_config(
            {
                "scenario": self.scenario,
                "policy": self.policy,
                "focal": self.focal,
                "seed": self.seed,
                "counterfactual": self.counterfactual,
            }
        )


def pair_keys(setting: CompareSetting, choices: dict[str, str] | None = None) -> list[PairKey]:
    """The pairs of runs a setting needs, scenario by scenario, seed by seed."""
    choices = scenario_choices() if choices is None else choices
    other = setting.counterfactual
    other = other if other == BASELINE else choices.get(other, other)
    return [
        PairKey(choices.get(name, name), setting.policy, setting.focal, other, seed)
        for name in setting.scenarios
        for seed in setting.seed_list
    ]


def charted(tables, focal: str) -> pd.DataFrame:
    """Every measure of :data:`MEASURES` of a run by year, as the charts show it, each in
    its own unit (:func:`imssim.outcomes.yearly`: an index 100 in the first year, a
    percentage in %)."""
    return yearly(tables, focal, list(MEASURES))


_CACHE: OrderedDict[PairKey, pd.DataFrame] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def cached(key: PairKey) -> pd.DataFrame | None:
    """The outcomes of a pair already run, or None."""
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
        return found


def pair_outcomes(key: PairKey) -> pd.DataFrame:
    """The measures of a scenario's run and of its counterfactual with one seed, by year:
    columns ``year``, ``side`` (run, counterfactual) and one per measure. Run once per
    key and process (:func:`imssim.runs.api.run_pair`), then read from the cache."""
    found = cached(key)
    if found is not None:
        return found
    from imssim.runs.api import run_pair

    config = key.config()
    result = run_pair(config, world=load_world(config.world.data_dir))
    assert result.counterfactual is not None  # the key always names a counterfactual
    parts = [
        charted(r.tables, config.focal).reset_index().assign(side=side)
        for side, r in zip(SIDES, (result, result.counterfactual), strict=True)
    ]
    frame = pd.concat(parts, ignore_index=True)
    with _CACHE_LOCK:
        _CACHE[key] = frame
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return frame


class Cancelled(Exception):
    """The comparison was given up for another setting."""


def comparison_table(
    setting: CompareSetting,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> pd.DataFrame:
    """The per-seed outcome table of a setting: one row per scenario, seed, year and side
    (run or counterfactual), one column per measure of :data:`MEASURES`.

    `progress(done, total)` hears of every pair of runs done (cached ones at once);
    when `cancelled()` turns true, the work stops (:class:`Cancelled`)."""
    keys = pair_keys(setting)
    names = [name for name in setting.scenarios for _ in setting.seed_list]
    total = setting.total
    parts = []
    for k, (name, key) in enumerate(zip(names, keys, strict=True)):
        if cancelled is not None and cancelled():
            raise Cancelled(setting)
        frame = pair_outcomes(key)
        parts.append(frame.assign(scenario=name, seed=key.seed))
        if progress is not None:
            progress(2 * (k + 1), total)
    table = pd.concat(parts, ignore_index=True)
    return table[[*KEYS, *MEASURES]]


def done_already(setting: CompareSetting) -> int:
    """How many of a setting's runs the cache holds (counterfactuals included)."""
    return sum(len(SIDES) for key in pair_keys(setting) if cached(key) is not None)


def counterfactual_text(setting: CompareSetting) -> str:
    """What each scenario is compared with, in words ("without the budget changes and
    the budget rules", "under baseline")."""
    if not setting.scenarios:
        return ""
    try:
        return counterfactual_words(pair_keys(setting)[0].config())
    except ImssimError:
        return setting.counterfactual


# --------------------------------------------------------------------------- statistics


def differences(table: pd.DataFrame) -> pd.DataFrame:
    """Each run minus its counterfactual (same scenario, seed and year): side
    ``difference``."""
    index = ["scenario", "seed", "year"]
    measures = [c for c in table.columns if c not in KEYS]
    run = table[table["side"] == SIDES[0]].set_index(index)[measures]
    other = table[table["side"] == SIDES[1]].set_index(index)[measures]
    out = (run - other).reset_index().assign(side="difference")
    return out[[*KEYS, *measures]]


def bands(table: pd.DataFrame, measures: Collection[str], show: str = SHOWS[0]) -> pd.DataFrame:
    """Median and 10-90 % band across seeds: one row per scenario, side, measure and
    year with ``n`` (seeds), ``median``, ``p10`` and ``p90``. `show`: ``levels`` (run
    and counterfactual) or ``difference`` (run minus counterfactual)."""
    if show not in SHOWS:
        raise ImssimError(f"unknown view {show!r}: one of {', '.join(SHOWS)}")
    source = differences(table) if show == "difference" else table
    long = source.melt(
        id_vars=list(KEYS), value_vars=list(measures), var_name="measure", value_name="value"
    )
    groups = long.groupby(["scenario", "side", "measure", "year"], sort=False)["value"]
    stats = pd.DataFrame(
        {
            "n": groups.count(),
            "median": groups.median(),
            "p10": groups.quantile(LOW_Q / 100),
            "p90": groups.quantile(HIGH_Q / 100),
        }
    )
    return stats.reset_index()


# --------------------------------------------------------------------------- exports

DATA_FORMATS = ("csv", "parquet")


def export_table(table: pd.DataFrame, setting: CompareSetting) -> pd.DataFrame:
    """The per-seed table as exported: the setting's measures only, with the policy,
    the focal state and the counterfactual of the runs."""
    out = table[[*KEYS, *setting.measures]].copy()
    out.insert(1, "policy", setting.policy)
    out.insert(2, "focal", setting.focal)
    out.insert(3, "counterfactual", setting.counterfactual)
    return out


def data_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """A table as the bytes of a CSV or Parquet file."""
    if fmt == "csv":
        return frame.to_csv(index=False).encode()
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    raise ImssimError(f"unknown data format {fmt!r}: one of {', '.join(DATA_FORMATS)}")


def file_stem(setting: CompareSetting) -> str:
    """A file name for the exports of a setting: 'compare_a_b_8seeds'."""
    return "compare_" + "_".join(setting.scenarios) + f"_{setting.seeds}seeds"
