"""The events table: text columns from their codes, as pandas makes them from strings."""

from __future__ import annotations

import pandas as pd

from imssim.model.cooperation import Event
from imssim.model.tables import _events_frame
from imssim.world import load_world


def test_the_events_table_names_states_frameworks_and_no_state():
    world = load_world()
    events = [
        (2013, Event("formed", 0, 3, "", 2, 0, 1, "thematic")),
        (2014, Event("joined", 5, -1, "EATC", 4, 0, 3, "mutual_gain")),
        (2015, Event("ended", -1, -1, "EATC", 4, 3, 0, "no_members")),
        (2015, Event("deepened", 3, 0, "", 2, 1, 2, "mutual_gain", "economic")),
    ]
    frame = _events_frame(world, events)
    iso, areas = world.iso3, world.areas
    expected = pd.DataFrame(
        {
            "country": [iso[0], iso[5], "", iso[3]],
            "partner": [iso[3], "EATC", "EATC", iso[0]],
            "area": [areas[2], areas[4], areas[4], areas[2]],
            "reason": ["thematic", "mutual_gain", "no_members", "mutual_gain"],
            "motive": ["", "", "", "economic"],
        }
    )
    pd.testing.assert_frame_equal(frame[expected.columns], expected)
    assert frame["year"].tolist() == [2013, 2014, 2015, 2015]
    assert frame["kind"].tolist() == ["formed", "joined", "ended", "deepened"]


def test_an_empty_events_table_keeps_its_columns():
    frame = _events_frame(load_world(), [])
    assert list(frame.columns) == [
        "year",
        "kind",
        "country",
        "partner",
        "area",
        "from_form",
        "to_form",
        "reason",
        "motive",
    ]
    assert frame.empty
