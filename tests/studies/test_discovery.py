"""Scenario discovery: PRIM finds a known box in a synthetic sweep; the box chosen from a
trajectory; the tables, summary and folder written (imssim.studies.discovery)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from imssim.errors import ImssimError
from imssim.studies.discovery.boxes import Settings, choose_step, discover
from imssim.studies.discovery.inputs import NOT_SET, outcome_columns, read_runs, varied_inputs
from imssim.studies.discovery.report import (
    BOXES_FILE,
    MANIFEST_FILE,
    SUMMARY_FILE,
    TRAJECTORY_FILE,
    Question,
    box_table,
    slug,
    write_discovery,
)


def synthetic(n: int, seed: int = 1, noise: float = 0.02) -> tuple[pd.DataFrame, np.ndarray]:
    """Inputs x1..x4 uniform on 0-1 and a scenario of three; the runs of interest are
    those with x1 > 0.6 and x2 < 0.3 (in any scenario), each flipped with `noise`."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({f"x{i}": rng.uniform(size=n) for i in range(1, 5)})
    x["scenario"] = pd.Categorical(rng.choice(["calm", "cuts", "deep"], size=n))
    inside = ((x["x1"] > 0.6) & (x["x2"] < 0.3)).to_numpy()
    return x, inside ^ (rng.uniform(size=n) < noise)


def limits_of(box) -> dict[str, object]:
    return {limit.input: limit for limit in box.limits}


@pytest.mark.slow
def test_prim_recovers_a_known_box_from_2000_runs():
    x, y = synthetic(2000)
    found = discover(x, y, Settings(threshold=0.95))
    (box,) = found.boxes
    limits = limits_of(box)
    assert {lim.input for lim in box.restrictions} == {"x1", "x2"}
    assert limits["x1"].restricted == "lower" and limits["x1"].lower == pytest.approx(0.6, abs=0.03)
    assert limits["x2"].restricted == "upper" and limits["x2"].upper == pytest.approx(0.3, abs=0.03)
    # the noise puts about 1 in 8 runs of interest outside the box: coverage tops out near 0.87
    assert box.coverage >= 0.8 and box.density >= 0.95
    assert limits["x1"].qp_lower < 1e-6 and limits["x2"].qp_upper < 1e-6
    assert limits["scenario"].restricted == "" and len(limits["scenario"].categories) == 3
    assert found.runs == 2000 and found.cases == int(y.sum())


@pytest.mark.slow
def test_prim_finds_a_categorical_box_and_a_second_box_among_the_rest():
    rng = np.random.default_rng(3)
    n = 600
    x = pd.DataFrame(
        {
            "level": rng.uniform(size=n),
            # named as ema_workbench names its own experiments' column: it must stay an input
            "scenario": pd.Categorical(rng.choice(["a", "b", "c", "d"], size=n)),
        }
    )
    b = x["scenario"] == "b"
    y = (b & (x["level"] > 0.5)) | (~b & (x["level"] < 0.15))
    found = discover(x, y.to_numpy(), Settings(threshold=0.9, boxes=2))
    first, second = (limits_of(box) for box in found.boxes)
    assert first["scenario"].categories == ("b",) and first["level"].restricted == "lower"
    assert first["level"].lower == pytest.approx(0.5, abs=0.05)
    assert second["scenario"].categories == ("a", "c", "d")
    assert second["level"].restricted == "upper"
    assert second["level"].upper == pytest.approx(0.15, abs=0.05)
    assert all(box.density >= 0.9 for box in found.boxes)
    assert sum(box.coverage for box in found.boxes) >= 0.95
    assert set(found.trajectory["box"]) == {1, 2}
    assert found.trajectory.groupby("box")["chosen"].sum().tolist() == [1, 1]


def test_the_chosen_step_has_the_most_coverage_at_the_minimum_density():
    trajectory = pd.DataFrame(
        {
            "coverage": [1.0, 0.9, 0.8, 0.8, 0.5],
            "density": [0.2, 0.6, 0.85, 0.9, 0.99],
            "res_dim": [0, 1, 2, 1, 3],
        }
    )
    assert choose_step(trajectory, 0.8) == (3, True)  # ties in coverage: fewer restrictions
    assert choose_step(trajectory, 0.95) == (4, True)
    assert choose_step(trajectory, 0.5) == (1, True)
    assert choose_step(trajectory.iloc[:2], 0.8) == (1, False)  # none: the densest


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (Settings(threshold=0.0), "--threshold"),
        (Settings(threshold=1.5), "--threshold"),
        (Settings(peel_alpha=1.0), "--peel-alpha"),
        (Settings(mass_min=-0.1), "--mass-min"),
        (Settings(boxes=0), "--boxes"),
    ],
)
def test_settings_out_of_range_are_refused(settings, words):
    with pytest.raises(ImssimError, match=words):
        settings.check()


def test_a_slug_names_the_condition():
    assert slug("worst_shortfall_pct > 30") == "worst_shortfall_pct-gt-30"
    assert slug("n_strategic_diff < 0") == "n_strategic_diff-lt-0"
    assert slug("a >= 1 & b != 2") == "a-ge-1-and-b-ne-2"
    assert slug("***") == "condition"


def test_the_folder_is_written_whole_and_never_over_another(tmp_path):
    x, y = synthetic(300, noise=0.0)
    found = discover(x, y, Settings())
    question = Question("x1 > 0.6", ("x1",), tmp_path / "runs.parquet", 300, 0, 0, Settings())
    first = write_discovery(tmp_path / "d", question, found, 0.5, {"where": "x1 > 0.6"})
    second = write_discovery(tmp_path / "d", question, found, 0.5, {"where": "x1 > 0.6"})
    assert (first.name, second.name) == ("d", "d-2")
    names = {p.name for p in first.iterdir()}
    assert names == {BOXES_FILE, TRAJECTORY_FILE, SUMMARY_FILE, MANIFEST_FILE, "tradeoff.png"}
    table = pd.read_csv(first / BOXES_FILE)
    assert list(table["input"]) == ["x1", "x2", "x3", "x4", "scenario"]
    assert list(table.columns) == list(box_table(found).columns)
    assert table["coverage"].iloc[0] == pytest.approx(found.boxes[0].coverage)
    assert table.loc[table["input"] == "x1", "restricted"].item() == "lower"
    manifest = json.loads((first / MANIFEST_FILE).read_text())
    assert manifest["condition"] == "x1 > 0.6" and manifest["settings"]["threshold"] == 0.8
    assert "ema_workbench" in manifest["versions"] and manifest["code_revision"]
    assert "Box 1" in (first / SUMMARY_FILE).read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_inputs_are_the_parameters_that_vary_numeric_or_categorical(tmp_path):
    n = 6
    runs = pd.DataFrame(
        {
            "run_id": [f"r{i}" for i in range(n)],
            "scenario": pd.array(["a", "b"] * 3, dtype="string"),
            "policy": pd.array(["default"] * n, dtype="string"),  # the same in every run
            "coordinated_cuts": [True, False] * 3,
            "params.trust_gain": ["0.04", "0.16", "0.04", "0.16", "0.04", "0.16"],
            "params.drop_step": [0.1, np.nan, 0.1, 0.2, 0.1, 0.2],  # unset in one run
            "seed": range(n),
            "status": ["completed"] * (n - 1) + ["failed"],
            "worst_shortfall_pct": [10.0, 20.0, 30.0, 40.0, 50.0, np.nan],
            "capacity_to_act_index@2035": 100.0,
            "capacity_to_act_index_diff@2035": 1.0,
            "shortfall_pct_diff": np.nan,
        }
    )
    runs.to_parquet(tmp_path / "runs.parquet")  # no metadata: parameters by place
    sweep = read_runs(tmp_path / "runs.parquet")
    assert sweep.failed == 1 and len(sweep.runs) == n - 1
    assert sweep.parameters == (
        "scenario",
        "policy",
        "coordinated_cuts",
        "params.trust_gain",
        "params.drop_step",
    )
    x = varied_inputs(sweep)
    assert list(x.columns) == [
        "scenario",
        "coordinated_cuts",
        "params.trust_gain",
        "params.drop_step",
    ]
    assert x["coordinated_cuts"].dtype == "category"
    assert set(x["coordinated_cuts"]) == {"true", "false"}
    assert x["params.trust_gain"].dtype == float
    assert x["params.drop_step"].tolist() == ["0.1", NOT_SET, "0.1", "0.2", "0.1"]
    assert outcome_columns(sweep.runs) == [
        "worst_shortfall_pct",
        "capacity_to_act_index@2035",
        "capacity_to_act_index_diff@2035",
    ]
