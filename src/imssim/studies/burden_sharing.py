"""Burden sharing in NATO, observed and simulated (Olson & Zeckhauser 1966).

Olson and Zeckhauser's test of their economic theory of alliances is a rank
correlation: across the members of NATO, do the larger economies spend a larger share
of their GDP on defence? This module computes that Spearman correlation

* for the reference data 2005-2017 (World Bank GDP and SIPRI military expenditure as
  a share of GDP), over the NATO members of each year, and
* for a model run, over the 28 NATO members of 2012 the model holds, with the share
  computed as ``budget / gdp`` (both in billion US$),

and puts both into one table, with the model summarised across seeds. Everything here
is a pure function of data frames and the world; nothing is read or written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from imssim.world import World

# Year of accession to NATO of every member that appears in the reference data
# (nato.int, "Member countries"). A state counts as a member in a year from its year of
# accession on: Albania and Croatia joined on 1 April 2009, Montenegro on 5 June 2017,
# North Macedonia on 27 March 2020 (after the data end).
NATO_ACCESSION: dict[str, int] = {
    **dict.fromkeys(
        ("BEL", "CAN", "DNK", "FRA", "ISL", "ITA", "LUX", "NLD", "NOR", "PRT", "GBR", "USA"),
        1949,
    ),
    "GRC": 1952,
    "TUR": 1952,
    "DEU": 1955,
    "ESP": 1982,
    **dict.fromkeys(("CZE", "HUN", "POL"), 1999),
    **dict.fromkeys(("BGR", "EST", "LVA", "LTU", "ROU", "SVK", "SVN"), 2004),
    "ALB": 2009,
    "HRV": 2009,
    "MNE": 2017,
    "MKD": 2020,
}

SOURCE_WB = "World Bank MS.MIL.XPND.GD.ZS (SIPRI)"
SOURCE_COW = "Correlates of War expenditure / World Bank GDP"

DATA_SOURCE = "data"
MODEL_PREFIX = "model:"
TABLE_COLUMNS = (
    "source",
    "year",
    "n_members",
    "rho",
    "rho_p10",
    "rho_p90",
    "n_seeds",
    "ci90_low",
    "ci90_high",
    "p_value",
    "missing",
    "cow_share",
)


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Spearman's rank correlation of `x` and `y`, average ranks for ties.

    Pairs with a missing value (NaN) in either are dropped. NaN when fewer than three
    pairs remain or when either variable is constant.
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.shape != ya.shape or xa.ndim != 1:
        raise ValueError(
            f"spearman: x and y must be 1-d and of equal length ({xa.shape}, {ya.shape})"
        )
    keep = np.isfinite(xa) & np.isfinite(ya)
    if keep.sum() < 3:
        return float("nan")
    rx = _ranks(xa[keep])
    ry = _ranks(ya[keep])
    return _pearson_rows(rx[None, :], ry[None, :])[0]


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (1..n) of a 1-d array, or of each row of a 2-d array."""
    frame = pd.DataFrame(np.atleast_2d(values))
    ranks = frame.rank(axis=1, method="average").to_numpy()
    return ranks[0] if values.ndim == 1 else ranks


def _pearson_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of each row of `a` with the same row of `b` (NaN if constant)."""
    ac = a - a.mean(axis=1, keepdims=True)
    bc = b - b.mean(axis=1, keepdims=True)
    num = (ac * bc).sum(axis=1)
    den = np.sqrt((ac * ac).sum(axis=1) * (bc * bc).sum(axis=1))
    out = np.full(num.shape, np.nan)
    ok = den > 0  # ranks are half-integers: a constant variable centres to exact zeros
    out[ok] = num[ok] / den[ok]
    return np.clip(out, -1.0, 1.0)


def permutation_p_value(
    x: np.ndarray, y: np.ndarray, n_permutations: int = 2000, seed: int = 0
) -> float:
    """Two-sided permutation p-value of Spearman's rho (x and y without missing values)."""
    rho = spearman(x, y)
    if not np.isfinite(rho):
        return float("nan")
    rng = np.random.default_rng(seed)
    rx = _ranks(np.asarray(x, dtype=float))
    ry = _ranks(np.asarray(y, dtype=float))
    shuffled = rng.permuted(np.tile(ry, (n_permutations, 1)), axis=1)
    null = _pearson_rows(np.tile(rx, (n_permutations, 1)), shuffled)
    extreme = np.sum(np.abs(null) >= abs(rho) - 1e-12)
    return float((extreme + 1) / (n_permutations + 1))


def bootstrap_interval(
    x: np.ndarray, y: np.ndarray, level: float = 0.90, n_resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of Spearman's rho, resampling states with replacement."""
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    n = xa.size
    if n < 3:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_resamples, n))
    rhos = _pearson_rows(_ranks(xa[idx]), _ranks(ya[idx]))
    rhos = rhos[np.isfinite(rhos)]
    if rhos.size == 0:
        return float("nan"), float("nan")
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(rhos, [tail, 100 - tail])
    return float(low), float(high)


# --- the data -------------------------------------------------------------------------


def nato_members(year: int, codes: Iterable[str] | None = None) -> tuple[str, ...]:
    """NATO members in `year` (sorted ISO3), optionally only those among `codes`."""
    members = sorted(c for c, joined in NATO_ACCESSION.items() if joined <= year)
    if codes is not None:
        known = set(codes)
        members = [c for c in members if c in known]
    return tuple(members)


def data_burden(world: World, *, cow_fallback: bool = True) -> pd.DataFrame:
    """Per state and year of the reference data: GDP (bn US$) and defence share of GDP.

    The share is the World Bank's (SIPRI) figure; where that is missing and
    `cow_fallback` is true, the Correlates of War expenditure divided by GDP (the rule
    the world loader uses for 2011). COW codes a missing value as -9, and a missing
    or non-positive GDP makes the row missing. Columns: ``iso3, year, gdp,
    milex_share, share_source`` (missing shares are NaN, source '').
    """
    ref = world.reference
    gdp = pd.to_numeric(ref["gdp_current_usd"], errors="coerce").to_numpy(dtype=float)
    wb = pd.to_numeric(ref["milex_pct_gdp"], errors="coerce").to_numpy(dtype=float) / 100.0
    cow = pd.to_numeric(ref["cow_milex_thousand_usd"], errors="coerce").to_numpy(dtype=float)
    gdp_ok = np.isfinite(gdp) & (gdp > 0)
    cow_ok = np.isfinite(cow) & (cow >= 0) & gdp_ok & cow_fallback
    use_wb = np.isfinite(wb) & gdp_ok
    use_cow = ~use_wb & cow_ok
    share = np.full(gdp.shape, np.nan)
    share[use_wb] = wb[use_wb]
    share[use_cow] = cow[use_cow] * 1e3 / gdp[use_cow]
    source = np.where(use_wb, SOURCE_WB, np.where(use_cow, SOURCE_COW, ""))
    return pd.DataFrame(
        {
            "iso3": ref["iso3"].astype(str).to_numpy(),
            "year": pd.to_numeric(ref["year"], errors="coerce").astype(int).to_numpy(),
            "gdp": np.where(gdp_ok, gdp / 1e9, np.nan),
            "milex_share": share,
            "share_source": source,
        }
    )


def data_burden_correlation(
    world: World,
    *,
    membership: str = "year",
    cow_fallback: bool = True,
    n_resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Spearman's rho between GDP and defence share across NATO members, per data year.

    `membership` is ``"year"`` (the members of each year: 26 until 2008, 28 from
    2009 with Albania and Croatia, 29 in 2017 with Montenegro) or ``"2012"`` (the
    28 members the model holds, in every year). Members without both figures are
    left out of that year; ``n_members`` counts those used and ``missing`` names the
    others. With ``n_resamples > 0`` each year also gets a two-sided permutation
    p-value and a 90 % percentile bootstrap interval (states resampled).
    """
    if membership not in ("year", "2012"):
        raise ValueError(f"membership must be 'year' or '2012' (got {membership!r})")
    burden = data_burden(world, cow_fallback=cow_fallback)
    fixed = tuple(c for c, member in zip(world.iso3, world.nato, strict=True) if member)
    rows = []
    for year, part in burden.groupby("year", sort=True):
        members = nato_members(int(year)) if membership == "year" else fixed
        sel = part[part["iso3"].isin(members)]
        ok = np.isfinite(sel["gdp"].to_numpy()) & np.isfinite(sel["milex_share"].to_numpy())
        used = sel[ok]
        missing = sorted(set(members) - set(used["iso3"]))
        x = used["gdp"].to_numpy()
        y = used["milex_share"].to_numpy()
        row = {
            "year": int(year),
            "n_members": int(ok.sum()),
            "rho": spearman(x, y),
            "p_value": np.nan,
            "ci90_low": np.nan,
            "ci90_high": np.nan,
            "missing": " ".join(missing),
            "cow_share": " ".join(sorted(used.loc[used["share_source"] == SOURCE_COW, "iso3"])),
        }
        if n_resamples > 0 and np.isfinite(row["rho"]):
            row["p_value"] = permutation_p_value(x, y, n_resamples, seed + int(year))
            row["ci90_low"], row["ci90_high"] = bootstrap_interval(
                x, y, 0.90, n_resamples, seed + int(year)
            )
        rows.append(row)
    return pd.DataFrame(rows)


# --- the model ------------------------------------------------------------------------


def model_burden(countries: pd.DataFrame, world: World) -> pd.DataFrame:
    """The model's NATO members per year: GDP, budget and share = budget / gdp.

    ``gdp`` and ``budget`` in the countries table are both billion US$ (of 2011), so
    the share is a fraction of GDP like the data's. The members are the world's
    ``nato`` flag: the 28 members of 2012, fixed for the whole run.
    """
    members = [c for c, member in zip(world.iso3, world.nato, strict=True) if member]
    sel = countries.loc[countries["country"].isin(members), ["year", "country", "gdp", "budget"]]
    absent = sorted(set(members) - set(sel["country"]))
    if absent:
        raise ValueError(f"countries table lacks NATO member(s) {', '.join(absent)}")
    out = sel.rename(columns={"country": "iso3"}).reset_index(drop=True)
    out["milex_share"] = out["budget"] / out["gdp"]
    return out


def model_burden_correlation(countries: pd.DataFrame, world: World) -> pd.DataFrame:
    """Spearman's rho between GDP and budget / GDP across NATO members, per model year."""
    burden = model_burden(countries, world)
    rows = [
        {
            "year": int(year),
            "n_members": len(part),
            "rho": spearman(part["gdp"].to_numpy(), part["milex_share"].to_numpy()),
        }
        for year, part in burden.groupby("year", sort=True)
    ]
    return pd.DataFrame(rows)


def summarise_seeds(per_seed: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and year: median, 10th and 90th percentile of rho across seeds.

    `per_seed` has columns ``scenario, seed, year, n_members, rho``; the result has
    ``source`` (``model:<scenario>``), ``year``, ``n_members``, ``rho`` (the median),
    ``rho_p10``, ``rho_p90`` and ``n_seeds``.
    """
    rows = []
    for (scenario, year), part in per_seed.groupby(["scenario", "year"], sort=False):
        rho = part["rho"].to_numpy(dtype=float)
        p10, median, p90 = np.percentile(rho, [10, 50, 90])
        rows.append(
            {
                "source": f"{MODEL_PREFIX}{scenario}",
                "year": int(year),
                "n_members": int(part["n_members"].max()),
                "rho": float(median),
                "rho_p10": float(p10),
                "rho_p90": float(p90),
                "n_seeds": int(part["seed"].nunique()),
            }
        )
    return pd.DataFrame(rows)


def combined_table(data: pd.DataFrame, per_seed: pd.DataFrame | None = None) -> pd.DataFrame:
    """One table of the data's and the model's correlations, long format.

    Columns: ``source`` (``data`` or ``model:<scenario>``), ``year``, ``n_members``,
    ``rho`` (for the model the median across seeds), ``rho_p10`` and ``rho_p90``
    (model: across seeds), ``n_seeds``, ``ci90_low`` and ``ci90_high`` (data: 90 %
    bootstrap interval over states), ``p_value`` (data: two-sided permutation test),
    ``missing`` (data: members left out for want of figures) and ``cow_share`` (data:
    members whose share is the Correlates of War fallback).
    """
    data_rows = data.assign(source=DATA_SOURCE)
    parts = [data_rows]
    if per_seed is not None and len(per_seed):
        parts.append(summarise_seeds(per_seed))
    table = pd.concat(parts, ignore_index=True)
    for column in TABLE_COLUMNS:
        if column not in table.columns:
            table[column] = np.nan
    table = table[list(TABLE_COLUMNS)]
    table["year"] = table["year"].astype(int)
    table["n_members"] = table["n_members"].astype(int)
    table["n_seeds"] = table["n_seeds"].astype("Int64")
    return table.reset_index(drop=True)
