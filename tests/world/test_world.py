"""The default world's data and the loader's refusal of broken files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imssim import WorldDataError, check, run
from imssim.world import load_world
from tests.conftest import THEMATIC


def test_default_world_holds_nato_eu_and_the_thematic_partners():
    w = load_world()
    assert w.n_states == 49 and w.n_areas == 17
    assert int(w.nato.sum()) == 28 and int(w.eu.sum()) == 27
    outside = {c for c, n, e in zip(w.iso3, w.nato, w.eu, strict=True) if not (n or e)}
    assert outside == THEMATIC
    assert (w.budget > 0).all()
    assert w.milex_share_source[w.index("BDI")].startswith("Correlates of War")


def test_note_ties_are_in_the_2012_record():
    w = load_world()

    def form(a, b, area):
        i, j, ar = w.index(a), w.index(b), w.areas.index(area)
        hit = ((w.tie_a == i) & (w.tie_b == j) | (w.tie_a == j) & (w.tie_b == i)) & (
            w.tie_area == ar
        )
        return int(w.tie_form[hit][0]) if hit.any() else 0

    assert form("NLD", "DEU", "airmobile") >= 4
    assert form("NLD", "BEL", "surface_fleet") == 5
    assert form("NLD", "GBR", "amphibious") == 5
    assert form("NLD", "USA", "combat_air") >= 3
    assert form("NLD", "DNK", "armour") >= 1  # CV-90
    eatc = next(f for f in w.frameworks if f.id == "EATC")
    assert {w.iso3[i] for i in np.flatnonzero(eatc.members)} == {"BEL", "DEU", "FRA", "NLD"}
    c17 = next(f for f in w.frameworks if f.id == "SAC_C17")
    assert int(c17.members.sum()) == 12


@pytest.mark.parametrize(
    ("file", "mutate", "needle"),
    [
        ("states.csv", lambda d: d.drop(columns=["lat"]), "lat"),
        (
            "states.csv",
            lambda d: d.assign(region=d["region"].where(d.index != 3, "atlantis")),
            "atlantis",
        ),
        ("ties_2012.csv", lambda d: d.assign(b=d["b"].where(d.index != 0, "XXX")), "XXX"),
        ("ties_2012.csv", lambda d: d.assign(form=d["form"].where(d.index != 0, 9)), "form"),
        (
            "ties_2012.csv",
            lambda d: d.assign(form=d["form"].astype(str).where(d.index != 0, "deep")),
            "form",
        ),
        (
            "capabilities.csv",
            lambda d: d.assign(armour=d["armour"].where(d.index != 0, 7)),
            "levels",
        ),
        (
            "frameworks.csv",
            lambda d: d.assign(area=d["area"].where(d.index != 2, "space")),
            "space",
        ),
        (
            "states.csv",
            lambda d: d.assign(
                culture_integration=d["culture_integration"].where(d.index != 0, 1.7)
            ),
            "culture",
        ),
        ("areas.csv", lambda d: d.drop(columns=["min_viable_share"]), "min_viable_share"),
        (
            "areas.csv",
            lambda d: d.assign(pooled_fleet=d["pooled_fleet"].where(d.index != 1, 2)),
            "pooled_fleet of airmobile must be 0 or 1",
        ),
        (
            "areas.csv",
            lambda d: d.assign(min_viable_share=d["min_viable_share"].where(d.index != 2, 1.0)),
            "min_viable_share of artillery must be in [0, 1)",
        ),
        (
            "areas.csv",
            lambda d: d.assign(min_viable_share=d["min_viable_share"].where(d.index != 0, -0.1)),
            "min_viable_share of armour",
        ),
        (
            "areas.csv",
            lambda d: d.assign(
                min_viable_share=d["min_viable_share"].astype(str).where(d.index != 0, "a third")
            ),
            "column min_viable_share row 2 is not a number",
        ),
    ],
)
def test_broken_data_file_is_a_one_line_error(broken_world, file, mutate, needle):
    path = broken_world / file
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    mutate(frame).to_csv(path, index=False)
    with pytest.raises(WorldDataError) as info:
        check({"world": {"data_dir": str(broken_world)}})
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_and_missing_folder(broken_world, tmp_path):
    (broken_world / "areas.csv").unlink()
    with pytest.raises(WorldDataError, match=r"areas\.csv"):
        run({"world": {"data_dir": str(broken_world)}})
    with pytest.raises(WorldDataError, match="not found"):
        run({"world": {"data_dir": str(tmp_path / "nowhere")}})


def test_unparseable_csv(broken_world):
    (broken_world / "equipment.csv").write_bytes(b"\xff\xfe\x00garbage\x00\n\x00")
    with pytest.raises(WorldDataError):
        check({"world": {"data_dir": str(broken_world)}})
