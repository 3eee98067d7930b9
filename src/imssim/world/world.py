"""The world the model starts from: the states (N), capability areas (A), equipment
families (E), the ties (T) and frameworks of the 2012 record, and the economy, as
numpy arrays kept in one part per topic (:class:`World`).

:func:`imssim.world.loader.load_world` reads and checks the data files into a World.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from imssim.errors import WorldDataError
from imssim.world.pairs import PairFacts, pair_facts

REGIONS = ("north", "west", "south", "east", "north_america", "other")


@dataclass(frozen=True)
class Framework:
    """A multilateral framework (EATC, the C-17 consortium ...) in one capability area."""

    id: str
    name: str
    area: int
    form: int
    eligibility: str
    members: np.ndarray  # bool[N], membership in 2012
    since: int
    fixed: bool  # membership follows NATO or the EU (the baseline frameworks): no choice
    purpose: str = "cooperation"  # see imssim.world.loader.PURPOSES
    lead: int = -1  # the lead (framework) nation, -1: none
    until: int = 0  # last year of a rotation or fixed lifetime; 0: open-ended
    capable: np.ndarray | None = None  # bool[N]: states able to take part (None: all)
    host: int = -1  # the host nation of a forward presence, -1: none

    def open_to(
        self, nato: np.ndarray, eu: np.ndarray, eda: np.ndarray | None = None
    ) -> np.ndarray:
        """bool[N]: the states that may be members, given this year's memberships
        (`eda`: the European Defence Agency's participants, EU members and associates;
        None: the EU members)."""
        ok = {
            "nato": nato,
            "eu": eu,
            "eda": eu if eda is None else eda,
            "nato_or_eu": nato | eu,
        }.get(self.eligibility, np.ones_like(nato))
        return ok if self.capable is None else ok & self.capable


class _InPart[T]:
    """A world attribute kept in one of the world's parts: ``World.iso3`` reads
    ``world.states.iso3`` (``_InPart("ties", "a")`` under the name ``tie_a`` reads
    ``world.ties.a``), so that the model keeps its flat names. Like
    :func:`functools.cached_property`, the first read stores the value on the world, so
    that later reads cost what a plain attribute costs (the parts are frozen)."""

    def __init__(self, part: str, field: str = "") -> None:
        self.part = part
        self.field = field
        self.name = field

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.field = self.field or name

    def __get__(self, world: object, owner: type | None = None) -> T:
        if world is None:  # looked up on the class itself
            return self  # type: ignore[return-value]
        value = getattr(getattr(world, self.part), self.field)
        world.__dict__[self.name] = value
        return value


@dataclass(frozen=True)
class Catalogue:
    """The capability areas (A) and equipment families (E) a state can hold."""

    areas: tuple[str, ...]
    area_labels: tuple[str, ...]
    requirement: np.ndarray  # float[A], alliance need as a ratio to 2011 holdings
    # float[A] in [0, 1): the smallest holding that is still a force, as a share of a
    # state's 2012 holding in the area (docs/ODD.md 7.3)
    min_viable: np.ndarray
    # bool[A]: the area's capability is a fleet of platforms that partners can pool
    # (aircraft: airlift, tankers, helicopters, strategic ISR; docs/ODD.md 7.9)
    fleet: np.ndarray
    families: tuple[str, ...]
    family_area: np.ndarray  # int[E]


@dataclass(frozen=True)
class States:
    """Who the states (N) are: codes, names, region, memberships in 2012, place, culture."""

    iso3: tuple[str, ...]
    names: tuple[str, ...]
    region: np.ndarray  # str[N]
    nato: np.ndarray  # bool[N]
    eu: np.ndarray  # bool[N]
    groups: dict[str, np.ndarray]  # group -> bool[N]
    lat: np.ndarray
    lon: np.ndarray
    culture: np.ndarray  # float[N, 4] in [0, 1]


@dataclass(frozen=True)
class Holdings:
    """What each state holds in 2012: capability levels, equipment and its sovereign core."""

    level: np.ndarray  # int[N, A], capability levels 0-5
    equipment: np.ndarray  # bool[N, E]
    core: np.ndarray  # bool[N, A], the sovereign core


@dataclass(frozen=True)
class Ties:
    """The bilateral ties (T) of the 2012 record: the two states, the area, the form, since."""

    a: np.ndarray  # int[T]
    b: np.ndarray
    area: np.ndarray
    form: np.ndarray
    since: np.ndarray


@dataclass(frozen=True)
class Economy:
    """Each state's 2011 economy and the observed defence shares of GDP by year."""

    gdp: np.ndarray  # 2011 GDP, billion current US$
    milex_share: np.ndarray  # 2011 military expenditure as a fraction of GDP
    milex_share_source: tuple[str, ...]
    population: np.ndarray
    personnel: np.ndarray  # thousands (COW), NaN where missing
    reference: pd.DataFrame  # the 2005-2017 figures the economy is taken from
    # observed defence shares of GDP (fractions) by year, NaN where not observed;
    # rows: observed_years, columns: states (empty when the world has no milex_shares.csv)
    observed_years: np.ndarray
    observed_share: np.ndarray


@dataclass(frozen=True)
class World:
    """The default world as arrays indexed by state (N) and capability area (A), kept in
    parts (one per topic) and read under flat names: ``world.iso3``, ``world.tie_a``."""

    catalogue: Catalogue
    states: States
    holdings: Holdings
    ties: Ties
    frameworks: tuple[Framework, ...]
    economy: Economy

    areas = _InPart[tuple[str, ...]]("catalogue")
    area_labels = _InPart[tuple[str, ...]]("catalogue")
    requirement = _InPart[np.ndarray]("catalogue")
    min_viable = _InPart[np.ndarray]("catalogue")
    fleet = _InPart[np.ndarray]("catalogue")
    families = _InPart[tuple[str, ...]]("catalogue")
    family_area = _InPart[np.ndarray]("catalogue")
    iso3 = _InPart[tuple[str, ...]]("states")
    names = _InPart[tuple[str, ...]]("states")
    region = _InPart[np.ndarray]("states")
    nato = _InPart[np.ndarray]("states")
    eu = _InPart[np.ndarray]("states")
    groups = _InPart[dict[str, np.ndarray]]("states")
    lat = _InPart[np.ndarray]("states")
    lon = _InPart[np.ndarray]("states")
    culture = _InPart[np.ndarray]("states")
    level = _InPart[np.ndarray]("holdings")
    equipment = _InPart[np.ndarray]("holdings")
    core = _InPart[np.ndarray]("holdings")
    tie_a = _InPart[np.ndarray]("ties", "a")
    tie_b = _InPart[np.ndarray]("ties", "b")
    tie_area = _InPart[np.ndarray]("ties", "area")
    tie_form = _InPart[np.ndarray]("ties", "form")
    tie_since = _InPart[np.ndarray]("ties", "since")
    gdp = _InPart[np.ndarray]("economy")
    milex_share = _InPart[np.ndarray]("economy")
    milex_share_source = _InPart[tuple[str, ...]]("economy")
    population = _InPart[np.ndarray]("economy")
    personnel = _InPart[np.ndarray]("economy")
    reference = _InPart[pd.DataFrame]("economy")
    observed_years = _InPart[np.ndarray]("economy")
    observed_share = _InPart[np.ndarray]("economy")

    @property
    def n_states(self) -> int:
        """The number of states."""
        return len(self.iso3)

    @property
    def name_of(self) -> dict[str, str]:
        """State name by ISO3 code."""
        return dict(zip(self.iso3, self.names, strict=True))

    @property
    def area_label_of(self) -> dict[str, str]:
        """Capability area label by area id."""
        return dict(zip(self.areas, self.area_labels, strict=True))

    @property
    def n_areas(self) -> int:
        """The number of capability areas."""
        return len(self.areas)

    @property
    def budget(self) -> np.ndarray:
        """2011 defence budget, billion current US$ (GDP x military expenditure share)."""
        return self.gdp * self.milex_share

    def index(self, iso3: str) -> int:
        """Position of a state; unknown codes raise a one-line error."""
        try:
            return self.iso3.index(iso3)
        except ValueError:
            raise WorldDataError(f"unknown state code {iso3!r}") from None

    def selector(self, names: list[str] | tuple[str, ...] | str) -> np.ndarray:
        """bool[N] for 'all', a region, nato/eu, a regional group or ISO3 codes."""
        if isinstance(names, str):
            names = [names]
        mask = np.zeros(self.n_states, dtype=bool)
        for name in names:
            if name == "all":
                mask[:] = True
            elif name in REGIONS:
                mask |= self.region == name
            elif name == "nato":
                mask |= self.nato
            elif name == "eu":
                mask |= self.eu
            elif name in self.groups:
                mask |= self.groups[name]
            elif name in self.iso3:
                mask[self.iso3.index(name)] = True
            else:
                known = ", ".join(("all", *REGIONS, "nato", "eu", *sorted(self.groups)))
                raise WorldDataError(
                    f"unknown state or group {name!r} (use ISO3 codes or one of: {known})"
                )
        return mask

    @cached_property
    def pair_facts(self) -> PairFacts:
        """Every pair's distance, culture gap and shared equipment
        (:mod:`imssim.world.pairs`), made at the first read and kept."""
        return pair_facts(
            (self.lat, self.lon), self.culture, self.equipment, self.family_area, self.n_areas
        )

    def with_memberships(self, nato: np.ndarray, eu: np.ndarray) -> World:
        """The same world with other NATO and EU memberships (bool[N] each); its pair
        facts, which the memberships do not change, are this world's."""
        states = dataclasses.replace(self.states, nato=nato, eu=eu)
        world = dataclasses.replace(self, states=states)
        if "pair_facts" in self.__dict__:
            world.__dict__["pair_facts"] = self.__dict__["pair_facts"]
        return world
