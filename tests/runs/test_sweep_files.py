"""A sweep job writes the same files with its shortcuts as without them: the configs
merged key by key from kept results (imssim.config.sections), config.yaml joined from
kept texts, and the columns in front of a run's dataset tables converted once."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from imssim.config import convert
from imssim.config.compose import compose_config
from imssim.config.sections import clear
from imssim.runs import folders, sweep
from imssim.runs.sweep import execute_job

JOBS = [
    ["end_year=2014", "seed=1"],
    ["end_year=2014", "seed=2"],
    ["end_year=2014", "seed=3", "scenario=deep_cuts", "params.trust_gain=0.1"],
    ["end_year=2014", "seed=3", "policy=autonomy_test", "replicates=2", "counterfactual=none"],
]
MOVING = {"created_utc", "wall_seconds", "sweep"}  # the time, and the folder written into


def _sweep(folder: Path) -> None:
    for num, overrides in enumerate(JOBS):
        execute_job(compose_config(overrides), overrides, folder, num, say=lambda _: None)


def _without_shortcuts(patch) -> None:
    original = sweep.with_columns
    patch.setattr(convert, "by_section", lambda _: None)
    patch.setattr(folders, "config_yaml", convert._dump)
    patch.setattr(sweep, "config_yaml", convert._dump)
    patch.setattr(sweep, "with_columns", lambda *args: original(*args[:4]))


def _steady(info):
    """A manifest without what moves from one writing to the next."""
    if isinstance(info, dict):
        return {k: _steady(v) for k, v in info.items() if k not in MOVING}
    if isinstance(info, list):
        return [_steady(v) for v in info]
    return info


@pytest.mark.slow
def test_a_sweep_writes_the_same_files_with_its_shortcuts_as_without(tmp_path, monkeypatch):
    clear()
    _sweep(tmp_path / "quick")
    with monkeypatch.context() as patch:
        _without_shortcuts(patch)
        _sweep(tmp_path / "plain")
    quick, plain = tmp_path / "quick", tmp_path / "plain"
    files = sorted(p.relative_to(quick) for p in quick.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(plain) for p in plain.rglob("*") if p.is_file())
    assert len([f for f in files if f.parts[0] == sweep.TABLES_DIR]) == 5 * 6
    for name in files:
        a, b = quick / name, plain / name
        if name.parts[0] == sweep.TABLES_DIR or name.suffix == ".yaml":
            assert a.read_bytes() == b.read_bytes(), name  # byte for byte
        elif name.suffix == ".json":
            assert _steady(json.loads(a.read_text())) == _steady(json.loads(b.read_text()))
        else:  # a run's table: its values and types, and its manifest in its metadata
            ta, tb = pq.read_table(a), pq.read_table(b)
            assert ta.equals(tb), name
            ma, mb = ta.schema.metadata, tb.schema.metadata
            assert set(ma) == set(mb) and ma[b"pandas"] == mb[b"pandas"]
            assert _steady(json.loads(ma[b"imssim"])) == _steady(json.loads(mb[b"imssim"]))
