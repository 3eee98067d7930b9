"""The events table: text columns from their codes, as pandas makes them from strings,
from single events and blocks of them in order; the tables a run keeps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imssim.model.events import Event, EventBlock, EventLog
from imssim.model.tables import TABLE_NAMES, Recorder, _events_frame
from imssim.world import load_world


def test_the_events_table_names_states_frameworks_and_no_state():
    world = load_world()
    events = EventLog()
    events.add(2013, [Event("formed", 0, 3, "", 2, 0, 1, "thematic")])
    events.add(2014, [Event("joined", 5, -1, "EATC", 4, 0, 3, "mutual_gain")])
    events.add(2015, [])  # a year without events leaves no trace
    steps = EventBlock(
        ["deepened", "formed"], [3, 1], [0, 2], "", [2, 6], [1, 0], [2, 1], "mutual_gain",
        ["economic", "military"],
    )  # fmt: skip
    empty = EventBlock("formed", [], [], "", [], 0, 1, "thematic")
    events.add(2015, [Event("ended", -1, -1, "EATC", 4, 3, 0, "no_members"), empty, steps])
    # numbers as integer arrays (as the mechanisms give them) iterate as Python's own
    arrays = EventBlock("abandoned", np.array([7]), np.array([8]), "", np.array([9]), 1,
                        np.array([0], dtype=np.int8), ["expired"])  # fmt: skip
    assert list(arrays) == [Event("abandoned", 7, 8, "", 9, 1, 0, "expired")]
    assert all(type(value) is int for value in next(iter(arrays))[1:7] if value != "")
    events.add(2016, [arrays])
    assert list(steps) == [
        Event("deepened", 3, 0, "", 2, 1, 2, "mutual_gain", "economic"),
        Event("formed", 1, 2, "", 6, 0, 1, "mutual_gain", "military"),
    ]
    assert len(events) == 6
    assert [year for year, _ in events] == [2013, 2014, 2015, 2015, 2015, 2016]
    assert events[2:4] == [(2015, e) for _, e in list(events)[2:4]]
    assert [e.kind for _, e in events][2:] == ["ended", "deepened", "formed", "abandoned"]
    frame = _events_frame(world, events)
    iso, areas = world.iso3, world.areas
    expected = pd.DataFrame(
        {
            "country": [iso[0], iso[5], "", iso[3], iso[1], iso[7]],
            "partner": [iso[3], "EATC", "EATC", iso[0], iso[2], iso[8]],
            "area": [areas[2], areas[4], areas[4], areas[2], areas[6], areas[9]],
            "reason": ["thematic", "mutual_gain", "no_members", "mutual_gain", "mutual_gain",
                       "expired"],
            "motive": ["", "", "", "economic", "military", ""],
        }
    )  # fmt: skip
    pd.testing.assert_frame_equal(frame[expected.columns], expected)
    assert frame["year"].tolist() == [2013, 2014, 2015, 2015, 2015, 2016]
    kinds = ["formed", "joined", "ended", "deepened", "formed", "abandoned"]
    assert frame["kind"].tolist() == kinds
    assert frame["to_form"].tolist() == [1, 3, 0, 2, 1, 0]
    assert frame["from_form"].tolist() == [0, 0, 3, 1, 0, 1]


def test_an_empty_events_table_keeps_its_columns():
    frame = _events_frame(load_world(), EventLog())
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


def test_a_run_keeping_the_headline_tables_gives_them_as_a_full_run_does(tmp_path):
    """A study keeps only the tables its outcomes read: those are the full run's, the
    others empty; such a result is not written as a run folder."""
    from imssim.errors import ImssimError
    from imssim.outcomes import HEADLINE, tables_read
    from imssim.runs.api import run
    from imssim.runs.sweep import headline

    config = {"scenario": "deep_cuts", "end_year": 2020}
    full = run(config)
    lean = run(config, tables=tables_read(HEADLINE))
    assert lean.tables.kept == ("countries", "alliance")
    pd.testing.assert_frame_equal(lean.tables.countries, full.tables.countries)
    pd.testing.assert_frame_equal(lean.tables.alliance, full.tables.alliance)
    assert all(lean.tables.items()[i][1].empty for i in (1, 2, 4, 5))
    assert headline(lean, range(2013, 2021)) == headline(full, range(2013, 2021))
    left = "did not keep its pairs, events, holdings, frameworks tables"
    with pytest.raises(ImssimError, match=left):
        lean.save(tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_the_tables_a_run_keeps_are_checked_by_name():
    with pytest.raises(ValueError, match=r"unknown table\(s\) pair;"):
        Recorder(load_world(), ["pair"])


def test_an_outcome_computed_from_the_tables_needs_every_table():
    from imssim.outcomes import tables_read

    assert tables_read(["autonomy"]) == ("countries",)
    assert tables_read(["shortfall_pct", "autonomy"]) == ("countries", "alliance")
    assert tables_read(["mean_lasting_form"]) == TABLE_NAMES
