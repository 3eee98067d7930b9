"""Synthetic worlds of any size, shaped like the shipped 2012 world.

For studies of how the model scales, and of how its findings depend on the number of
states, :func:`synthetic_world` builds a world of `n_states` states with the same
structure as the shipped one. Every synthetic state is a perturbed copy of a shipped
state (its prototype), so that the joint pattern of the shipped data (GDP, defence
share, capability levels, equipment, sovereign core, culture, region, NATO and EU
membership) carries over and the distributions are the shipped ones, resampled:

- the states come in *copies* of the shipped 49: copy 1 holds one state per shipped
  state and keeps its ISO3 code and name (so the focal state and every state a
  scenario names exist); further copies take codes from the ranges ISO 3166 leaves to
  users (XAA-XZZ, then QMA-QZZ, AAA-AAZ, ZZA-ZZZ) and the prototype's name with the
  copy's number ("Netherlands 2"); a world of fewer than 49 states keeps the states
  the default config and the shipped scenarios name and draws the rest;
- GDP is the prototype's times a lognormal factor (sigma 0.25), which keeps the heavy
  tail of the shipped GDPs; the defence share of GDP is the prototype's times its own
  lognormal factor (sigma 0.15); population and personnel follow GDP; every year of
  the reference and observed-share files is scaled alike;
- capital positions move by about 1.5 degrees, culture scores by about 0.05 (within
  [0, 1]); each capability level the prototype holds moves one level up or down with
  probability 0.15 each (within 1-5; an area not held stays unheld); each equipment
  family is exchanged, with probability 0.1, for a family of the same area; region,
  regional groups, NATO and EU membership and the sovereign core are the prototype's;
- ties of 2012: each shipped tie is laid once per copy, between the two prototypes'
  states in that copy (the form and the year it began are the shipped tie's); with
  probability 0.2 (or when the copy lacks one side) the partner is taken from another
  copy instead, so that copies are linked and every state keeps about its prototype's
  number of ties;
- frameworks: NATO and the EU's CSDP once, open to all members; every other shipped
  framework once per copy, among that copy's states (at least two), with its lead and
  its required equipment or states mapped into the copy. The numbers of ties and
  frameworks thus grow in proportion to the number of states, and so does each state's
  share in them stay as in 2012.

The tables are written as a world data folder (:func:`write_synthetic_world`) and read
back by :func:`imssim.world.load_world`, which applies every check it applies to the
shipped data. ``python -m imssim.world.synthetic FOLDER --states 200 --seed 1``
writes such a folder; ``imssim world.data_dir=FOLDER`` runs it. The same number of
states and seed give the same world.
"""

from __future__ import annotations

import argparse
import re
import string
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from imssim.world.loader import CULTURE_COLUMNS, DATA_DIR, read_world
from imssim.world.world import World

GDP_SIGMA = 0.25  # lognormal spread of a copy's GDP around its prototype's
SHARE_SIGMA = 0.15  # lognormal spread of the defence share of GDP
POSITION_SD = 1.5  # degrees of latitude and longitude
CULTURE_SD = 0.05
LEVEL_MOVE = 0.15  # probability of one level up, and of one level down, per held area
EQUIPMENT_SWAP = 0.1  # probability that a family is exchanged for one of its area
REWIRE = 0.2  # probability that a tie's partner comes from another copy

_FILES = (
    "areas.csv",
    "equipment.csv",
    "states.csv",
    "capabilities.csv",
    "ties_2012.csv",
    "frameworks.csv",
    "reference_2005_2017.csv",
    "milex_shares.csv",
)


def user_codes() -> list[str]:
    """The alpha-3 codes ISO 3166-1 leaves to users, in the order they are given out."""
    letters = string.ascii_uppercase
    codes = [f"X{a}{b}" for a in letters for b in letters]
    codes += [f"Q{a}{b}" for a in letters[letters.index("M") :] for b in letters]
    codes += [f"AA{a}" for a in letters] + [f"ZZ{a}" for a in letters]
    return codes


def named_states(conf: Path | None = None) -> set[str]:
    """The ISO3 codes the default config and the shipped scenarios name."""
    from imssim.config import Config, conf_dir

    folder = Path(conf) if conf is not None else conf_dir()
    codes = {Config().focal}
    for path in sorted(folder.glob("*/*.yaml")) + sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and isinstance(data.get("focal"), str):
            codes.add(data["focal"])
        for key in ("budget_changes", "budget_rules", "growth_changes", "membership_changes"):
            for change in (data.get(key) if isinstance(data, dict) else None) or []:
                who = change.get("who", []) if isinstance(change, dict) else []
                codes.update(w for w in who if re.fullmatch(r"[A-Z]{3}", str(w)))
        for event in (data.get("threat_events") if isinstance(data, dict) else None) or []:
            who = event.get("who", []) if isinstance(event, dict) else []
            codes.update(w for w in who if re.fullmatch(r"[A-Z]{3}", str(w)))
    return codes


def _read_shipped(base: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in _FILES:
        if (base / name).is_file():
            tables[name] = pd.read_csv(base / name, keep_default_na=False, na_values=[""])
    return tables


def _lognormal(rng: np.random.Generator, sigma: float, size: int) -> np.ndarray:
    """Factors with median 1 and mean 1 (the lognormal's mean is corrected)."""
    return np.exp(rng.normal(-0.5 * sigma**2, sigma, size))


def _split(cell: object) -> list[str]:
    return [p.strip() for p in str(cell).split(";") if p.strip()] if isinstance(cell, str) else []


@dataclass(frozen=True)
class _Copies:
    """Which shipped state (its prototype) each synthetic state copies, and in which copy."""

    codes0: list[str]  # the shipped states' codes
    proto: np.ndarray  # int[n]: each synthetic state's prototype (a shipped state's index)
    copy: np.ndarray  # int[n]: its copy (0: the shipped states themselves)
    codes: list[str]  # the synthetic states' codes
    where: dict[tuple[int, int], int]  # (prototype, copy) -> synthetic state
    copies_of: dict[int, list[int]]  # prototype -> the copies holding it

    @property
    def n(self) -> int:
        """The number of synthetic states."""
        return len(self.proto)

    @property
    def n_copies(self) -> int:
        """The number of copies of the shipped states (the last one may be partial)."""
        return int(self.copy.max()) + 1

    @property
    def index0(self) -> dict[str, int]:
        """A shipped state's index by its code."""
        return {c: k for k, c in enumerate(self.codes0)}


def synthetic_tables(
    n_states: int, seed: int = 0, base: str | Path | None = None
) -> dict[str, pd.DataFrame]:
    """The world data files (file name -> table) of a synthetic world of `n_states`
    states drawn from the world in `base` (default: the shipped one)."""
    base = DATA_DIR if base is None else Path(base)
    shipped = _read_shipped(base)
    states = shipped["states.csv"].reset_index(drop=True)
    n0 = len(states)
    spare = user_codes()
    if not 2 <= n_states <= n0 + len(spare):
        raise ValueError(f"n_states must be 2-{n0 + len(spare)}, got {n_states}")
    rng = np.random.default_rng(np.random.SeedSequence([seed, n_states]))
    copies = _copies([str(c) for c in states["iso3"]], n_states, spare, rng)
    st = _states_table(states, shipped["equipment.csv"], copies, rng)
    capabilities = _capabilities_table(shipped, copies, rng)
    reference, observed = _economy_tables(shipped, copies, st["name"].to_numpy(str), rng)
    ties = _ties_table(shipped["ties_2012.csv"], copies, rng)
    frameworks = _frameworks_table(shipped, st, copies)
    out = {
        "areas.csv": shipped["areas.csv"],
        "equipment.csv": shipped["equipment.csv"],
        "states.csv": st,
        "capabilities.csv": capabilities,
        "ties_2012.csv": ties,
        "frameworks.csv": frameworks,
        "reference_2005_2017.csv": reference,
    }
    if observed is not None:
        out["milex_shares.csv"] = observed
    return out


def _copies(
    codes0: list[str], n_states: int, spare: list[str], rng: np.random.Generator
) -> _Copies:
    """The prototypes: copy 0 is the shipped states (a subset keeping the named ones when
    fewer are asked for); each further copy a fresh order of all of them."""
    n0 = len(codes0)
    spare = [c for c in spare if c not in set(codes0)]
    if n_states < n0:
        from imssim.config import Config

        focal = Config().focal
        named = [i for i, c in enumerate(codes0) if c in named_states()]
        named.sort(key=lambda i: codes0[i] != focal)  # the focal state first
        others = [i for i in range(n0) if i not in named]
        extra = rng.choice(others, size=max(0, n_states - len(named)), replace=False)
        chosen = sorted([*named[:n_states], *extra.tolist()])
        proto, copy = np.array(chosen, dtype=int), np.zeros(len(chosen), dtype=int)
    else:
        blocks = [np.arange(n0)]
        while sum(len(b) for b in blocks) < n_states:
            blocks.append(rng.permutation(n0))
        proto = np.concatenate(blocks)[:n_states]
        copy = np.concatenate([np.full(n0, c) for c in range(len(blocks))])[:n_states]
    codes = [codes0[p] if c == 0 else spare.pop(0) for p, c in zip(proto, copy, strict=True)]
    where = {(int(p), int(c)): i for i, (p, c) in enumerate(zip(proto, copy, strict=True))}
    copies_of = {p: [c for (q, c) in where if q == p] for p in range(n0)}
    return _Copies(codes0, proto, copy, codes, where, copies_of)


def _states_table(
    states: pd.DataFrame, equipment: pd.DataFrame, copies: _Copies, rng: np.random.Generator
) -> pd.DataFrame:
    """states.csv: each state the prototype's row, moved a little."""
    n, copy = copies.n, copies.copy
    st = states.iloc[copies.proto].reset_index(drop=True).copy()
    st["iso3"] = copies.codes
    st["name"] = [
        name if c == 0 else f"{name} {c + 1}" for name, c in zip(st["name"], copy, strict=True)
    ]
    st["capital"] = [
        cap if c == 0 else f"{cap} {c + 1}" for cap, c in zip(st["capital"], copy, strict=True)
    ]
    st["lat"] = np.clip(st["lat"].to_numpy(float) + rng.normal(0, POSITION_SD, n), -89.9, 89.9)
    st["lon"] = np.clip(st["lon"].to_numpy(float) + rng.normal(0, POSITION_SD, n), -179.9, 179.9)
    st["lat"], st["lon"] = st["lat"].round(2), st["lon"].round(2)
    for col in CULTURE_COLUMNS:
        moved = st[col].to_numpy(float) + rng.normal(0, CULTURE_SD, n)
        st[col] = np.clip(moved, 0.0, 1.0).round(3)
    st["equipment"] = _swap_equipment(st["equipment"], equipment, rng)
    st["culture_source"] = "synthetic: the prototype's scores, moved (imssim.world.synthetic)"
    st["core_source"] = "synthetic: the prototype's sovereign core"
    st.insert(2, "prototype", [copies.codes0[p] for p in copies.proto])
    return st


def _swap_equipment(
    cells: pd.Series, equipment: pd.DataFrame, rng: np.random.Generator
) -> list[str]:
    """Each state's equipment families, each exchanged now and then for one of its area."""
    family_area = dict(
        zip(equipment["family"].astype(str), equipment["area"].astype(str), strict=True)
    )
    by_area: dict[str, list[str]] = {}
    for fam, area in family_area.items():
        by_area.setdefault(area, []).append(fam)
    swapped = []
    for cell in cells:
        fams = []
        for fam in _split(cell):
            if rng.random() < EQUIPMENT_SWAP:
                options = by_area[family_area[fam]]
                fam = options[int(rng.integers(len(options)))]
            if fam not in fams:
                fams.append(fam)
        swapped.append(";".join(fams))
    return swapped


def _capabilities_table(
    shipped: dict[str, pd.DataFrame], copies: _Copies, rng: np.random.Generator
) -> pd.DataFrame:
    """capabilities.csv: each held area one level up or down now and then."""
    cap = shipped["capabilities.csv"].set_index("iso3").loc[copies.codes0].reset_index()
    areas = [str(a) for a in shipped["areas.csv"]["area"]]
    levels = cap[areas].to_numpy(int)[copies.proto]
    move = rng.choice([-1, 0, 1], p=[LEVEL_MOVE, 1 - 2 * LEVEL_MOVE, LEVEL_MOVE], size=levels.shape)
    levels = np.where(levels > 0, np.clip(levels + move, 1, 5), 0)
    capabilities = pd.DataFrame(levels, columns=areas)
    capabilities.insert(0, "iso3", copies.codes)
    capabilities["source"] = "synthetic: the prototype's levels, moved"
    return capabilities


def _per_state(frame: pd.DataFrame, copies: _Copies) -> tuple[pd.DataFrame, np.ndarray]:
    """The prototype's rows of `frame` for every state (and whose they are)."""
    rows_of = frame.groupby("iso3", sort=False).indices
    rows = [rows_of.get(copies.codes0[p], np.zeros(0, dtype=int)) for p in copies.proto]
    owner = np.repeat(np.arange(copies.n), [len(r) for r in rows])
    out = frame.iloc[np.concatenate(rows)].reset_index(drop=True)
    out["iso3"] = np.array(copies.codes)[owner]
    return out, owner


def _economy_tables(
    shipped: dict[str, pd.DataFrame],
    copies: _Copies,
    names: np.ndarray,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """reference_2005_2017.csv and milex_shares.csv (None without one): GDP and the
    defence share scaled per state, every year alike."""
    g = _lognormal(rng, GDP_SIGMA, copies.n)
    s = _lognormal(rng, SHARE_SIGMA, copies.n)
    reference, owner = _per_state(shipped["reference_2005_2017.csv"], copies)
    reference["name"] = names[owner]
    for col, factor in (
        ("gdp_current_usd", g),
        ("population", g),
        ("milex_pct_gdp", s),
        ("cow_milper_thousand", g),
        ("cow_milex_thousand_usd", g * s),
    ):
        values = pd.to_numeric(reference[col], errors="coerce").to_numpy(float)
        # Correlates of War codes missing values as negative numbers: kept as they are
        reference[col] = np.where(values >= 0, values * factor[owner], values)
    observed = None
    if "milex_shares.csv" in shipped:
        observed, owner = _per_state(shipped["milex_shares.csv"], copies)
        share = observed["milex_pct_gdp"].to_numpy(float) * s[owner]
        observed["milex_pct_gdp"] = np.clip(share, 0.0, 20.0).round(4)
    return reference, observed


def _ties_table(ties0: pd.DataFrame, copies: _Copies, rng: np.random.Generator) -> pd.DataFrame:
    """ties_2012.csv: each shipped tie once per copy, a partner now and then from elsewhere."""
    index0, where, codes = copies.index0, copies.where, copies.codes
    ties = []
    seen: set[tuple[int, int, str]] = set()
    for row in ties0.itertuples(index=False):
        p, q = index0[str(row.a)], index0[str(row.b)]
        for c in range(copies.n_copies):
            i, j = where.get((p, c)), where.get((q, c))
            if i is None and j is None:
                continue
            if i is None:  # lay it from the side the copy has
                i, j, p_, q_ = j, None, q, p
            else:
                p_, q_ = p, q
            others = [d for d in copies.copies_of[q_] if d != c]
            if others and (j is None or rng.random() < REWIRE):
                j = where[(q_, others[int(rng.integers(len(others)))])]
            if j is None or i == j:
                continue
            key = (min(i, j), max(i, j), str(row.area))
            if key in seen:
                continue
            seen.add(key)
            a, b = (i, j) if p_ == p else (j, i)
            ties.append((codes[a], codes[b], str(row.area), int(row.form), int(row.since)))
    ties_df = pd.DataFrame(ties, columns=["a", "b", "area", "form", "since"])
    ties_df["source"] = "synthetic: a shipped tie between the prototypes"
    return ties_df


def _frameworks_table(
    shipped: dict[str, pd.DataFrame], st: pd.DataFrame, copies: _Copies
) -> pd.DataFrame:
    """frameworks.csv: NATO and the EU once (open to all members); every other one once
    per copy, among that copy's states (at least two)."""
    fws = shipped["frameworks.csv"]
    nato = st["nato"].to_numpy(int).astype(bool)
    eu = st["eu"].to_numpy(int).astype(bool)
    families = {str(f) for f in shipped["equipment.csv"]["family"]}
    n, codes = copies.n, copies.codes
    rows = []
    for row in fws.itertuples(index=False):
        members0 = [copies.index0[m] for m in _split(row.members)]
        if int(row.fixed):
            rule = {"nato": nato, "eu": eu, "nato_or_eu": nato | eu}.get(
                str(row.eligibility), np.ones(n, dtype=bool)
            )
            mine = [codes[i] for i in range(n) if rule[i] and copies.proto[i] in members0]
            rows.append({**row._asdict(), "members": ";".join(mine)})
            continue
        for c in range(copies.n_copies):
            mine_c = [copies.where[(m, c)] for m in members0 if (m, c) in copies.where]
            if len(mine_c) >= 2:
                rows.append(_framework_copy(row, c, mine_c, copies, families))
    return pd.DataFrame(rows, columns=fws.columns)


def _framework_copy(
    row: Any, c: int, mine: list[int], copies: _Copies, families: set[str]
) -> dict[str, Any]:
    """A shipped framework's row laid among copy `c`'s states `mine`, with its lead and
    its required states mapped into the copy."""
    index0, where, codes = copies.index0, copies.where, copies.codes
    entry = row._asdict()
    suffix = "" if c == 0 else f"_{c + 1}"
    entry["id"] = f"{row.id}{suffix}"
    entry["name"] = str(row.name) if c == 0 else f"{row.name} {c + 1}"
    entry["members"] = ";".join(codes[i] for i in mine)
    lead = str(getattr(row, "lead", "") or "")
    lead_i = where.get((index0[lead], c)) if lead in index0 else None
    entry["lead"] = codes[lead_i] if lead_i is not None and lead_i in mine else ""
    requires = _split(getattr(row, "requires", ""))
    if requires and not all(r in families for r in requires):
        mapped = [
            where[(index0[r], c)] for r in requires if r in index0 and (index0[r], c) in where
        ]
        entry["requires"] = ";".join(codes[i] for i in mapped)
    entry["source"] = f"synthetic: {row.id} among copy {c + 1}'s states"
    return entry


def _write(folder: Path, n_states: int, seed: int, base: str | Path | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in synthetic_tables(n_states, seed, base).items():
        frame.to_csv(folder / name, index=False)
    (folder / "README.md").write_text(
        f"# A synthetic world of {n_states} states (seed {seed})\n\n"
        "Written by `imssim.world.synthetic`: every state is a perturbed copy of a state "
        "of the shipped 2012 world (column `prototype` of states.csv); see that module's "
        "documentation for how each file is drawn. Not data about real states.\n",
        encoding="utf-8",
    )


def write_synthetic_world(
    folder: str | Path, n_states: int, seed: int = 0, base: str | Path | None = None
) -> Path:
    """Write a synthetic world of `n_states` states as a world data folder, check it as
    :func:`imssim.world.load_world` checks any world (raising
    :class:`~imssim.errors.WorldDataError`), and return the folder."""
    folder = Path(folder)
    _write(folder, n_states, seed, base)
    read_world(folder)
    return folder


def synthetic_world(n_states: int, seed: int = 0, base: str | Path | None = None) -> World:
    """A synthetic :class:`~imssim.world.World` of `n_states` states, checked like the
    shipped world; the same arguments give the same world."""
    with tempfile.TemporaryDirectory(prefix="imssim-world-") as tmp:
        folder = Path(tmp) / "world"
        _write(folder, n_states, seed, base)
        return read_world(folder)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m imssim.world.synthetic",
        description="Write a synthetic world data folder (run it with imssim world.data_dir=...)",
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--states", type=int, default=200, help="number of states (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    folder = write_synthetic_world(args.folder, args.states, args.seed)
    world = read_world(folder)
    print(
        f"{folder}: {world.n_states} states, {len(world.tie_a)} ties of 2012, "
        f"{len(world.frameworks)} frameworks"
    )


if __name__ == "__main__":
    main()

__all__ = [
    "named_states",
    "synthetic_tables",
    "synthetic_world",
    "user_codes",
    "write_synthetic_world",
]
