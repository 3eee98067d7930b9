"""Reading run folders back and the numbers both the charts and the report show.

- finding runs: :func:`find_runs` (run folders, or folders of them such as a sweep),
  :func:`common_folder`;
- the choices of a run's figures (years, focal state, other states, network year),
  checked once against the run: :func:`resolve_choices`;
- names and labels from a run's world: :func:`country_names`, :func:`area_labels`;
- outcomes compared across runs (:data:`MEASURES`, :func:`outcomes`,
  :func:`summarise_groups`) and the grouping of runs by scenario and policy
  (:func:`group_labels`).

Nothing here draws; matplotlib is not imported.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from imssim.config import Config
from imssim.errors import ImssimError
from imssim.model.tables import Tables
from imssim.runs.folders import MANIFEST, RunFolder
from imssim.world.loader import REGIONS

DEFAULT_YEARS = (2012, 2020, 2035)  # panels of the ring diagram, where the run has them
DEFAULT_OTHERS = ("DEU", "FRA", "GBR", "BEL")  # drawn beside the focal state in the indices
LOW_Q, HIGH_Q = 10, 90  # percentiles of the band and the whiskers across runs


# --------------------------------------------------------------------------- finding runs


def _load(path: Path) -> RunFolder:
    try:
        return RunFolder(path)
    except ImssimError:
        raise
    except Exception as exc:  # a damaged folder: missing table, unreadable config ...
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ImssimError(f"cannot read run folder {path}: {reason}") from None


def _status(folder: Path) -> str | None:
    try:
        return json.loads((folder / MANIFEST).read_text()).get("status")
    except (OSError, ValueError):
        return None


def _run_dirs(root: Path) -> list[Path]:
    found = []
    for here, dirs, files in os.walk(root):
        if MANIFEST in files:
            if _status(Path(here)) != "failed":  # a failed sweep run holds no tables
                found.append(Path(here))
            dirs.clear()  # a run folder holds no further runs
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # .tmp-* and the like
    return found


def find_runs(paths: str | Path | Iterable[str | Path]) -> list[RunFolder]:
    """The run folders in `paths`: each a run folder or a folder holding run folders.

    Folders are searched recursively for ``manifest.json``; hidden folders (the
    ``.tmp-*`` folders of runs still being written) are skipped. The result is sorted
    by path and holds each run once.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    dirs: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ImssimError(f"no such folder: {path}")
        if path.is_file():
            if path.name != MANIFEST:
                raise ImssimError(f"not a run folder or a folder of runs: {path}")
            path = path.parent
        found = _run_dirs(path)
        if not found:
            raise ImssimError(f"no run folder (with {MANIFEST}) in {path}")
        for d in found:
            dirs.setdefault(d.resolve(), None)
    return [_load(d) for d in sorted(dirs, key=str)]


def as_runs(runs: Sequence[RunFolder | str | Path] | str | Path) -> list[RunFolder]:
    """Run folders as given, or found in the paths given (:func:`find_runs`)."""
    if isinstance(runs, str | Path):
        return find_runs([runs])
    runs = list(runs)
    if not runs:
        raise ImssimError("no runs to compare")
    if all(isinstance(r, RunFolder) for r in runs):
        return runs  # type: ignore[return-value]
    return find_runs([r.path if isinstance(r, RunFolder) else r for r in runs])


def common_folder(runs: Sequence[RunFolder]) -> Path:
    """The deepest folder holding all `runs` (the sweep folder for a sweep)."""
    folder = Path(os.path.commonpath([r.path.resolve() for r in runs]))
    if folder == Path(folder.anchor):
        raise ImssimError("the runs share no folder but the root: give an output path")
    return folder


# --------------------------------------------------------------------------- one run


def run_years(tables: Tables) -> list[int]:
    """The years of a run, first to last."""
    return sorted(int(y) for y in tables.countries["year"].unique())


def run_states(tables: Tables) -> list[str]:
    """The ISO3 codes of a run's states, sorted."""
    return sorted(str(c) for c in tables.countries["country"].unique())


def check_year(tables: Tables, year: int, what: str = "year") -> int:
    """`year` as an int if it is a whole year of the run, else a one-line ImssimError."""
    years = run_years(tables)
    whole = isinstance(year, int | np.integer) or (
        isinstance(year, float | np.floating) and float(year).is_integer()
    )
    if isinstance(year, bool) or not whole:
        raise ImssimError(f"{what} must be a whole year (got {year!r})")
    if int(year) not in years:
        raise ImssimError(f"{what} {int(year)} is outside the run ({years[0]}-{years[-1]})")
    return int(year)


def check_country(tables: Tables, code: str, what: str) -> str:
    if code not in set(run_states(tables)):
        raise ImssimError(f"unknown {what} state {code!r}: not in this run")
    return code


def choose_focal(tables: Tables, config: Config, focal: str | None) -> str:
    """The focal state: `focal`, or the run's own; checked against the run."""
    return check_country(tables, config.focal if focal is None else focal, "focal")


def choose_years(tables: Tables, years: Sequence[int] | int | None) -> list[int]:
    """Panel years: `years` checked, or 2012, 2020 and 2035 and the run's first and last."""
    all_years = run_years(tables)
    if years is None:
        chosen = {y for y in DEFAULT_YEARS if all_years[0] <= y <= all_years[-1]}
        chosen |= {all_years[0], all_years[-1]}
        return sorted(y for y in chosen if y in all_years)
    if isinstance(years, str | int):
        years = [years]  # type: ignore[list-item]
    picked = [check_year(tables, y) for y in years]
    if not picked:
        raise ImssimError("years: give at least one year")
    return sorted(set(picked))


def choose_others(tables: Tables, focal: str, others: Sequence[str] | str | None) -> list[str]:
    """States drawn beside the focal state: `others` checked, or Germany, France, the
    United Kingdom and Belgium where the run has them."""
    present = set(run_states(tables))
    if others is None:
        return [c for c in DEFAULT_OTHERS if c in present and c != focal]
    if isinstance(others, str):
        others = [others]
    chosen: list[str] = []
    for code in others:
        check_country(tables, code, "other")
        if code != focal and code not in chosen:
            chosen.append(code)
    return chosen


@dataclasses.dataclass(frozen=True)
class RunChoices:
    """What the figures of one run show, checked against the run.

    `years` are the panels of the ring diagram, `focal` the state whose view is
    taken, `others` the states drawn beside it in the indices, `network_year` the
    year of the depth matrix and the network.
    """

    years: tuple[int, ...]
    focal: str
    others: tuple[str, ...]
    network_year: int

    def as_dict(self) -> dict[str, object]:
        return {
            "years": list(self.years),
            "focal": self.focal,
            "others": list(self.others),
            "network_year": self.network_year,
        }


def resolve_choices(
    tables: Tables,
    config: Config,
    *,
    years: Sequence[int] | int | None = None,
    focal: str | None = None,
    others: Sequence[str] | str | None = None,
    network_year: int | None = None,
) -> RunChoices:
    """The choices of a run's figures with every default filled in; a bad choice is a
    one-line ImssimError before anything is drawn."""
    chosen_focal = choose_focal(tables, config, focal)
    return RunChoices(
        years=tuple(choose_years(tables, years)),
        focal=chosen_focal,
        others=tuple(choose_others(tables, chosen_focal, others)),
        network_year=(
            run_years(tables)[-1]
            if network_year is None
            else check_year(tables, network_year, "network year")
        ),
    )


def region_order(tables: Tables) -> pd.DataFrame:
    """States with their region, sorted by region (the world's order) and then code."""
    first = tables.countries[tables.countries["year"] == tables.countries["year"].min()]
    states = first[["country", "region"]].astype(str).drop_duplicates("country")
    rank = {r: i for i, r in enumerate(REGIONS)}
    states = states.assign(rank=states["region"].map(lambda r: rank.get(r, len(rank))))
    return states.sort_values(["rank", "region", "country"]).reset_index(drop=True)


# --------------------------------------------------------------------------- names


def _world_labels(data_dir: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Names and area labels of a run's world (loaded once: load_world caches), or none
    when the world data are gone, so old runs can still be read by code."""
    from imssim.world import load_world

    try:
        world = load_world(data_dir)
    except (OSError, ImssimError):
        return {}, {}
    return world.name_of, world.area_label_of


def world_names(config: Config) -> dict[str, str]:
    """ISO3 code -> name of the states of a config's world."""
    return _world_labels(config.world.data_dir)[0]


def world_area_labels(config: Config) -> dict[str, str]:
    """Capability area id -> label in a config's world."""
    return _world_labels(config.world.data_dir)[1]


def country_names(run: RunFolder | None = None) -> dict[str, str]:
    """ISO3 code -> name of the states of the run's world (the shipped world by default)."""
    return _world_labels(run.config.world.data_dir if run is not None else None)[0]


def area_labels(run: RunFolder | None = None) -> dict[str, str]:
    """Capability area id -> label in the run's world (the shipped world by default)."""
    return _world_labels(run.config.world.data_dir if run is not None else None)[1]


# --------------------------------------------------------------------------- several runs


@dataclasses.dataclass(frozen=True)
class Measure:
    """An outcome that can be compared between runs."""

    key: str
    title: str  # panel title; "{focal}" is replaced by the focal state's name
    unit: str  # axis label; "{base}" is replaced by the base year of an index
    phrase: str  # the outcome in a sentence, with "{focal}" as in the title
    table: str  # "countries" (the focal state's row) or "alliance"
    column: str
    index: bool = False  # divide by the base year's value, x 100
    scale: float = 1.0
    decimals: int = 2
    suffix: str = ""  # after a number in a sentence
    # the axis range that does not magnify noise: a share on its whole range (0, 1), a
    # count or shortfall from 0 (upper None: the data's); None: fitted to the data
    axis: tuple[float, float | None] | None = None


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "capacity_to_act",
            "{focal}: capacity to act",
            "index, {base} = 100",
            "the capacity to act of {focal} (index, {base} = 100)",
            "countries",
            "capacity_to_act",
            index=True,
            decimals=0,
        ),
        Measure(
            "budget",
            "{focal}: defence budget",
            "index, {base} = 100",
            "the defence budget of {focal} (index, {base} = 100)",
            "countries",
            "budget",
            index=True,
            decimals=0,
        ),
        Measure(
            "autonomy",
            "{focal}: autonomy",
            "share of capability at sole disposal (0-1)",
            "the autonomy of {focal} (0-1)",
            "countries",
            "autonomy",
            axis=(0.0, 1.0),
        ),
        Measure(
            "mean_form",
            "Mean form of the bilateral ties",
            "form (1 joint hire ... 6 specialisation)",
            "the mean form of the bilateral ties",
            "alliance",
            "mean_form_bilateral",
        ),
        Measure(
            "cooperating_pairs",
            "Pairs of states with a bilateral tie",
            "pairs of states",
            "the number of pairs of states with a bilateral tie",
            "alliance",
            "n_pairs_bilateral",
            decimals=0,
            axis=(0.0, None),
        ),
        Measure(
            "shortfall",
            "Alliance shortfall",
            "% of the requirement unmet",
            "the alliance shortfall (share of the requirement unmet)",
            "alliance",
            "shortfall_total",
            scale=100.0,
            decimals=1,
            suffix=" %",
            axis=(0.0, None),
        ),
    )
}
DEFAULT_MEASURES = ("capacity_to_act", "autonomy", "cooperating_pairs", "shortfall")

# settings that never define a group: the seed varies within one, the years are aligned
_NOT_GROUPING = ("seed", "start_year", "end_year", "output.", "scenario.name", "policy.name")


def format_value(key: str, value: float) -> str:
    """A value of the measure as written in a sentence ('6.7 %', '129', '0.79')."""
    m = MEASURES[key]
    return f"{value:.{m.decimals}f}{m.suffix}"


def _flat(run: RunFolder) -> dict[str, str]:
    container = dataclasses.asdict(run.config)
    out: dict[str, str] = {}

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}{k}.", v)
        else:
            out[prefix.rstrip(".")] = str(value)

    walk("", container)
    return out


def group_labels(runs: Sequence[RunFolder]) -> list[str]:
    """For each run, its group: ``scenario / policy``, plus any other setting that differs.

    A setting joins the label when two runs of the same scenario and policy differ in
    it (a sweep over ``catalyst`` or ``policy.autonomy_weight``, say); the seed, the
    span of years and the output settings never do.
    """
    flats = [_flat(r) for r in runs]
    names = [(r.config.scenario.name, r.config.policy.name) for r in runs]
    keys = sorted(set().union(*flats))
    varying = []
    for k in keys:
        if k.startswith(_NOT_GROUPING):
            continue
        values: dict[tuple[str, str], set[str | None]] = {}
        for name, flat in zip(names, flats, strict=True):
            values.setdefault(name, set()).add(flat.get(k))
        if any(len(v) > 1 for v in values.values()):
            varying.append(k)
    labels = []
    for (scenario, policy), flat in zip(names, flats, strict=True):
        extra = ", ".join(f"{k}={flat.get(k)}" for k in varying)
        labels.append(f"{scenario} / {policy}" + (f" ({extra})" if extra else ""))
    return labels


def check_measures(measures: str | Sequence[str] | None) -> tuple[str, ...]:
    if measures is None:
        return DEFAULT_MEASURES
    if isinstance(measures, str):
        measures = (measures,)
    measures = tuple(measures)
    if not measures:
        raise ImssimError("no measure to compare")
    for m in measures:
        if m not in MEASURES:
            raise ImssimError(f"unknown measure {m!r} (choose from {', '.join(MEASURES)})")
    return measures


def span(years: Sequence[int]) -> str:
    return f"{years[0]}-{years[-1]}" if years else "no years"


def outcomes(
    runs: Sequence[RunFolder | str | Path] | str | Path,
    measures: str | Sequence[str] | None = None,
    *,
    focal: str | None = None,
) -> pd.DataFrame:
    """One row per run, measure and common year: the value of the outcome.

    Columns: ``run`` (folder name), ``group``, ``scenario``, ``policy``, ``seed``,
    ``focal``, ``measure``, ``year``, ``value``. Focal-state measures use each run's
    own focal state unless `focal` names one for all runs; indices take the first
    common year as 100. ``attrs`` holds ``years`` (the common years), ``focal`` (the
    state, or None if it differs between runs) and ``notes`` (sentences on what was
    done to make the runs comparable).
    """
    runs = as_runs(runs)
    measures = check_measures(measures)
    spans = {span(run_years(r.tables)) for r in runs}
    common = sorted(set.intersection(*(set(run_years(r.tables)) for r in runs)))
    if not common:
        shown = ", ".join(f"{r.path.name} {span(run_years(r.tables))}" for r in runs)
        raise ImssimError(f"the runs share no year, nothing to compare: {shown}")
    notes = []
    if len(spans) > 1:
        notes.append(
            f"The runs cover different years ({', '.join(sorted(spans))}); "
            f"they are compared over the common years {span(common)}."
        )
    focals = [focal or r.config.focal for r in runs]
    if len(set(focals)) > 1 and any(MEASURES[m].table == "countries" for m in measures):
        notes.append(
            "The focal state differs between runs ("
            + ", ".join(sorted(set(focals)))
            + "); each run's measures are those of its own focal state."
        )
    base = common[0]
    labels = group_labels(runs)
    parts = []
    for run, label, state in zip(runs, labels, focals, strict=True):
        c = run.tables.countries
        mine = c[c["country"] == state].set_index("year")
        if mine.empty and any(MEASURES[m].table == "countries" for m in measures):
            raise ImssimError(f"unknown state code {state!r} in run {run.path.name}")
        alliance = run.tables.alliance.set_index("year")
        for key in measures:
            m = MEASURES[key]
            source = mine if m.table == "countries" else alliance
            series = source[m.column].reindex(common).astype(float)
            if m.index:
                series = 100.0 * series / series.loc[base]
            series = series * m.scale
            parts.append(
                pd.DataFrame(
                    {
                        "run": run.path.name,
                        "group": label,
                        "scenario": run.config.scenario.name,
                        "policy": run.config.policy.name,
                        "seed": int(run.config.seed),
                        "focal": state,
                        "measure": key,
                        "year": common,
                        "value": series.to_numpy(),
                    }
                )
            )
    frame = pd.concat(parts, ignore_index=True)
    order = list(dict.fromkeys(labels))
    frame["group"] = pd.Categorical(frame["group"], categories=order, ordered=True)
    frame["measure"] = pd.Categorical(frame["measure"], categories=measures, ordered=True)
    frame.attrs = {
        "years": common,
        "focal": focals[0] if len(set(focals)) == 1 else None,
        "notes": notes,
        "names": country_names(runs[0]),
    }
    return frame


def _summary(values: pd.Series) -> pd.Series:
    v = values.to_numpy(dtype=float)
    return pd.Series(
        {
            "n_runs": len(v),
            "median": float(np.median(v)),
            "p10": float(np.percentile(v, LOW_Q)),
            "p90": float(np.percentile(v, HIGH_Q)),
            "min": float(v.min()),
            "max": float(v.max()),
        }
    )


def summarise_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """Per group, measure and year: n_runs, median, p10, p90, min, max across runs."""
    keys = ["group", "measure", "year"]
    stats = (
        frame.groupby(keys, observed=True, sort=True)["value"]
        .apply(_summary)
        .unstack()
        .reset_index()
    )
    first = frame.drop_duplicates("group").set_index("group")[["scenario", "policy"]]
    stats = stats.join(first, on="group")
    stats["n_runs"] = stats["n_runs"].astype(int)
    stats["band"] = stats["n_runs"] > 1
    stats.attrs = dict(frame.attrs)
    cols = ["group", "scenario", "policy", "measure", "year", "n_runs", "median"]
    return stats[[*cols, "p10", "p90", "min", "max", "band"]]
