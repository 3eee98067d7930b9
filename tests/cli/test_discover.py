"""imssim-discover as a user runs it: on a small sweep made by imssim -m, and on bad
input (one line, exit code 2, nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from imssim.cli.discover import main
from imssim.outcomes import COMPARED, DIFF, HEADLINE
from imssim.runs.sweep import RUNS_FILE


def fake_sweep(folder: Path, n: int = 200, *, vary: bool = True) -> Path:
    """A runs.parquet as collection writes it (parameters in its metadata), whose worst
    shortfall is above 30 % exactly in the deep cuts at high economic pressure."""
    rng = np.random.default_rng(5)
    scenario = rng.choice(["baseline", "deep_cuts"], size=n) if vary else ["baseline"] * n
    pressure = rng.uniform(7.5, 30, size=n) if vary else np.full(n, 15.0)
    runs = pd.DataFrame(
        {
            "run_id": [f"r{i}" for i in range(n)],
            "scenario": pd.array(scenario, dtype="string"),
            "params.economic_pressure": pressure,
            "seed": 1,
            "replicate": 0,
            "job_seed": 1,
            "status": pd.array(["completed"] * n, dtype="string"),
            "error": pd.array([""] * n, dtype="string"),
            "wall_seconds": 0.1,
        }
    )
    for key in HEADLINE:
        runs[key] = rng.uniform(size=n)
    for key in COMPARED:
        runs[key + DIFF] = np.nan  # a sweep without a counterfactual
    deep = (runs["scenario"] == "deep_cuts") & (runs["params.economic_pressure"] > 20)
    runs["worst_shortfall_pct"] = np.where(deep, 45.0, 20.0)
    folder.mkdir(parents=True, exist_ok=True)
    meta = {b"imssim": json.dumps({"parameters": ["scenario", "params.economic_pressure"]})}
    table = pa.Table.from_pandas(runs, preserve_index=False)
    pq.write_table(
        table.replace_schema_metadata({k: v.encode() for k, v in meta.items()}), folder / RUNS_FILE
    )
    return folder


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("imssim-discover: error: "), err
    return err


@pytest.mark.slow
def test_a_sweep_folder_gets_its_discovery_folder(tmp_path, capsys):
    sweep = fake_sweep(tmp_path / "sweep")
    assert main([str(sweep), "--where", "worst_shortfall_pct > 30", "--threshold", "1"]) == 0
    out = capsys.readouterr().out
    folder = sweep / "discovery" / "worst_shortfall_pct-gt-30"
    assert f"written to {folder}" in out and "scenario in {deep_cuts}" in out
    table = pd.read_csv(folder / "boxes.csv")
    limits = table.set_index("input")
    assert limits.loc["scenario", "categories"] == "deep_cuts"
    assert limits.loc["params.economic_pressure", "lower"] == pytest.approx(20, abs=1.5)
    assert table["density"].iloc[0] == 1.0 and table["coverage"].iloc[0] >= 0.9
    manifest = json.loads((folder / "discovery.json").read_text())
    assert manifest["inputs"] == ["scenario", "params.economic_pressure"]
    assert manifest["arguments"]["where"] == "worst_shortfall_pct > 30"
    assert manifest["settings"]["threshold"] == 1.0
    # the runs.parquet itself, --out, and the default minimum density: more coverage
    out_dir = tmp_path / "mine"
    command = [str(sweep / RUNS_FILE), "--where", "worst_shortfall_pct > 30", "--out", str(out_dir)]
    assert main(command) == 0
    wider = pd.read_csv(out_dir / "boxes.csv")
    assert wider["density"].iloc[0] >= 0.8 and wider["coverage"].iloc[0] == 1.0
    assert (out_dir / "tradeoff.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--where", "worst_shortfal > 0.3"], "'worst_shortfal', not an outcome column"),
        (["--where", "worst_shortfall_pct > 90"], "holds for no run of the 200"),
        (["--where", "worst_shortfall_pct > 0"], "holds for every run of the 200"),
        (["--where", "n_strategic_diff < 0"], "not an outcome column"),  # all NaN: not offered
        (["--where", "worst_shortfall_pct >"], "cannot be read"),
        (["--where", "x > 1", "--peel-alpha", "2"], "--peel-alpha"),
        (["--threshold", "0.5"], "the following arguments are required: --where"),
    ],
)
def test_a_bad_condition_or_option_is_one_line_and_exit_2(tmp_path, capsys, args, words):
    sweep = fake_sweep(tmp_path / "sweep")
    assert main([str(sweep), *args]) == 2
    assert words in one_line_error(capsys)
    assert not (sweep / "discovery").exists()


def test_the_unknown_column_message_lists_the_valid_ones(tmp_path, capsys):
    sweep = fake_sweep(tmp_path / "sweep")
    assert main([str(sweep), "--where", "shortfal > 0.3"]) == 2
    err = one_line_error(capsys)
    assert all(key in err for key in HEADLINE)


def test_bad_sweeps_are_one_line_and_exit_2(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere"), "--where", "shortfall_pct > 0"]) == 2
    assert "no such sweep folder" in one_line_error(capsys)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / RUNS_FILE).write_bytes(b"PAR1 this is not parquet")
    assert main([str(broken), "--where", "shortfall_pct > 0"]) == 2
    assert "cannot read" in one_line_error(capsys)
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty"), "--where", "shortfall_pct > 0"]) == 2
    assert "not a sweep folder" in one_line_error(capsys)
    flat = fake_sweep(tmp_path / "flat", vary=False)
    assert main([str(flat), "--where", "shortfall_pct > 0.5"]) == 2
    assert "no input varies" in one_line_error(capsys)
    assert not any(p.name == "discovery" for p in tmp_path.rglob("*"))


def imssim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_discovery_on_a_small_sweep_of_the_model(tmp_path):
    sweep_args = [
        "imssim",
        "-m",
        "scenario=baseline,deep_cuts",
        "params.economic_pressure=7.5,30",
        "catalyst=0.25,0.75",
        "seed=1",
        "end_year=2016",
        "counterfactual=none",
        "output.tables=false",
        "output.figures=false",
        f"output.root={tmp_path}",
        "sweep.name=grid",
    ]
    made = imssim(*sweep_args, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    runs = pd.read_parquet(tmp_path / "grid" / RUNS_FILE)
    assert len(runs) == 8
    cut = float(runs["worst_shortfall_pct"].median())
    where = f"worst_shortfall_pct > {cut!r}"
    found = imssim("imssim.cli.discover", str(tmp_path / "grid"), "--where", where, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert "of 8 runs where" in found.stdout and "box" in found.stdout
    (folder,) = (tmp_path / "grid" / "discovery").iterdir()
    table = pd.read_csv(folder / "boxes.csv")
    assert set(table["input"]) == {"scenario", "params.economic_pressure", "catalyst"}
    manifest = json.loads((folder / "discovery.json").read_text())
    assert manifest["runs"] == 8 and manifest["condition"] == where
    assert {"tradeoff.png", "summary.md", "trajectory.csv"} <= {p.name for p in folder.iterdir()}
