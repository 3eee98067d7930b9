"""Derive the world data's observed defence shares of GDP, 2012-2024 (milex_shares.csv).

Usage: python scripts/derive_milex_shares.py REFERENCE_DIR

REFERENCE_DIR holds the two public reference files: countries_2005_2017.csv (World Bank
and SIPRI, one row per country and year) and nato_shares_2014_2024.csv (NATO's own
figures for 2014, 2023 and 2024). The result, one row per state and year:

- 2012-2017: the World Bank's military expenditure share (SIPRI), as observed (the
  reference file's shares end in 2016);
- 2023 and 2024: NATO's figure, spliced to the SIPRI level at 2014 (the SIPRI 2014 share
  times NATO's ratio of the year to 2014), so the two definitions do not make a jump;
  Sweden has no NATO figure for 2014 and takes NATO's 2024 figure as it is;
- the years between the last observed one and 2023 (2024 for Sweden): interpolated
  linearly, and marked so.

States with no NATO figure (the non-NATO EU members and the thematic partners) have rows
up to their last observed year (2016 at the latest); a budget rule holds that share.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "src" / "imssim" / "world" / "data"
SIPRI = "World Bank MS.MIL.XPND.GD.ZS (SIPRI)"


def derive(reference: Path) -> pd.DataFrame:
    states = pd.read_csv(DATA / "states.csv")["iso3"].tolist()
    wb = pd.read_csv(reference / "countries_2005_2017.csv")
    nato = pd.read_csv(reference / "nato_shares_2014_2024.csv").set_index("iso3")
    wb = wb[wb["iso3"].isin(states) & wb["year"].between(2012, 2017)]
    rows = [
        (r.iso3, int(r.year), round(float(r.milex_pct_gdp), 4), SIPRI)
        for r in wb.itertuples()
        if np.isfinite(r.milex_pct_gdp)
    ]
    observed = {(c, y): v for c, y, v, _ in rows}
    for code in states:
        if code not in nato.index:
            continue
        n = nato.loc[code]
        base = observed.get((code, 2014))
        spliced = {}
        for year in (2023, 2024):
            value = n[f"share_{year}"]
            if not np.isfinite(value):
                continue
            if base is not None and np.isfinite(n["share_2014"]):
                spliced[year] = (base * value / n["share_2014"], "NATO (spliced to SIPRI at 2014)")
            else:
                spliced[year] = (value, "NATO, as published")
        years = [y for y in range(2012, 2018) if (code, y) in observed]
        target = 2023 if 2023 in spliced else 2024 if 2024 in spliced else None
        if years and target is not None:
            last = years[-1]
            for year in range(last + 1, target):
                w = (year - last) / (target - last)
                value = (1 - w) * observed[(code, last)] + w * spliced[target][0]
                rows.append((code, year, round(value, 4), f"interpolated {last}-{target}"))
        for year, (value, source) in spliced.items():
            rows.append((code, year, round(value, 4), source))
    out = pd.DataFrame(rows, columns=["iso3", "year", "milex_pct_gdp", "source"])
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    derive(Path(sys.argv[1])).to_csv(DATA / "milex_shares.csv", index=False)
