"""Institutions that change: frameworks founded, ended, joined with consent; memberships."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imssim import run, to_config
from imssim.errors import ConfigError, WorldDataError
from imssim.model.founding import FOUNDABLE
from imssim.model.simulation import CooperationModel
from imssim.world import load_world
from tests.conftest import _cli_config, write_tiny_world

# --- a tiny world where two small states share a need a large neighbour can meet ------


def write_lead_world(folder: Path, expeditionary: float = 0.5) -> Path:
    """LLL (large, holds most armour), SMA and SMB (small, close, like-minded), all NATO,
    deeply tied at sea (so they trust each other), and FAR outside NATO."""
    write_tiny_world(folder)
    codes = ["LLL", "SMA", "SMB", "FAR"]
    states = pd.read_csv(folder / "states.csv")
    states["iso3"] = codes
    states["name"] = ["Largeland", "Smallone", "Smalltwo", "Farland"]
    states["region"] = ["west", "west", "west", "other"]
    states["nato"] = [1, 1, 1, 0]
    states["eu"] = [1, 1, 1, 0]
    states["groups"] = ""
    states["lat"] = [52.0, 51.5, 50.9, -30.0]
    states["lon"] = [5.0, 4.6, 5.3, 30.0]
    for col in ("culture_atlanticism", "culture_integration", "culture_governance"):
        states[col] = [0.7, 0.7, 0.7, 0.2]
    states["culture_expeditionary"] = [expeditionary, 0.5, 0.5, 0.2]
    states["equipment"] = ["cv90;f16", "cv90;f16", "cv90;f16", ""]
    states["sovereign_core"] = ["surface_fleet", "surface_fleet", "surface_fleet", "armour"]
    states.to_csv(folder / "states.csv", index=False)
    caps = pd.DataFrame(
        {
            "iso3": codes,
            "armour": [5, 1, 1, 1],
            "surface_fleet": [3, 3, 3, 1],
            "combat_air": [3, 2, 2, 1],
            "air_transport": [2, 1, 1, 1],
            "source": "test",
        }
    )
    caps.to_csv(folder / "capabilities.csv", index=False)
    ties = [
        ("LLL", "SMA", "surface_fleet", 5, 1990),
        ("LLL", "SMB", "surface_fleet", 5, 1990),
        ("SMA", "SMB", "surface_fleet", 5, 1990),
    ]
    pd.DataFrame(ties, columns=["a", "b", "area", "form", "since"]).assign(source="test").to_csv(
        folder / "ties_2012.csv", index=False
    )
    pd.DataFrame(
        {
            "id": ["NATO", "ROT"],
            "name": ["NATO", "A rotation"],
            "area": ["combat_air", "air_transport"],
            "form": [1, 4],
            "eligibility": ["nato", "nato"],
            "members": ["LLL;SMA;SMB", "LLL;SMA"],
            "since": [1949, 2012],
            "fixed": [1, 0],
            "purpose": ["baseline", "rotation"],
            "lead": ["", "LLL"],
            "until": ["", "2014"],
            "requires": ["", ""],
            "source": "test",
        }
    ).to_csv(folder / "frameworks.csv", index=False)
    refs = pd.read_csv(folder / "reference_2005_2017.csv")
    refs["iso3"] = refs["iso3"].map(dict(zip(["AAA", "BBB", "CCC", "DDD"], codes, strict=True)))
    refs.to_csv(folder / "reference_2005_2017.csv", index=False)
    return folder


def lead_config(folder: Path, rise: float = 0.2, **params) -> dict:
    """A threat rise of 0.2 leaves every state 1 - 1/1.2 = 17 % short of its need (more
    than found_need_gap) and the alliance as much (less than pool_scarce_gap)."""
    return {
        "world": {"data_dir": str(folder)},
        "focal": "SMA",
        "end_year": 2020,
        "scenario": {"threat_events": [{"who": ["all"], "year": 2013, "rise": rise}]},
        "params": {"thematic_rate": 0.0, "found_rate": 1.0, "found_lead_rank": 1, **params},
    }


def test_two_small_states_with_a_shared_need_join_a_framework_their_large_neighbour_founds(
    tmp_path,
):
    """A rise in threat leaves SMA and SMB short of armour; LLL, the largest holder,
    founds a framework-nation cluster (its expeditionary culture is below the mark) and
    both small states join it at founding."""
    folder = write_lead_world(tmp_path / "world")
    t = run(lead_config(folder)).tables
    founded = t.events[t.events["kind"] == "founded"]
    assert set(founded["country"]) == {"LLL"}  # the largest holder leads
    founded = founded[founded["area"] == "armour"]
    assert len(founded) == 1
    row = founded.iloc[0]
    assert (row.country, row.area, row.reason, int(row.to_form)) == (
        "LLL",
        "armour",
        "framework_cluster",
        int(FOUNDABLE["framework_cluster"][0]),
    )
    joined = t.events[(t.events["partner"] == row.partner) & (t.events["kind"] == "joined")]
    assert set(joined["country"]) == {"SMA", "SMB"}
    assert set(joined["reason"]) == {"founding_member"}
    f = t.frameworks[t.frameworks["framework"] == row.partner]
    assert f["year"].min() == row.year and f["lead"].eq("LLL").all()
    assert set(f.iloc[0]["members"].split(";")) == {"LLL", "SMA", "SMB"}
    # the framework deepens the pair's effective form in the area
    pairs = t.pairs[(t.pairs["year"] == row.year) & (t.pairs["country"] == "SMA")]
    assert pairs.set_index("partner").loc["LLL", "max_form"] >= 4


def test_an_expeditionary_lead_founds_an_expeditionary_force(tmp_path):
    folder = write_lead_world(tmp_path / "world", expeditionary=0.9)
    t = run(lead_config(folder)).tables
    founded = t.events[(t.events["kind"] == "founded") & (t.events["area"] == "armour")]
    assert list(founded["reason"]) == ["expeditionary_force"]


def test_where_the_alliance_lacks_the_area_the_lead_founds_a_pooled_fleet(tmp_path):
    """An alliance requirement of 1.5 times the 2012 holdings leaves the alliance a third
    short of armour from the start (over pool_scarce_gap): a pooled fleet, even around
    an expeditionary lead, where the area is a fleet partners can pool; else an
    expeditionary force around that lead."""
    for fleet, expected in ((1, ("pooled_fleet", 3)), (0, ("expeditionary_force", 4))):
        folder = write_lead_world(tmp_path / f"world_{fleet}", expeditionary=0.9)
        areas = pd.read_csv(folder / "areas.csv")
        areas.loc[areas["area"] == "armour", "alliance_requirement"] = 1.5
        areas.loc[areas["area"] == "armour", "pooled_fleet"] = fleet
        areas.to_csv(folder / "areas.csv", index=False)
        t = run(lead_config(folder)).tables
        founded = t.events[(t.events["kind"] == "founded") & (t.events["area"] == "armour")]
        assert list(zip(founded["reason"], founded["to_form"], strict=True)) == [expected]
        prefix = "FLEET_LLL_ARMOUR_" if fleet else "EXF_LLL_ARMOUR_"
        assert founded["partner"].iloc[0].startswith(prefix)


def test_without_a_shared_need_nothing_is_founded(tmp_path):
    """No threat and no cuts: the small states hold what they need, so no one is invited."""
    folder = write_lead_world(tmp_path / "world")
    cfg = lead_config(folder)
    cfg["scenario"] = {}
    t = run(cfg).tables
    assert not (t.events["kind"] == "founded").any()
    assert (t.frameworks["origin"] == "record").all()


def test_without_trust_the_members_do_not_consent(tmp_path):
    """A founding needs the form's trust between lead and invitees: with the 2012 ties,
    LLL founds in the first year; with them gone (trust at its base, below what forms 3
    and 4 require), it finds no one to found with that year."""
    for ties in (True, False):
        folder = write_lead_world(tmp_path / f"world_{ties}")
        if not ties:
            pd.DataFrame(columns=["a", "b", "area", "form", "since", "source"]).to_csv(
                folder / "ties_2012.csv", index=False
            )
        cfg = lead_config(folder)
        cfg["end_year"] = 2013
        assert (run(cfg).tables.events["kind"] == "founded").any() == ties


def test_a_framework_whose_lifetime_ends_is_dissolved(tmp_path):
    """ROT runs to 2014: in 2015 it ends (reason lifetime), its members leave (reason
    ended), and it has no rows in the frameworks table after 2014."""
    folder = write_lead_world(tmp_path / "world")
    t = run(lead_config(folder, found_rate=0.0)).tables
    ended = t.events[(t.events["kind"] == "ended") & (t.events["partner"] == "ROT")]
    assert list(zip(ended["year"], ended["reason"], ended["country"], strict=True)) == [
        (2015, "lifetime", "LLL")
    ]
    left = t.events[(t.events["kind"] == "left") & (t.events["partner"] == "ROT")]
    assert set(left["country"]) == {"LLL", "SMA"} and set(left["reason"]) == {"ended"}
    assert t.frameworks.loc[t.frameworks["framework"] == "ROT", "year"].max() == 2014
    assert not (t.events[t.events["year"] > 2015]["partner"] == "ROT").any()


def test_the_nrf_rotation_of_the_default_world_ends_after_2015():
    t = run({"end_year": 2018}).tables
    ended = t.events[t.events["kind"] == "ended"]
    assert ("NRF2015_LAND", 2016, "lifetime") in set(
        zip(ended["partner"], ended["year"], ended["reason"], strict=True)
    )
    assert t.frameworks.loc[t.frameworks["framework"] == "NRF2015_LAND", "year"].max() == 2015


# --- memberships ------------------------------------------------------------------------


def _history_model(end_year: int) -> CooperationModel:
    model = CooperationModel(_cli_config("history_2012_2024", end_year=end_year))
    return model


def test_a_state_that_leaves_the_eu_stops_counting_as_an_eu_co_member_from_that_year():
    model = _history_model(2023)
    w = model.world
    gbr, aut, deu = w.index("GBR"), w.index("AUT"), w.index("DEU")
    eu_csdp = next(f for f, fw in enumerate(model.frameworks) if fw.id == "EU_CSDP")
    seen = {}
    while model.running:
        model.step()
        seen[model.year] = (
            bool(model.institutions.eu[gbr]),
            bool(model.institutions.criteria.comember[gbr, aut]),  # Austria: EU, not NATO
            bool(model.institutions.criteria.comember[gbr, deu]),  # Germany: still NATO
            bool(model.coop.members[eu_csdp, gbr]),
            float(model.institutions.trust_base[gbr, aut]),
        )
    p = model.params
    assert seen[2019] == (True, True, True, True, p.trust_base_member)
    assert seen[2020] == (False, False, True, False, p.trust_base_other)
    assert seen[2021][:4] == (False, False, True, False)
    events = model.tables().events
    out = events[(events["country"] == "GBR") & (events["kind"] == "left")]
    assert ("EU_CSDP", 2020, "departure") in set(
        zip(out["partner"], out["year"], out["reason"], strict=True)
    )
    # from 2020 it sits in no framework open only to EU members
    eu_only = {fw.id for fw in model.frameworks if fw.eligibility == "eu"}
    f = model.tables().frameworks
    later = f[(f["year"] >= 2020) & f["framework"].isin(eu_only)]
    assert not later["members"].str.contains("GBR").any()
    # and an EU-only state is no longer affiliated with it for being an EU co-member, once
    # the ring's exit delay (ring_exit_delay = 2 years below its ring) has passed
    pairs = model.tables().pairs
    view = pairs[
        (pairs["year"] == 2023) & (pairs["country"] == "GBR") & (pairs["partner"] == "AUT")
    ]
    assert view.empty or view["ring"].iloc[0] != "affiliated"


def test_accessions_are_replayed_in_their_years():
    model = _history_model(2024)
    w = model.world
    while model.running:
        model.step()
    f = model.tables().frameworks
    nato = f[f["framework"] == "NATO"].set_index("year")["members"]
    assert "FIN" not in nato[2022] and "FIN" in nato[2023]
    assert "SWE" not in nato[2023] and "SWE" in nato[2024]
    eu = f[f["framework"] == "EU_CSDP"].set_index("year")["members"]
    assert "HRV" not in eu[2012] and "HRV" in eu[2013]
    assert model.institutions.nato[w.index("FIN")] and model.institutions.nato[w.index("SWE")]
    # the alliance measure keeps its 2012 members
    assert model.start.alliance.sum() == ((w.nato | w.eu) & (w.region != "north_america")).sum()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"who": ["NLD"], "institution": "nato", "change": "join", "year": 2015}, "already in"),
        ({"who": ["FIN"], "institution": "nato", "change": "leave", "year": 2015}, "not in"),
        ({"who": ["XXX"], "institution": "eu", "change": "join", "year": 2015}, "XXX"),
        ({"who": ["FIN"], "institution": "un", "change": "join", "year": 2015}, "institution"),
        ({"who": ["FIN"], "institution": "nato", "change": "enter", "year": 2015}, "change"),
        ({"who": ["FIN"], "institution": "nato", "change": "join", "year": 2012}, "year"),
        ({"who": [], "institution": "nato", "change": "join", "year": 2015}, "names no state"),
    ],
)
def test_impossible_membership_changes_are_refused_with_one_line(change, message):
    from imssim.runs.api import check

    with pytest.raises(ConfigError, match=message) as info:
        check({"scenario": {"membership_changes": [change]}})
    assert "\n" not in str(info.value)
    assert "membership_changes[0]" in str(info.value)


def test_a_join_then_a_leave_in_order_is_accepted():
    cfg = to_config(
        {
            "end_year": 2016,
            "scenario": {
                "membership_changes": [
                    {"who": ["FIN"], "institution": "nato", "change": "leave", "year": 2015},
                    {"who": ["FIN"], "institution": "nato", "change": "join", "year": 2014},
                ]
            },
        }
    )
    model = CooperationModel(cfg)
    fin = model.world.index("FIN")
    model.step()
    model.step()
    assert model.institutions.nato[fin]
    model.step()
    assert not model.institutions.nato[fin]


# --- world data -------------------------------------------------------------------------


def test_framework_records_carry_purpose_requirements_lead_and_lifetime():
    w = load_world()
    fw = {f.id: f for f in w.frameworks}
    assert fw["NRF2015_LAND"].purpose == "rotation" and fw["NRF2015_LAND"].until == 2015
    assert w.iso3[fw["EU_AAR"].lead] == "NLD"
    egf = fw["EGF"].open_to(w.nato, w.eu)
    assert not egf[w.index("DEU")]  # no gendarmerie
    assert egf[w.index("FRA")] and egf[w.index("NLD")]
    nahema = fw["NAHEMA"].open_to(w.nato, w.eu)
    assert nahema[w.index("PRT")]  # a 2012 member stays able, though it cancelled its NH90
    assert not nahema[w.index("POL")]  # no NH90


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("purpose", "picnic", "unknown purpose"),
        ("lead", "XXX", "XXX"),
        ("lead", "USA", "not a member"),
        ("until", "soon", "until must be a year"),
        ("until", "2000", "lies before since"),
        ("requires", "hovercraft", "hovercraft"),
    ],
)
def test_a_broken_framework_record_is_named(broken_world, column, value, message):
    path = broken_world / "frameworks.csv"
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    frame.loc[frame["id"] == "EATC", column] = value
    frame.to_csv(path, index=False)
    with pytest.raises(WorldDataError, match=message) as info:
        load_world(broken_world)
    assert "EATC" in str(info.value) and "\n" not in str(info.value)


def test_a_world_without_the_new_columns_still_loads(broken_world):
    path = broken_world / "frameworks.csv"
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    frame.drop(columns=["purpose", "lead", "until", "requires"]).to_csv(path, index=False)
    w = load_world(broken_world)
    assert all(fw.lead == -1 and fw.until == 0 and fw.capable is None for fw in w.frameworks)


# --- invariants -------------------------------------------------------------------------


def _presence_relief(model: CooperationModel, fw) -> float:
    """How far a forward presence's thresholds fall this year (0 for other frameworks)."""
    if fw.host < 0:
        return 0.0
    exposure = max(float(model.inputs.threat[fw.host]) - 1.0, 0.0)
    return model.params.presence_threshold_relief * exposure


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    scenario=st.sampled_from(["austerity_2012", "history_2012_2024", "deep_cuts"]),
    found_rate=st.sampled_from([0.1, 0.5, 1.0]),
    consent=st.sampled_from([0.5, 1.0]),
)
def test_framework_invariants_hold_every_year(seed, scenario, found_rate, consent):
    """Every framework has a purpose, and every founded one a lead that is a member when
    founded; nobody is in a framework it is not eligible for; a newcomer joins only with
    the consent of `framework_consent` of the members it joins; the founding members
    trust each other at the form's requirement less the margin (and, for a forward
    presence, less the relief its host's exposure brings)."""
    cfg = _cli_config(
        scenario,
        seed=seed,
        end_year=2026,
        **{"params.found_rate": found_rate, "params.framework_consent": consent},
    )
    model = CooperationModel(cfg)
    p, fm = model.params, model.forms
    n_record = len(model.world.frameworks)
    while model.running:
        before = model.coop.members.copy()
        n_before = len(model.frameworks)
        count = len(model.events)
        model.step()
        year_events = [e for _, e in model.events[count:]]
        open_now = model.framework_open
        members = model.coop.members
        assert not (members & ~open_now).any(), "a member that is not eligible"
        for f, fw in enumerate(model.frameworks):
            assert fw.purpose
            if f >= n_record:
                assert fw.lead >= 0 and fw.since <= model.year
        for f in range(n_before, len(model.frameworks)):  # founded this year
            fw = model.frameworks[f]
            chosen = np.flatnonzero(members[f])
            assert members[f, fw.lead]
            need = fm.trust_required[fw.form] - p.trust_margin - _presence_relief(model, fw)
            for i in chosen:
                for j in chosen:
                    if i != j:
                        assert model.coop.trust[i, j] >= need - 1e-12
        fid = {fw.id: f for f, fw in enumerate(model.frameworks)}
        for e in year_events:
            if e.kind == "joined" and e.reason == "mutual_gain":
                f = fid[e.framework]
                old = np.flatnonzero(before[f])
                fw = model.frameworks[f]
                need = fm.trust_required[fw.form] - p.trust_margin - _presence_relief(model, fw)
                share = (model.coop.trust[old, e.country] >= need).mean()
                assert share >= p.framework_consent - 1e-9


def test_lead_states_pool_only_fleets_of_platforms():
    """A pooled fleet is founded only in an area whose platforms partners can pool
    (areas.csv `pooled_fleet`), however scarce another area is."""
    world = load_world()
    fleets = {area for area, fleet in zip(world.areas, world.fleet, strict=True) if fleet}
    assert fleets == {"helicopters", "air_transport", "air_refuelling", "isr"}
    pooled = []
    for seed in (1, 2, 3):
        cfg = _cli_config("history_2012_2024", seed=seed, **{"params.found_rate": 0.5})
        fw = run(cfg).tables.frameworks
        pooled += fw.loc[fw.purpose == "pooled_fleet", "area"].unique().tolist()
    assert pooled  # scarce fleets are pooled
    assert set(pooled) <= fleets
