"""Shared fixtures: short runs of the default world and a small synthetic world."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from imssim import run
from imssim.model import kernels
from imssim.world import DATA_DIR

AREAS = ["armour", "surface_fleet", "combat_air", "air_transport"]
# the note's partners for specific themes, none of them in NATO or the EU (p. 13)
THEMATIC = frozenset(
    (
        "AFG",
        "BIH",
        "ARE",
        "BDI",
        "SGP",
        "KEN",
        "IND",
        "IDN",
        "ZAF",
        "GAB",
        "BRN",
        "JOR",
        "MAR",
        "VNM",
        "CHL",
    )
)


# Tests of the compiled loops: skipped where numba (the fast extra) is not installed, but
# failing under CI, which installs it, so that a broken install cannot pass by skipping.
needs_numba = pytest.mark.skipif(
    not kernels.available() and os.environ.get("CI", "").lower() != "true",
    reason="numba (the fast extra) is not installed",
)


@pytest.fixture(scope="session")
def short_run():
    """The default scenario to 2020 (shared by read-only tests)."""
    return run({"end_year": 2020})


@pytest.fixture(scope="session")
def default_run():
    """The Python defaults, 2012-2035 (no cuts: the command line's default scenario,
    austerity_2012, comes from conf/)."""
    return run()


def write_tiny_world(
    folder: Path, ties: list[tuple[str, str, str, int, int]] | None = None
) -> Path:
    """A four-state world: AAA, BBB, CCC (NATO, close together) and DDD (far away)."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {
            "area": AREAS,
            "label": [a.replace("_", " ") for a in AREAS],
            "alliance_requirement": [1.0, 1.0, 1.2, 1.3],
            "min_viable_share": [0.3, 0.3, 0.3, 0.25],
            "pooled_fleet": [0, 0, 0, 1],
            "requirement_source": "test",
            "note_passage": "test",
        }
    ).to_csv(folder / "areas.csv", index=False)
    pd.DataFrame(
        {
            "family": ["f16", "cv90"],
            "area": ["combat_air", "armour"],
            "label": ["F-16", "CV90"],
            "source": "test",
        }
    ).to_csv(folder / "equipment.csv", index=False)
    codes = ["AAA", "BBB", "CCC", "DDD"]
    pd.DataFrame(
        {
            "iso3": codes,
            "name": ["Aland", "Bland", "Cland", "Dland"],
            "region": ["west", "west", "north", "other"],
            "nato": [1, 1, 1, 0],
            "eu": [1, 1, 0, 0],
            "groups": ["benelux", "benelux", "", ""],
            "capital": ["A", "B", "C", "D"],
            "lat": [52.0, 50.8, 59.9, -1.3],
            "lon": [4.9, 4.4, 10.7, 36.8],
            "culture_atlanticism": [0.7, 0.6, 0.7, 0.3],
            "culture_expeditionary": [0.6, 0.5, 0.6, 0.3],
            "culture_integration": [0.7, 0.8, 0.4, 0.2],
            "culture_governance": [0.9, 0.8, 0.95, 0.5],
            "equipment": ["f16;cv90", "f16", "f16;cv90", ""],
            "sovereign_core": ["combat_air", "combat_air", "surface_fleet", "armour"],
            "culture_source": "test",
            "core_source": "test",
        }
    ).to_csv(folder / "states.csv", index=False)
    pd.DataFrame(
        {
            "iso3": codes,
            "armour": [2, 1, 3, 3],
            "surface_fleet": [3, 3, 4, 1],
            "combat_air": [4, 3, 3, 1],
            "air_transport": [2, 1, 2, 1],
            "source": "test",
        }
    ).to_csv(folder / "capabilities.csv", index=False)
    ties = ties if ties is not None else [("AAA", "BBB", "surface_fleet", 5, 1996)]
    pd.DataFrame(ties, columns=["a", "b", "area", "form", "since"]).assign(source="test").to_csv(
        folder / "ties_2012.csv", index=False
    )
    pd.DataFrame(
        {
            "id": ["NATO", "AIRLIFT"],
            "name": ["NATO", "Airlift pool"],
            "area": ["combat_air", "air_transport"],
            "form": [1, 3],
            "eligibility": ["nato", "nato"],
            "members": ["AAA;BBB;CCC", "AAA;BBB"],
            "since": [1949, 2010],
            "fixed": [1, 0],
            "source": "test",
        }
    ).to_csv(folder / "frameworks.csv", index=False)
    ref = pd.read_csv(DATA_DIR / "reference_2005_2017.csv")
    rows = []
    for code, donor in zip(codes, ["NLD", "BEL", "NOR", "KEN"], strict=True):
        part = ref[ref["iso3"] == donor].copy()
        part["iso3"] = code
        rows.append(part)
    pd.concat(rows).to_csv(folder / "reference_2005_2017.csv", index=False)
    return folder


@pytest.fixture
def tiny_world_dir(tmp_path: Path) -> Path:
    return write_tiny_world(tmp_path / "world")


@pytest.fixture
def broken_world(tmp_path: Path):
    """A copy of the default world data to break in a test."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _cli_config(scenario: str = "austerity_2012", policy: str = "default", **overrides):
    """A config composed from conf/ the way the command line composes it."""
    from imssim.config.compose import compose_config

    args = [f"scenario={scenario}", f"policy={policy}"]
    return compose_config(args + [f"{k}={v}" for k, v in overrides.items()])


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory):
    """One written run folder: the command line's default (austerity_2012), seed 42, with
    its counterfactual, as the command line writes it."""
    from imssim.runs.api import run_pair
    from imssim.runs.folders import write_run

    root = tmp_path_factory.mktemp("runs")
    return write_run(run_pair(_cli_config()), root)


@pytest.fixture(scope="session")
def sweep_folder(tmp_path_factory):
    """A sweep-like folder: 2 scenarios x 2 policies x 2 seeds, one job folder each."""
    from imssim.runs.folders import run_folder_name, write_run

    root = tmp_path_factory.mktemp("sweep")
    job = 0
    for scenario in ("baseline", "austerity_2012"):
        for policy in ("default", "fewer_partners_more_intensive"):
            for seed in (1, 2):
                result = run(_cli_config(scenario, policy, seed=seed, end_year=2025))
                name = f"{job:03d}_" + run_folder_name(result.config).split("_", 1)[1]
                write_run(result, root, name=name, extra={"sweep": str(root), "job": job})
                job += 1
    return root
