"""Reading and validating the world data files into arrays the model computes with."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from imssim.errors import WorldDataError
from imssim.world.world import (
    REGIONS,
    Catalogue,
    Economy,
    Framework,
    Holdings,
    States,
    Ties,
    World,
)

DATA_DIR = Path(__file__).with_name("data")
ECONOMY_YEAR = 2011  # the latest full year of figures when the note was written (2012)

CULTURE_COLUMNS = (
    "culture_atlanticism",
    "culture_expeditionary",
    "culture_integration",
    "culture_governance",
)
# who may join a framework: "eda" is the European Defence Agency's participants, the EU
# members of the year without the states of group EDA_OPT_OUT, with those of EDA_ASSOCIATE
ELIGIBILITIES = ("nato", "eu", "eda", "nato_or_eu", "any")
EDA_ASSOCIATE = "eda_associate"  # an administrative arrangement with the EDA (Norway, 2006)
EDA_OPT_OUT = "eda_opt_out"  # an EU member outside the EDA (Denmark's defence opt-out)
# what a framework is for: the record's kinds and the four a lead state can found
PURPOSES = (
    "baseline",  # NATO and the EU's CSDP themselves: common exercises and standards
    "command",  # a common command or coordination centre (EATC, MCCE)
    "pooled_fleet",  # a co-owned or pooled fleet of a scarce enabler (SAC C-17, MMF)
    "procurement",  # a joint programme for one equipment family (NAHEMA, NETMA, A400M)
    "exchange",  # training, exercises, information and stock sharing (EDA and Smart Defence)
    "standing_force",  # a multinational force or unit (EGF, the amphibious initiative)
    "rotation",  # a force for a set period (an NRF rotation): ends after `until`
    "expeditionary_force",  # founded: a force around an expeditionary lead (the JEF)
    "framework_cluster",  # founded: smaller states' units around a lead's formations (FNC)
    "forward_presence",  # founded: a lead's battlegroup hosted by an exposed state (eFP)
)
# relative weight of capability levels 0-5 when a state's budget is spread over areas
LEVEL_WEIGHT = np.array([0.0, 1.0, 2.0, 3.5, 5.5, 8.0])

_REQUIRED = {
    "areas.csv": ("area", "label", "alliance_requirement", "min_viable_share", "pooled_fleet"),
    "equipment.csv": ("family", "area", "label"),
    "states.csv": (
        "iso3",
        "name",
        "region",
        "nato",
        "eu",
        "groups",
        "capital",
        "lat",
        "lon",
        *CULTURE_COLUMNS,
        "equipment",
        "sovereign_core",
    ),
    "capabilities.csv": ("iso3",),
    "ties_2012.csv": ("a", "b", "area", "form", "since"),
    "frameworks.csv": ("id", "name", "area", "form", "eligibility", "members", "since", "fixed"),
    "milex_shares.csv": ("iso3", "year", "milex_pct_gdp"),
    "milex_published.csv": ("iso3", "year", "share_pct", "series", "release", "source"),
    "reference_2005_2017.csv": (
        "iso3",
        "year",
        "gdp_current_usd",
        "milex_pct_gdp",
        "population",
        "cow_milex_thousand_usd",
        "cow_milper_thousand",
    ),
}


def _read(data_dir: Path, name: str) -> pd.DataFrame:
    path = data_dir / name
    if not path.is_file():
        raise WorldDataError(f"world data file missing: {path}")
    try:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""], comment=None)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WorldDataError(f"{path.name}: cannot be read as CSV ({first})") from None
    missing = [c for c in _REQUIRED[name] if c not in frame.columns]
    if missing:
        raise WorldDataError(f"{path.name}: missing column(s) {', '.join(missing)}")
    return frame


def _cell(row: object, column: str) -> str:
    """An optional column's value as stripped text ('' when absent or empty)."""
    value = getattr(row, column, None)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _capable(
    requires: list[str],
    fid: str,
    iso3: tuple[str, ...],
    families: tuple[str, ...],
    equipment: np.ndarray,
) -> np.ndarray | None:
    """bool[N] from a framework's `requires`: an equipment family (the states that field
    it) or a list of state codes (e.g. those with a gendarmerie); None: no requirement."""
    if not requires:
        return None
    if all(r in families for r in requires):
        return equipment[:, [families.index(r) for r in requires]].any(axis=1)
    _check_codes(requires, iso3, "state or equipment family", f"frameworks.csv ({fid}) requires")
    mask = np.zeros(len(iso3), dtype=bool)
    mask[[iso3.index(r) for r in requires]] = True
    return mask


def _split(cell: object) -> list[str]:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return []
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def _numeric(frame: pd.DataFrame, column: str, file: str, *, allow_nan: bool = False) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & (~frame[column].isna().to_numpy() | (not allow_nan))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise WorldDataError(
            f"{file}: column {column} row {row + 2} is not a number ({frame[column].iloc[row]!r})"
        )
    return values


def _check_codes(values: list[str], known: tuple[str, ...], what: str, file: str) -> None:
    for v in values:
        if v not in known:
            raise WorldDataError(f"{file}: unknown {what} {v!r}")


def load_world(data_dir: str | Path | None = None) -> World:
    """Load and validate the world data (the packaged default when `data_dir` is None),
    once per process and folder (by its absolute path, however it is named).

    Each file is read and checked in turn (a broken one raises a one-line
    :class:`~imssim.errors.WorldDataError` naming it), then each part of the world is
    derived from it."""
    return _cached(DATA_DIR.absolute() if data_dir is None else Path(data_dir).absolute())


def read_world(data_dir: str | Path) -> World:
    """:func:`load_world` of the folder `data_dir`, read again at every call (not cached)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise WorldDataError(f"world data folder not found: {data_dir}")
    catalogue = _read_catalogue(data_dir)
    states_df = _read(data_dir, "states.csv")
    states = _states(states_df)
    holdings = _read_holdings(data_dir, states_df, states.iso3, catalogue)
    ties = _read_ties(data_dir, states.iso3, catalogue.areas)
    frameworks = _read_frameworks(data_dir, states.iso3, catalogue, holdings.equipment)
    economy = _read_economy(data_dir, states.iso3)
    return World(catalogue, states, holdings, ties, frameworks, economy)


_cached = lru_cache(maxsize=8)(read_world)  # by absolute path


def _read_catalogue(data_dir: Path) -> Catalogue:
    """The capability areas (areas.csv) and equipment families (equipment.csv)."""
    areas_df = _read(data_dir, "areas.csv")
    areas = tuple(str(a) for a in areas_df["area"])
    if len(set(areas)) != len(areas):
        raise WorldDataError("areas.csv: duplicate area ids")
    requirement = _numeric(areas_df, "alliance_requirement", "areas.csv")
    if (requirement <= 0).any():
        raise WorldDataError("areas.csv: alliance_requirement must be > 0")
    min_viable = _numeric(areas_df, "min_viable_share", "areas.csv")
    outside = (min_viable < 0) | (min_viable >= 1)
    if outside.any():
        bad = areas[int(np.flatnonzero(outside)[0])]
        raise WorldDataError(f"areas.csv: min_viable_share of {bad} must be in [0, 1)")
    fleet = _numeric(areas_df, "pooled_fleet", "areas.csv")
    if not np.isin(fleet, (0.0, 1.0)).all():
        bad = areas[int(np.flatnonzero(~np.isin(fleet, (0.0, 1.0)))[0])]
        raise WorldDataError(f"areas.csv: pooled_fleet of {bad} must be 0 or 1")
    eq_df = _read(data_dir, "equipment.csv")
    families = tuple(str(f) for f in eq_df["family"])
    _check_codes(list(eq_df["area"].astype(str)), areas, "area", "equipment.csv")
    family_area = np.array([areas.index(str(a)) for a in eq_df["area"]], dtype=int)
    return Catalogue(
        areas=areas,
        area_labels=tuple(str(x) for x in areas_df["label"]),
        requirement=requirement,
        min_viable=min_viable,
        fleet=fleet == 1.0,
        families=families,
        family_area=family_area,
    )


def _states(st: pd.DataFrame) -> States:
    """The states of states.csv: codes, names, region, memberships, place and culture."""
    iso3 = tuple(str(c) for c in st["iso3"])
    if len(set(iso3)) != len(iso3):
        raise WorldDataError("states.csv: duplicate iso3 codes")
    for code in iso3:
        if len(code) != 3 or not code.isalpha() or not code.isupper():
            raise WorldDataError(f"states.csv: {code!r} is not an ISO 3166 alpha-3 code")
    region = st["region"].astype(str).to_numpy()
    _check_codes(list(region), REGIONS, "region", "states.csv")
    nato = _numeric(st, "nato", "states.csv").astype(bool)
    eu = _numeric(st, "eu", "states.csv").astype(bool)
    group_names = sorted({g for cell in st["groups"] for g in _split(cell)})
    groups = {g: np.array([g in _split(c) for c in st["groups"]]) for g in group_names}
    lat = _numeric(st, "lat", "states.csv")
    lon = _numeric(st, "lon", "states.csv")
    if (np.abs(lat) > 90).any() or (np.abs(lon) > 180).any():
        raise WorldDataError("states.csv: lat/lon out of range")
    culture = np.column_stack([_numeric(st, c, "states.csv") for c in CULTURE_COLUMNS])
    if ((culture < 0) | (culture > 1)).any():
        raise WorldDataError("states.csv: culture values must be in [0, 1]")
    names = tuple(str(n) for n in st["name"])
    return States(iso3, names, region, nato, eu, groups, lat, lon, culture)


def _read_holdings(
    data_dir: Path, st: pd.DataFrame, iso3: tuple[str, ...], catalogue: Catalogue
) -> Holdings:
    """Each state's equipment and sovereign core (states.csv) and capability levels
    (capabilities.csv)."""
    areas, families = catalogue.areas, catalogue.families
    equipment = np.zeros((len(iso3), len(families)), dtype=bool)
    core = np.zeros((len(iso3), len(areas)), dtype=bool)
    for i, (eq_cell, core_cell) in enumerate(
        zip(st["equipment"], st["sovereign_core"], strict=True)
    ):
        eq = _split(eq_cell)
        _check_codes(eq, families, "equipment family", "states.csv")
        equipment[i, [families.index(f) for f in eq]] = True
        cr = _split(core_cell)
        _check_codes(cr, areas, "area", "states.csv")
        core[i, [areas.index(a) for a in cr]] = True
    return Holdings(level=_read_levels(data_dir, iso3, areas), equipment=equipment, core=core)


def _read_levels(data_dir: Path, iso3: tuple[str, ...], areas: tuple[str, ...]) -> np.ndarray:
    """int[N, A]: the capability levels 0-5 of capabilities.csv, in the states' order."""
    cap = _read(data_dir, "capabilities.csv")
    missing_areas = [a for a in areas if a not in cap.columns]
    if missing_areas:
        raise WorldDataError(f"capabilities.csv: missing area column(s) {', '.join(missing_areas)}")
    cap_codes = [str(c) for c in cap["iso3"]]
    _check_codes(cap_codes, iso3, "state", "capabilities.csv")
    if sorted(cap_codes) != sorted(iso3):
        absent = sorted(set(iso3) - set(cap_codes))
        raise WorldDataError(f"capabilities.csv: no row for {', '.join(absent) or 'a duplicate'}")
    cap = cap.set_index("iso3").loc[list(iso3)].reset_index()
    level = np.column_stack([_numeric(cap, a, "capabilities.csv") for a in areas])
    if ((level < 0) | (level > 5) | (level != np.round(level))).any():
        raise WorldDataError("capabilities.csv: levels must be integers 0-5")
    level = level.astype(int)
    if (level.sum(axis=1) == 0).any():
        empty = [iso3[i] for i in np.flatnonzero(level.sum(axis=1) == 0)]
        raise WorldDataError(f"capabilities.csv: {', '.join(empty)} hold no capability at all")
    return level


def _read_ties(data_dir: Path, iso3: tuple[str, ...], areas: tuple[str, ...]) -> Ties:
    """The bilateral ties of 2012 (ties_2012.csv), each pair and area at most once."""
    ties = _read(data_dir, "ties_2012.csv")
    for col in ("a", "b"):
        _check_codes(list(ties[col].astype(str)), iso3, "state", "ties_2012.csv")
    _check_codes(list(ties["area"].astype(str)), areas, "area", "ties_2012.csv")
    tie_form = _numeric(ties, "form", "ties_2012.csv")
    if ((tie_form < 1) | (tie_form > 6) | (tie_form != np.round(tie_form))).any():
        raise WorldDataError("ties_2012.csv: form must be an integer 1-6")
    tie_a = np.array([iso3.index(c) for c in ties["a"].astype(str)], dtype=int)
    tie_b = np.array([iso3.index(c) for c in ties["b"].astype(str)], dtype=int)
    if (tie_a == tie_b).any():
        raise WorldDataError("ties_2012.csv: a state cannot cooperate with itself")
    tie_area = np.array([areas.index(a) for a in ties["area"].astype(str)], dtype=int)
    keys = set()
    for a, b, ar in zip(tie_a, tie_b, tie_area, strict=True):
        key = (min(a, b), max(a, b), ar)
        if key in keys:
            raise WorldDataError(f"ties_2012.csv: duplicate tie {iso3[a]}-{iso3[b]} in {areas[ar]}")
        keys.add(key)
    tie_since = _numeric(ties, "since", "ties_2012.csv").astype(int)
    return Ties(a=tie_a, b=tie_b, area=tie_area, form=tie_form.astype(int), since=tie_since)


def _read_frameworks(
    data_dir: Path, iso3: tuple[str, ...], catalogue: Catalogue, equipment: np.ndarray
) -> tuple[Framework, ...]:
    """The multilateral frameworks of frameworks.csv, each row checked in turn."""
    fw_df = _read(data_dir, "frameworks.csv")
    return tuple(
        _framework(row, iso3, catalogue, equipment) for row in fw_df.itertuples(index=False)
    )


def _framework(
    row: Any, iso3: tuple[str, ...], catalogue: Catalogue, equipment: np.ndarray
) -> Framework:
    """One row of frameworks.csv as a :class:`Framework`."""
    areas = catalogue.areas
    fid = str(row.id)
    _check_codes([str(row.area)], areas, "area", f"frameworks.csv ({fid})")
    if str(row.eligibility) not in ELIGIBILITIES:
        raise WorldDataError(
            f"frameworks.csv ({fid}): unknown eligibility {row.eligibility!r} "
            f"(one of {', '.join(ELIGIBILITIES)})"
        )
    members = _split(row.members)
    _check_codes(members, iso3, "state", f"frameworks.csv ({fid})")
    mask = np.zeros(len(iso3), dtype=bool)
    mask[[iso3.index(m) for m in members]] = True
    form, since, fixed = _framework_numbers(row, fid)
    purpose = _cell(row, "purpose") or "cooperation"
    if purpose not in (*PURPOSES, "cooperation"):
        raise WorldDataError(f"frameworks.csv ({fid}): unknown purpose {purpose!r}")
    lead_code = _cell(row, "lead")
    if lead_code:
        _check_codes([lead_code], iso3, "lead state", f"frameworks.csv ({fid})")
        if lead_code not in members:
            raise WorldDataError(f"frameworks.csv ({fid}): lead {lead_code} is not a member")
    until = _framework_until(row, fid, since)
    capable = _capable(_split(_cell(row, "requires")), fid, iso3, catalogue.families, equipment)
    if capable is not None:
        # the record's members stay able (Portugal kept its NAHEMA seat after
        # cancelling its NH90 order in 2012); the requirement binds newcomers
        capable = capable | mask
    return Framework(
        fid,
        str(row.name),
        areas.index(str(row.area)),
        form,
        str(row.eligibility),
        mask,
        since,
        fixed,
        purpose=purpose,
        lead=iso3.index(lead_code) if lead_code else -1,
        until=until,
        capable=capable,
    )


def _framework_numbers(row: Any, fid: str) -> tuple[int, int, bool]:
    """A framework row's form (1-6), the year it began and whether it is fixed."""
    try:
        form = int(row.form)
        since = int(row.since)
        fixed = bool(int(row.fixed))
    except (TypeError, ValueError):
        raise WorldDataError(
            f"frameworks.csv ({fid}): form, since and fixed must be integers"
        ) from None
    if not 1 <= form <= 6:
        raise WorldDataError(f"frameworks.csv ({fid}): form must be 1-6")
    return form, since, fixed


def _framework_until(row: Any, fid: str, since: int) -> int:
    """A framework row's last year (0: open-ended), not before the year it began."""
    until_cell = _cell(row, "until")
    try:
        until = int(float(until_cell)) if until_cell else 0
    except ValueError:
        raise WorldDataError(
            f"frameworks.csv ({fid}): until must be a year (got {until_cell!r})"
        ) from None
    if until and until < since:
        raise WorldDataError(f"frameworks.csv ({fid}): until {until} lies before since")
    return until


def _read_economy(data_dir: Path, iso3: tuple[str, ...]) -> Economy:
    """The 2011 economy (reference_2005_2017.csv) and the observed defence shares
    (milex_shares.csv, optional)."""
    ref = _read(data_dir, "reference_2005_2017.csv")
    gdp, share, share_source, population, personnel = _economy(ref, iso3)
    observed_years, observed_share = _observed_shares(data_dir, iso3)
    return Economy(
        gdp=gdp,
        milex_share=share,
        milex_share_source=share_source,
        population=population,
        personnel=personnel,
        reference=ref,
        observed_years=observed_years,
        observed_share=observed_share,
    )


def _observed_shares(data_dir: Path, iso3: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Observed defence shares of GDP by year and state (optional file milex_shares.csv)."""
    if not (data_dir / "milex_shares.csv").is_file():
        return np.zeros(0, dtype=int), np.zeros((0, len(iso3)))
    frame = _read(data_dir, "milex_shares.csv")
    years_col, values = _checked_shares(frame, iso3, "milex_shares.csv", "milex_pct_gdp")
    years = np.unique(years_col.astype(int))
    table = np.full((years.size, len(iso3)), np.nan)
    rows = np.searchsorted(years, years_col.astype(int))
    cols = np.array([iso3.index(str(c)) for c in frame["iso3"]], dtype=int)
    table[rows, cols] = values / 100.0
    return years, table


def _checked_shares(
    frame: pd.DataFrame, iso3: tuple[str, ...], file: str, column: str
) -> tuple[np.ndarray, np.ndarray]:
    """Years and shares (per cent) of a file of defence shares of GDP, one row per state
    and year: known states, integer years, numeric shares in [0, 20], no duplicates."""
    _check_codes(list(frame["iso3"].astype(str)), iso3, "state", file)
    years = _numeric(frame, "year", file)
    values = _numeric(frame, column, file)
    if (values < 0).any() or (values > 20).any():
        row = int(np.flatnonzero((values < 0) | (values > 20))[0])
        raise WorldDataError(
            f"{file}: {column} must be in [0, 20] (per cent), row {row + 2} has {values[row]}"
        )
    if (years != np.round(years)).any():
        raise WorldDataError(f"{file}: year must be an integer")
    if frame.duplicated(["iso3", "year"]).any():
        raise WorldDataError(f"{file}: duplicate state and year")
    return years, values


def read_published_shares(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The published yearly defence shares of GDP (milex_published.csv), checked: one row
    per state and year with its series (NATO or SIPRI), release and source.

    ``scripts/derive_milex_shares.py`` builds ``milex_shares.csv`` from them; a broken
    file raises a one-line :class:`~imssim.errors.WorldDataError`."""
    directory = Path(data_dir) if data_dir is not None else DATA_DIR
    iso3 = tuple(str(c) for c in _read(directory, "states.csv")["iso3"])
    frame = _read(directory, "milex_published.csv")
    years, values = _checked_shares(frame, iso3, "milex_published.csv", "share_pct")
    series = frame["series"].astype(str)
    if not series.isin(["NATO", "SIPRI"]).all():
        bad = series[~series.isin(["NATO", "SIPRI"])].iloc[0]
        raise WorldDataError(f"milex_published.csv: series must be NATO or SIPRI (got {bad!r})")
    for column in ("release", "source"):
        empty = frame[column].isna() | (frame[column].astype(str).str.strip() == "")
        if empty.any():
            row = int(np.flatnonzero(empty.to_numpy())[0])
            raise WorldDataError(f"milex_published.csv: row {row + 2} has no {column}")
    out = frame[["iso3", "series", "release", "source"]].copy()
    out.insert(1, "year", years.astype(int))
    out.insert(2, "share_pct", values)
    return out


def _economy(
    ref: pd.DataFrame, iso3: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], np.ndarray, np.ndarray]:
    """2011 GDP (bn US$), military expenditure share, population and personnel per state.

    The share is the World Bank's (SIPRI) figure; where it is missing, the Correlates of
    War expenditure divided by GDP is used and the source says so.
    """
    year = ref[pd.to_numeric(ref["year"], errors="coerce") == ECONOMY_YEAR].set_index("iso3")
    gdp = np.empty(len(iso3))
    share = np.empty(len(iso3))
    population = np.empty(len(iso3))
    personnel = np.empty(len(iso3))
    sources = []
    for i, code in enumerate(iso3):
        if code not in year.index:
            raise WorldDataError(f"reference_2005_2017.csv: no {ECONOMY_YEAR} row for {code}")
        row = year.loc[code]
        g = pd.to_numeric(row["gdp_current_usd"], errors="coerce")
        if not np.isfinite(g) or g <= 0:
            raise WorldDataError(f"reference_2005_2017.csv: no {ECONOMY_YEAR} GDP for {code}")
        gdp[i] = g / 1e9
        s = pd.to_numeric(row["milex_pct_gdp"], errors="coerce")
        if np.isfinite(s):
            share[i] = s / 100.0
            sources.append("World Bank MS.MIL.XPND.GD.ZS (SIPRI)")
        else:
            cow = pd.to_numeric(row["cow_milex_thousand_usd"], errors="coerce")
            if not np.isfinite(cow) or cow < 0:  # COW codes missing values as -9
                raise WorldDataError(
                    f"reference_2005_2017.csv: no {ECONOMY_YEAR} military expenditure for {code}"
                )
            share[i] = cow * 1e3 / g
            sources.append("Correlates of War expenditure / World Bank GDP")
        population[i] = float(pd.to_numeric(row["population"], errors="coerce"))
        milper = float(pd.to_numeric(row["cow_milper_thousand"], errors="coerce"))
        personnel[i] = milper if milper >= 0 else np.nan  # COW codes missing values as -9
    if (share < 0).any():
        raise WorldDataError("reference_2005_2017.csv: negative military expenditure")
    return gdp, share, tuple(sources), population, personnel
