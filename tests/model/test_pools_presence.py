"""Pools that keep the states they exist for, eligibility that follows the institution
(the EDA), and forward presences founded after a threat rise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imssim import run
from imssim.errors import WorldDataError
from imssim.model.frameworks import eda_participants
from imssim.world import load_world
from tests.conftest import _cli_config, write_tiny_world

# --- pools ------------------------------------------------------------------------------


def write_pool_world(folder: Path, purpose: str) -> Path:
    """The tiny world with a framework of `purpose` in air transport (form 3) among
    AAA, BBB and CCC, where BBB holds no air transport."""
    write_tiny_world(folder, ties=[("AAA", "BBB", "surface_fleet", 5, 1996)])
    caps = pd.read_csv(folder / "capabilities.csv")
    caps.loc[caps["iso3"] == "BBB", "air_transport"] = 0
    caps.to_csv(folder / "capabilities.csv", index=False)
    frameworks = pd.read_csv(folder / "frameworks.csv", keep_default_na=False, dtype=str)
    pool = frameworks.iloc[[0]].copy()
    pool["id"], pool["name"], pool["area"], pool["form"] = "POOL", "A pool", "air_transport", "3"
    pool["eligibility"], pool["members"], pool["since"], pool["fixed"] = (
        "any",
        "AAA;BBB;CCC",
        "2012",
        "0",
    )
    if "purpose" not in pool:
        pool["purpose"] = ""
    pool["purpose"] = purpose
    pd.concat([frameworks, pool]).to_csv(folder / "frameworks.csv", index=False)
    return folder


def _members(tables, fid: str) -> dict[int, set[str]]:
    f = tables.frameworks[tables.frameworks["framework"] == fid]
    return {int(r.year): set(r.members.split(";")) for r in f.itertuples()}


def test_a_pool_member_without_the_capability_stays(tmp_path):
    """BBB lacks air transport: it stays in a pooled fleet every year, but leaves a
    procurement programme in the first year for want of the capability."""
    cfg = {"end_year": 2016, "params": {"found_rate": 0.0, "thematic_rate": 0.0}}
    pooled = write_pool_world(tmp_path / "pooled", "pooled_fleet")
    t = run({**cfg, "world": {"data_dir": str(pooled)}, "focal": "AAA"}).tables
    assert all("BBB" in m for m in _members(t, "POOL").values())
    programme = write_pool_world(tmp_path / "programme", "procurement")
    t = run({**cfg, "world": {"data_dir": str(programme)}, "focal": "AAA"}).tables
    left = t.events[(t.events["partner"] == "POOL") & (t.events["kind"] == "left")]
    assert list(zip(left["country"], left["reason"], strict=True)) == [("BBB", "no_capability")]


def test_in_the_history_eu_aar_and_sac_c17_keep_their_members_without_tankers():
    """The states of 2012 without tankers or airlifters stay in EU AAR and SAC C-17."""
    t = run(_cli_config("history_2012_2024", end_year=2017, seed=3)).tables
    for fid, lacking in (
        ("EU_AAR", {"BEL", "LUX", "NOR", "POL", "PRT", "GRC", "HUN"}),
        ("SAC_C17", {"EST", "SVN"}),
    ):
        members = _members(t, fid)
        assert all(lacking <= members[y] for y in (2012, 2014, 2017))


# --- eligibility ------------------------------------------------------------------------


def test_eda_projects_are_open_to_eu_members_and_norway_not_to_the_us_canada_or_turkey():
    w = load_world()
    fw = {f.id: f for f in w.frameworks}
    eda = eda_participants(w.eu, w.groups)
    for fid in ("EU_AAR", "MARSUR", "EU_HTP", "EU_PILOT"):
        open_ = fw[fid].open_to(w.nato, w.eu, eda)
        assert open_[w.index("NOR")] and open_[w.index("NLD")] and open_[w.index("AUT")]
        assert not any(open_[w.index(c)] for c in ("USA", "CAN", "TUR", "DNK"))


def test_no_state_outside_the_eda_joins_an_eda_project_in_the_history():
    t = run(_cli_config("history_2012_2024", end_year=2018, seed=1)).tables
    joined = t.events[
        (t.events["kind"] == "joined") & t.events["partner"].isin(["EU_AAR", "MARSUR"])
    ]
    assert not set(joined["country"]) & {"USA", "CAN", "TUR", "ALB", "ISL", "DNK"}


def test_an_unknown_eligibility_is_named_in_one_line(broken_world):
    path = broken_world / "frameworks.csv"
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    frame.loc[frame["id"] == "EU_AAR", "eligibility"] = "everyone"
    frame.to_csv(path, index=False)
    with pytest.raises(WorldDataError, match=r"EU_AAR.*unknown eligibility 'everyone'") as info:
        load_world(broken_world)
    assert "\n" not in str(info.value)


# --- forward presence -------------------------------------------------------------------


def write_flank_world(folder: Path) -> Path:
    """BIG (large, expeditionary, at Ottawa), HST (small, at Riga, 840 km from Moscow,
    no armour), FAR (at Lisbon, deeply tied to BIG) and MID (at Brussels), all NATO."""
    write_tiny_world(folder)
    codes = ["BIG", "HST", "FAR", "MID"]
    states = pd.read_csv(folder / "states.csv")
    states["iso3"] = codes
    states["name"] = ["Bigland", "Hostland", "Farland", "Midland"]
    states["region"] = ["north_america", "east", "south", "west"]
    states["nato"] = [1, 1, 1, 1]
    states["eu"] = [0, 1, 1, 1]
    states["groups"] = ""
    states["lat"] = [45.4, 56.95, 38.7, 50.85]
    states["lon"] = [-75.7, 24.1, -9.1, 4.35]
    states["culture_expeditionary"] = [0.9, 0.5, 0.6, 0.5]
    states["equipment"] = ["cv90;f16", "f16", "cv90;f16", "cv90;f16"]
    states["sovereign_core"] = ["surface_fleet", "combat_air", "surface_fleet", "surface_fleet"]
    states.to_csv(folder / "states.csv", index=False)
    caps = pd.DataFrame(
        {
            "iso3": codes,
            "armour": [5, 0, 2, 2],
            "surface_fleet": [4, 1, 3, 2],
            "combat_air": [4, 1, 2, 2],
            "air_transport": [3, 1, 1, 1],
            "source": "test",
        }
    )
    caps.to_csv(folder / "capabilities.csv", index=False)
    ties = [
        ("BIG", "FAR", "surface_fleet", 5, 1990),
        ("BIG", "HST", "combat_air", 2, 2004),
        ("FAR", "HST", "combat_air", 2, 2004),
        ("MID", "HST", "combat_air", 2, 2004),
    ]
    pd.DataFrame(ties, columns=["a", "b", "area", "form", "since"]).assign(source="test").to_csv(
        folder / "ties_2012.csv", index=False
    )
    frameworks = pd.read_csv(folder / "frameworks.csv", keep_default_na=False, dtype=str)
    frameworks = frameworks[frameworks["id"] == "NATO"].copy()
    frameworks["members"] = ";".join(codes)
    frameworks.to_csv(folder / "frameworks.csv", index=False)
    refs = pd.read_csv(folder / "reference_2005_2017.csv")
    refs["iso3"] = refs["iso3"].map(dict(zip(["AAA", "BBB", "CCC", "DDD"], codes, strict=True)))
    refs.to_csv(folder / "reference_2005_2017.csv", index=False)
    return folder


def flank_config(folder: Path, threat: bool) -> dict:
    """A threat near Moscow in 2014 (felt at Riga, hardly at Ottawa or Lisbon)."""
    events = [{"who": ["all"], "year": 2014, "rise": 0.0, "near_rise": 0.6}] if threat else []
    return {
        "world": {"data_dir": str(folder)},
        "focal": "MID",
        "end_year": 2018,
        "scenario": {"threat_events": events},
        "params": {"thematic_rate": 0.0, "found_rate": 0.0, "presence_rate": 1.0},
    }


def test_after_a_threat_rise_a_large_expeditionary_state_leads_a_presence_in_the_exposed_state(
    tmp_path,
):
    """HST (exposure about 0.34) hosts a presence led by BIG, 6,700 km away; FAR, far
    from both but tied to BIG, joins it at founding."""
    folder = write_flank_world(tmp_path / "world")
    t = run(flank_config(folder, threat=True)).tables
    founded = t.events[(t.events["kind"] == "founded") & (t.events["reason"] == "forward_presence")]
    assert list(zip(founded["year"], founded["country"], founded["area"], strict=True)) == [
        (2014, "BIG", "armour")
    ]
    fid = founded["partner"].iloc[0]
    row = t.frameworks[t.frameworks["framework"] == fid].iloc[0]
    assert (row.lead, row.host, row.purpose, int(row.form)) == ("BIG", "HST", "forward_presence", 4)
    assert {"BIG", "HST", "FAR"} <= set(row.members.split(";"))
    joined = t.events[(t.events["partner"] == fid) & (t.events["kind"] == "joined")]
    assert dict(zip(joined["country"], joined["reason"], strict=True))["HST"] == "host"
    # the host holds no armour, yet the presence lasts
    assert t.frameworks.loc[t.frameworks["framework"] == fid, "year"].max() == 2018


def test_without_a_threat_no_presence_is_founded(tmp_path):
    folder = write_flank_world(tmp_path / "world")
    t = run(flank_config(folder, threat=False)).tables
    assert not (t.events["reason"] == "forward_presence").any()
    assert (t.frameworks["host"] == "").all()


def test_without_the_relief_of_the_thresholds_the_far_partners_do_not_qualify(tmp_path):
    """With presence_threshold_relief = 0 the form-4 thresholds apply and no presence
    is founded with these far-apart partners."""
    folder = write_flank_world(tmp_path / "world")
    cfg = flank_config(folder, threat=True)
    cfg["params"]["presence_threshold_relief"] = 0.0
    t = run(cfg).tables
    assert not (t.events["reason"] == "forward_presence").any()


def test_in_the_history_presences_are_hosted_by_exposed_allies_and_led_from_afar():
    t = run(_cli_config("history_2012_2024", end_year=2017, seed=0)).tables
    f = t.frameworks[t.frameworks["purpose"] == "forward_presence"]
    assert not f.empty
    assert set(f["host"]) <= {"EST", "LVA", "LTU", "POL"}
    assert set(f["lead"]) <= {"USA", "GBR", "FRA", "CAN"}
    assert np.all(f["year"] >= 2014)
