"""Derive the world data's observed defence shares of GDP, 2012-2024 (milex_shares.csv).

Usage: python scripts/derive_milex_shares.py

It reads two files of the world data: reference_2005_2017.csv (the World Bank's shares,
from SIPRI, to 2016) and milex_published.csv (the yearly shares published by NATO, and
by SIPRI for states outside NATO, each row with its release and source). The result,
one row per state and year:

- 2012-2016: the World Bank's military expenditure share (SIPRI), as observed;
- 2017-2024, a published NATO figure: spliced to the SIPRI level at 2014 (the SIPRI 2014
  share times the ratio of NATO's figure for the year to NATO's figure for 2014), so the
  change of definition makes no jump; without a NATO figure for 2014 (Sweden) the
  figure is taken as published;
- 2017-2024, a published SIPRI figure: as published (the World Bank's series is SIPRI's);
- a year with no figure between two years that have one: interpolated linearly between
  them, and marked so.

States with no figure after 2016 have rows up to their last observed year; the model's
`observed` budget rule holds that share. Running the script again gives the same file.
"""

from __future__ import annotations

import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from imssim.world.loader import DATA_DIR, read_published_shares

SIPRI = "World Bank MS.MIL.XPND.GD.ZS (SIPRI)"
FIRST, LAST_OBSERVED, LAST = 2012, 2016, 2024


def _anchors(code: str, observed: dict[int, float], published: pd.DataFrame) -> dict:
    """Year -> (share, source) for the years of a state that have a figure."""
    out = {year: (value, SIPRI) for year, value in observed.items()}
    rows = published[published["iso3"] == code].set_index("year")
    nato_2014 = rows.loc[2014, "share_pct"] if 2014 in rows.index else None
    for year, r in rows.iterrows():
        if year <= LAST_OBSERVED:
            continue
        if r["series"] == "NATO" and nato_2014 is not None and 2014 in observed:
            value = observed[2014] * r["share_pct"] / nato_2014
            out[int(year)] = (value, f"NATO (spliced to SIPRI at 2014): {r['release']}")
        else:
            out[int(year)] = (float(r["share_pct"]), f"{r['series']}, as published: {r['release']}")
    return out


def derive(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The rows of milex_shares.csv, sorted by state and year."""
    states = pd.read_csv(data_dir / "states.csv")["iso3"].tolist()
    wb = pd.read_csv(data_dir / "reference_2005_2017.csv")
    wb = wb[wb["iso3"].isin(states) & wb["year"].between(FIRST, LAST_OBSERVED)]
    published = read_published_shares(data_dir)
    rows = []
    for code in states:
        here = wb[(wb["iso3"] == code) & np.isfinite(wb["milex_pct_gdp"])]
        observed = {int(r.year): round(float(r.milex_pct_gdp), 4) for r in here.itertuples()}
        anchors = _anchors(code, observed, published)
        years = sorted(anchors)
        for year, value_source in anchors.items():
            rows.append((code, year, round(value_source[0], 4), value_source[1]))
        for a, b in pairwise(years):
            for year in range(a + 1, b):
                w = (year - a) / (b - a)
                value = (1 - w) * anchors[a][0] + w * anchors[b][0]
                rows.append((code, year, round(value, 4), f"interpolated {a}-{b}"))
    out = pd.DataFrame(rows, columns=["iso3", "year", "milex_pct_gdp", "source"])
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


if __name__ == "__main__":
    if len(sys.argv) != 1:
        sys.exit(__doc__.split("\n\n")[1])
    derive().to_csv(DATA_DIR / "milex_shares.csv", index=False)
