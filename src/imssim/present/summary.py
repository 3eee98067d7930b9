"""A short text summary of a run: the focal state's rings at the start and the end."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from imssim.config import Config, ScenarioConfig
from imssim.config.scenarios import counterfactual_words
from imssim.model.forms import LASTING
from imssim.model.rings import RING_LEVEL, RING_NAMES
from imssim.model.tables import Tables
from imssim.outcomes import yearly
from imssim.present.scenario_text import scenario_lines, states_words
from imssim.world import World

RING_ORDER = ("strategic", "affiliated", "opportunity")


def ring_members(pairs: pd.DataFrame, country: str, year: int) -> dict[str, list[str]]:
    """Partners of `country` per ring in `year`, sorted by code."""
    view = pairs[(pairs["year"] == year) & (pairs["country"] == country)]
    return {ring: sorted(view.loc[view["ring"] == ring, "partner"]) for ring in RING_ORDER}


def ring_transitions(pairs: pd.DataFrame, country: str) -> pd.DataFrame:
    """Every change of ring seen from `country`: year, partner, from, to."""
    view = pairs[pairs["country"] == country][["year", "partner", "ring"]]
    years = sorted(view["year"].unique())
    wide = (
        view.assign(ring=view["ring"].astype(str))
        .pivot(index="partner", columns="year", values="ring")
        .reindex(columns=years)
        .fillna("none")
    )
    rows = []
    for prev, year in itertools.pairwise(years):
        changed = wide[prev] != wide[year]
        for partner in wide.index[changed]:
            rows.append((year, partner, wide.at[partner, prev], wide.at[partner, year]))
    return pd.DataFrame(rows, columns=["year", "partner", "from_ring", "to_ring"])


def ring_flicker(pairs: pd.DataFrame, window: int = 2) -> tuple[int, int]:
    """Ring changes over all ordered pairs, and how many of them are flicker.

    A change is flicker when the partner leaves a ring and is back in it within
    `window` years (left in year y, back by y + window). Returns (changes, flicker).
    """
    years = np.sort(pairs["year"].unique())
    codes = pairs["ring"].cat.codes.to_numpy() + 1  # 0: no relation that year
    keys = pd.MultiIndex.from_arrays([pairs["country"], pairs["partner"]])
    pair_id, _ = keys.factorize()
    grid = np.zeros((pair_id.max() + 1, years.size), dtype=np.int8)
    grid[pair_id, np.searchsorted(years, pairs["year"].to_numpy())] = codes
    grid = np.where(grid == RING_NAMES.index("none") + 1, 0, grid)
    left = grid[:, :-1] != grid[:, 1:]  # a change between column t and t + 1
    back = np.zeros_like(left)
    for lag in range(1, window + 1):
        later = np.zeros_like(left)
        later[:, : left.shape[1] - lag] = grid[:, 1 + lag :] == grid[:, : -1 - lag]
        back |= later
    return int(left.sum()), int((left & back).sum())


def one_sided(pairs: pd.DataFrame, country: str, year: int) -> set[str]:
    """`country`'s strategic partners in `year` that do not count it strategic."""
    view = pairs[(pairs["year"] == year) & (pairs["country"] == country)]
    strategic = view[view["ring"] == "strategic"]
    return set(strategic.loc[strategic["partner_ring"] != "strategic", "partner"])


def mutuality(pairs: pd.DataFrame, year: int, ring: str = "strategic") -> tuple[int, int]:
    """Views placing a partner in `ring` in `year`, and how many are not returned."""
    view = pairs[(pairs["year"] == year) & (pairs["ring"] == ring)]
    return len(view), int((view["partner_ring"] != ring).sum())


def frameworks_founded(tables: Tables) -> pd.DataFrame:
    """One row per framework founded in the run: id, purpose, area, form, lead, host
    (a forward presence's), year founded, last year in force, founding members and
    members in its last year."""
    f = tables.frameworks
    f = f[f["origin"] == "founded"]
    columns = ["framework", "purpose", "area", "form", "lead", "host", "founded", "last_year"]
    if f.empty:
        return pd.DataFrame(columns=[*columns, "founding_members", "last_members"])
    rows = []
    for fid, part in f.sort_values("year").groupby("framework", sort=False):
        first, last = part.iloc[0], part.iloc[-1]
        rows.append(
            {
                "framework": fid,
                "purpose": first["purpose"],
                "area": first["area"],
                "form": int(first["form"]),
                "lead": first["lead"],
                "host": first.get("host", ""),
                "founded": int(first["since"]),
                "last_year": int(last["year"]),
                "founding_members": first["members"],
                "last_members": last["members"],
            }
        )
    return pd.DataFrame(rows).sort_values(["founded", "framework"], kind="stable")


def _founded_line(tables: Tables, focal: str, last: int, shown: int = 4) -> str:
    founded = frameworks_founded(tables)
    if founded.empty:
        return "frameworks founded: none"
    parts = []
    for r in founded.head(shown).itertuples():
        members = [m for m in r.founding_members.split(";") if m != r.lead]
        until = "" if r.last_year == last else f"{r.last_year}"
        flag = f", {focal} a member" if focal in r.last_members.split(";") else ""
        parts.append(
            f"{r.framework} ({r.lead} with {' '.join(members)}; {r.founded}-{until}{flag})"
        )
    extra = f" ... and {len(founded) - shown} more" if len(founded) > shown else ""
    return f"frameworks founded: {len(founded)}: " + "; ".join(parts) + extra


def _line(country: str, year: int, rings: dict[str, list[str]], pairs: pd.DataFrame) -> str:
    lone = one_sided(pairs, country, year)
    strategic = " ".join(p + ("*" if p in lone else "") for p in rings["strategic"]) or "-"
    return (
        f"{country} {year}: strategic {strategic} | affiliated {len(rings['affiliated'])}"
        f" | opportunity {len(rings['opportunity'])}"
    )


def _focal_line(tables: Tables, focal: str, first: int, last: int) -> str:
    """The focal state's budgets, capability and capacity to act in the last year as
    indices of the first, and its autonomy then and now (:mod:`imssim.outcomes`)."""
    keys = ("budget_index", "real_budget_index", "capability_index", "capacity_to_act_index")
    f = yearly(tables, focal, (*keys, "autonomy"))
    index = f.loc[last, list(keys)] * 100.0 / f.loc[first, list(keys)]
    return (
        f"{focal} {last} (index {first} = 100): budget {index['budget_index']:.0f} "
        f"(real {index['real_budget_index']:.0f}), capability "
        f"{index['capability_index']:.0f}, capacity to act "
        f"{index['capacity_to_act_index']:.0f}; "
        f"autonomy {f.loc[first, 'autonomy']:.2f} -> {f.loc[last, 'autonomy']:.2f}"
    )


def without_text(config: Config) -> str:
    """How the summary names the counterfactual of `config`
    (:func:`imssim.config.scenarios.counterfactual_words`)."""
    return counterfactual_words(config)


def summarise(
    tables: Tables,
    focal: str,
    max_transitions: int = 12,
    world: World | None = None,
    counterfactual: Tables | None = None,
    scenario: str = "the scenario",
    without: str = "without the budget changes",
    settings: ScenarioConfig | None = None,
) -> str:
    """The text summary: the scenario's settings in words when `settings` are given
    (a ``scenario:`` block, :func:`imssim.present.scenario_text.scenario_lines`), with a
    counterfactual what the scenario changes (:func:`imssim.present.effects.effect_lines`),
    then the run itself."""
    c = tables.countries
    first, last = int(c["year"].min()), int(c["year"].max())
    lines = []
    if settings is not None:
        lines.append(f"scenario {settings.name}:")
        lines += [f"  {line}" for line in scenario_lines(settings, world=world)]
    if counterfactual is not None:
        from imssim.present.effects import effect_lines

        lines += effect_lines(tables, counterfactual, focal, scenario, without)
        lines.append(f"the run itself ({scenario}):")
    lines += [
        _line(focal, first, ring_members(tables.pairs, focal, first), tables.pairs),
        _line(focal, last, ring_members(tables.pairs, focal, last), tables.pairs),
    ]
    views, lone = mutuality(tables.pairs, last)
    lines.append(
        f"rings are each state's own view (* above: the partner does not count {focal} "
        f"strategic); all states {last}: {lone} of {views} strategic views not returned"
    )
    moves = ring_transitions(tables.pairs, focal)
    if len(moves):
        # the inner rings first: a new strategic partner matters more than a lapsed hire
        level = np.maximum(moves["from_ring"].map(RING_LEVEL), moves["to_ring"].map(RING_LEVEL))
        moves = moves.assign(_w=-level).sort_values(["_w", "year"], kind="stable")
        shown = [f"{r.partner} {r.from_ring}->{r.to_ring} ({r.year})" for r in moves.itertuples()]
        extra = (
            f" ... and {len(shown) - max_transitions} more" if len(shown) > max_transitions else ""
        )
        lines.append("ring moves: " + "; ".join(shown[:max_transitions]) + extra)
    else:
        lines.append("ring moves: none")
    lines.append(_focal_line(tables, focal, first, last))
    a = tables.alliance.set_index("year")
    areas_given = int(tables.countries.loc[c["year"] == last, "n_areas_dropped"].sum())
    rebuilt = int(tables.countries.loc[c["year"] == last, "n_areas_rebuilt"].sum())
    worst = a.loc[last, "worst_shortfall_area"] or "none"
    lines.append(
        f"alliance {last}: threat {a.loc[last, 'threat']:.2f} ({first} = 1); "
        f"{int(a.loc[last, 'n_shortfall_areas'])} areas short, the worst {worst} "
        f"({100 * a.loc[last, 'worst_shortfall']:.0f} % of its requirement unmet); "
        f"all states: areas given up {areas_given} (held so in {last}), rebuilt {rebuilt}"
    )
    if world is not None and last >= 2015:
        share = record_unravelling(tables.events, world)
        lines.append(
            f"2012 record: {100 * share:.1f} % of its lasting ties (form >= 2) weakened "
            "or ended in 2013-2015"
        )
    lines.append(_founded_line(tables, focal, last))
    e = tables.events
    codes = sorted(c["country"].unique())
    every = states_words(world, codes) if world is not None else f"{len(codes)} states"
    for who, part in (
        (f"{focal}'s events", e[(e["country"] == focal) | (e["partner"] == focal)]),
        (f"events of all {every}", e),
    ):
        counts = part["kind"].value_counts()
        lines.append(
            f"{who}: "
            + ", ".join(f"{kind} {int(counts.get(kind, 0))}" for kind in e["kind"].cat.categories)
        )
    return "\n".join(lines)


def record_unravelling(
    events: pd.DataFrame,
    world: World,
    first: int = 2013,
    last: int = 2015,
    min_form: int = LASTING,
) -> float:
    """Share of the 2012 record's lasting ties (pair and area, form >= `min_form`) that
    were downgraded or abandoned in `first`..`last`: the start's stability measure.

    Joint hire (form 1) is left out by default: it is temporary by design and turns
    over at 1 / ``hire_duration`` a year. Under ``baseline`` nothing in the scenario
    causes a tie to weaken, so the measure should be near 0 (docs/ODD.md, 5.1).
    """
    lasting = world.tie_form >= min_form
    record = {
        frozenset((world.iso3[a], world.iso3[b])) | {world.areas[ar]}
        for a, b, ar in zip(
            world.tie_a[lasting], world.tie_b[lasting], world.tie_area[lasting], strict=True
        )
    }
    if not record:
        return 0.0
    weakened = events[
        events["kind"].isin(["downgraded", "abandoned"]) & events["year"].between(first, last)
    ]
    hit = {
        frozenset((c, p)) | {ar}
        for c, p, ar in zip(weakened["country"], weakened["partner"], weakened["area"], strict=True)
    }
    return len(record & hit) / len(record)
