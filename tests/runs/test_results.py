"""The output contract: folders, Parquet tables and their columns, manifest, read-back."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from imssim import load_results, run
from imssim.runs.folders import write_run

CONTRACT = {
    "countries": {
        "year",
        "country",
        "gdp",
        "budget",
        "capability",
        "capacity_to_act",
        "autonomy",
        "efficiency",
        "n_strategic",
        "n_affiliated",
        "n_opportunity",
    },
    "pairs": {"year", "country", "partner", "ring", "max_form", "n_areas", "trust"},
    "events": {"year", "kind", "country", "partner", "area", "from_form", "to_form", "reason"},
    "alliance": {"year", "capability", "shortfall_total", *(f"n_form_{f}" for f in range(1, 7))},
}


@pytest.fixture(scope="module")
def small():
    return run({"end_year": 2016, "seed": 5})


def test_tables_carry_the_contract_columns(small):
    for name, columns in CONTRACT.items():
        frame = getattr(small.tables, name)
        assert columns <= set(frame.columns), name
    assert set(small.tables.pairs["ring"].astype(str)) <= {
        "strategic",
        "affiliated",
        "opportunity",
        "none",
    }
    alliance = small.tables.alliance
    assert len(alliance) == 5  # one row per year
    assert {"shortfall_air_refuelling", "surplus_armour"} <= set(alliance.columns)


def test_write_and_read_back(tmp_path, small):
    path = write_run(small, tmp_path)
    again = write_run(small, tmp_path)
    assert path != again and path.exists() and again.exists()
    assert not list(tmp_path.glob(".tmp-*"))
    back = load_results(path)
    assert back.config == small.config
    assert back.manifest["seed"] == 5
    assert back.manifest["status"] == "completed"
    for name, frame in small.tables.items():
        got = getattr(back.tables, name)
        assert len(got) == len(frame)
        assert list(got.columns) == list(frame.columns)
    meta = json.loads(pq.read_schema(path / "countries.parquet").metadata[b"imssim"])
    assert meta["manifest"]["seed"] == 5 and meta["config"]["seed"] == 5
    assert meta["manifest"]["versions"]["mesa"].startswith("3.")


def test_a_failed_write_leaves_nothing(tmp_path, small, monkeypatch):
    import imssim.runs.parquet as parquet

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(parquet.pq, "write_table", boom)
    with pytest.raises(OSError):
        write_run(small, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_summary_lists_inner_ring_moves_first(run_folder):
    """The command's summary shows moves into or out of the strategic ring before lapsed
    opportunity ties, and counts what it leaves out."""
    from imssim.present.summary import ring_transitions, summarise
    from imssim.runs.folders import RunFolder

    run = RunFolder(run_folder)
    # the first state (by code) whose strategic ring moves and which has over 12 moves
    for focal in sorted(run.tables.countries["country"].unique()):
        moves = ring_transitions(run.tables.pairs, focal)
        strategic = moves[(moves.to_ring == "strategic") | (moves.from_ring == "strategic")]
        if len(strategic) >= 1 and len(moves) > 12:
            break
    assert len(strategic) >= 1
    line = next(x for x in summarise(run.tables, focal).splitlines() if x.startswith("ring moves:"))
    shown = line.removeprefix("ring moves: ").split(" ... ")[0].split("; ")
    assert all("strategic" in item for item in shown[: len(strategic)]), shown
    assert len(shown) == min(len(moves), 12)
    if len(moves) > 12:
        assert f"and {len(moves) - 12} more" in line


# --------------------------------------------------------------------------- manifests


def test_every_manifest_holds_the_common_keys_under_one_name(tmp_path):
    import re

    from imssim.runs.folders import manifest_record, write_manifest

    one = manifest_record({"status": "done"}, seed=7, overrides=["seed=7"])
    many = manifest_record(
        {"facts": 3},
        seed=[1, 2],
        config={"end_year": 2015},
        study={"method": "morris"},
        script="experiments/x.py",
        arguments={"seeds": 2},
        packages=("duckdb",),
    )
    assert list(one) == [
        "seed",
        "status",
        "overrides",
        "versions",
        "code_revision",
        "created_utc",
    ]
    assert many["seeds"] == [1, 2] and "seed" not in many
    assert many["config"] == {"end_year": 2015} and many["study"] == {"method": "morris"}
    assert many["script"] == "experiments/x.py" and many["arguments"] == {"seeds": 2}
    assert {"python", "mesa", "numpy", "duckdb"} <= set(many["versions"])
    for info in (one, many):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info["created_utc"])
        assert info["code_revision"]
    with pytest.raises(ValueError, match="common keys"):
        manifest_record({"created_utc": "now"})
    path = write_manifest(tmp_path / "manifest.json", many)
    assert json.loads(path.read_text()) == many and not list(tmp_path.glob(".*"))


def test_a_failed_run_and_a_written_run_record_the_same_keys(tmp_path, small):
    from imssim.runs.sweep import write_failed

    done = json.loads((write_run(small, tmp_path / "a") / "manifest.json").read_text())
    failed = write_failed(tmp_path / "b", "broken", small.config, "ValueError: no", {"job": 1})
    info = json.loads((failed / "manifest.json").read_text())
    assert info["status"] == "failed" and info["error"] == "ValueError: no"
    assert info["tables"] == {} and info["figures"] == [] and info["job"] == 1
    assert set(done) - {"wall_seconds"} <= set(info)
    for key in ("seed", "scenario", "policy", "focal", "versions", "code_revision"):
        assert info[key] == done[key], key


def test_summary_opens_with_the_scenario_and_counts_the_states(run_folder):
    """Given the scenario's settings, the summary opens with one line per entry (the
    whole scenario, not only its cuts), and it counts the states by what they are."""
    from imssim.present.scenario_text import scenario_lines
    from imssim.present.summary import summarise
    from imssim.runs.folders import RunFolder
    from imssim.world import load_world

    run = RunFolder(run_folder)
    world = load_world(run.config.world.data_dir)
    sc = run.config.scenario
    text = summarise(run.tables, run.config.focal, world=world, settings=sc).splitlines()
    expected = scenario_lines(sc, world=world)
    assert text[0] == f"scenario {sc.name}:"
    assert text[1 : 1 + len(expected)] == [f"  {line}" for line in expected]
    assert len(expected) == min(8, 1 + len(sc.growth_changes) + len(sc.budget_changes))
    members = int((world.nato | world.eu).sum())
    assert any(
        line.startswith(
            f"events of all {world.n_states} states ({members} NATO and EU members of 2012, "
            f"{world.n_states - members} partners)"
        )
        for line in text
    )
    assert not summarise(run.tables, run.config.focal).startswith("scenario")
