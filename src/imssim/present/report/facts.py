"""The report's numbers: the key facts of a run, taken from its tables."""

from __future__ import annotations

import pandas as pd

from imssim.errors import ImssimError
from imssim.model.rings import RING_LEVEL
from imssim.present.names import area_labels
from imssim.present.summary import ring_members
from imssim.runs.folders import RunFolder


def lower_first(label: str) -> str:
    """'Air-to-air refuelling' -> 'air-to-air refuelling'; acronyms ('ISTAR') unchanged."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def run_span(run: RunFolder) -> tuple[int, int]:
    years = run.tables.countries["year"]
    return int(years.min()), int(years.max())


def run_facts(run: RunFolder) -> dict[str, object]:
    """The key numbers of one run, from its tables."""
    t = run.tables
    focal = run.config.focal
    first, last = run_span(run)
    c = t.countries[t.countries["country"] == focal].set_index("year")
    if c.empty:
        raise ImssimError(f"focal state {focal!r} not in the run's tables: {run.path}")
    index = {
        col: 100.0 * float(c.loc[last, col]) / float(c.loc[first, col])
        for col in ("budget", "capability", "capacity_to_act")
    }
    a = t.alliance.set_index("year")
    labels = area_labels(run)
    kinds = t.events["kind"]
    order = list(kinds.cat.categories) if hasattr(kinds, "cat") else sorted(kinds.unique())
    counts = kinds.value_counts()
    return {
        "focal": focal,
        "first": first,
        "last": last,
        "rings_first": ring_members(t.pairs, focal, first),
        "rings_last": ring_members(t.pairs, focal, last),
        "index": index,
        "autonomy": (float(c.loc[first, "autonomy"]), float(c.loc[last, "autonomy"])),
        # runs written before the area counts existed lack the column
        "areas_held": (int(c.loc[first, "n_areas_held"]), int(c.loc[last, "n_areas_held"]))
        if "n_areas_held" in c.columns
        else None,
        "n_areas": sum(1 for col in a.columns if col.startswith("capability_")),
        "events": {k: int(counts.get(k, 0)) for k in order},
        "endings": (
            t.events[t.events["kind"].isin(["downgraded", "abandoned", "left"])]
            .astype({"kind": str, "reason": str})
            .groupby(["kind", "reason"])
            .size()
            .sort_values(ascending=False, kind="stable")
        ),
        "alliance": {
            col: (float(a.loc[first, col]), float(a.loc[last, col]))
            for col in (
                "n_pairs_bilateral",
                "n_ties_bilateral",
                "mean_form_bilateral",
                "n_pairs_effective",
                "mean_form_effective",
                "shortfall_total",
                "worst_shortfall",
                "n_shortfall_areas",
                "threat",
            )
        },
        "worst_area": tuple(
            lower_first(labels.get(area, area)) if area else ""
            for area in (str(a.loc[y, "worst_shortfall_area"]) for y in (first, last))
        ),
    }


def largest_ring_moves(moves: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The `n` largest ring moves: most rings crossed, then closest to the strategic ring."""
    if moves.empty:
        return moves
    ranked = moves.assign(
        size=(moves["to_ring"].map(RING_LEVEL) - moves["from_ring"].map(RING_LEVEL)).abs(),
        top=moves[["from_ring", "to_ring"]].apply(lambda c: c.map(RING_LEVEL)).max(axis=1),
    )
    ranked = ranked.sort_values(
        ["size", "top", "year", "partner"], ascending=[False, False, True, True]
    )
    return ranked.head(n).drop(columns=["size", "top"])
