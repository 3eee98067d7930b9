"""The choices of a run's figures, checked once against the run: the panel years of
the ring diagram, the focal state, the states drawn beside it and the year of the depth
matrix and the network (:func:`resolve_choices`), and the years, states and regional
order of a run these are checked against.

Nothing here draws; matplotlib is not imported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from imssim.config import Config
from imssim.errors import ImssimError
from imssim.model.tables import Tables
from imssim.world.loader import REGIONS

DEFAULT_YEARS = (2012, 2020, 2035)  # panels of the ring diagram, where the run has them
DEFAULT_OTHERS = ("DEU", "FRA", "GBR", "BEL")  # drawn beside the focal state in the indices


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
    """`code` if it is a state of the run, else a one-line ImssimError naming `what`."""
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
        """The choices as plain values (as figures.json records them)."""
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
